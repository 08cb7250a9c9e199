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

interface RawLine {
  line: number;
  display: string;
}

const cleanLine = (l: RawLine): ScanLine => ({ line: l.line, text: evidence('scan', l.display).text });

/**
 * A bounded, deterministic sample of a stream of lines: the first FIRST, up to BETWEEN spread evenly over
 * the rest (every stride-th, the stride doubling as the stream grows), and the latest.
 */
export class LineSample {
  count = 0;
  private readonly first: RawLine[] = [];
  private between: RawLine[] = [];
  private stride = 1;
  private latest: RawLine | undefined;

  add(line: number, display: string): void {
    const n = this.count++;
    const l = { line, display };
    if (n < FIRST) {
      this.first.push(l);
      return;
    }
    if (this.latest && (n - 1 - FIRST) % this.stride === 0) {
      this.between.push(this.latest);
      if (this.between.length > 2 * BETWEEN) {
        this.between = this.between.filter((_, i) => i % 2 === 0);
        this.stride *= 2;
      }
    }
    this.latest = l;
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
  /** Matching lines per signature description. */
  bySignature: Map<string, number>;
  sample: LineSample;
}

export interface SignatureTally {
  signature: Signature;
  sample: LineSample;
}

export class ScanTally {
  readonly findings = new Map<FindingId, FindingTally>();
  /** Every signature that matched, findings or not. */
  readonly signatures = new Map<string, SignatureTally>();
  /** Lines whose every match is a known, knowingly ignored signature. */
  ignoredLines = 0;

  add(record: LogRecord, matches: SignatureMatch[]): void {
    let findingsSeen: FindingId | FindingId[] | undefined;
    let onlyIgnored = true;
    for (const { signature } of matches) {
      let st = this.signatures.get(signature.id);
      if (!st) this.signatures.set(signature.id, (st = { signature, sample: new LineSample() }));
      st.sample.add(record.line, record.display);
      if (!signature.ignored) onlyIgnored = false;
      const id = signature.finding;
      if (!id) continue; // markers (a start, a recovery, known noise) are for checks, not findings
      let t = this.findings.get(id);
      if (!t) this.findings.set(id, (t = { id, count: 0, severity: signature.severity, bySignature: new Map(), sample: new LineSample() }));
      t.bySignature.set(signature.description, (t.bySignature.get(signature.description) ?? 0) + 1);
      if (SEVERITY_ORDER.indexOf(signature.severity) < SEVERITY_ORDER.indexOf(t.severity)) t.severity = signature.severity;
      // One line, one match per finding.
      if (findingsSeen === id || (Array.isArray(findingsSeen) && findingsSeen.includes(id))) continue;
      findingsSeen = findingsSeen === undefined ? id : [...(Array.isArray(findingsSeen) ? findingsSeen : [findingsSeen]), id];
      t.count++;
      t.sample.add(record.line, record.display);
    }
    if (onlyIgnored) this.ignoredLines++;
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
