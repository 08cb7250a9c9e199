// After a fix: gather again what it touched, analyze, and say whether the findings it was for are gone.
// A restarted service's new log takes a moment, so when the plan restarted something, verify reads only the
// log written since the fix started and polls (bounded in count and time) until the new process has spoken
// in its new run. Lines from before that run (the crash the restart replaced) are history to the analysis.
import { analyze } from '../analyze/index.js';
import { CHECKS } from '../analyze/registry.js';
import type { Finding, Report } from '../analyze/types.js';
import { gatherSnapshot } from '../gather/index.js';
import { gatherDemo } from '../gather/demo.js';
import { composeCall, simulatable } from '../gather/demo-effects.js';
import { commandLine } from './describe.js';
import { linesInCurrentRun } from '../analyze/log-runs.js';
import { composeModel, serviceFor } from '../analyze/compose-model.js';
import { defaultOptions } from '../options.js';
import { LOG_SOURCES, type LogSource, type Snapshot } from '../snapshot/types.js';
import type { Fix, FixRunContext, Plan, VerifyOutcome } from './types.js';

export const VERIFY_ATTEMPTS = 8;
export const VERIFY_BUDGET_MS = 40_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;

const isProblem = (f: Finding) => f.severity === 'error' || f.severity === 'warning';

/** The findings of `report` that offer this fix (what it is for, now). */
export function findingsOffering(report: Report, fixId: string): Finding[] {
  return report.findings.filter((f) => isProblem(f) && f.fixes.some((x) => x.id === fixId));
}

/** Log sources whose process the plan restarts (their old lines say nothing about the fix). */
export function restartedSources(s: Snapshot, plan: Plan | undefined): LogSource[] {
  const out = new Set<LogSource>();
  const model = composeModel(s);
  for (const step of plan?.steps ?? []) {
    if (step.kind !== 'command') continue;
    const compose = composeCall(step.argv);
    if (compose && (compose.sub === 'restart' || compose.sub === 'up')) {
      for (const role of LOG_SOURCES) {
        if (compose.args.includes(serviceFor(model, role)?.name ?? role)) out.add(role);
      }
    }
    if (step.argv[0] === 'helm' && step.argv[1] === 'upgrade') {
      out.add('mcp-proxy');
      out.add('cloudflared');
    }
  }
  return [...out];
}

function sameFinding(a: Finding, b: Finding): boolean {
  return a.id === b.id && a.title === b.title;
}

/** Whether the checks that could show these findings ran on what was gathered. */
function couldSee(report: Report, ids: readonly string[]): boolean {
  const emitters = CHECKS.filter((c) => c.emits.some((id) => ids.includes(id))).map((c) => c.id);
  return report.checks.some((c) => emitters.includes(c.id) && (c.status === 'ok' || c.status === 'problem'));
}

function judge(report: Report, targets: Finding[], ids: readonly string[]): VerifyOutcome {
  const still = report.findings.filter((f) => isProblem(f) && (targets.length ? targets.some((t) => sameFinding(t, f)) : ids.includes(f.id)));
  if (still.length) {
    const evidence = still.flatMap((f) => f.evidence.slice(0, 2).map((e) => `${e.line ? `${e.source}:${e.line}` : e.source}  ${e.text}`));
    return {
      status: 'not-fixed',
      detail: `still there: ${still.map((f) => `${f.id} (${f.title})`).join('; ')}${evidence.length ? `. Evidence: ${evidence.join(' | ')}` : ''}`,
      still,
      report,
    };
  }
  if (!couldSee(report, ids)) {
    return { status: 'cannot-tell', detail: `nothing gathered now could show ${ids.join(' or ')} (the checks for it were skipped or could not run)`, report };
  }
  return { status: 'fixed', detail: `${ids.join(', ')}: gone`, report };
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function gatherAgain(ctx: FixRunContext, since: string | undefined): Promise<Snapshot> {
  if (ctx.regather) return ctx.regather(since);
  const opts = { ...(ctx.options ?? defaultOptions({ dir: ctx.dir, demo: ctx.demo, timeoutMs: ctx.timeoutMs })), dir: ctx.dir };
  if (since) opts.since = since;
  else delete opts.since;
  if (ctx.demo) return gatherDemo({ ...opts, demo: true }, { dir: ctx.dir, cleanup: async () => {} });
  return gatherSnapshot(opts, undefined, ctx.env ? { env: ctx.env } : {});
}

/** Seconds since the fix started, as a `--since` duration (rounded up, one second of slack). */
function sinceApplied(appliedAt: number | undefined): string | undefined {
  return appliedAt === undefined ? undefined : `${Math.max(1, Math.ceil((Date.now() - appliedAt) / 1000) + 1)}s`;
}

/** In the demo a command was only shown: when its effect is not replayed, an unchanged finding proves nothing. */
function demoCaveat(ctx: FixRunContext, outcome: VerifyOutcome): VerifyOutcome {
  if (!ctx.demo || outcome.status === 'fixed') return outcome;
  const unshown = (ctx.plan?.steps ?? []).find((s) => s.kind === 'command' && !simulatable(s.argv));
  if (!unshown || unshown.kind !== 'command') return outcome;
  return { ...outcome, status: 'cannot-tell', detail: `demo: \`${commandLine(unshown.argv)}\` was shown, not run, and the demo cannot show what it would change` };
}

export async function verifyFix(fix: Fix, ctx: FixRunContext, data?: Record<string, unknown>): Promise<VerifyOutcome> {
  void data; // the findings it was for are found again by what offered this fix; data only shaped the plan
  const before = analyze(ctx.snapshot);
  const targets = findingsOffering(before, fix.id);
  const ids = targets.length ? [...new Set(targets.map((f) => f.id))] : fix.findings;
  const restarted = ctx.demo ? [] : restartedSources(ctx.snapshot, ctx.plan);
  const attempts = Math.max(1, ctx.verifyAttempts ?? VERIFY_ATTEMPTS);
  const budget = ctx.verifyBudgetMs ?? VERIFY_BUDGET_MS;
  const start = Date.now();
  let delay = FIRST_DELAY_MS;
  let last: VerifyOutcome | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (ctx.signal?.aborted) break;
    let s: Snapshot;
    try {
      s = await gatherAgain(ctx, restarted.length ? sinceApplied(ctx.appliedAt) : undefined);
    } catch (err) {
      return { status: 'cannot-tell', detail: `could not gather again: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, attempts: attempt };
    }
    last = demoCaveat(ctx, { ...judge(analyze(s), targets, ids), snapshot: s, attempts: attempt });
    // Waiting helps only for a log that was read and is still empty; one that cannot be read stays so.
    const unread = restarted.filter((src) => !s.logs[src] || s.logs[src]!.error);
    // Only the restarted run speaks for the fix: lines from before it (the crash it replaced) are history.
    const quiet = restarted.filter((src) => !unread.includes(src) && linesInCurrentRun(s, src) === 0);
    if (quiet.length === 0) return unread.length ? { ...last, detail: `${last.detail} (the log of ${unread.join(' and ')} could not be read; judged from what else was gathered)` } : last;
    if (attempt === attempts || Date.now() - start + delay > budget) {
      return { ...last, detail: `${last.detail} (${quiet.join(' and ')} logged nothing since the restart within ${Math.round((Date.now() - start) / 1000)} s; judged from what else was gathered)` };
    }
    if (!(await sleep(delay, ctx.signal))) break;
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
  return last ? { ...last, status: last.status === 'fixed' ? 'cannot-tell' : last.status, detail: `cancelled while waiting; ${last.detail}` } : { status: 'cannot-tell', detail: 'cancelled before anything was gathered again' };
}
