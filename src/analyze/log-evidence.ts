// What every log-derived check shares: evidence from matched lines (redacted, counted, first and last
// seen, which pods), and the rule that the latest state wins: a failure followed, in the same log and
// the same pod or container, by a line that shows recovery is reported as recovered, not as current.
import type { Snapshot } from '../snapshot/types.js';
import { signatureById } from '../signatures/catalog.js';
import { countOf, hitsOf, type LogHit } from '../signatures/log-index.js';
import type { FindingId } from './catalog.js';
import { evidence } from './evidence.js';
import { runWords, splitByRun, type RunStart } from './log-runs.js';
import type { Evidence, Observation, Severity } from './types.js';

const groupKey = (h: LogHit) => `${h.log}\u0000${h.record.origin ?? ''}`;

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Pods or containers the hits came from, when the lines said. */
export function seenIn(hits: readonly LogHit[]): string[] | undefined {
  const origins = [...new Set(hits.map((h) => h.record.origin).filter((o): o is string => Boolean(o)))];
  return origins.length ? origins : undefined;
}

/** When a hit was logged, for the words of a finding: its time, or its line. */
export function whenOf(hit: LogHit): string {
  return hit.record.time ?? `logs/${hit.log} line ${hit.record.line}`;
}

/**
 * Evidence for matched lines, per log: the first line, and the latest with how many matched, when the
 * first and last were logged and in which pods. `total` is the full count when more matched than were kept.
 */
export function hitEvidence(hits: readonly LogHit[], total?: number, mark: { history?: boolean } = {}): Evidence[] {
  const out: Evidence[] = [];
  const byLog = groupBy(hits, (h) => h.log);
  for (const [log, group] of byLog) {
    const first = group[0]!;
    const last = group[group.length - 1]!;
    const times = group.map((h) => h.record.time).filter((t): t is string => Boolean(t));
    const pods = seenIn(group);
    const count = byLog.size === 1 && total !== undefined ? Math.max(total, group.length) : group.length;
    const source = `logs/${log}`;
    const history = mark.history ? { history: true } : {};
    if (group.length > 1 && first.record.display !== last.record.display) out.push(evidence(source, first.record.display, { line: first.record.line, ...history }));
    out.push(
      evidence(source, last.record.display, {
        line: last.record.line,
        count,
        ...(times.length ? { firstSeen: times[0]!, lastSeen: times[times.length - 1]! } : {}),
        ...(pods ? { seenIn: pods } : {}),
        ...history,
      }),
    );
  }
  return out;
}

export interface LatestState {
  /** Failures in the logs / pods where no recovery came after the last of them. */
  current: LogHit[];
  /** Failures that a later line shows recovered from. */
  recovered: LogHit[];
  /** The latest recovery line, when every group recovered. */
  recovery?: LogHit;
}

export function latestState(failures: readonly LogHit[], recoveries: readonly LogHit[]): LatestState {
  const state: LatestState = { current: [], recovered: [] };
  const recoveriesByGroup = groupBy(recoveries, groupKey);
  for (const [key, group] of groupBy(failures, groupKey)) {
    const lastFailure = group[group.length - 1]!.seq;
    const after = (recoveriesByGroup.get(key) ?? []).filter((r) => r.seq > lastFailure);
    if (after.length === 0) {
      state.current.push(...group);
      continue;
    }
    state.recovered.push(...group);
    const latest = after[after.length - 1]!;
    if (!state.recovery || (latest.record.time ?? '') > (state.recovery.record.time ?? '')) state.recovery = latest;
  }
  if (state.current.length) delete state.recovery;
  return state;
}

/** The recovery line in words: what it shows and when. */
export function recoveryText(hit: LogHit): string {
  return `${hit.signature.description} at ${hit.record.time ?? `line ${hit.record.line}`} of logs/${hit.log}`;
}

export interface LogFindingSpec {
  id: FindingId;
  signatures: readonly string[];
  /** The variant while the failure is current. */
  variant?: string;
  vars?: (hits: LogHit[]) => Record<string, string | number>;
  data?: (hits: LogHit[]) => Record<string, unknown>;
  /** Recovery only means a restart happened after it (not proof it is fixed): a warning, not info. */
  softRecovery?: boolean;
}

/**
 * The common case: some signatures support one finding; current unless a recovery line (the signatures'
 * `recoveredBy`) came later, in which case it is reported as recovered with lower severity.
 */
export function logObservation(s: Snapshot, spec: LogFindingSpec): Observation | undefined {
  const all = hitsOf(s, spec.signatures);
  if (all.length === 0) return undefined;
  const { current: hits, history, runs } = splitByRun(s, all);
  if (hits.length === 0) return historyObservation(spec, history, runs.values());
  const recoveredBy = [...new Set(spec.signatures.flatMap((id) => signatureById(id)?.recoveredBy ?? []))];
  const state = latestState(hits, hitsOf(s, recoveredBy));
  const total = countOf(s, spec.signatures);
  // Earlier runs' lines of the same failure (a crash loop's) are shown too, marked as history.
  const past = history.length ? hitEvidence(history, undefined, { history: true }) : [];
  if (state.current.length) {
    const obs: Observation = {
      id: spec.id,
      vars: { count: total, ...spec.vars?.(state.current) },
      evidence: [...hitEvidence(state.current, state.recovered.length || history.length ? undefined : total), ...past],
      data: { from: 'log', ...spec.data?.(state.current) },
    };
    if (spec.variant) obs.variant = spec.variant;
    return obs;
  }
  const recovery = state.recovery!;
  const last = hits[hits.length - 1]!;
  const severity: Severity = spec.softRecovery ? 'warning' : 'info';
  return {
    id: spec.id,
    variant: 'recovered',
    severity,
    vars: { count: total, last: whenOf(last), recovery: recoveryText(recovery), ...spec.vars?.(hits) },
    evidence: [...hitEvidence(hits, history.length ? undefined : total), ...past, evidence(`logs/${recovery.log}`, recovery.record.display, { line: recovery.record.line, ...(recovery.record.time ? { lastSeen: recovery.record.time } : {}) })],
    data: { from: 'log', recovered: true, ...spec.data?.(hits) },
  };
}

/**
 * Lines that were all logged before their container's current run began: history, shown as such (info, no
 * fix), with the run that followed. The catalog's `history` variant words it (a generic one otherwise).
 */
export function historyObservation(spec: Pick<LogFindingSpec, 'id' | 'vars' | 'data'>, history: LogHit[], runs: Iterable<RunStart>): Observation {
  const last = history[history.length - 1]!;
  return {
    id: spec.id,
    variant: 'history',
    severity: 'info',
    vars: { ...spec.vars?.(history), count: history.length, last: whenOf(last), runs: runWords(runs) },
    evidence: hitEvidence(history, undefined, { history: true }),
    data: { from: 'log', history: true, ...spec.data?.(history) },
    fixes: [],
  };
}
