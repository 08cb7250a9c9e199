// The snapshot's logs, matched once against the catalog and cached per snapshot (analysis stays pure:
// the cache is keyed by the snapshot object and never changes what a check sees), like yaml-source.ts.
import { LOG_SOURCES, type LogSource, type Snapshot } from '../snapshot/types.js';
import { scanText, type ScanStats } from './scanner.js';
import type { LogRecord, Signature } from './types.js';
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
}

const cache = new WeakMap<Snapshot, LogIndex>();

export function logIndex(s: Snapshot): LogIndex {
  const cached = cache.get(s);
  if (cached) return cached;
  const index: LogIndex = { bySignature: new Map(), counts: new Map(), stats: {}, own: 0 };
  for (const log of LOG_SOURCES) {
    const text = s.logs[log]?.text;
    if (!text) continue;
    let seq = 0;
    index.stats[log] = scanText(
      text,
      (record, matches) => {
        seq++;
        if (record.text.includes(PROBE_MARKER)) {
          index.own++;
          return;
        }
        for (const m of matches) {
          const id = m.signature.id;
          index.counts.set(id, (index.counts.get(id) ?? 0) + 1);
          let list = index.bySignature.get(id);
          if (!list) index.bySignature.set(id, (list = []));
          if (list.length >= KEEP_MAX) list.splice(KEEP_FIRST, KEEP_MAX / 2); // drop from the middle
          list.push({ signature: m.signature, log, seq, record, get captures() { return m.captures; } }); // worked out when a check reads them
        }
      },
      { source: log },
    );
  }
  cache.set(s, index);
  return index;
}

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
