// The snapshot's logs, matched once against the catalog and cached per snapshot (analysis stays pure:
// the cache is keyed by the snapshot's logs and never changes what a check sees), like yaml-source.ts.
// The same pass keeps each log's last lines (tails.ts), overall and per pod, for evidence. A bundle's
// logs stay on disk: prepareLogIndex streams them through the same scanner before analysis, in chunks,
// so a log of any size is never held whole.
import { LOG_SOURCES, type LogFilePart, type LogSource, type Snapshot, type SnapshotLog } from '../snapshot/types.js';
import { LogScanner, type ScanStats } from './scanner.js';
import { LogTails } from './tails.js';
import { redact } from '../snapshot/redact.js';
import type { LogRecord, Signature, SignatureMatch } from './types.js';
import { PROBE_MARKER } from '../snapshot/probe-marker.js';

/**
 * Per signature, at most this many hits are kept: the first ones and the latest ones (a log of millions
 * of per-request lines); counts stay complete, and the latest state is always among the kept.
 */
const KEEP_FIRST = 1_000;
const KEEP_MAX = 10_000;

export interface LogHit {
  signature: Signature;
  /** The snapshot log it is in. */
  log: LogSource;
  /** Its order in that log (records are numbered as they come). */
  seq: number;
  record: LogRecord;
  captures: Record<string, string>;
}

export interface LogIndex {
  /** Kept hits by signature id, in log order. */
  bySignature: Map<string, LogHit[]>;
  /** Every match, by signature id (complete even when hits were dropped). */
  counts: Map<string, number>;
  stats: Partial<Record<LogSource, ScanStats>>;
  /** Matching lines left out because this tool's own probe caused them (they carry PROBE_MARKER). */
  own: number;
  /** Each log's last lines, overall and per pod. */
  tails: Partial<Record<LogSource, LogTails>>;
}

/** Keyed by the snapshot's `logs`: a copy of the snapshot with other facts (applyFacts) shares its index. */
const cache = new WeakMap<Snapshot['logs'], LogIndex>();

/** Reads a bundle log's bytes from disk, in chunks (the bundle reader's; a chunk may be reused after push). */
export type LogFileReader = (part: LogFilePart) => AsyncIterable<Uint8Array>;

/** One pass over one log: the scanner's hits into the index, and the last lines. */
class LogPass {
  private seq = 0;
  readonly scanner: LogScanner;
  readonly tails = new LogTails();

  constructor(
    private readonly index: LogIndex,
    private readonly log: LogSource,
    /**
     * Its bytes come straight from a file (a bundle's log on disk, which nothing redacted): what a check
     * reads of a hit's captures is redacted then (lines are redacted where they are shown, as evidence).
     */
    private readonly raw = false,
  ) {
    this.scanner = new LogScanner((record, matches) => this.hit(record, matches), { source: log });
  }

  push(chunk: Uint8Array): void {
    this.scanner.push(chunk);
    this.tails.push(chunk);
  }

  end(): void {
    this.index.stats[this.log] = this.scanner.end();
    this.tails.end();
    this.index.tails[this.log] = this.tails;
  }

  private hit(record: LogRecord, matches: SignatureMatch[]): void {
    const index = this.index;
    this.seq++;
    // A line this tool's own listener probe caused (it carries PROBE_MARKER) is not evidence: counted, left out.
    if (record.text.includes(PROBE_MARKER)) {
      index.own++;
      return;
    }
    const raw = this.raw;
    for (const m of matches) {
      const id = m.signature.id;
      index.counts.set(id, (index.counts.get(id) ?? 0) + 1);
      let list = index.bySignature.get(id);
      if (!list) index.bySignature.set(id, (list = []));
      if (list.length >= KEEP_MAX) list.splice(KEEP_FIRST, KEEP_MAX / 2); // drop from the middle
      let clean: Record<string, string> | undefined;
      // Worked out when a check reads them.
      list.push({ signature: m.signature, log: this.log, seq: this.seq, record, get captures() { return raw ? (clean ??= redactCaptures(m.captures)) : m.captures; } });
    }
  }
}

function redactCaptures(captures: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(captures).map(([k, v]) => [k, redact(v)]));
}

const emptyIndex = (): LogIndex => ({ bySignature: new Map(), counts: new Map(), stats: {}, own: 0, tails: {} });

function indexText(index: LogIndex, source: LogSource, log: SnapshotLog): void {
  if (!log.text) return;
  const pass = new LogPass(index, source);
  pass.push(Buffer.from(log.text, 'utf8'));
  pass.end();
}

export function logIndex(s: Snapshot): LogIndex {
  const cached = cache.get(s.logs);
  if (cached) return cached;
  const index = emptyIndex();
  for (const source of LOG_SOURCES) {
    const log = s.logs[source];
    if (!log) continue;
    if (log.files?.length) throw new Error(`logs/${source} is on disk: prepareLogIndex() must read it before analysis`);
    indexText(index, source, log);
  }
  cache.set(s.logs, index);
  return index;
}

/**
 * Builds (and caches) the index of a snapshot whose logs are partly on disk (a bundle's), streaming each
 * file through the scanner; logs held as text are indexed as logIndex does. Call before analysis.
 */
/** The index when it can be had without reading a bundle's files (built, or every log in memory); else undefined. */
export function readyLogIndex(s: Snapshot): LogIndex | undefined {
  const cached = cache.get(s.logs);
  if (cached) return cached;
  return LOG_SOURCES.some((source) => s.logs[source]?.files?.length) ? undefined : logIndex(s);
}

export async function prepareLogIndex(s: Snapshot, read: LogFileReader): Promise<LogIndex> {
  const cached = cache.get(s.logs);
  if (cached) return cached;
  const index = emptyIndex();
  for (const source of LOG_SOURCES) {
    const log = s.logs[source];
    if (!log) continue;
    if (!log.files?.length) {
      indexText(index, source, log);
      continue;
    }
    const pass = new LogPass(index, source, true);
    for (const [i, part] of log.files.entries()) {
      if (i > 0) pass.push(NEWLINE_CHUNK); // the parts of one log are read as if joined by a newline
      for await (const chunk of read(part)) pass.push(chunk);
    }
    pass.end();
  }
  cache.set(s.logs, index);
  return index;
}

const NEWLINE_CHUNK = Buffer.from('\n');

/** Kept hits of these signature ids, ordered by log then by position in it. */
export function hitsOf(s: Snapshot, ids: readonly string[]): LogHit[] {
  const index = logIndex(s);
  const hits = ids.flatMap((id) => index.bySignature.get(id) ?? []);
  return hits.sort((a, b) => LOG_SOURCES.indexOf(a.log) - LOG_SOURCES.indexOf(b.log) || a.seq - b.seq);
}

/** How many records matched these signature ids (all of them, kept or not). */
export function countOf(s: Snapshot, ids: readonly string[]): number {
  const index = logIndex(s);
  return ids.reduce((n, id) => n + (index.counts.get(id) ?? 0), 0);
}
