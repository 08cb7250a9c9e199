// Every external command goes through here: an argv array (never a shell), a timeout after which the
// process is killed, and a cap on the output kept. It never throws: failures are data for the findings.
import { execa } from 'execa';
import type { CommandRecord } from '../snapshot/types.js';

export interface RunOptions {
  timeoutMs: number;
  /** Most bytes kept from stdout (and from stderr). */
  maxBytes?: number;
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  signal?: AbortSignal;
  /** Called with each chunk of output as it arrives (live output of a fix). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  argv: string[];
  exitCode?: number;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
  truncated: boolean;
  /** ENOENT: the program is not installed (or not on PATH). */
  notFound: boolean;
  /** The process could not be started or ended badly: one line. */
  error?: string;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export async function runCommand(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const [file, ...args] = argv;
  const start = performance.now();
  if (!file) throw new Error('runCommand needs a program');
  const sub = execa(file, args, {
    reject: false,
    timeout: opts.timeoutMs,
    forceKillAfterDelay: 2_000,
    maxBuffer: opts.maxBytes ?? DEFAULT_MAX_BYTES,
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: true,
    input: opts.input ?? '',
    stripFinalNewline: false,
    cancelSignal: opts.signal,
    windowsHide: true,
  });
  if (opts.onOutput) {
    sub.stdout?.on('data', (b: Buffer) => opts.onOutput!(b.toString('utf8'), 'stdout'));
    sub.stderr?.on('data', (b: Buffer) => opts.onOutput!(b.toString('utf8'), 'stderr'));
  }
  const r = await sub;
  const ms = Math.round(performance.now() - start);
  const notFound = r.code === 'ENOENT';
  const result: RunResult = {
    argv: [...argv],
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    ms,
    timedOut: Boolean(r.timedOut),
    truncated: Boolean(r.isMaxBuffer),
    notFound,
  };
  if (typeof r.exitCode === 'number') result.exitCode = r.exitCode;
  if (notFound) result.error = `${file}: command not found`;
  else if (r.timedOut) result.error = `timed out after ${Math.round(opts.timeoutMs / 1000)} s and was killed`;
  else if (r.isCanceled) result.error = 'cancelled';
  else if (r.failed && result.exitCode === undefined) result.error = (r.shortMessage ?? 'failed').split('\n')[0];
  else if (r.failed) result.error = causeLine(result.stderr) || `exited with code ${result.exitCode}`;
  return result;
}

/** The line that says why a tool failed: its first, except a Python traceback (docker-compose v1) ends with it. */
export function causeLine(text: string): string {
  if (!/^Traceback \(most recent call last\):/m.test(text)) return firstLine(text);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}

export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

export function recordOf(r: RunResult): CommandRecord {
  const rec: CommandRecord = { argv: r.argv, ms: r.ms };
  if (r.exitCode !== undefined) rec.exitCode = r.exitCode;
  if (r.timedOut) rec.timedOut = true;
  if (r.error) rec.error = r.error;
  return rec;
}
