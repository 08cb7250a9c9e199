// How many external commands run at once. Gathering 200 pods' logs is 600 `kubectl logs`; starting them all
// at once made spawning itself the bottleneck, flooded the host with processes, and let each command's
// timeout run while it waited for a CPU. The pool starts a command only when a slot is free (first come,
// first served, but a command that is not a log goes ahead of queued logs: a single answer the gather waits
// on is not served after the 600th log), so its timeout clock, which starts when it is spawned, measures the
// command alone.
import { availableParallelism } from 'node:os';

/**
 * Commands mostly wait (on the API server, the Docker daemon), so many more than the cores can run at
 * once; the bound is what keeps a large deployment from starting hundreds of processes together.
 */
export const POOL_PER_CORE = 16;
export const POOL_MIN = 8;
export const POOL_MAX = 64;

export function defaultPoolSize(cores: number = availableParallelism()): number {
  return Math.min(POOL_MAX, Math.max(POOL_MIN, Math.floor(cores) * POOL_PER_CORE));
}

export class CommandPool {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly size: number = defaultPoolSize()) {
    if (!(size >= 1)) throw new Error(`a command pool needs at least one slot (got ${size})`);
  }

  /** Commands running now, and waiting for a slot. */
  get active(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Runs `work` once a slot is free; the slot is held until its promise settles. `first`: ahead of what
   * waits (one question the gather waits on, not the 600th log of a batch).
   */
  async run<T>(work: () => Promise<T>, first = false): Promise<T> {
    if (this.running < this.size) this.running++;
    else await new Promise<void>((resolve) => (first ? this.queue.unshift(resolve) : this.queue.push(resolve))); // the slot is handed over, still counted
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}
