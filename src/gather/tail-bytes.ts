// The newest bytes of a stream, in bounded memory: a log keeps its latest lines (they hold the current
// state), never its oldest. What is kept starts at a line start; a single line longer than the limit is
// kept by its end, from a character boundary.
const NEWLINE = 10;

export class TailBytes {
  private chunks: Buffer[] = [];
  private held = 0;
  /** Every byte seen, kept or not. */
  total = 0;

  constructor(readonly limit: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.held += chunk.length;
    // Drop whole chunks that lie entirely before the newest `limit` bytes.
    while (this.chunks.length > 1 && this.held - this.chunks[0]!.length >= this.limit) this.held -= this.chunks.shift()!.length;
  }

  /** Bytes seen but not kept (the oldest). */
  get dropped(): number {
    return this.total - this.bytes().length;
  }

  get truncated(): boolean {
    return this.total > this.limit;
  }

  bytes(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length ? [all] : [];
    if (this.total <= this.limit) return all;
    return keepNewest(all, this.limit);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

/** The newest whole lines of `buf` that fit in `limit` bytes (a longer last line: its end). */
export function keepNewest(buf: Buffer, limit: number): Buffer {
  if (buf.length <= limit) return buf;
  const from = buf.length - limit;
  // A kept part starts right after a newline at or after `from` (the byte before `from` may be one too).
  const nl = buf.indexOf(NEWLINE, from - 1);
  if (nl !== -1 && nl + 1 < buf.length) return buf.subarray(nl + 1);
  // One line longer than the limit: its last `limit` bytes, from the start of a character.
  let start = from;
  while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++;
  return buf.subarray(start);
}
