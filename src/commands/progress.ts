// How a headless gather is going, on stderr (stdout holds the report). On a terminal: one line, rewritten
// in place (`gathering: logs 57/200 pods`) and erased when gathering ends. Elsewhere (CI logs, a pipe):
// only steps made of many commands, and only once one has run for a while, at most one line per interval,
// so a quick gather prints nothing and a slow one a few lines.
import type { Io } from '../io.js';
import { progressText, type GatherEvent, type GatherListener } from '../gather/events.js';

const BIN = 'mcp-tunnel-triage';
const REDRAW_MS = 100;
/** Not a terminal: the first line after this long, then at most one per this long. */
export const QUIET_MS = 5_000;

export interface StderrProgress {
  listener: GatherListener;
  /** Erases the terminal line (call when gathering ends, before anything else is written). */
  done(): void;
}

export function stderrProgress(io: Io, now: () => number = () => performance.now()): StderrProgress {
  const tty = Boolean(io.stderr.isTTY);
  const running = new Map<string, GatherEvent>();
  const started = now();
  let lastDraw = -Infinity;
  let drawn = false;
  let lastPrinted = started;

  const draw = (force: boolean) => {
    const t = now();
    if (!force && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    const current = [...running.values()];
    const shown = current.find((e) => e.total !== undefined) ?? current[current.length - 1];
    const columns = Math.max(20, ((io.stderr as { columns?: number }).columns ?? 80) - 1);
    const text = shown ? `gathering: ${progressText(shown)}${current.length > 1 ? ` (+${current.length - 1} more)` : ''}` : '';
    io.stderr.write(`\r\u001b[K${text.slice(0, columns)}`);
    drawn = text !== '';
  };

  const listener: GatherListener = (e) => {
    if (e.type === 'end') running.delete(e.id);
    else running.set(e.id, { ...running.get(e.id), ...e });
    if (tty) return draw(e.type === 'start' && e.total !== undefined);
    // Not a terminal: groups only, after a while, sparsely.
    if (e.total === undefined || e.type === 'start') return;
    const t = now();
    const finished = e.type === 'end';
    if (t - started < QUIET_MS || (!finished && t - lastPrinted < QUIET_MS)) return;
    if (finished && lastPrinted === started) return; // it never said it was running: nothing to close
    lastPrinted = t;
    io.stderr.write(`${BIN}: ${progressText(e)}${finished ? ` done in ${((e.ms ?? 0) / 1000).toFixed(1)} s` : ''}\n`);
  };

  return {
    listener,
    done() {
      if (tty && drawn) io.stderr.write('\r\u001b[K');
      drawn = false;
    },
  };
}
