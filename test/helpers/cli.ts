// Runs the built bin as a child process, the way a user does. `npm test` builds before the suite runs.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = fileURLToPath(new URL('../../bin/mcp-tunnel-triage.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeout?: number } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env };
  const r = await execa(process.execPath, [BIN, ...args], {
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
