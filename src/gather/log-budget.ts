// One byte budget for every log a gather reads. Each log command keeps its newest lines (run.ts, keep
// 'tail'); when all of them together pass the budget, the largest are cut to a common size (water-filling:
// a small log keeps all of it, the large ones share what is left), always dropping their oldest lines.
// The final sizes do not depend on the order the commands finished in: the common size is computed from
// each part's size before any cut, it only ever goes down, and at the end every part over it is cut to it.
import { keepNewest } from '../snapshot/text.js';

const MB = 1024 * 1024;
/** Total bytes of log text kept across all logs (a 200-pod release prints several times this). */
export const LOG_BUDGET_BYTES = 16 * MB;
/** Parts are cut only once they hold this much more than the budget (then down to it): few cuts, bounded memory. */
const SLACK = 1.25;

export interface LogPart {
  /** The newest lines kept (whole lines), as bytes: decoded once, when the log is made. */
  data: Buffer;
  /** Bytes the command printed (within --tail / --since), kept or not. */
  printed: number;
  /** Its oldest lines were dropped: by the per-command limit, or to fit the budget. */
  cut: boolean;
  /** Bytes as the command kept them, before the budget cut any. */
  readonly read: number;
}

export class LogBudget {
  private readonly parts: LogPart[] = [];
  private held = 0;
  /** The common size the largest parts were cut to; Infinity until the budget was passed. */
  private level = Infinity;

  constructor(
    readonly total: number = LOG_BUDGET_BYTES,
    /** The most one command may keep, whatever the budget (the per-command output limit). */
    readonly perCommand: number = total,
  ) {}

  /** The most bytes a log command starting now should keep. */
  cap(): number {
    return Math.max(1, Math.min(this.perCommand, this.level));
  }

  /**
   * The most lines worth asking a log command for as it starts (`--tail`): no more than the cap can keep,
   * given that none of its lines is shorter than `minLineBytes`. The cap only goes down, so a line past this
   * count would have been cut anyway: what is kept is the same, only less is read.
   */
  linesWorthReading(requested: number, minLineBytes: number): number {
    return Math.min(requested, Math.max(1, Math.floor(this.cap() / Math.max(1, minLineBytes))));
  }

  /** The size the budget cut the largest parts to (undefined while nothing was cut for it). */
  get perPart(): number | undefined {
    return this.level === Infinity ? undefined : this.level;
  }

  add(data: Buffer, printed: number, cut: boolean): LogPart {
    const part: LogPart = { data, printed, cut, read: data.length };
    this.parts.push(part);
    this.held += data.length;
    if (this.held > this.total * SLACK) this.fit();
    return part;
  }

  /**
   * Cuts the parts to the budget; call once every log command has finished, before reading their text.
   * The level is computed again from every part's size as read, whatever the cuts so far left.
   */
  finish(): void {
    this.fit();
  }

  private fit(): void {
    this.level = Math.min(this.level, waterLevel(this.parts.map((p) => p.read), this.total));
    if (this.level !== Infinity) this.cutTo(this.level);
  }

  private cutTo(level: number): void {
    for (const part of this.parts) {
      if (part.data.length <= level) continue;
      const kept = keepNewest(part.data, level);
      this.held -= part.data.length - kept.length;
      // A copy when most of the memory under it goes (cut after cut, a view keeps the first buffer alive),
      // so the rest is freed; otherwise a view of it.
      part.data = kept.length < kept.buffer.byteLength / 2 ? Buffer.from(kept) : kept;
      part.cut = true;
    }
  }
}
/** The largest L with sum(min(size, L)) <= total. */
export function waterLevel(sizes: readonly number[], total: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  let left = total;
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(left / (sorted.length - i));
    if (sorted[i]! > share) return share;
    left -= sorted[i]!;
  }
  return Infinity;
}
