// Runs the built bin as a child process, the way a user does. `npm test` builds before the suite runs.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLAGS } from '../../src/cli-spec.js';

export const BIN = fileURLToPath(new URL('../../bin/mcp-tunnel-triage.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** An empty folder as PATH: a live gather in a test never reaches the machine's real docker, kubectl or helm. */
const EMPTY_PATH = join(tmpdir(), 'mtt-test-empty-path');
mkdirSync(EMPTY_PATH, { recursive: true });

/** Commands that gather from this host and so would probe the network. */
const GATHERING = new Set(['diagnose', 'bundle', 'fix']);

/**
 * Tests send traffic only to listeners they started: a gathering run without `--edge` gets `--no-network`.
 * PATH defaults to an empty folder (pass the stand-ins' `env` to give it docker, kubectl, helm).
 */
export function safeArgs(args: string[]): string[] {
  const takesValue = new Set(FLAGS.filter((f) => f.type === 'string').flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]));
  const command = args.find((a, i) => !a.startsWith('-') && !(i > 0 && takesValue.has(args[i - 1]!)));
  const gathers = command === undefined || GATHERING.has(command);
  const offline = args.some((a) => a === '--no-network' || a === '--edge' || a.startsWith('--edge=') || a === '--from-bundle' || a === '--demo' || a === '--help' || a === '-h');
  return gathers && !offline ? [...args, '--no-network'] : args;
}

export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeout?: number } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { NO_COLOR: undefined, FORCE_COLOR: undefined, PATH: EMPTY_PATH, ...opts.env };
  const r = await execa(process.execPath, [BIN, ...safeArgs(args)], {
    cwd: opts.cwd ?? ROOT,
    env,
    extendEnv: true,
    reject: false,
    input: opts.input ?? '',
    timeout: opts.timeout ?? 30_000,
    stripFinalNewline: false,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export async function tempDir(prefix = 'mtt-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
