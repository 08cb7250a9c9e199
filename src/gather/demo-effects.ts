// In the demo, fixes' commands are shown, not run. What they would have done is kept in a journal inside the
// demo's temp copy, and every later gather of the demo replays it over the recorded state: a chmod changes
// the key's mode, a restart starts a new run (the recorded lines become history), a deleted Job is gone.
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogSource, Snapshot } from '../snapshot/types.js';
import { composeModel, serviceFor } from '../analyze/compose-model.js';

export const DEMO_JOURNAL = '.mcp-tunnel-triage-demo-effects.jsonl';

export interface DemoEffect {
  argv: string[];
  at: string;
}

export async function recordDemoEffect(dir: string, argv: readonly string[], at = new Date()): Promise<void> {
  await appendFile(join(dir, DEMO_JOURNAL), `${JSON.stringify({ argv, at: at.toISOString() })}\n`);
}

export async function readDemoEffects(dir: string): Promise<DemoEffect[]> {
  const text = await readFile(join(dir, DEMO_JOURNAL), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DemoEffect);
}

const COMPOSE_OPTIONS_WITH_VALUE = new Set(['-f', '--file', '-p', '--project-name', '--profile', '--env-file', '--project-directory']);

/** `docker compose [opts] SUB [flags] services...` -> SUB and its positional arguments. */
export function composeCall(argv: readonly string[]): { sub: string; args: string[] } | undefined {
  const start = argv[0] === 'docker-compose' ? 1 : argv[0] === 'docker' && argv[1] === 'compose' ? 2 : -1;
  if (start < 0) return undefined;
  let sub: string | undefined;
  const args: string[] = [];
  for (let i = start; i < argv.length; i++) {
    const token = argv[i]!;
    if (!sub && COMPOSE_OPTIONS_WITH_VALUE.has(token)) i++;
    else if (token.startsWith('-')) continue;
    else if (!sub) sub = token;
    else args.push(token);
  }
  return sub ? { sub, args } : undefined;
}

function sourceOfService(s: Snapshot, service: string): LogSource | undefined {
  const model = composeModel(s);
  for (const role of ['cloudflared', 'mcp-proxy', 'setup'] as const) {
    if ((serviceFor(model, role)?.name ?? role) === service) return role;
  }
  return undefined;
}

/**
 * A new run from `at`. `restart` keeps the container and its log (the recorded lines are then history to
 * the analysis, as on a real host); a recreated container (`up`, a rolled pod) starts with an empty log.
 */
function freshStart(s: Snapshot, source: LogSource, service: string, at: string, keepLog: boolean): void {
  const kept = s.logs[source];
  s.logs[source] = keepLog && kept
    ? { ...kept, origin: `${kept.origin ?? 'recorded'}; demo: ${service} was restarted by a fix at ${at}, nothing was recorded after that` }
    : { text: '', origin: `demo: ${service} was recreated by a fix; nothing was recorded after that` };
  for (const c of s.state.containers ?? []) {
    if (c.service !== service) continue;
    Object.assign(c, { state: 'running', status: 'Up 1 second', startedAt: at, restartCount: 0 });
    delete c.exitCode;
    delete c.reason;
  }
}

/** `chmod 644` or `chmod o+x` applied to a mode. */
export function chmodMode(mode: number, spec: string): number {
  if (/^[0-7]{3,4}$/.test(spec)) return (mode & ~0o7777) | parseInt(spec, 8);
  const m = /^([ugoa]*)([+-])([rwx]+)$/.exec(spec);
  if (!m) return mode;
  const who = (m[1] || 'a').replace('a', 'ugo');
  const perm = [...m[3]!].reduce((acc, p) => acc | { r: 4, w: 2, x: 1 }[p as 'r' | 'w' | 'x'], 0);
  let bits = 0;
  for (const w of new Set(who)) bits |= perm << { u: 6, g: 3, o: 0 }[w as 'u' | 'g' | 'o'];
  return m[2] === '+' ? mode | bits : mode & ~bits;
}

/** Whether the demo can show what this command would have changed (else verify cannot tell). */
export function simulatable(argv: readonly string[]): boolean {
  const [tool, a1] = argv;
  const compose = composeCall(argv);
  if (compose) return compose.sub === 'restart' || compose.sub === 'up';
  return tool === 'chmod' || tool === 'chown' || (tool === 'helm' && (a1 === 'upgrade' || a1 === 'uninstall')) || (tool === 'kubectl' && argv.includes('delete') && argv.includes('job'));
}

/** Replays the journal over a demo snapshot (mutates it). */
export function applyDemoEffects(s: Snapshot, effects: readonly DemoEffect[]): void {
  for (const { argv, at } of effects) {
    const [tool, a1, a2] = argv;
    if (tool === 'chmod' && a1 && a2) {
      const meta = s.files[a2]?.meta;
      if (meta) meta.mode = chmodMode(meta.mode, a1);
      // A folder: its mode is kept on the files in it.
      for (const [path, file] of Object.entries(s.files)) {
        if (file.dirMeta && (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.') === a2) file.dirMeta.mode = chmodMode(file.dirMeta.mode, a1);
      }
      continue;
    }
    if (tool === 'chown' && a1 && a2) {
      const meta = s.files[a2]?.meta;
      const [uid, gid] = a1.split(':');
      if (meta && /^\d+$/.test(uid ?? '')) meta.uid = Number(uid);
      if (meta && /^\d+$/.test(gid ?? '')) meta.gid = Number(gid);
      continue;
    }
    const compose = composeCall(argv);
    if (compose && (compose.sub === 'restart' || compose.sub === 'up')) {
      for (const service of compose.args) {
        const source = sourceOfService(s, service);
        if (source) freshStart(s, source, service, at, compose.sub === 'restart');
      }
      continue;
    }
    if (tool === 'helm' && a1 === 'upgrade') {
      for (const source of ['mcp-proxy', 'cloudflared'] as const) freshStart(s, source, source, at, false);
      continue;
    }
    if (tool === 'helm' && a1 === 'uninstall' && s.state.kube) delete s.state.kube.helm;
    const job = argv.indexOf('job');
    if (tool === 'kubectl' && argv.includes('delete') && job > 0 && s.state.kube?.jobs) {
      s.state.kube.jobs = s.state.kube.jobs.filter((j) => j.name !== argv[job + 1]);
    }
  }
}
