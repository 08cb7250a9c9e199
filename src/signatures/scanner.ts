// The streaming matcher. Bytes go in, in chunks of any size; records that match a signature come out.
// Only lines holding one of the catalog's literals are decoded and normalised (the prefilter skips the
// rest in native code); memory stays bounded by the chunk and MAX_LINE_BYTES, whatever the log's size:
// a line longer than that is read up to its first MAX_LINE_BYTES. Lines with invalid UTF-8 or NUL
// bytes are skipped and counted, never fatal.
import type { LogSource } from '../snapshot/types.js';
import { SIGNATURES } from './catalog.js';
import { LiteralSet } from './literals.js';
import { matchAlone, matchCandidates } from './match.js';
import { normalizeLine, normalizePrefixed, opensBlock, splitPrefix, standsAlone, type NormalLine, type Prefixed } from './normalize.js';
import type { Level, LogRecord, Signature, SignatureMatch } from './types.js';

export const MAX_LINE_BYTES = 64 * 1024;
/** A Go multi-line error: at most this many indented lines are joined to their header. */
const MAX_BLOCK_LINES = 20;
const MAX_BLOCK_CHARS = 16 * 1024;
const TAIL_BYTES = MAX_BLOCK_CHARS;
const NEWLINE = 10;

export interface ScannerOptions {
  signatures?: readonly Signature[];
  /** The log the lines come from; a line whose prefix names another service overrides it. */
  source?: LogSource;
  maxLineBytes?: number;
}

export interface ScanStats {
  lines: number;
  bytes: number;
  /** Candidate lines skipped because they are not UTF-8 text (binary, NUL bytes). */
  skipped: number;
  /** Lines longer than the line limit (read up to the limit). */
  longLines: number;
}

export type RecordListener = (record: LogRecord, matches: SignatureMatch[]) => void;

interface Phys {
  no: number;
  raw: string;
  norm: NormalLine;
}


/** A record with a fixed shape (this runs for every candidate line); its fields stay lazy. */
class ScannedRecord implements LogRecord {
  readonly time?: string;
  readonly stamp?: string;
  readonly level?: Level;
  readonly origin?: string;
  readonly source?: LogSource;

  constructor(
    readonly line: number,
    readonly span: number,
    private readonly head: NormalLine,
    readonly text: string,
    readonly display: string,
  ) {
    this.time = head.time;
    this.stamp = head.stamp;
    this.level = head.level;
    this.origin = head.origin;
    this.source = head.source;
  }

  get fields(): { [key: string]: string } {
    return this.head.fields;
  }
}
/** The catalog's prefilter: its literals, and for each literal the signatures (in catalog order) that use it. */
interface Prefilter {
  set: LiteralSet;
  byLiteral: Signature[][];
  /** The same for lines holding several literals, by their ids (a few shapes recur). */
  byLiterals: Map<string, Signature[]>;
}

/** A one-line record whose format is read only when its text, time or fields are asked for. */
class LazyRecord implements LogRecord {
  readonly span = 1;
  private norm: NormalLine | undefined;

  constructor(
    readonly line: number,
    private readonly pre: Prefixed,
  ) {}

  private get n(): NormalLine {
    return (this.norm ??= normalizePrefixed(this.pre));
  }

  get text(): string {
    return this.n.text;
  }
  get display(): string {
    return this.n.display;
  }
  get time(): string | undefined {
    return this.n.time;
  }
  get stamp(): string | undefined {
    return this.n.stamp;
  }
  get level(): Level | undefined {
    return this.n.level;
  }
  get origin(): string | undefined {
    return this.pre.origin;
  }
  get source(): LogSource | undefined {
    return this.n.source;
  }
  get fields(): Record<string, string> {
    return this.n.fields;
  }
}

const prefilters = new WeakMap<readonly Signature[], Prefilter>();

function prefilterOf(signatures: readonly Signature[]): Prefilter {
  let p = prefilters.get(signatures);
  if (!p) {
    const set = new LiteralSet(signatures.flatMap((s) => s.literals));
    const byLiteral = set.literals.map((lit) => signatures.filter((s) => s.literals.includes(lit)));
    prefilters.set(signatures, (p = { set, byLiteral, byLiterals: new Map() }));
  }
  return p;
}

export class LogScanner {
  readonly stats: ScanStats = { lines: 0, bytes: 0, skipped: 0, longLines: 0 };
  private readonly signatures: readonly Signature[];
  private readonly prefilter: Prefilter;
  private readonly maxLine: number;
  private readonly source?: LogSource;
  /** The incomplete last line of the previous chunk: its first maxLine bytes, and its full length. */
  private readonly carry: Buffer;
  private carryLen = 0;
  private carrying = false;
  /** The last complete lines seen (bytes), for joining an indented line to a header in an earlier chunk. */
  private tail: Buffer = Buffer.alloc(0);
  /** A record that may continue in the next chunk, and the literals its first candidate line held. */
  private pending: Phys[] | undefined;
  private pendingIds: readonly number[] = [];
  private lastLineNo = 0;

  constructor(private readonly onRecord: RecordListener, opts: ScannerOptions = {}) {
    this.signatures = opts.signatures ?? SIGNATURES;
    this.prefilter = prefilterOf(this.signatures);
    this.maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
    this.source = opts.source;
    this.carry = Buffer.allocUnsafe(this.maxLine + 1);
  }

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.stats.bytes += buf.length;
    let start = 0;
    if (this.carrying) {
      const nl = buf.indexOf(NEWLINE);
      if (nl === -1) return this.appendCarry(buf, 0, buf.length);
      this.appendCarry(buf, 0, nl);
      this.flushCarry();
      start = nl + 1;
    }
    const last = buf.lastIndexOf(NEWLINE);
    if (last >= start) this.region(buf, start, last + 1);
    if (last + 1 < buf.length && last + 1 >= start) this.appendCarry(buf, Math.max(start, last + 1), buf.length);
  }

  end(): ScanStats {
    if (this.carrying) this.flushCarry();
    this.finishPending();
    return this.stats;
  }

  private appendCarry(buf: Buffer, from: number, to: number): void {
    this.carrying = true;
    const room = this.maxLine - Math.min(this.carryLen, this.maxLine);
    if (room > 0) buf.copy(this.carry, Math.min(this.carryLen, this.maxLine), from, from + Math.min(room, to - from));
    this.carryLen += to - from;
  }

  private flushCarry(): void {
    const kept = Math.min(this.carryLen, this.maxLine);
    this.carry[kept] = NEWLINE;
    const long = this.carryLen > this.maxLine;
    this.carrying = false;
    this.carryLen = 0;
    // The carried line alone is a region of one line (its long part already dropped).
    this.region(this.carry, 0, kept + 1, long);
  }

  /** buf[start, end) holds whole lines, each ending in a newline. */
  private region(buf: Buffer, start: number, end: number, carriedLong = false): void {
    let cursor = start;
    let cursorNo = this.lastLineNo + 1;
    const advanceTo = (to: number) => {
      while (cursor < to) {
        const nl = buf.indexOf(NEWLINE, cursor);
        const stop = nl === -1 || nl >= end ? end : nl + 1;
        if (stop - cursor - 1 > this.maxLine || carriedLong) this.stats.longLines++;
        cursor = stop;
        cursorNo++;
      }
    };
    const lineAt = (s: number, knownEnd = -1): Phys | undefined => {
      let e = knownEnd;
      if (e < 0) {
        const nl = buf.indexOf(NEWLINE, s);
        e = nl === -1 || nl >= end ? end : nl;
      }
      const raw = this.decode(buf, s, e);
      return raw === undefined ? undefined : { no: cursorNo, raw, norm: normalizeLine(raw) };
    };
    const nextLineStart = (s: number) => {
      const nl = buf.indexOf(NEWLINE, s);
      return nl === -1 || nl >= end ? end : nl + 1;
    };

    // A record left open by the previous chunk takes this chunk's first indented lines.
    if (this.pending) {
      while (cursor < end) {
        const next = lineAt(cursor);
        if (!next || !this.continues(this.pending, next)) break;
        this.pending.push(next);
        advanceTo(nextLineStart(cursor));
      }
      if (cursor < end) this.finishPending();
    }

    const candidates: number[] = [];
    const ends: number[] = [];
    const literalIds: (readonly number[])[] = [];
    this.prefilter.set.scan(buf, cursor, end, candidates, ends, literalIds);
    for (let c = 0; c < candidates.length; c++) {
      const s = candidates[c]!;
      if (s < cursor) continue; // already part of a record
      advanceTo(s);
      const e = ends[c]!;
      const no = cursorNo;
      const raw = this.decode(buf, s, e);
      // Past this line (the scan knows where it ends: no second search for its newline).
      if (e - s > this.maxLine || carriedLong) this.stats.longLines++;
      cursor = e < end ? e + 1 : end;
      cursorNo++;
      if (raw === undefined) {
        this.stats.skipped++;
        continue;
      }
      // Most records are one line: matched past their prefixes, their format read only if someone asks.
      const pre = splitPrefix(raw);
      if (standsAlone(pre.rest)) {
        this.emitAlone(no, pre, literalIds[c]!);
        continue;
      }
      const here: Phys = { no, raw, norm: normalizePrefixed(pre) };
      const lines = here.norm.continuation ? [...this.lookBack(buf, start, s, here), here] : [here];
      // Only a block opener (`...errors:`) can take the lines after it: no need to read them otherwise.
      while (cursor < end && opensBlock(lines[0]!.norm)) {
        const next = lineAt(cursor);
        if (!next || !this.continues(lines, next)) break;
        lines.push(next);
        advanceTo(nextLineStart(cursor));
      }
      if (cursor >= end && (opensBlock(lines[0]!.norm) || lines.length > 1)) {
        this.pending = lines; // it may go on in the next chunk
        this.pendingIds = literalIds[c]!;
      } else {
        this.emit(lines, literalIds[c]!);
      }
    }
    advanceTo(end);
    this.lastLineNo = cursorNo - 1;
    this.stats.lines = this.lastLineNo;
    this.rememberTail(buf, start, end);
  }

  /** The header and indented lines before an indented candidate line, when they form one Go error. */
  private lookBack(buf: Buffer, regionStart: number, s: number, here: Phys): Phys[] {
    const before: Phys[] = [];
    const segments = [
      { buf, start: regionStart, end: s },
      { buf: this.tail, start: 0, end: this.tail.length },
    ];
    let no = here.no;
    for (const seg of segments) {
      let pos = seg.end; // the start of the line after the one to read
      while (pos > seg.start) {
        if (before.length >= MAX_BLOCK_LINES) return [];
        const lineEnd = pos - 1; // its newline
        const nlBefore = lineEnd - 1 >= seg.start ? seg.buf.lastIndexOf(NEWLINE, lineEnd - 1) : -1;
        const from = Math.max(nlBefore + 1, seg.start);
        const raw = this.decode(seg.buf, from, lineEnd);
        if (raw === undefined) return [];
        const prev: Phys = { no: --no, raw, norm: normalizeLine(raw) };
        if (prev.norm.origin !== here.norm.origin) return [];
        before.unshift(prev);
        if (!prev.norm.continuation) return opensBlock(prev.norm) ? before : [];
        pos = from;
      }
    }
    return [];
  }

  private continues(lines: Phys[], next: Phys): boolean {
    const head = lines[0]!;
    if (!next.norm.continuation || next.norm.origin !== head.norm.origin) return false;
    if (!opensBlock(head.norm) || lines.length >= MAX_BLOCK_LINES) return false;
    return lines.reduce((n, l) => n + l.raw.length, 0) + next.raw.length <= MAX_BLOCK_CHARS;
  }

  private finishPending(): void {
    if (!this.pending) return;
    const lines = this.pending;
    this.pending = undefined;
    this.emit(lines, this.pendingIds);
  }

  /** The signatures worth testing: those whose literals the record holds, in catalog order. */
  private candidatesFor(ids: readonly number[]): readonly Signature[] {
    const { byLiteral, byLiterals } = this.prefilter;
    if (ids.length === 1) return byLiteral[ids[0]!]!;
    const key = ids.join(',');
    let list = byLiterals.get(key);
    if (!list) {
      const set = new Set<Signature>();
      for (const id of ids) for (const sig of byLiteral[id]!) set.add(sig);
      byLiterals.set(key, (list = this.signatures.filter((sig) => set.has(sig))));
    }
    return list;
  }

  private emitAlone(no: number, pre: Prefixed, ids: readonly number[]): void {
    const record = new LazyRecord(no, pre);
    const matches = matchAlone(record, pre, this.candidatesFor(ids), this.source);
    if (matches.length) this.onRecord(record, matches);
  }

  private emit(lines: Phys[], ids: readonly number[]): void {
    const head = lines[0]!;
    const n = head.norm;
    let text = n.text;
    let display = n.display;
    let raw = head.raw;
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i]!;
      text += ` ${l.norm.text.trim()}`;
      display += ` ${l.norm.display.trim()}`;
      raw += `\n${l.raw}`;
    }
    const record = new ScannedRecord(head.no, lines.length, n, text, display);
    // A record of several lines may hold literals its first candidate line did not.
    const candidates = this.candidatesFor(lines.length > 1 ? this.prefilter.set.literalsIn(raw) : ids);
    const matches = matchCandidates(record, candidates, this.source);
    if (matches.length) this.onRecord(record, matches);
  }

  /** Keeps the last bytes seen, whole lines only, so lookBack can reach a header in an earlier chunk. */
  private rememberTail(buf: Buffer, start: number, end: number): void {
    const joined = end - start >= TAIL_BYTES ? buf.subarray(start, end) : Buffer.concat([this.tail, buf.subarray(start, end)]);
    let from = Math.max(0, joined.length - TAIL_BYTES);
    if (from > 0) from = joined.indexOf(NEWLINE, from - 1) + 1;
    this.tail = Buffer.from(joined.subarray(from));
  }

  /** UTF-8 text of buf[s, e), at most maxLine bytes (cut on a character boundary); undefined when binary. */
  private decode(buf: Buffer, s: number, e: number): string | undefined {
    let stop = e;
    if (stop - s > this.maxLine) {
      stop = s + this.maxLine;
      for (let k = 0; k < 3 && stop > s && (buf[stop]! & 0xc0) === 0x80; k++) stop--;
    }
    // Invalid UTF-8 decodes to U+FFFD; a NUL byte is binary: both make the line not text.
    const text = buf.toString('utf8', s, stop);
    return text.includes('\uFFFD') || text.includes('\0') ? undefined : text;
  }
}

/** Scans a whole text (a snapshot's log) in one go. */
export function scanText(text: string, onRecord: RecordListener, opts: ScannerOptions = {}): ScanStats {
  const scanner = new LogScanner(onRecord, opts);
  scanner.push(Buffer.from(text, 'utf8'));
  return scanner.end();
}
