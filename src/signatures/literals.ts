// The literal prefilter: finds the lines of a byte buffer that contain any of a set of literal strings,
// and which literals each holds, before any line is decoded or any regex runs. Wu-Manber (shift table
// over 3-byte blocks): it skips up to (shortest literal - 2) bytes at a time, so most of a log is never
// looked at byte by byte. Knowing which literals a line holds lets the matcher try only the signatures
// those literals belong to.
const BLOCK = 3;
const TABLE_BITS = 15;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const NEWLINE = 10;

/** Shared one-literal id lists (most candidate lines hold one literal): no array per line. */
const SINGLE: readonly number[][] = Array.from({ length: 1024 }, (_, i) => [i]);

const hashAt = (buf: Uint8Array, i: number): number => ((buf[i - 2]! << 10) ^ (buf[i - 1]! << 5) ^ buf[i]!) & TABLE_MASK;


/** Called for each line holding a literal; `found` (ids into `literals`) is only valid during the call. */
export type LineListener = (lineStart: number, lineEnd: number, found: readonly number[]) => void;

export class LiteralSet {
  /** The distinct literals; ids are indices into this list. */
  readonly literals: readonly string[];
  /** The window: the length of the shortest literal. */
  readonly window: number;
  private readonly shift: Uint8Array;
  /** Per hash of a window's last block: the literals that end their window there, and their ids. */
  private readonly buckets: (Uint8Array[] | undefined)[];
  private readonly bucketIds: (number[] | undefined)[];
  /** The ids found in the current line: found[0 .. foundCount). */
  private readonly found: Int32Array;
  private foundCount = 0;
  /** found-in-this-line marks, by literal id (a stamp per line avoids clearing). */
  private readonly seenAt: Uint32Array;
  private stamp = 0;

  constructor(literals: readonly string[]) {
    this.literals = [...new Set(literals)];
    const bytes = this.literals.map((l) => Buffer.from(l, 'utf8'));
    if (bytes.length === 0) throw new Error('LiteralSet needs at least one literal');
    this.seenAt = new Uint32Array(bytes.length);
    this.found = new Int32Array(bytes.length);
    this.window = Math.min(...bytes.map((b) => b.length));
    if (this.window < BLOCK) throw new Error(`literals must be at least ${BLOCK} bytes long`);
    if (this.window - BLOCK + 1 > 255) this.window = 255 + BLOCK - 1;
    const m = this.window;
    this.shift = new Uint8Array(1 << TABLE_BITS).fill(m - BLOCK + 1);
    this.buckets = new Array<Uint8Array[] | undefined>(1 << TABLE_BITS);
    this.bucketIds = new Array<number[] | undefined>(1 << TABLE_BITS);
    bytes.forEach((lit, id) => {
      for (let j = BLOCK - 1; j < m; j++) {
        const h = hashAt(lit, j);
        const s = m - 1 - j;
        if (s < this.shift[h]!) this.shift[h] = s;
        if (s === 0) {
          (this.buckets[h] ??= []).push(lit);
          (this.bucketIds[h] ??= []).push(id);
        }
      }
    });
    this.warmUp();
  }

  /**
   * Calls onLine once for each line of buf[start, end) that holds one of the literals, in order, with the
   * ids of every literal it holds. A line ends at a newline or at `end`; `start` must be the start of a line.
   */
  forEachLine(buf: Uint8Array, start: number, end: number, onLine: LineListener): void {
    const starts: number[] = [];
    const ends: number[] = [];
    const ids: (readonly number[])[] = [];
    this.scan(buf, start, end, starts, ends, ids);
    for (let k = 0; k < starts.length; k++) onLine(starts[k]!, ends[k]!, ids[k]!);
  }

  /**
   * The lines of buf[start, end) that hold a literal: their starts and ends, and the ids of the literals each
   * holds, appended to the arrays given. No callback runs inside the loop, so it stays optimised whatever the
   * caller does (a call site that rarely runs would make V8 throw the loop's machine code away).
   */
  scan(buf: Uint8Array, start: number, end: number, starts: number[], ends: number[], ids: (readonly number[])[]): void {
    const m = this.window;
    const shift = this.shift;
    let i = start + m - 1;
    let lineFloor = start;
    while (i < end) {
      const h = ((buf[i - 2]! << 10) ^ (buf[i - 1]! << 5) ^ buf[i]!) & TABLE_MASK;
      const s = shift[h]!;
      if (s !== 0) {
        i += s;
        continue;
      }
      const at = i - m + 1;
      if (!this.first(buf, at, end, h)) {
        i++;
        continue;
      }
      const lineEnd = this.lineEndFrom(buf, at, end);
      starts.push(this.lineStartBefore(buf, at, lineFloor));
      ends.push(lineEnd);
      this.collectRest(buf, i + 1, lineEnd);
      ids.push(this.foundCount === 1 ? (SINGLE[this.found[0]!] ?? [this.found[0]!]) : Array.from(this.found.subarray(0, this.foundCount)));
      lineFloor = lineEnd + 1;
      i = lineEnd + m; // the next line's first window
    }
  }

  private lineEndFrom(buf: Uint8Array, at: number, end: number): number {
    const nl = buf.indexOf(NEWLINE, at);
    return nl === -1 || nl >= end ? end : nl;
  }

  private lineStartBefore(buf: Uint8Array, at: number, floor: number): number {
    const before = at === 0 ? -1 : buf.lastIndexOf(NEWLINE, at - 1);
    return Math.max(before + 1, floor);
  }

  /** Runs the scan once over every literal, so V8 has seen each path before it optimises the loop. */
  private warmUp(): void {
    const text = this.literals.map((l, k) => `${'x'.repeat(k % 7)}filler ${l} and ${l.slice(0, 3)} more\nno literal here at all, just words\n`).join('');
    const buf = Buffer.from(text.repeat(4));
    for (let r = 0; r < 3; r++) this.scan(buf, 0, buf.length, [], [], []);
  }

  /** The ids of the literals in a string (a multi-line record). */
  literalsIn(text: string): number[] {
    const buf = Buffer.from(text, 'utf8');
    this.nextLine();
    this.collectRest(buf, this.window - 1, buf.length);
    return Array.from(this.found.subarray(0, this.foundCount));
  }

  private nextLine(): void {
    this.foundCount = 0;
    if (++this.stamp === 0xffffffff) {
      this.seenAt.fill(0);
      this.stamp = 1;
    }
  }

  /** Every further literal that starts in the line (window ends at i.. before lineEnd + m). */
  private collectRest(buf: Uint8Array, from: number, lineEnd: number): void {
    const m = this.window;
    const shift = this.shift;
    let i = from;
    while (i < lineEnd + m - 1 && i < buf.length) {
      const h = ((buf[i - 2]! << 10) ^ (buf[i - 1]! << 5) ^ buf[i]!) & TABLE_MASK;
      const s = shift[h]!;
      if (s !== 0) {
        i += s;
        continue;
      }
      this.verify(buf, i - m + 1, lineEnd, h);
      i++;
    }
  }

  /** A literal of the bucket starts at `at` (and ends by `end`): found becomes just the first such. */
  private first(buf: Uint8Array, at: number, end: number, h: number): boolean {
    const list = this.buckets[h];
    if (list === undefined) return false;
    for (let e = 0; e < list.length; e++) {
      const lit = list[e]!;
      const n = lit.length;
      if (at + n > end) continue;
      let k = 0;
      while (k < n && buf[at + k] === lit[k]) k++;
      if (k !== n) continue;
      this.nextLine();
      this.verify(buf, at, end, h);
      return true;
    }
    return false;
  }

  /** Records every literal of the bucket that starts at `at` and ends by `end`. */
  private verify(buf: Uint8Array, at: number, end: number, h: number): void {
    const list = this.buckets[h];
    if (list === undefined) return;
    const ids = this.bucketIds[h]!;
    for (let e = 0; e < list.length; e++) {
      const lit = list[e]!;
      const n = lit.length;
      if (at + n > end) continue;
      let k = 0;
      while (k < n && buf[at + k] === lit[k]) k++;
      if (k !== n) continue;
      const id = ids[e]!;
      if (this.seenAt[id] !== this.stamp) {
        this.seenAt[id] = this.stamp;
        this.found[this.foundCount++] = id;
      }
    }
  }
}
