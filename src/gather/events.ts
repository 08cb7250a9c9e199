// Progress of a gather, for the wizard's running list and for stderr notes in headless mode.
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

export async function step<T>(onEvent: GatherListener | undefined, id: string, title: string, work: () => Promise<T>, ok: (v: T) => boolean = () => true): Promise<T> {
  const start = performance.now();
  onEvent?.({ type: 'start', id, title });
  try {
    const value = await work();
    onEvent?.({ type: 'end', id, title, ok: ok(value), ms: Math.round(performance.now() - start) });
    return value;
  } catch (err) {
    onEvent?.({ type: 'end', id, title, ok: false, ms: Math.round(performance.now() - start), detail: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
