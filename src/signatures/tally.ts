// What `scan` keeps while a log streams through: every match counted by finding (complete), the first
// matches up to a cap, a few sample lines per finding. Memory stays bounded whatever the log's size.
import type { FindingId } from '../analyze/catalog.js';
import { evidence } from '../analyze/evidence.js';
import { SEVERITY_ORDER, type Severity } from '../analyze/types.js';
import type { ScanStats } from './scanner.js';
import type { LogRecord, SignatureMatch } from './types.js';

export const MATCH_CAP = 1000;
const SAMPLES = 3;

export interface ScanLine {
  line: number;
  text: string;
}

export interface FindingTally {
  id: FindingId;
  count: number;
  severity: Severity;
  /** Matching lines per signature description. */
  bySignature: Map<string, number>;
  first: ScanLine[];
  /** The latest match after the first ones, unredacted until `lastOf` asks. */
  latest?: { line: number; display: string };
}

const cleanLine = (display: string) => evidence('scan', display).text;

/** The latest matching line of a finding, after the first samples (redacted). */
export function lastOf(t: FindingTally): ScanLine | undefined {
  return t.latest && { line: t.latest.line, text: cleanLine(t.latest.display) };
}

export class ScanTally {
  readonly matches: (ScanLine & { id: FindingId })[] = [];
  omitted = 0;
  readonly findings = new Map<FindingId, FindingTally>();

  add(record: LogRecord, matches: SignatureMatch[]): void {
    const seen = new Set<FindingId>();
    for (const { signature } of matches) {
      const id = signature.finding;
      if (!id) continue; // markers (a start, a route configured) are for checks, not findings
      let t = this.findings.get(id);
      if (!t) this.findings.set(id, (t = { id, count: 0, severity: signature.severity, bySignature: new Map(), first: [] }));
      t.bySignature.set(signature.description, (t.bySignature.get(signature.description) ?? 0) + 1);
      if (SEVERITY_ORDER.indexOf(signature.severity) < SEVERITY_ORDER.indexOf(t.severity)) t.severity = signature.severity;
      if (seen.has(id)) continue; // one line, one match per finding
      seen.add(id);
      t.count++;
      // Redacting costs: only lines that are kept get their text (the latest stays raw until asked for).
      const keep = this.matches.length < MATCH_CAP;
      const line = t.first.length < SAMPLES || keep ? { line: record.line, text: cleanLine(record.display) } : undefined;
      if (t.first.length < SAMPLES) t.first.push(line!);
      else t.latest = { line: record.line, display: record.display };
      if (keep) this.matches.push({ id, ...line! });
      else this.omitted++;
    }
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.findings.values()].map((t) => [t.id, t.count]));
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
