// The last lines of a log, overall and per pod (kubectl --prefix), kept while the log streams past in
// byte chunks: one pass, whatever the log's size or the number of pods, in memory bounded by the lines
// kept. A line is decoded only if it is still among the last ones when its chunk ends (so the chunk
// buffer may be reused by the caller). Lines are split on \n; a line longer than MAX_TAIL_LINE_BYTES is
// kept by its first MAX_TAIL_LINE_BYTES (evidence shows a few hundred characters of it at most).
const NEWLINE = 10;
const BRACKET = 0x5b; // [
const SLASH = 0x2f;
const CLOSE = 0x5d; // ]
const SPACE = 0x20;
const POD = Buffer.from('[pod/');

/** The most last lines kept per log and per pod: callers ask for a handful. */
export const TAIL_LINES = 20;
export const MAX_TAIL_LINE_BYTES = 64 * 1024;

interface Line {
  /** Decoded once its chunk ends (or at once, for a line carried over chunks). */
  text?: string;
  buf: Buffer;
  s: number;
  e: number;
}

class Ring {
  lines: Line[] = [];
  constructor(private readonly keep: number) {}
  push(line: Line): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
  }
}

export class LogTails {
  private readonly all: Ring;
  private readonly pods = new Map<string, Ring>();
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Rings that took a line of the chunk being read (their lines are decoded when it ends). */
  private touched = new Set<Ring>();
  /** The `[pod/<name>/<container>] ` prefix of the last prefixed line, and its pod's ring. */
  private lastPrefix: Buffer | undefined;
  private lastRing: Ring | undefined;

  constructor(private readonly keep: number = TAIL_LINES) {
    this.all = new Ring(keep);
  }

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    if (this.carryLen > 0 || this.carry.length > 0) {
      const nl = buf.indexOf(NEWLINE);
      if (nl === -1) {
        this.addCarry(buf, 0, buf.length);
        return;
      }
      this.addCarry(buf, 0, nl);
      this.flushCarry();
      pos = nl + 1;
    }
    const last = buf.lastIndexOf(NEWLINE);
    // No pod prefix in the chunk: only its last lines can matter (a Compose or plain log costs a few
    // lastIndexOf, not a look at every line).
    if (last >= pos && buf.indexOf(POD, pos) === -1) pos = this.lastLinesFrom(buf, pos, last);
    for (;;) {
      const nl = buf.indexOf(NEWLINE, pos);
      if (nl === -1) break;
      this.line(buf, pos, nl);
      pos = nl + 1;
    }
    this.settle(buf);
    if (pos < buf.length) this.addCarry(buf, pos, buf.length);
  }

  end(): void {
    if (this.carry.length > 0) this.flushCarry();
  }

  /** The last `n` (at most the number kept) non-empty lines; of one pod's lines when `pod` is given. */
  last(n: number, pod?: string): string[] {
    const ring = pod === undefined ? this.all : this.pods.get(pod);
    if (!ring || n <= 0) return [];
    return ring.lines.slice(-n).map((l) => l.text ?? decode(l));
  }

  /** Where the last `keep` non-empty lines of buf[from, end] start (end: the last newline). */
  private lastLinesFrom(buf: Buffer, from: number, end: number): number {
    let found = 0;
    let lineEnd = end;
    while (lineEnd > from) {
      const nl = buf.lastIndexOf(NEWLINE, lineEnd - 1);
      const start = nl < from ? from : nl + 1;
      if (nonEmpty(buf, start, lineEnd) && ++found === this.keep) return start;
      if (nl < from) return from;
      lineEnd = nl;
    }
    return from;
  }

  private addCarry(buf: Buffer, from: number, to: number): void {
    const room = MAX_TAIL_LINE_BYTES - this.carryLen;
    if (room > 0 && to > from) this.carry.push(Buffer.from(buf.subarray(from, from + Math.min(room, to - from))));
    this.carryLen += to - from;
    if (this.carry.length === 0) this.carry.push(Buffer.alloc(0)); // an empty start of a line is still a line
  }

  private flushCarry(): void {
    const joined = Buffer.concat(this.carry);
    this.carry = [];
    this.carryLen = 0;
    this.line(joined, 0, joined.length);
    this.settle(joined);
  }

  private line(buf: Buffer, s: number, e: number): void {
    const end = e - s > MAX_TAIL_LINE_BYTES ? cutAt(buf, s, s + MAX_TAIL_LINE_BYTES) : e;
    if (!nonEmpty(buf, s, end)) return;
    const line: Line = { buf, s, e: end };
    this.all.push(line);
    this.touched.add(this.all);
    if (buf[s] !== BRACKET) return;
    const ring = this.podRing(buf, s, end);
    if (!ring) return;
    ring.push(line);
    this.touched.add(ring);
  }

  /** The ring of the pod named by `[pod/<pod>/<container>] ` at the line's start, if it has that prefix. */
  private podRing(buf: Buffer, s: number, e: number): Ring | undefined {
    const last = this.lastPrefix;
    if (last && e - s >= last.length && sameBytes(buf, s, last)) return this.lastRing;
    if (e - s < POD.length + 5 || !sameBytes(buf, s, POD)) return undefined;
    // [pod/ NAME (no / or ]) / CONTAINER (no ]) ] SPACE
    let i = s + POD.length;
    const nameStart = i;
    while (i < e && buf[i] !== SLASH && buf[i] !== CLOSE) i++;
    if (i === nameStart || i >= e || buf[i] !== SLASH) return undefined;
    const nameEnd = i++;
    const containerStart = i;
    while (i < e && buf[i] !== CLOSE) i++;
    if (i === containerStart || i + 1 >= e || buf[i + 1] !== SPACE) return undefined;
    const pod = buf.toString('utf8', nameStart, nameEnd);
    let ring = this.pods.get(pod);
    if (!ring) this.pods.set(pod, (ring = new Ring(this.keep)));
    this.lastPrefix = Buffer.from(buf.subarray(s, i + 2));
    this.lastRing = ring;
    return ring;
  }

  /** Decodes the kept lines that still point into `buf`, before the caller reuses it. */
  private settle(buf: Buffer): void {
    for (const ring of this.touched) for (const l of ring.lines) if (l.text === undefined && l.buf === buf) l.text = decode(l);
    this.touched.clear();
  }
}

function decode(l: Line): string {
  return l.buf.toString('utf8', l.s, l.e);
}

function sameBytes(buf: Buffer, at: number, what: Buffer): boolean {
  if (at + what.length > buf.length) return false;
  for (let k = 0; k < what.length; k++) if (buf[at + k] !== what[k]) return false;
  return true;
}

/** `limit`, moved back to the start of a UTF-8 character. */
function cutAt(buf: Buffer, s: number, limit: number): number {
  let stop = limit;
  for (let k = 0; k < 3 && stop > s && (buf[stop]! & 0xc0) === 0x80; k++) stop--;
  return stop;
}

/** As `line.trim() !== ''`: a visible ASCII first byte settles it without decoding. */
function nonEmpty(buf: Buffer, s: number, e: number): boolean {
  if (s >= e) return false;
  const b = buf[s]!;
  if (b > SPACE && b < 0x7f) return true;
  return buf.toString('utf8', s, e).trim() !== '';
}
