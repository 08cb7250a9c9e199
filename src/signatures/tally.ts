// What `scan` keeps while a log streams through: per finding and per signature, the complete count and a
// bounded sample of lines (the first few, a few spread between, the latest); known lines that are knowingly
// ignored, counted apart. Memory stays bounded whatever the log's size; lines are redacted only when shown.
import type { FindingId } from '../analyze/catalog.js';
import { evidence } from '../analyze/evidence.js';
import { SEVERITY_ORDER, type Severity } from '../analyze/types.js';
import type { ScanStats } from './scanner.js';
import type { LogRecord, Signature, SignatureMatch } from './types.js';

const FIRST = 3;
/** At most this many lines spread evenly between the first ones and the latest. */
const BETWEEN = 4;

export interface ScanLine {
  line: number;
  text: string;
}

/** A line kept in a sample: its number and where its display comes from (a record reads it only when shown). */
interface Kept {
  line: number;
  from: { readonly display: string };
}

interface RawLine {
  line: number;
  display: string;
}

export interface SampleData {
  count: number;
  first: RawLine[];
  between: RawLine[];
  stride: number;
  latest?: RawLine;
}

export interface TallyData {
  signatures: { id: string; sample: SampleData }[];
  findings: { id: FindingId; count: number; sample: SampleData }[];
  ignoredLines: number;
}

const cleanLine = (l: Kept): ScanLine => ({ line: l.line, text: evidence('scan', l.from.display).text });
const kept = (l: RawLine): Kept => ({ line: l.line, from: { display: l.display } });
const raw = (l: Kept): RawLine => ({ line: l.line, display: l.from.display });

/**
 * A bounded, deterministic sample of a stream of lines: the first FIRST, up to BETWEEN spread evenly over
 * the rest (every stride-th, the stride doubling as the stream grows), and the latest.
 */
export class LineSample {
  count = 0;
  private readonly first: Kept[] = [];
  private between: Kept[] = [];
  private stride = 1;
  /** The latest line, kept as two fields: no object per line on the hot path. */
  private latestLine = 0;
  private latestFrom: { readonly display: string } | undefined;

  add(line: number, from: { readonly display: string }): void {
    const n = this.count++;
    if (n < FIRST) {
      this.first.push({ line, from });
      return;
    }
    if (this.latestFrom !== undefined && (n - 1 - FIRST) % this.stride === 0) {
      this.between.push({ line: this.latestLine, from: this.latestFrom });
      if (this.between.length > 2 * BETWEEN) {
        this.between = this.between.filter((_, i) => i % 2 === 0);
        this.stride *= 2;
      }
    }
    this.latestLine = line;
    this.latestFrom = from;
  }

  private get latest(): Kept | undefined {
    return this.latestFrom === undefined ? undefined : { line: this.latestLine, from: this.latestFrom };
  }

  /** Its state as plain data (to send from a worker thread). */
  export(): SampleData {
    const latest = this.latest;
    return { count: this.count, first: this.first.map(raw), between: this.between.map(raw), stride: this.stride, ...(latest ? { latest: raw(latest) } : {}) };
  }

  /**
   * Appends a sample of the lines after these (another part of the same log, its line numbers moved by
   * `offset`): the first lines stay, the latest becomes the other's, the ones between are spread again.
   */
  append(other: SampleData, offset: number): void {
    const mine = [...this.first, ...this.between, ...(this.latest ? [this.latest] : [])];
    const theirs = [...other.first, ...other.between, ...(other.latest ? [other.latest] : [])].map((l) => kept({ line: l.line + offset, display: l.display }));
    const all = [...mine, ...theirs];
    this.count += other.count;
    this.first.length = 0;
    this.first.push(...all.slice(0, FIRST));
    const rest = all.slice(FIRST);
    const latest = rest.pop();
    let between = rest;
    while (between.length > 2 * BETWEEN) between = between.filter((_, i) => i % 2 === 0);
    this.between = between;
    this.latestLine = latest?.line ?? 0;
    this.latestFrom = latest?.from;
  }

  /** The first lines (redacted). */
  head(): ScanLine[] {
    return this.first.map(cleanLine);
  }

  /** The latest line after the first ones (redacted), if any. */
  last(): ScanLine | undefined {
    return this.latest && cleanLine(this.latest);
  }

  /** First, a few between, and the latest, in line order (redacted). */
  lines(): ScanLine[] {
    const step = Math.max(1, Math.ceil(this.between.length / BETWEEN));
    const mid = this.between.filter((_, i) => i % step === 0).slice(0, BETWEEN);
    return [...this.first, ...mid, ...(this.latest ? [this.latest] : [])].map(cleanLine);
  }
}

export interface FindingTally {
  id: FindingId;
  count: number;
  severity: Severity;
  sample: LineSample;
  /** The signatures that support it, in the order they first matched. */
  signatures: SignatureTally[];
  /** The record it was last counted for (one line, one match per finding). */
  countedAt: number;
}

export interface SignatureTally {
  signature: Signature;
  sample: LineSample;
  /** Its finding's tally, when it supports one. */
  finding?: FindingTally;
}

export class ScanTally {
  readonly findings = new Map<FindingId, FindingTally>();
  /** Every signature that matched, findings or not. */
  readonly signatures = new Map<string, SignatureTally>();
  /** Lines whose every match is a known, knowingly ignored signature. */
  ignoredLines = 0;
  private records = 0;

  add(record: LogRecord, matches: SignatureMatch[]): void {
    let onlyIgnored = true;
    const stamp = ++this.records;
    for (let k = 0; k < matches.length; k++) {
      const signature = matches[k]!.signature;
      const st = this.signatures.get(signature.id) ?? this.track(signature);
      st.sample.add(record.line, record);
      if (!signature.ignored) onlyIgnored = false;
      const t = st.finding;
      if (!t || t.countedAt === stamp) continue; // one line, one match per finding
      t.countedAt = stamp;
      t.count++;
      t.sample.add(record.line, record);
    }
    if (onlyIgnored) this.ignoredLines++;
  }

  private track(signature: Signature): SignatureTally {
    const st: SignatureTally = { signature, sample: new LineSample() };
    const id = signature.finding;
    if (id) {
      let t = this.findings.get(id);
      if (!t) this.findings.set(id, (t = { id, count: 0, severity: signature.severity, sample: new LineSample(), signatures: [], countedAt: 0 }));
      if (SEVERITY_ORDER.indexOf(signature.severity) < SEVERITY_ORDER.indexOf(t.severity)) t.severity = signature.severity;
      t.signatures.push(st);
      st.finding = t;
    }
    this.signatures.set(signature.id, st);
    return st;
  }

  /** Everything counted and sampled, as plain data (to send from a worker thread). */
  export(): TallyData {
    return {
      signatures: [...this.signatures.values()].map((s) => ({ id: s.signature.id, sample: s.sample.export() })),
      findings: [...this.findings.values()].map((f) => ({ id: f.id, count: f.count, sample: f.sample.export() })),
      ignoredLines: this.ignoredLines,
    };
  }

  /** Adds the tally of a later part of the same log, whose line numbers start after `offset` lines. */
  append(other: TallyData, signatures: readonly Signature[], offset: number): void {
    for (const s of other.signatures) {
      const signature = signatures.find((x) => x.id === s.id);
      if (!signature) continue;
      (this.signatures.get(s.id) ?? this.track(signature)).sample.append(s.sample, offset);
    }
    for (const f of other.findings) {
      const t = this.findings.get(f.id);
      if (!t) continue; // tracked above with its signature
      t.count += f.count;
      t.sample.append(f.sample, offset);
    }
    this.ignoredLines += other.ignoredLines;
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.findings.values()].map((t) => [t.id, t.count]));
  }

  /** Known lines knowingly ignored, by signature. */
  ignored(): SignatureTally[] {
    return [...this.signatures.values()].filter((s) => s.signature.ignored);
  }

  /** `scan` exits 1 when a signature of severity error matched. */
  hasError(): boolean {
    return [...this.findings.values()].some((t) => t.severity === 'error');
  }
}

export interface ScanOutcome {
  /** What was read: a file's path, or `stdin`. */
  name: string;
  tally: ScanTally;
  stats: ScanStats;
}
