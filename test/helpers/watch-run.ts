// The built bin's `watch` as a child process that the test talks to while it runs: its stdout read line by
// line as it comes (NDJSON or text), polled for what the test waits for (bounded), stopped by a signal.
import { execa, type ResultPromise } from 'execa';
import { readFileSync } from 'node:fs';
import { BIN } from './cli.js';

export interface WatchRun {
  /** The stdout lines so far. */
  lines(): string[];
  /** The NDJSON objects so far. */
  json(): Record<string, any>[];
  /** Polls until `pred` holds for the output so far (at most `timeoutMs`). */
  waitFor(what: string, pred: (run: WatchRun) => boolean, timeoutMs?: number): Promise<void>;
  signal(name: NodeJS.Signals): void;
  done: Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export function startWatchRun(args: string[], opts: { cwd: string; env: Record<string, string | undefined> }): WatchRun {
  const child: ResultPromise = execa(process.execPath, [BIN, 'watch', ...args], {
    cwd: opts.cwd,
    env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env },
    extendEnv: true,
    reject: false,
    input: '',
    timeout: 120_000,
    buffer: true,
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const done = child.then((r) => ({ exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) }));
  const run: WatchRun = {
    lines: () => out.split('\n').filter(Boolean),
    json: () => run.lines().flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, any>];
      } catch {
        return [];
      }
    }),
    async waitFor(what, pred, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (pred(run)) return;
        if (child.exitCode !== null && child.exitCode !== undefined) throw new Error(`watch exited (${child.exitCode}) before ${what}; stdout:\n${out}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout so far:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    signal(name) {
      child.kill(name);
    },
    done,
  };
  return run;
}

/** Whether a process is still there (a zombie not yet reaped counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
