// Progress of a gather, for the wizard's running list and for stderr notes in headless mode.
import { printable } from '../snapshot/printable.js';

export interface GatherEvent {
  /** `progress`: a step made of many commands moved on (`done` of `total`). */
  type: 'start' | 'progress' | 'end';
  /** Stable id of the step: `files`, `compose ps`, `logs cloudflared`... */
  id: string;
  title: string;
  ok?: boolean;
  ms?: number;
  detail?: string;
  /** A step made of many commands (the logs of 200 pods): units finished so far, of how many, and what they are. */
  done?: number;
  total?: number;
  unit?: string;
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

/** Progress events at most this often (the last one always goes out). */
const PROGRESS_EVERY_MS = 100;

/**
 * One progress step for many commands: `logs 57/200 pods` instead of 600 lines. A unit (a pod, a
 * container) is done when all of its commands are; the step fails when any unit did.
 */
export class ProgressGroup {
  private done = 0;
  private failed = 0;
  private readonly start = performance.now();
  private lastSent = 0;

  constructor(
    private readonly onEvent: GatherListener | undefined,
    readonly id: string,
    readonly title: string,
    readonly total: number,
    readonly unit: string,
  ) {
    onEvent?.({ type: 'start', id, title, done: 0, total, unit });
  }

  /** One unit finished. */
  tick(ok = true): void {
    this.done++;
    if (!ok) this.failed++;
    const now = performance.now();
    if (this.done < this.total && now - this.lastSent < PROGRESS_EVERY_MS) return;
    this.lastSent = now;
    this.onEvent?.({ type: 'progress', id: this.id, title: this.title, done: this.done, total: this.total, unit: this.unit });
  }

  end(detail?: string): void {
    const failed = this.failed ? `${this.failed} of ${this.total} ${this.unit} failed` : '';
    const text = [detail, failed].filter(Boolean).join('; ');
    this.onEvent?.({ type: 'end', id: this.id, title: this.title, ok: this.failed === 0, ms: Math.round(performance.now() - this.start), done: this.done, total: this.total, unit: this.unit, ...(text ? { detail: text } : {}) });
  }
}

/** `logs 57/200 pods`; a plain step's title as it is. */
export function progressText(e: Pick<GatherEvent, 'title' | 'done' | 'total' | 'unit'>): string {
  return e.total === undefined ? e.title : `${e.title} ${e.done ?? 0}/${e.total}${e.unit ? ` ${e.unit}` : ''}`;
}
