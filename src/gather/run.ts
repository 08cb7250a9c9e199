// Every external command goes through here: an argv array (never a shell), a deadline after which it is
// killed, and a cap on the output kept. It never throws: failures are data for the findings.
// Each command runs in its own process group (and session), and the whole group is killed at the deadline:
// a child the tool left behind (`sleep 1000 & wait` in a wrapper) can neither keep its stdout open past the
// deadline nor outlive the run. The deadline counts from the moment the process really started.
import { execa } from 'execa';
import type { CommandRecord } from '../snapshot/types.js';
import { printable } from '../snapshot/printable.js';
import { keepTails, TailBytes } from './tail-bytes.js';
import { spawnerFor, stopSpawner, type Spawner } from './spawner.js';

export interface RunOptions {
  timeoutMs: number;
  /** Most bytes kept from stdout (and from stderr); the command is stopped when it prints more. */
  maxBytes?: number;
  /**
   * Which bytes a longer output keeps: 'head' (default) stops the command at maxBytes; 'tail' reads it all
   * and keeps the newest maxBytes of each stream, from a line start (a log's latest lines hold its state).
   */
  keep?: 'head' | 'tail';
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
  /** With keep 'tail': the bytes it printed on stdout and stderr, kept or not. */
  printed?: { stdout: number; stderr: number };
  /** With keep 'tail': the kept bytes themselves (stdout and stderr are then decoded from them when read). */
  bytes?: { stdout: Buffer; stderr: Buffer };
  /** ENOENT: the program is not installed (or not on PATH). */
  notFound: boolean;
  /** The process could not be started or ended badly: one line. */
  error?: string;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
/** SIGTERM first; what is still there this long after gets SIGKILL. */
export const KILL_GRACE_MS = 2_000;
/** After SIGKILL, how long the output pipes may stay open (a grandchild that left the group) before they are cut. */
const PIPE_GRACE_MS = 1_000;

/** Process groups of commands still running, so a fatal signal to this tool can take them along. */
const liveGroups = new Set<number>();

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

/** Kills every command still running, and the spawner (a fatal signal or exit is taking this process down). */
export function killAllCommands(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of liveGroups) killGroup(pid, signal);
  stopSpawner();
}

const FATAL: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let hooked = false;

/**
 * Commands are not in the terminal's process group, so Ctrl-C no longer reaches them by itself. When
 * nothing else handles a fatal signal, it kills every running group and is raised again, so the tool dies
 * of it as it would have (exit 128+n); process.exit() takes them along too.
 */
const handlers = new Map<NodeJS.Signals, () => void>();

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  for (const sig of FATAL) {
    const onSignal = () => {
      // Someone else (a fix, the wizard) handles it: they stop their commands through their AbortSignal,
      // so a step reads as cancelled and its files are put back. Otherwise the signal is fatal here.
      if (process.listenerCount(sig) > 1) return;
      killAllCommands('SIGKILL');
      for (const [s, h] of handlers) process.off(s, h);
      handlers.clear();
      hooked = false;
      process.kill(process.pid, sig);
    };
    handlers.set(sig, onSignal);
    process.on(sig, onSignal);
  }
}

// process.exit() (a second Ctrl-C during a fix) runs no signal handler: take the commands along here too.
process.once('exit', () => killAllCommands('SIGKILL'));

/**
 * The environment a command gets: this process's with the given one over it (execa's extendEnv, merged once
 * per env object rather than once per command: 600 `kubectl logs` share one gather's env).
 */
const mergedEnvs = new WeakMap<object, Record<string, string | undefined>>();
function commandEnv(env: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  if (!env) return process.env;
  let merged = mergedEnvs.get(env);
  if (!merged) mergedEnvs.set(env, (merged = { ...process.env, ...env }));
  return merged;
}

class Output {
  private chunks: Buffer[] = [];
  bytes = 0;
  full = false;
  constructor(private readonly max: number) {}
  /** Keeps what fits under the cap; false once the cap is reached. */
  add(chunk: Buffer): boolean {
    const room = this.max - this.bytes;
    if (room > 0) {
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.chunks.push(kept);
      this.bytes += kept.length;
    }
    if (chunk.length > room) this.full = true;
    return !this.full;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export async function runCommand(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('runCommand needs a program');
  // A log (read whole, its newest bytes kept, no input): started by the spawner, off this thread.
  if (opts.keep === 'tail' && opts.input === undefined && !opts.signal?.aborted) {
    const spawner = await spawnerFor();
    if (spawner) {
      const r = await runThroughSpawner(spawner, file, args, opts);
      // The spawner failed before the command started (it stopped, or could not connect): start it here.
      if (r !== SPAWNER_FAILED) return r;
    }
  }
  return runHere(file, args, opts);
}

/** The command started from this process (execa). */
async function runHere(file: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const argv = [file, ...args];
  const start = performance.now();
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const out = { stdout: new Output(max), stderr: new Output(max) };
  // A log's tails are kept here, as the output arrives: never stopped at the cap, its oldest bytes dropped.
  const tails = opts.keep === 'tail' ? { stdout: new TailBytes(max), stderr: new TailBytes(max) } : undefined;
  hookSignals(); // before the spawn: a signal that comes right after it must find the group
  const sub = execa(file, args, {
    reject: false,
    buffer: false,
    cwd: opts.cwd,
    env: commandEnv(opts.env),
    extendEnv: false,
    // No input: stdin is /dev/null (EOF at once, as an empty input), one pipe and stream fewer per command.
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
    stripFinalNewline: false,
    detached: true, // its own process group: killed whole, and not by the terminal's Ctrl-C (we forward it)
    windowsHide: true,
  });
  const pid = sub.pid;
  if (pid !== undefined) liveGroups.add(pid); // same synchronous step as the spawn: no handler runs between

  let ended: Ended | undefined;
  const timers: NodeJS.Timeout[] = [];
  let cutPipes: () => void = () => {};
  const pipesCut = new Promise<void>((resolve) => (cutPipes = resolve));
  const stop = (why: Ended) => {
    if (ended) return;
    ended = why;
    stopGroup(pid, timers, cutPipes);
  };
  // The deadline starts when the process really started (not when it was asked for).
  let exited = false;
  let exitCode: number | null = null;
  const leftovers = () => {
    killGroup(pid, 'SIGKILL');
    cutPipes();
  };
  if (pid !== undefined) timers.push(setTimeout(() => (exited ? leftovers() : stop('timeout')), opts.timeoutMs));
  // The tool itself exited but something it started still holds its output: that is not worth waiting for.
  sub.once('exit', (code: number | null) => {
    exited = true;
    exitCode = code;
    if (!ended) timers.push(setTimeout(leftovers, PIPE_GRACE_MS));
  });
  const onAbort = () => stop('cancel');
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  for (const stream of ['stdout', 'stderr'] as const) {
    sub[stream]?.on('data', (b: Buffer) => {
      if (tails) tails[stream].push(b);
      else if (!out[stream].add(b)) stop('cap');
      opts.onOutput?.(b.toString('utf8'), stream);
    });
  }

  type Finished = Awaited<typeof sub>;
  const r: Finished | undefined = await Promise.race([sub, pipesCut.then(() => undefined)]);
  if (r === undefined) {
    // A process outside the group still holds the pipes: stop reading them.
    sub.stdout?.destroy();
    sub.stderr?.destroy();
  }
  for (const t of timers) clearTimeout(t);
  opts.signal?.removeEventListener('abort', onAbort);
  releaseGroup(pid, ended !== undefined);

  const ms = Math.round(performance.now() - start);
  const notFound = r?.code === 'ENOENT';
  const result: RunResult = {
    argv: [...argv],
    stdout: out.stdout.text(),
    stderr: out.stderr.text(),
    ms,
    timedOut: ended === 'timeout',
    truncated: tails ? tails.stdout.truncated || tails.stderr.truncated : out.stdout.full || out.stderr.full,
    notFound,
  };
  if (tails) keepTails(result, tails);
  const code = r ? r.exitCode : exitCode ?? undefined;
  if (typeof code === 'number' && !ended) result.exitCode = code;
  const error = endError(file, opts, max, {
    notFound,
    ...(ended ? { ended } : {}),
    // When the pipes were cut the exit code is kept but not judged (execa gave no verdict on it).
    ...(r && result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    stderr: result.stderr,
    ...(r?.failed ? { noExitCode: (r.shortMessage ?? 'failed').split('\n')[0] } : {}),
  });
  if (error) result.error = error;
  return result;
}

type Ended = 'timeout' | 'cancel' | 'cap';

/** Stops a command's group: SIGTERM now, SIGKILL after the grace, then `cut` (whatever still holds its output is not waited for). */
function stopGroup(pid: number | undefined, timers: NodeJS.Timeout[], cut: () => void): void {
  killGroup(pid, 'SIGTERM');
  timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS));
  timers.push(setTimeout(cut, KILL_GRACE_MS + PIPE_GRACE_MS));
}

/** A command is over: what is left of its group goes, and the group is forgotten. */
function releaseGroup(pid: number | undefined, stopped: boolean): void {
  if (stopped) killGroup(pid, 'SIGKILL'); // whatever ignored SIGTERM and let go of the output
  else killGroup(pid, 'SIGTERM'); // a background child the tool left behind (its own leader exited)
  if (pid !== undefined) liveGroups.delete(pid);
}

/**
 * A command's one-line error, in the same words however it was started (undefined when it succeeded):
 * `noExitCode` says why there is no exit code (a signal, a start that failed), when that is a failure.
 */
function endError(file: string, opts: RunOptions, max: number, e: { notFound: boolean; ended?: Ended; exitCode?: number; stderr: string; noExitCode?: string }): string | undefined {
  if (e.notFound) return `${file}: command not found`;
  if (e.ended === 'timeout') return `timed out after ${Math.max(1, Math.round(opts.timeoutMs / 1000))} s and was killed`;
  if (e.ended === 'cancel') return 'cancelled';
  if (e.ended === 'cap') return `printed more than ${sizeText(max)}; stopped, the rest was not read`;
  if (e.exitCode === undefined) return e.noExitCode;
  return e.exitCode === 0 ? undefined : causeLine(e.stderr) || `exited with code ${e.exitCode}`;
}

/** Starts the spawner now, so the first log command does not wait for it (a gather that will read logs). */
export function warmLogRunner(): void {
  void spawnerFor();
}

const SPAWNER_FAILED = Symbol('the spawner failed before the command started');
/** What the spawner answers when it, not the command, failed (ENOENT and the like are the command's). */
const SPAWNER_ERRORS = new Set(['ESPAWNER', 'ECONNREFUSED']);

/**
 * A log command started by the spawner: the same deadline (from the moment it started), process group,
 * kills and result as runCommand's own path, with the output read from the spawner's sockets.
 */
function runThroughSpawner(spawner: Spawner, file: string, args: string[], opts: RunOptions): Promise<RunResult | typeof SPAWNER_FAILED> {
  const start = performance.now();
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const tails = { stdout: new TailBytes(max), stderr: new TailBytes(max) };
  hookSignals();
  return new Promise<RunResult | typeof SPAWNER_FAILED>((resolve) => {
    let pid: number | undefined;
    let ended: Exclude<Ended, 'cap'> | undefined;
    let exited = false;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let startError: { error: string; message: string } | undefined;
    let finished = false;
    const open = new Set<'stdout' | 'stderr'>(['stdout', 'stderr']);
    const timers: NodeJS.Timeout[] = [];
    let job: { done: () => void } | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      job?.done();
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      releaseGroup(pid, ended !== undefined);
      const result: RunResult = { argv: [file, ...args], stdout: '', stderr: '', ms: Math.round(performance.now() - start), timedOut: ended === 'timeout', truncated: tails.stdout.truncated || tails.stderr.truncated, notFound: startError?.error === 'ENOENT' };
      keepTails(result, tails);
      if (typeof exitCode === 'number' && !ended) result.exitCode = exitCode;
      const error = endError(file, opts, max, {
        notFound: result.notFound,
        ...(ended ? { ended } : {}),
        ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
        stderr: result.stderr,
        noExitCode: startError?.message ?? (exitSignal ? `killed by ${exitSignal}` : 'its exit status was lost'),
      });
      if (error) result.error = error;
      resolve(result);
    };
    const stop = (why: 'timeout' | 'cancel') => {
      if (ended || finished) return;
      ended = why;
      if (pid === undefined) return; // killed as soon as it starts
      stopGroup(pid, timers, finish);
    };
    const onAbort = () => stop('cancel');
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      if (exited && open.size === 0) finish();
    };
    // A spawner that never answers is a command that never started: not waited for past the deadline.
    timers.push(setTimeout(() => {
      if (pid !== undefined || finished) return;
      startError = { error: 'ETIMEDOUT', message: `not started within ${Math.max(1, Math.round(opts.timeoutMs / 1000))} s` };
      finish();
    }, opts.timeoutMs));
    job = spawner.run(file, args, { ...(opts.cwd ? { cwd: opts.cwd } : {}), env: commandEnv(opts.env) }, {
      onStart: (started) => {
        if (finished) {
          if ('pid' in started) killGroup(started.pid, 'SIGKILL'); // too late: given up on
          return;
        }
        if ('error' in started) {
          if (SPAWNER_ERRORS.has(started.error) && !ended) {
            finished = true;
            for (const t of timers) clearTimeout(t);
            opts.signal?.removeEventListener('abort', onAbort);
            resolve(SPAWNER_FAILED);
            return;
          }
          startError = started;
          exited = true;
          finish();
          return;
        }
        pid = started.pid;
        liveGroups.add(pid);
        if (ended) {
          const why = ended;
          ended = undefined;
          stop(why);
          return;
        }
        // The deadline starts when the process really started (not when it was asked for).
        timers.push(setTimeout(() => (exited ? finish() : stop('timeout')), opts.timeoutMs));
      },
      onData: (chunk, stream) => {
        tails[stream].push(chunk);
        opts.onOutput?.(chunk.toString('utf8'), stream);
      },
      onClose: (stream) => {
        open.delete(stream);
        done();
      },
      onExit: (code, signal) => {
        exited = true;
        exitCode = code;
        exitSignal = signal;
        // The tool exited but something it started still holds its output: that is not worth waiting for.
        if (open.size > 0 && !ended) timers.push(setTimeout(finish, PIPE_GRACE_MS));
        done();
      },
    });
  });
}

/** The line that says why a tool failed: its first, except a Python traceback (docker-compose v1) ends with it. */
export function causeLine(text: string): string {
  if (!/^Traceback \(most recent call last\):/m.test(text)) return firstLine(text);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} kB`;
}

/** What a report may quote of a tool's answer (a version, a context name): its first line, cut at `max`. */
export function quote(text: string | undefined, max = 80): string {
  const line = firstLine(printable(text ?? ''));
  return line.length > max ? `${line.slice(0, max)}…` : line;
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
