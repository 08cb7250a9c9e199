// Whether processes a test started are still there. A killed child of a reparented process can stay a
// zombie (PID 1 in a container may never reap it): that counts as gone.
import { existsSync, readFileSync } from 'node:fs';

export function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls (bounded) until none of the pids is alive; returns those still alive. */
export async function gone(pids: number[], ms = 5_000): Promise<number[]> {
  const until = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(alive);
  }
  return left;
}
