// The literal prefilter: finds the lines of a byte buffer that contain any of a set of literal strings,
// and which literals each holds, before any line is decoded or any regex runs. Wu-Manber (shift table
// over 3-byte blocks): it skips up to (shortest literal - 2) bytes at a time, so most of a log is never
// looked at byte by byte. Knowing which literals a line holds lets the matcher try only the signatures
// those literals belong to.
const BLOCK = 3;
const TABLE_BITS = 15;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const NEWLINE = 10;

const hashAt = (buf: Uint8Array, i: number): number => ((buf[i - 2]! << 10) ^ (buf[i - 1]! << 5) ^ buf[i]!) & TABLE_MASK;

interface Entry {
  bytes: Uint8Array;
  id: number;
}

/** Called for each line holding a literal; `found` (ids into `literals`) is only valid during the call. */
export type LineListener = (lineStart: number, lineEnd: number, found: readonly number[]) => void;

export class LiteralSet {
  /** The distinct literals; ids are indices into this list. */
  readonly literals: readonly string[];
  /** The window: the length of the shortest literal. */
  readonly window: number;
  private readonly shift: Uint8Array;
  private readonly buckets: (Entry[] | undefined)[];
  private readonly found: number[] = [];
  /** found-in-this-line marks, by literal id (a stamp per line avoids clearing). */
  private readonly seenAt: Uint32Array;
  private stamp = 0;

  constructor(literals: readonly string[]) {
    this.literals = [...new Set(literals)];
    const bytes = this.literals.map((l) => Buffer.from(l, 'utf8'));
    if (bytes.length === 0) throw new Error('LiteralSet needs at least one literal');
    this.seenAt = new Uint32Array(bytes.length);
    this.window = Math.min(...bytes.map((b) => b.length));
    if (this.window < BLOCK) throw new Error(`literals must be at least ${BLOCK} bytes long`);
    if (this.window - BLOCK + 1 > 255) this.window = 255 + BLOCK - 1;
    const m = this.window;
    this.shift = new Uint8Array(1 << TABLE_BITS).fill(m - BLOCK + 1);
    this.buckets = new Array<Entry[] | undefined>(1 << TABLE_BITS);
    bytes.forEach((lit, id) => {
      for (let j = BLOCK - 1; j < m; j++) {
        const h = hashAt(lit, j);
        const s = m - 1 - j;
        if (s < this.shift[h]!) this.shift[h] = s;
        if (s === 0) (this.buckets[h] ??= []).push({ bytes: lit, id });
      }
    });
  }

  /**
   * Calls onLine once for each line of buf[start, end) that holds one of the literals, in order, with the
   * ids of every literal it holds. A line ends at a newline or at `end`; `start` must be the start of a line.
   */
  forEachLine(buf: Uint8Array, start: number, end: number, onLine: LineListener): void {
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
      this.nextLine();
      if (!this.verify(buf, at, end, h)) {
        i++;
        continue;
      }
      const nl = buf.indexOf(NEWLINE, at);
      const lineEnd = nl === -1 || nl >= end ? end : nl;
      const before = at === 0 ? -1 : buf.lastIndexOf(NEWLINE, at - 1);
      const lineStart = Math.max(before + 1, lineFloor);
      this.collectRest(buf, i + 1, lineEnd);
      onLine(lineStart, lineEnd, this.found);
      lineFloor = lineEnd + 1;
      i = lineEnd + m; // the next line's first window
    }
  }

  /** The ids of the literals in a string (a multi-line record). */
  literalsIn(text: string): number[] {
    const buf = Buffer.from(text, 'utf8');
    this.nextLine();
    this.collectRest(buf, this.window - 1, buf.length);
    return [...this.found];
  }

  private nextLine(): void {
    this.found.length = 0;
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

  /** Records every literal of the bucket that starts at `at` and ends by `end`; true when one did. */
  private verify(buf: Uint8Array, at: number, end: number, h: number): boolean {
    const list = this.buckets[h];
    if (!list) return false;
    let any = false;
    for (const { bytes: lit, id } of list) {
      const n = lit.length;
      if (at + n > end) continue;
      let k = 0;
      while (k < n && buf[at + k] === lit[k]) k++;
      if (k !== n) continue;
      any = true;
      if (this.seenAt[id] !== this.stamp) {
        this.seenAt[id] = this.stamp;
        this.found.push(id);
      }
    }
    return any;
  }
}
