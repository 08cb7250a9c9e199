// A TUNNEL_TOKEN in .env wrapped in extra quotes or padded with spaces or line breaks reaches cloudflared as
// part of the value. Rewrites its line as `TUNNEL_TOKEN=<token>`, then recreates cloudflared (it reads its
// environment when created). The token is read from .env only when the fix runs, checked to decode, and
// never shown: the plan, its diff and every message carry `[REDACTED]` in its place.
import type { Snapshot } from '../snapshot/types.js';
import { composeModel, serviceFor } from '../analyze/compose-model.js';
import { redact, REDACTED } from '../snapshot/redact.js';
import { inspectTunnelToken } from '../snapshot/tunnel-token.js';
import { unifiedDiff } from './describe.js';
import { recreateCloudflaredStep } from './cloudflared-ingress.js';
import { isServiceName, nothingToDo, planOf } from './plan-kit.js';
import type { EditStep, Fix } from './types.js';

const LINE = /^(\s*(?:export\s+)?TUNNEL_TOKEN\s*=)(.*)$/;
const QUOTE = /^(["'\u201c\u201d\u2018\u2019`])([\s\S]*)(["'\u201c\u201d\u2018\u2019`])$/;
/** A quote at one end only (opened and never closed, or the other one lost): base64 has none. */
const LONE_QUOTE = /^["'\u201c\u201d\u2018\u2019`]+|["'\u201c\u201d\u2018\u2019`]+$/g;

interface TokenLines {
  /** 0-based index of the first and last line the value spans (a quoted value may run over lines). */
  first: number;
  last: number;
  prefix: string;
  value: string;
}

/** The last TUNNEL_TOKEN assignment (the one Compose uses), with a quoted value followed over lines. */
function findToken(lines: readonly string[]): TokenLines | undefined {
  let found: TokenLines | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = LINE.exec(lines[i]!.replace(/\r$/, ''));
    if (!m) continue;
    let value = m[2]!;
    let last = i;
    const q = value.trimStart()[0];
    if (q === '"' || q === "'") {
      const body = () => value.trimStart().slice(1);
      while (!body().includes(q) && last + 1 < lines.length) value += `\n${lines[++last]!.replace(/\r$/, '')}`;
      // Never closed: the value is its own line (the lines after it are other variables, not the token).
      if (!body().includes(q)) {
        value = m[2]!;
        last = i;
      }
    }
    found = { first: i, last, prefix: m[1]!, value };
    i = last;
  }
  return found;
}

/** The value without the quotes and whitespace that do not belong to a token (base64 has neither). */
export function cleanToken(value: string): string {
  let v = value.trim();
  for (let m = QUOTE.exec(v); m; m = QUOTE.exec(v)) v = m[2]!.trim();
  return v.replace(LONE_QUOTE, '').replace(/\s+/g, '');
}

/** Rewrites the TUNNEL_TOKEN line(s); `check` refuses a result that still does not decode. */
export function unquoteToken(text: string, check: boolean): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split('\n');
  const t = findToken(lines);
  if (!t) throw new Error('.env has no TUNNEL_TOKEN line any more');
  const clean = cleanToken(t.value);
  if (check) {
    const verdict = inspectTunnelToken(clean);
    if (verdict.problem) throw new Error(`without its quotes and spaces the token still does not decode (${verdict.detail}); copy it again from the tunnel's page`);
  }
  const ending = lines[t.last]!.endsWith('\r') ? '\r' : '';
  const next = `${t.prefix.replace(/\s*=$/, '=').replace(/^\s+/, '')}${clean}${ending}`;
  return [...lines.slice(0, t.first), next, ...lines.slice(t.last + 1)].join('\n').replace(/\r?\n/g, eol);
}

/** Hides the token whatever redact() makes of it: every run of token characters on its line(s). */
export function maskToken(text: string): string {
  const lines = redact(text).split('\n');
  const t = findToken(lines);
  if (!t) return lines.join('\n');
  const masked = t.value.replace(/[^\s"'\u201c\u201d\u2018\u2019`]+/g, REDACTED).replace(new RegExp(`(${REDACTED.replace(/[[\]]/g, '\\$&')})+`, 'g'), REDACTED);
  const out = `${t.prefix}${masked}`.split('\n');
  const ending = (i: number) => (lines[t.first + i]?.endsWith('\r') ? '\r' : '');
  return [...lines.slice(0, t.first), ...out.map((l, i) => l.replace(/\r$/, '') + ending(i)), ...lines.slice(t.last + 1)].join('\n');
}

export const envTokenUnquote: Fix = {
  id: 'env-token-unquote',
  title: 'Take the quotes and spaces off TUNNEL_TOKEN in .env, then recreate cloudflared',
  kind: 'edit',
  findings: ['edge.token-malformed'],
  plan(s: Snapshot, data) {
    if (s.deployment.kind !== 'compose') return undefined;
    const path = (typeof data?.file === 'string' && !/ya?ml$/.test(data.file) ? data.file : undefined) ?? s.deployment.paths.env ?? '.env';
    const text = s.files[path]?.text;
    const cf = serviceFor(composeModel(s), 'cloudflared');
    if (text === undefined || !cf || !isServiceName(cf.name)) return undefined;
    const before = maskToken(text);
    const token = findToken(before.split('\n'));
    if (!token) return undefined;
    const after = maskToken(unquoteToken(before, false));
    if (after === before) return nothingToDo(this, `TUNNEL_TOKEN in ${path} has no quotes or spaces around it`);
    const edit: EditStep = {
      kind: 'edit',
      path,
      before,
      after,
      diff: unifiedDiff(path, before, after),
      why: 'Compose passes the quotes and spaces on as part of the value; the token is checked to decode before the file is written',
      transform: (real) => unquoteToken(real, true),
      mask: maskToken,
      secret: true,
    };
    return planOf(this, [edit, recreateCloudflaredStep(s, cf.name, 'cloudflared reads its environment when it is created: a restart keeps the old value')]);
  },
};
