// Runs checks over a snapshot and turns their observations into findings with the catalog's words and
// the fixes' plans. A check that throws becomes a `checks[]` entry with status `error`, never a crash.
import type { Snapshot } from '../snapshot/types.js';
import { ASK_WORDS, CATALOG, HISTORY_WORDS, fillTemplate } from './catalog.js';
import { describeFix } from '../fixes/registry.js';
import { LAYER_ORDER, SEVERITY_ORDER, type Check, type CheckResult, type Finding, type Need, type Observation } from './types.js';
import { redact } from '../snapshot/redact.js';
import { printable } from '../snapshot/printable.js';

export function needMet(s: Snapshot, need: Need): boolean {
  if (need === 'always') return true;
  const [kind, name = ''] = need.split(/:(.*)/s) as [string, string];
  switch (kind) {
    case 'file': {
      const path = s.deployment.paths[name as keyof typeof s.deployment.paths];
      return path !== undefined && s.files[path] !== undefined;
    }
    case 'logs':
      return (s.logs[name as keyof typeof s.logs]?.text ?? '') !== '';
    case 'state':
      // `state:kube.jobs`: a dotted path, so a check can need one part of a section.
      return name.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), s.state) !== undefined;
    case 'input':
      return s.inputs[name as keyof typeof s.inputs] !== undefined;
    default:
      return false;
  }
}

/** The fact an observation asks the operator for (its words are ASK_WORDS), if any. */
function askFor(obs: Observation): keyof typeof ASK_WORDS | undefined {
  const ask = obs.data?.ask;
  return typeof ask === 'string' && ask in ASK_WORDS ? (ask as keyof typeof ASK_WORDS) : undefined;
}

export function materialize(obs: Observation, s: Snapshot): Finding {
  const entry = CATALOG[obs.id];
  // Variables come from outside (a log's capture, a file's value): redacted like evidence before they are words.
  const vars = Object.fromEntries(Object.entries(obs.vars ?? {}).map(([k, v]) => [k, typeof v === 'string' ? printable(redact(v)) : v]));
  const history = obs.variant === 'history';
  const detailTemplate = (obs.variant && (entry as { variants?: Record<string, string> }).variants?.[obs.variant]) || (history ? HISTORY_WORDS.detail : entry.detail);
  const titleTemplate = (obs.variant && (entry as { variantTitles?: Record<string, string> }).variantTitles?.[obs.variant]) || (history ? `${entry.title}${HISTORY_WORDS.titleSuffix}` : entry.title);
  const ask = askFor(obs);
  const fixIds = obs.fixes ?? (entry.fixes as readonly string[]);
  const fixes = fixIds.map((id) => describeFix(id, s, obs.data)).filter((f) => f !== undefined);
  const finding: Finding = {
    id: obs.id,
    severity: obs.severity ?? entry.severity,
    layer: entry.layer,
    title: fillTemplate(titleTemplate, vars),
    detail: ask ? `${fillTemplate(detailTemplate, vars)} ${fillTemplate(ASK_WORDS[ask], vars)}` : fillTemplate(detailTemplate, vars),
    evidence: obs.evidence,
    fixes,
  };
  if (obs.data) finding.data = obs.data;
  return finding;
}

export interface CheckEvent {
  type: 'check-start' | 'check-end';
  check: Check;
  result?: CheckResult;
  index: number;
  total: number;
}

function runOne(check: Check, s: Snapshot, now: () => number): { result: CheckResult; observations: Observation[] } {
  const start = now();
  const ms = () => Math.round((now() - start) * 100) / 100;
  if (!check.needs.some((need) => needMet(s, need))) {
    return { result: { id: check.id, layer: check.layer, status: 'skipped', ms: 0, reason: `nothing to look at (needs ${check.needs.join(' or ')})` }, observations: [] };
  }
  try {
    const observations = check.run(s);
    const problem = observations.some((o) => (o.severity ?? CATALOG[o.id].severity) === 'error' || (o.severity ?? CATALOG[o.id].severity) === 'warning');
    return { result: { id: check.id, layer: check.layer, status: problem ? 'problem' : 'ok', ms: ms() }, observations };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { result: { id: check.id, layer: check.layer, status: 'error', ms: ms(), reason: `${(err as Error)?.name === 'CheckInputError' ? '' : 'check crashed: '}${message.split('\n')[0]}` }, observations: [] };
  }
}

export interface CheckRun {
  findings: Finding[];
  checks: CheckResult[];
}

/** Runs checks in the given (guide) order; findings come back sorted by layer, then severity. */
export function runChecks(s: Snapshot, checks: readonly Check[], onEvent?: (e: CheckEvent) => void, now: () => number = performance.now.bind(performance)): CheckRun {
  const results: CheckResult[] = [];
  const findings: Finding[] = [];
  checks.forEach((check, index) => {
    onEvent?.({ type: 'check-start', check, index, total: checks.length });
    const { result, observations } = runOne(check, s, now);
    results.push(result);
    for (const obs of observations) findings.push(materialize(obs, s));
    onEvent?.({ type: 'check-end', check, result, index, total: checks.length });
  });
  return { findings: sortFindings(dedupe(findings)), checks: results };
}

/** Same as runChecks, but yields to the event loop between checks so a UI can draw progress. */
export async function runChecksAsync(s: Snapshot, checks: readonly Check[], onEvent?: (e: CheckEvent) => void): Promise<CheckRun> {
  const results: CheckResult[] = [];
  const findings: Finding[] = [];
  for (const [index, check] of checks.entries()) {
    onEvent?.({ type: 'check-start', check, index, total: checks.length });
    await new Promise((resolve) => setImmediate(resolve));
    const { result, observations } = runOne(check, s, performance.now.bind(performance));
    results.push(result);
    for (const obs of observations) findings.push(materialize(obs, s));
    onEvent?.({ type: 'check-end', check, result, index, total: checks.length });
  }
  return { findings: sortFindings(dedupe(findings)), checks: results };
}

/** Two checks may prove the same thing (a log line and a file): one finding per id and subject, evidence merged. */
function dedupe(findings: Finding[]): Finding[] {
  const out = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.id}\u0000${f.title}`;
    const seen = out.get(key);
    if (!seen) {
      out.set(key, f);
      continue;
    }
    // The most severe observation speaks for the finding: a file that is wrong now outranks a log that recovered.
    if (SEVERITY_ORDER.indexOf(f.severity) < SEVERITY_ORDER.indexOf(seen.severity)) {
      seen.severity = f.severity;
      seen.detail = f.detail;
      if (f.data) seen.data = { ...seen.data, ...f.data };
      if (seen.data && !f.data?.recovered) delete seen.data.recovered;
    } else if (f.data) {
      const wasRecovered = seen.data?.recovered;
      seen.data = { ...f.data, ...seen.data };
      if (!wasRecovered) delete seen.data.recovered;
    }
    seen.evidence = [...seen.evidence, ...f.evidence];
    const fixIds = new Set(seen.fixes.map((x) => x.id));
    seen.fixes = [...seen.fixes, ...f.fixes.filter((x) => !fixIds.has(x.id))];
  }
  return [...out.values()];
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        LAYER_ORDER.indexOf(a.f.layer) - LAYER_ORDER.indexOf(b.f.layer) ||
        SEVERITY_ORDER.indexOf(a.f.severity) - SEVERITY_ORDER.indexOf(b.f.severity) ||
        a.i - b.i,
    )
    .map(({ f }) => f);
}
