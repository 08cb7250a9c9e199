// The benches' cheapest stand-ins (bench/stand-in.c, compiled here when `cc` is on PATH): the rules as a
// flat file, one symlink per tool to one small binary. A call costs about a millisecond of CPU, so a bench
// of 600 calls measures the product and the time each call sleeps, not the stand-ins starting.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rule, StandInTool } from '../test/helpers/stand-ins.js';

const SOURCE = fileURLToPath(new URL('./stand-in.c', import.meta.url));

/** Compiles the stand-in into `dir`; undefined when there is no C compiler. */
export function compileStandIn(dir: string): string | undefined {
  const out = join(dir, 'stand-in');
  try {
    execFileSync('cc', ['-O2', '-o', out, SOURCE], { stdio: 'ignore' });
    return out;
  } catch {
    return undefined;
  }
}

export async function nativeStandIns(binary: string, rules: Rule[], base: string, tools: StandInTool[] = ['docker', 'docker-compose', 'kubectl', 'helm']): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(join(base, 'mtt-native-standin-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  const lines: string[] = [];
  for (const [i, r] of rules.entries()) {
    if (r.once || r.hang || r.stdoutFile || r.stderrFile) throw new Error('native stand-ins do not support once, hang or output files');
    const out = r.stdout ? join(dir, `out-${i}`) : '';
    const err = r.stderr ? join(dir, `err-${i}`) : '';
    if (out) await writeFile(out, r.stdout!);
    if (err) await writeFile(err, r.stderr!);
    const fields = [r.tool, r.match ?? 'exact', String(r.sleepMs ?? 0), String(r.exitCode ?? 0), out, err, (r.args ?? []).join('\u001f')];
    if (fields.some((f) => f.includes('\n') || f.includes('\u001e'))) throw new Error(`a rule field holds a newline: ${fields.join(' ')}`);
    lines.push(fields.join('\u001e'));
  }
  const rulesFile = join(dir, 'rules');
  await writeFile(rulesFile, `${lines.join('\n')}\n`);
  for (const tool of tools) await symlink(binary, join(bin, tool));
  return { dir, env: { PATH: bin, MTT_RULES: rulesFile } };
}
