// Snapshot -> Report. Pure: the same snapshot always gives the same report (times aside).
import type { Snapshot } from '../snapshot/types.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { CHECKS } from './registry.js';
import { runChecks, runChecksAsync, type CheckEvent, type CheckRun } from './engine.js';
import { checksForSymptom, symptomById } from './symptoms.js';
import { routeNames } from './route-names.js';
import { SEVERITY_ORDER, type Check, type Report } from './types.js';
import { visibilityOf } from './visibility.js';
import { readyLogIndex } from '../signatures/log-index.js';
import { PROBE_MARKER } from '../snapshot/probe-marker.js';

export interface AnalyzeOptions {
  /** Only this symptom's checks. The caller has validated the id. */
  symptom?: string;
  checks?: readonly Check[];
  onEvent?: (e: CheckEvent) => void;
}

export function selectChecks(opts: AnalyzeOptions): readonly Check[] {
  const all = opts.checks ?? CHECKS;
  if (!opts.symptom) return all.filter((c) => !c.onlyFor);
  const symptom = symptomById(opts.symptom);
  if (!symptom) throw new Error(`unknown symptom ${opts.symptom}`);
  return checksForSymptom(symptom, all);
}

export function analyze(s: Snapshot, opts: AnalyzeOptions = {}): Report {
  return toReport(s, runChecks(s, selectChecks(opts), opts.onEvent), opts);
}

export async function analyzeAsync(s: Snapshot, opts: AnalyzeOptions = {}): Promise<Report> {
  return toReport(s, await runChecksAsync(s, selectChecks(opts), opts.onEvent), opts);
}

function toReport(s: Snapshot, run: CheckRun, opts: AnalyzeOptions): Report {
  const summary = Object.fromEntries(SEVERITY_ORDER.map((sev) => [sev, run.findings.filter((f) => f.severity === sev).length])) as Report['summary'];
  const report: Report = {
    version: 1,
    tool: { name: TOOL_NAME, version: VERSION },
    createdAt: s.createdAt,
    origin: s.origin,
    deployment: { ...s.deployment, ...(s.tunnelDomain ? { tunnelDomain: s.tunnelDomain } : {}) },
    notes: ownLinesNote(s),
    findings: run.findings,
    checks: run.checks,
    summary,
  };
  const routes = routeNames(s);
  if (routes) report.routes = routes;
  if (s.origin === 'demo') report.demo = true;
  const seen = visibilityOf(s);
  if (seen.blocked) report.blocked = seen.blocked;
  if (seen.unseen.length) report.unseen = seen.unseen;
  if (opts.symptom) report.symptom = opts.symptom;
  return report;
}

/** The snapshot's notes, and how many log lines this tool's own probe caused (they were left out). */
function ownLinesNote(s: Snapshot): string[] {
  // A bundle's logs left on disk and not yet read (prepareLogIndex) have no index: the log checks say so themselves.
  const own = readyLogIndex(s)?.own ?? 0;
  return own ? [...s.notes, `left out ${own} log line(s) that this tool's own listener probe caused (they name ${PROBE_MARKER})`] : s.notes;
}

/** SPEC section 3: 2 when the deployment could not be examined (whatever else was found), 1 for an error finding, else 0. */
export function exitCodeOf(report: Pick<Report, 'findings' | 'blocked'>): 0 | 1 | 2 {
  if (report.blocked) return 2;
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
