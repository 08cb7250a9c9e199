// The follower processes: each in its own process group (so `docker compose`, which runs its plugin as a
// child, goes with it), output handed on in chunks as it arrives, stopped by process group: SIGTERM, then
// SIGKILL after a grace period. stop() returns once every one has exited. A follower that ends by itself
// while watching (a container restarted, `docker logs -f` returned) is started again from where it left
// off, a bounded number of times. If this process is killed outright (SIGKILL), a follower ends at its
// next line: its stdout is a pipe with no reader left (SIGPIPE).
import { spawn, type ChildProcess } from 'node:child_process';
import { displayArgv } from './context.js';
import type { FollowSpec } from './follow-commands.js';

const KILL_AFTER_MS = 2_000;
const RESTART_AFTER_MS = 2_000;
const MAX_RESTARTS = 50;
const STDERR_TAIL = 2_000;

export interface FollowerHooks {
  onChunk: (spec: FollowSpec, chunk: Buffer, stream: 'stdout' | 'stderr') => void;
  /** A follower's process started (again): its pid. */
  onStart?: (spec: FollowSpec, pid: number | undefined) => void;
  /** A follower ended by itself: its exit and the end of its stderr. `again`: it will be started again. */
  onEnd?: (spec: FollowSpec, end: { code: number | null; signal: NodeJS.Signals | null; stderr: string; again: boolean; error?: string }) => void;
  /** The argv to run when it is started again (from the time it stopped). */
  restartArgv?: (spec: FollowSpec, stoppedAt: Date) => string[];
}

interface Running {
  spec: FollowSpec;
  child?: ChildProcess;
  exited?: Promise<void>;
  restarts: number;
  timer?: NodeJS.Timeout;
}

export interface Followers {
  /** The pids running now. */
  pids(): number[];
  /** Stops every follower (process group, SIGTERM then SIGKILL); resolves when all have exited. */
  stop(): Promise<void>;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export function startFollowers(specs: readonly FollowSpec[], env: Record<string, string | undefined>, hooks: FollowerHooks): Followers {
  let stopping = false;
  const all: Running[] = specs.map((spec) => ({ spec, restarts: 0 }));

  const launch = (r: Running, argv: string[]) => {
    const [file, ...args] = argv;
    const child = spawn(file!, args, { cwd: r.spec.cwd, env: { ...process.env, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true, windowsHide: true });
    r.child = child;
    let stderr = '';
    let error: string | undefined;
    child.stdout?.on('data', (b: Buffer) => hooks.onChunk(r.spec, b, 'stdout'));
    child.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString('utf8')).slice(-STDERR_TAIL);
      hooks.onChunk(r.spec, b, 'stderr');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code === 'ENOENT' ? `${file}: command not found` : err.message.split('\n')[0];
    });
    hooks.onStart?.(r.spec, child.pid);
    r.exited = new Promise<void>((resolve) => {
      child.on('close', (code, signal) => {
        resolve();
        if (stopping) return;
        const again = !error && r.restarts < MAX_RESTARTS && hooks.restartArgv !== undefined;
        hooks.onEnd?.(r.spec, { code, signal, stderr, again, ...(error ? { error } : {}) });
        if (!again) return;
        const stoppedAt = new Date();
        r.restarts++;
        r.timer = setTimeout(() => {
          r.timer = undefined;
          if (!stopping) launch(r, hooks.restartArgv!(r.spec, stoppedAt));
        }, RESTART_AFTER_MS);
      });
    });
  };

  for (const r of all) launch(r, r.spec.argv);

  return {
    pids: () => all.flatMap((r) => (r.child?.pid !== undefined && r.child.exitCode === null && r.child.signalCode === null ? [r.child.pid] : [])),
    async stop() {
      stopping = true;
      for (const r of all) if (r.timer) clearTimeout(r.timer);
      await Promise.all(
        all.map(async (r) => {
          const child = r.child;
          if (!child || !r.exited || child.exitCode !== null || child.signalCode !== null) return;
          killGroup(child, 'SIGTERM');
          const late = setTimeout(() => killGroup(child, 'SIGKILL'), KILL_AFTER_MS);
          await r.exited;
          clearTimeout(late);
          // The group may hold more than the leader (the Compose plugin): make sure none is left.
          if (child.pid !== undefined) {
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              // the group is empty
            }
          }
        }),
      );
    },
  };
}

export function describeFollower(spec: FollowSpec): string {
  return displayArgv(spec.argv);
}
