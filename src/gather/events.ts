// Progress of a gather, for the wizard's running list and for stderr notes in headless mode.
import { printable } from '../snapshot/printable.js';

export interface GatherEvent {
  type: 'start' | 'end';
  /** Stable id of the step: `files`, `compose ps`, `logs cloudflared`... */
  id: string;
  title: string;
  ok?: boolean;
  ms?: number;
  detail?: string;
}

export type GatherListener = (e: GatherEvent) => void;

export async function step<T>(onEvent: GatherListener | undefined, id: string, rawTitle: string, work: () => Promise<T>, ok: (v: T) => boolean = () => true): Promise<T> {
  const start = performance.now();
  const title = printable(rawTitle); // argv may hold a path or a name from outside
  onEvent?.({ type: 'start', id, title });
  try {
    const value = await work();
    onEvent?.({ type: 'end', id, title, ok: ok(value), ms: Math.round(performance.now() - start) });
    return value;
  } catch (err) {
    onEvent?.({ type: 'end', id, title, ok: false, ms: Math.round(performance.now() - start), detail: printable(err instanceof Error ? err.message : String(err)) });
    throw err;
  }
}
