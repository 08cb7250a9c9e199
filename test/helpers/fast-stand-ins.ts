// Stand-ins for many calls: the same rules as test/stand-ins/stand-in.mjs, compiled into one dash script
// per tool (a `case` over the arguments, then sleep, then cat of the recorded output). The node stand-in
// costs about 0.1 s of CPU per call to start; 600 of them on two cores measure node's start-up, not the
// product (the benches say which stand-ins they used), and tests that run many calls through a small pool
// stay quick and far from their timeouts on a busy machine.
// Matching: exact and prefix as the node stand-in; 'contains' needs the rule's arguments in argv order
// (every rule the deployment scenarios build lists them so). `once` and `hang` are not supported. Like the
// real tools (and the other stand-ins), `logs … --tail N` prints only the last N lines.
// With `record`, each call appends `<pid> start|end <ms>` to calls.log (see `spans`).
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rule, StandInTool } from './stand-ins.js';

const OPEN = '\u0001';
const CLOSE = '\u0002';
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const arg = (a: string) => quote(`${OPEN}${a}${CLOSE}`);

function pattern(rule: Rule): string {
  const args = rule.args ?? [];
  switch (rule.match ?? 'exact') {
    case 'exact':
      return args.length ? args.map(arg).join('') : "''";
    case 'prefix':
      return `${args.map(arg).join('')}*`;
    case 'contains':
      return `*${args.map(arg).join('*')}*`;
  }
}

export interface FastStandIns {
  dir: string;
  env: Record<string, string>;
  /** With `record`: each call's start and end (ms), by pid. */
  spans(): Promise<{ pid: number; at: number; endedAt?: number }[]>;
}

export async function fastStandIns(
  rules: Rule[],
  opts: { tools?: StandInTool[]; base?: string; record?: boolean } = {},
): Promise<FastStandIns> {
  const tools = opts.tools ?? ['docker', 'docker-compose', 'kubectl', 'helm'];
  const dir = await mkdtemp(join(opts.base ?? tmpdir(), 'mtt-fast-standin-'));
  const log = join(dir, 'calls.log');
  const mark = (what: string) => (opts.record ? [`echo "$$ ${what} $(/bin/date +%s%3N)" >> ${quote(log)}`] : []);
  const bin = join(dir, 'bin');
  await mkdir(bin);
  const cases: Record<string, string[]> = {};
  for (const [i, rule] of rules.entries()) {
    if (rule.once || rule.hang || rule.stdoutFile || rule.stderrFile) throw new Error('fast stand-ins do not support once, hang or output files');
    const body: string[] = [...mark('start')];
    if (rule.sleepMs) body.push(`/bin/sleep ${(rule.sleepMs / 1000).toFixed(3)}`);
    if (rule.stdout) {
      await writeFile(join(dir, `out-${i}`), rule.stdout);
      body.push(`out ${quote(join(dir, `out-${i}`))}`);
    }
    if (rule.stderr) {
      await writeFile(join(dir, `err-${i}`), rule.stderr);
      body.push(`out ${quote(join(dir, `err-${i}`))} >&2`);
    }
    body.push(...mark('end'), `exit ${rule.exitCode ?? 0}`);
    (cases[rule.tool] ??= []).push(`  ${pattern(rule)}) ${body.join('; ')};;`);
  }
  for (const tool of tools) {
    const script = [
      '#!/bin/dash',
      `s=''; for a in "$@"; do s="$s${OPEN}$a${CLOSE}"; done`,
      // `logs … --tail N` (docker, kubectl): only the last N lines, as the real tools print.
      `tail=''; case "$s" in *${OPEN}logs${CLOSE}*) prev=''; for a in "$@"; do [ "$prev" = --tail ] && tail=$a; prev=$a; done;; esac`,
      `out() { if [ -n "$tail" ]; then /usr/bin/tail -n "$tail" "$1"; else /bin/cat "$1"; fi; }`,
      'case "$s" in',
      ...(cases[tool] ?? []),
      `  *) echo "${tool} stand-in: no rule for: $*" >&2; exit 1;;`,
      'esac',
      '',
    ].join('\n');
    await writeFile(join(bin, tool), script, { mode: 0o755 });
  }
  await writeFile(log, '');
  return {
    dir,
    env: { PATH: bin },
    async spans() {
      const byPid = new Map<number, { pid: number; at: number; endedAt?: number }>();
      for (const line of (await readFile(log, 'utf8')).split('\n').filter(Boolean)) {
        const [pid, what, ms] = line.split(' ');
        const span = byPid.get(Number(pid)) ?? { pid: Number(pid), at: Number(ms) };
        if (what === 'end') span.endedAt = Number(ms);
        byPid.set(Number(pid), span);
      }
      return [...byPid.values()];
    },
  };
}
