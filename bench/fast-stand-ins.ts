// The benches' stand-ins: the same rules as test/stand-ins/stand-in.mjs, compiled into one dash script per
// tool (a `case` over the arguments, then sleep, then cat of the recorded output). The node stand-in costs
// about 0.1 s of CPU per call to start; 600 of them on two cores measure node's start-up, not the product.
// A real kubectl or docker costs its own CPU too, so the benches say which stand-ins they used.
// Matching: exact and prefix as the node stand-in; 'contains' needs the rule's arguments in argv order
// (every rule the deployment scenarios build lists them so). `once` and `hang` are not supported.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rule, StandInTool } from '../test/helpers/stand-ins.js';

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

export async function fastStandIns(rules: Rule[], tools: StandInTool[] = ['docker', 'docker-compose', 'kubectl', 'helm'], base = tmpdir()): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(join(base, 'mtt-fast-standin-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  const cases: Record<string, string[]> = {};
  for (const [i, rule] of rules.entries()) {
    if (rule.once || rule.hang || rule.stdoutFile || rule.stderrFile) throw new Error('fast stand-ins do not support once, hang or output files');
    const body: string[] = [];
    if (rule.sleepMs) body.push(`/bin/sleep ${(rule.sleepMs / 1000).toFixed(3)}`);
    if (rule.stdout) {
      await writeFile(join(dir, `out-${i}`), rule.stdout);
      body.push(`/bin/cat ${quote(join(dir, `out-${i}`))}`);
    }
    if (rule.stderr) {
      await writeFile(join(dir, `err-${i}`), rule.stderr);
      body.push(`/bin/cat ${quote(join(dir, `err-${i}`))} >&2`);
    }
    body.push(`exit ${rule.exitCode ?? 0}`);
    (cases[rule.tool] ??= []).push(`  ${pattern(rule)}) ${body.join('; ')};;`);
  }
  for (const tool of tools) {
    const script = [
      '#!/bin/dash',
      `s=''; for a in "$@"; do s="$s${OPEN}$a${CLOSE}"; done`,
      'case "$s" in',
      ...(cases[tool] ?? []),
      `  *) echo "${tool} stand-in: no rule for: $*" >&2; exit 1;;`,
      'esac',
      '',
    ].join('\n');
    await writeFile(join(bin, tool), script, { mode: 0o755 });
  }
  return { dir, env: { PATH: bin } };
}
