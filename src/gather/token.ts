// Where cloudflared's TUNNEL_TOKEN comes from, and whether it decodes, without keeping it: the Compose
// file (`--token` in the command, `environment:` as a list or a map, `${TUNNEL_TOKEN}` interpolation,
// `env_file:`), `.env`, and this process's own environment (standing in for the shell that runs Compose).
// Only the verdict (TokenInfo) leaves this file; the value is dropped here.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { isMap, isScalar, isSeq, isPair } from 'yaml';
import type { Snapshot, TokenInfo } from '../snapshot/types.js';
import { emptySnapshot } from '../snapshot/types.js';
import { composeModel, serviceFor, type ComposeService } from '../analyze/compose-model.js';
import { lineOf } from '../analyze/yaml-source.js';
import { inspectTunnelToken } from '../snapshot/tunnel-token.js';
import { rememberTunnelToken } from '../snapshot/redact.js';
import { commandWords, flagValue } from '../analyze/compose-command.js';
import { interpolate, parseDotenv, type DotenvEntry } from './dotenv.js';

const NAME = 'TUNNEL_TOKEN';

export interface TokenSources {
  composePath: string;
  composeText: string;
  /** `.env` beside the Compose file (for interpolation and pass-through), raw. */
  dotenv?: { path: string; text: string };
  /** `env_file:` files by the path written in the Compose file, raw (absent when unreadable). */
  envFiles: Record<string, string | undefined>;
  env: Record<string, string | undefined>;
}

function envFilePaths(svc: ComposeService): string[] {
  const node = svc.node.get('env_file', true);
  const items = isSeq(node) ? node.items : node ? [node] : [];
  return items
    .map((i) => (isScalar(i) ? String(i.value) : isMap(i) ? String(i.get('path') ?? '') : ''))
    .filter(Boolean);
}

function verdict(value: string, info: TokenInfo): TokenInfo {
  rememberTunnelToken(value); // in memory only: hidden wherever it, or its secret, turns up
  const v = inspectTunnelToken(value);
  return { ...info, present: v.problem !== 'empty', ...(v.problem ? { problem: v.problem, detail: v.detail } : {}) };
}

/** A value in a .env-style file: an opening quote never closed never reaches cloudflared at all. */
function entryVerdict(entry: DotenvEntry, info: TokenInfo): TokenInfo {
  if (!entry.unterminated) return verdict(entry.value, info);
  rememberTunnelToken(entry.value);
  const q = entry.value.trimStart()[0] === "'" ? 'single' : 'double';
  return { ...info, present: true, problem: 'unclosed-quote', detail: `an opening ${q} quote that is never closed` };
}

/** Pure: the token cloudflared would get, judged. Undefined when there is no cloudflared service. */
export function locateTunnelToken(src: TokenSources): TokenInfo | undefined {
  const probe = emptySnapshot({ files: { [src.composePath]: { text: src.composeText } }, deployment: { kind: 'compose', how: '', paths: { compose: src.composePath } } });
  const model = composeModel(probe);
  const svc = serviceFor(model, 'cloudflared');
  if (!model || !svc) return undefined;
  const dotenv = src.dotenv ? parseDotenv(src.dotenv.text) : new Map<string, DotenvEntry>();
  const lookup = (name: string) => src.env[name] ?? dotenv.get(name)?.value;
  const file = src.composePath;

  // From the shell, else .env: what `- TUNNEL_TOKEN` and `${TUNNEL_TOKEN}` resolve to.
  const fromEnvironment = (line: number | undefined, how: string): TokenInfo | undefined => {
    if (src.env[NAME] !== undefined) return verdict(src.env[NAME]!, { present: true, source: `this shell's environment (${how} in ${file})`, file, ...(line ? { line } : {}), fromShell: true });
    const entry = dotenv.get(NAME);
    if (entry && src.dotenv) return entryVerdict(entry, { present: true, source: `${src.dotenv.path} (${how} in ${file})`, file: src.dotenv.path, line: entry.line });
    return undefined;
  };

  // 1. `--token VALUE` / `--token=VALUE` in the command.
  const words = commandWords(svc);
  const commandLine = lineOf(model.yaml, svc.node.get('command', true));
  const tokenArg = flagValue(words, '--token');
  if (tokenArg !== undefined) {
    const r = interpolate(tokenArg, lookup);
    return verdict(r.value, { present: true, source: `--token in the cloudflared command (${file})`, file, ...(commandLine ? { line: commandLine } : {}), ...(r.refs.length ? { fromShell: true } : {}) });
  }
  if (words.some((w) => w === '--token-file' || w.startsWith('--token-file='))) return { present: true, source: `--token-file in the cloudflared command (${file})`, file };

  // 2. `environment:` as a list or a map.
  const envNode = svc.node.get('environment', true);
  let declared: { line?: number; how: string; value?: string } | undefined;
  if (isSeq(envNode)) {
    for (const item of envNode.items) {
      if (!isScalar(item)) continue;
      const text = String(item.value);
      const eq = text.indexOf('=');
      const key = eq < 0 ? text : text.slice(0, eq);
      if (key.trim() === 'TUNNEL_TOKEN_FILE') return { present: true, source: `TUNNEL_TOKEN_FILE in ${file}`, file };
      if (key.trim() !== NAME) continue;
      declared = { line: lineOf(model.yaml, item), how: eq < 0 ? '`- TUNNEL_TOKEN` with no value' : '`- TUNNEL_TOKEN=…`', ...(eq < 0 ? {} : { value: text.slice(eq + 1) }) };
    }
  } else if (isMap(envNode)) {
    for (const pair of envNode.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (key === 'TUNNEL_TOKEN_FILE') return { present: true, source: `TUNNEL_TOKEN_FILE in ${file}`, file };
      if (key !== NAME) continue;
      const v = isScalar(pair.value) ? pair.value.value : undefined;
      declared = { line: lineOf(model.yaml, pair.key), how: v === null || v === undefined ? '`TUNNEL_TOKEN:` with no value' : '`TUNNEL_TOKEN: …`', ...(v === null || v === undefined ? {} : { value: String(v) }) };
    }
  }
  if (declared?.value !== undefined) {
    const r = interpolate(declared.value, lookup);
    const base = { source: `${file} (cloudflared environment)`, file, ...(declared.line ? { line: declared.line } : {}) };
    if (r.refs.includes(NAME)) {
      const found = fromEnvironment(declared.line, '`${TUNNEL_TOKEN}`');
      if (found && r.value === lookup(NAME)) return found;
      if (r.value === '') return { present: false, problem: 'empty', detail: `${file} sets TUNNEL_TOKEN from \${TUNNEL_TOKEN}, which is unset here, so Compose passes an empty value`, ...base, fromShell: true, lookedIn: lookedIn(file, src) };
    }
    return verdict(r.value, { present: true, ...base, ...(r.refs.length ? { fromShell: true } : {}) });
  }
  if (declared) {
    const found = fromEnvironment(declared.line, declared.how);
    if (found) return found;
  }

  // 3. `env_file:` files (environment: wins over them when it resolves).
  for (const path of envFilePaths(svc)) {
    const text = src.envFiles[path];
    const entry = text !== undefined ? parseDotenv(text).get(NAME) : undefined;
    if (entry) return entryVerdict(entry, { present: true, source: `${path} (env_file of cloudflared)`, file: path, line: entry.line });
  }
  return {
    present: false,
    source: declared ? `${file}: ${declared.how}` : `${file}: cloudflared has no TUNNEL_TOKEN`,
    file,
    ...(declared?.line ? { line: declared.line } : {}),
    fromShell: Boolean(declared),
    lookedIn: lookedIn(file, src, envFilePaths(svc)),
  };
}

function lookedIn(file: string, src: TokenSources, envFiles: string[] = []): string[] {
  return [`${file} (cloudflared command and environment)`, ...envFiles, src.dotenv?.path ?? '.env (absent)', "this shell's environment"];
}

async function readRaw(abs: string): Promise<string | undefined> {
  try {
    return await readFile(abs, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads the raw files again (the snapshot's copies are redacted) and judges the token. */
export async function gatherTunnelToken(dir: string, paths: Snapshot['deployment']['paths'], env: Record<string, string | undefined>): Promise<TokenInfo | undefined> {
  const composePath = paths.compose;
  if (!composePath) return undefined;
  const abs = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  const composeText = await readRaw(abs(composePath));
  if (composeText === undefined) return undefined;
  const dotenvPath = paths.env ?? '.env';
  const dotenvText = await readRaw(abs(dotenvPath));
  const probe = emptySnapshot({ files: { [composePath]: { text: composeText } }, deployment: { kind: 'compose', how: '', paths: { compose: composePath } } });
  const svc = serviceFor(composeModel(probe), 'cloudflared');
  const envFiles: Record<string, string | undefined> = {};
  for (const p of svc ? envFilePaths(svc) : []) envFiles[p] = await readRaw(abs(p));
  return locateTunnelToken({ composePath, composeText, ...(dotenvText !== undefined ? { dotenv: { path: dotenvPath, text: dotenvText } } : {}), envFiles, env });
}
