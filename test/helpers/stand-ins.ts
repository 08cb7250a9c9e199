// Scenarios for the stand-in docker / docker-compose / kubectl / helm (test/stand-ins/stand-in.mjs).
// `env` puts only the stand-ins on PATH, so a real docker or kubectl on the machine is never reached and a
// tool left out of `tools` is genuinely missing.
import { mkdtemp, writeFile, readFile, rm, symlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type StandInTool = 'docker' | 'docker-compose' | 'kubectl' | 'helm';

export interface Rule {
  tool: StandInTool;
  args?: string[];
  match?: 'exact' | 'prefix' | 'contains';
  stdout?: string;
  stdoutFile?: string;
  stderr?: string;
  stderrFile?: string;
  exitCode?: number;
  sleepMs?: number;
  hang?: boolean;
  once?: boolean;
  /** Print this file of the scenario folder and follow it (`tail -f`) until killed. */
  followFile?: string;
  followStream?: 'stdout' | 'stderr';
}

export interface Call {
  tool: StandInTool;
  args: string[];
  cwd: string;
  at: number;
  /** The stand-in's own process (to check that nothing was left running). */
  pid: number;
  /** When it ended (absent while it runs, or when it was killed). */
  endedAt?: number;
}

export interface Scenario {
  dir: string;
  /** Environment for the product: PATH with only the stand-ins (and `passthrough` tools). */
  env: Record<string, string>;
  calls(): Promise<Call[]>;
  /** Replaces the rules (between two runs of the product). */
  setRules(rules: Rule[], fallback?: Rule): Promise<void>;
  cleanup(): Promise<void>;
}

const STAND_IN = fileURLToPath(new URL('../stand-ins/stand-in.mjs', import.meta.url));

export async function makeScenario(
  rules: Rule[],
  opts: { tools?: StandInTool[]; passthrough?: string[]; fallback?: Rule; files?: Record<string, string> } = {},
): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), 'mtt-standin-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  for (const tool of opts.tools ?? ['docker', 'kubectl', 'helm']) {
    await writeFile(join(bin, tool), `#!/bin/sh\nexec '${process.execPath}' '${STAND_IN}' ${tool} "$@"\n`, { mode: 0o755 });
  }
  for (const name of opts.passthrough ?? []) await symlink(`/usr/bin/${name}`, join(bin, name));
  for (const [name, text] of Object.entries(opts.files ?? {})) await writeFile(join(dir, name), text);
  const setRules = async (r: Rule[], fallback?: Rule) => {
    await writeFile(join(dir, 'scenario.json'), JSON.stringify({ rules: r, ...(fallback ? { fallback } : {}) }, null, 2));
    await rm(join(dir, 'used'), { recursive: true, force: true });
  };
  await setRules(rules, opts.fallback);
  await writeFile(join(dir, 'calls.jsonl'), '');
  await writeFile(join(dir, 'ends.jsonl'), '');
  return {
    dir,
    env: { PATH: bin, MTT_STANDIN_SCENARIO: dir },
    async calls() {
      const text = await readFile(join(dir, 'calls.jsonl'), 'utf8');
      const ends = new Map(
        (await readFile(join(dir, 'ends.jsonl'), 'utf8').catch(() => ''))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { pid: number; at: number })
          .map((e) => [e.pid, e.at]),
      );
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Call)
        .map((c) => (ends.has(c.pid) ? { ...c, endedAt: ends.get(c.pid)! } : c));
    },
    setRules,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The most calls that were running at the same moment (each from its start to its recorded end). */
export function mostAtOnce(calls: readonly { at: number; endedAt?: number }[]): number {
  const edges = calls.flatMap((c) => [
    { at: c.at, d: 1 },
    { at: c.endedAt ?? Infinity, d: -1 },
  ]);
  // Ends before starts at the same millisecond: a call that ended as another began did not overlap it.
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (now += e.d));
  return most;
}
