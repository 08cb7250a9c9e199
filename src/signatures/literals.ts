// The literal prefilter: finds the lines of a byte buffer that contain any of a set of literal strings,
// before any line is decoded or any regex runs. Wu-Manber (shift table over 3-byte blocks): it skips
// up to (shortest literal - 2) bytes at a time, so most of a log is never looked at byte by byte.
const BLOCK = 3;
const TABLE_BITS = 15;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const NEWLINE = 10;

const hashAt = (buf: Uint8Array, i: number): number => ((buf[i - 2]! << 10) ^ (buf[i - 1]! << 5) ^ buf[i]!) & TABLE_MASK;

export class LiteralSet {
  /** The window: the length of the shortest literal. */
  readonly window: number;
  private readonly shift: Uint8Array;
  private readonly buckets: (Uint8Array[] | undefined)[];

  constructor(literals: readonly string[]) {
    const bytes = [...new Set(literals)].map((l) => Buffer.from(l, 'utf8'));
    if (bytes.length === 0) throw new Error('LiteralSet needs at least one literal');
    this.window = Math.min(...bytes.map((b) => b.length));
    if (this.window < BLOCK) throw new Error(`literals must be at least ${BLOCK} bytes long`);
    if (this.window - BLOCK + 1 > 255) this.window = 255 + BLOCK - 1;
    const m = this.window;
    this.shift = new Uint8Array(1 << TABLE_BITS).fill(m - BLOCK + 1);
    this.buckets = new Array<Uint8Array[] | undefined>(1 << TABLE_BITS);
    for (const lit of bytes) {
      for (let j = BLOCK - 1; j < m; j++) {
        const h = hashAt(lit, j);
        const s = m - 1 - j;
        if (s < this.shift[h]!) this.shift[h] = s;
        if (s === 0) (this.buckets[h] ??= []).push(lit);
      }
    }
  }

  /**
   * Calls onLine once for each line of buf[start, end) that holds one of the literals, in order.
   * A line ends at a newline or at `end`; `start` must be the start of a line.
   */
  forEachLine(buf: Buffer, start: number, end: number, onLine: (lineStart: number, lineEnd: number) => void): void {
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
      if (!this.verify(buf, at, end, h)) {
        i++;
        continue;
      }
      const nl = buf.indexOf(NEWLINE, at);
      const lineEnd = nl === -1 || nl >= end ? end : nl;
      const before = at === 0 ? -1 : buf.lastIndexOf(NEWLINE, at - 1);
      const lineStart = Math.max(before + 1, lineFloor);
      onLine(lineStart, lineEnd);
      lineFloor = lineEnd + 1;
      i = lineEnd + m; // the next line's first window
    }
  }

  private verify(buf: Buffer, at: number, end: number, h: number): boolean {
    const list = this.buckets[h];
    if (!list) return false;
    for (const lit of list) {
      const n = lit.length;
      if (at + n > end) continue;
      let k = 0;
      while (k < n && buf[at + k] === lit[k]) k++;
      if (k === n) return true;
    }
    return false;
  }
}
