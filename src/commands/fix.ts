// `fix [FIX-ID]`: gather, find the findings that offer the fix, show the whole plan, ask (or --yes), apply,
// then verify. Without an id (or with --list): the fixes that apply now. Nothing changes without a yes;
// --dry-run prints the plan and stops; without a terminal and without --yes it refuses (exit 2).
import { constants as osConstants } from 'node:os';
import type { Io } from '../io.js';
import { writeErr, writeLive, writeOut } from '../io.js';
import type { TriageOptions } from '../options.js';
import { UsageError } from '../errors.js';
import { analyze } from '../analyze/index.js';
import type { Report } from '../analyze/types.js';
import { detectStyle, paint, type Style } from '../report/style.js';
import { applyText, outcomeLabel, planText, stepHeadline, verifyText } from '../report/plan-text.js';
import { FIXES, fixById, planFix } from '../fixes/registry.js';
import { applyPlan } from '../fixes/apply.js';
import { findingsOffering, verifyFix } from '../fixes/verify.js';
import type { Fix, FixRunContext, Plan, PlanStep } from '../fixes/types.js';
import { confirmWord, confirmYes } from './prompt.js';
import { loadWithProgress } from './load.js';

const BIN = 'mcp-tunnel-triage';
const FATAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];


export const NO_PROMPT = 'cannot prompt: stdin is not a terminal; re-run with --yes, or --dry-run';

export interface FixFlags {
  list?: boolean;
}

export async function runFix(opts: TriageOptions, id: string | undefined, io: Io, flags: FixFlags = {}): Promise<number> {
  const fix = id === undefined ? undefined : fixById(id);
  if (id !== undefined && !fix) throw new UsageError(`unknown fix ${id}; list the fixes that apply now with ${BIN} fix --list`);
  if (id !== undefined && flags.list) throw new UsageError(`fix --list takes no FIX-ID; see ${BIN} fix --help`);
  const style = detectStyle(io.stdout, io.env);
  const { snapshot, cleanup } = await loadWithProgress(opts, io);
  try {
    const report = analyze(snapshot);
    // Nothing of the deployment could be examined: no fix is judged, planned or verified on that.
    if (report.blocked) {
      io.stderr.write(`${BIN}: could not examine the deployment: ${report.blocked}; nothing was changed\n`);
      return 2;
    }
    if (!fix) return await listFixes(report, io, style);
    return await fixOne(fix, report, opts, io, style, { snapshot, dir: snapshot.deployment.dir ?? opts.dir });
  } finally {
    await cleanup();
  }
}

async function listFixes(report: Report, io: Io, style: Style): Promise<number> {
  const offered = new Map<string, { title: string; kind: string; destructive?: boolean; findings: string[] }>();
  for (const f of report.findings) {
    if (f.severity !== 'error' && f.severity !== 'warning') continue;
    for (const ref of f.fixes) {
      const entry = offered.get(ref.id) ?? { title: ref.title, kind: ref.kind, ...(ref.destructive ? { destructive: true } : {}), findings: [] };
      if (!entry.findings.includes(f.id)) entry.findings.push(f.id);
      offered.set(ref.id, entry);
    }
  }
  const demo = report.demo ? `${paint(style, 'magenta', 'DEMO: a built-in broken sample; fixes apply to its temporary copy')}\n` : '';
  if (offered.size === 0) {
    await writeOut(io, `${demo}No fix applies now: no finding offers one. \`${BIN} diagnose\` shows the report.\n`);
    return 0;
  }
  const ordered = FIXES.filter((f) => offered.has(f.id)).map((f) => [f.id, offered.get(f.id)!] as const);
  const width = Math.max(...ordered.map(([fid]) => fid.length)) + 2;
  const lines = ordered.map(([fid, e]) => `  ${paint(style, 'bold', fid.padEnd(width))}${e.title}${e.kind === 'manual' ? paint(style, 'dim', ' (steps for you)') : ''}${e.destructive ? paint(style, 'red', ' (destructive)') : ''}\n  ${' '.repeat(width)}${paint(style, 'dim', `for ${e.findings.join(', ')}`)}`);
  await writeOut(io, `${demo}Fixes that apply now (${BIN} fix <FIX-ID>; add --dry-run to see the plan only):\n${lines.join('\n')}\n`);
  return 0;
}

async function fixOne(fix: Fix, report: Report, opts: TriageOptions, io: Io, style: Style, base: Pick<FixRunContext, 'snapshot' | 'dir'>): Promise<number> {
  const out = (text: string) => writeOut(io, text);
  const offering = findingsOffering(report, fix.id);
  const data = offering[0]?.data;
  const plan = planFix(fix.id, base.snapshot, data);
  const head = [`${paint(style, 'bold', `fix ${fix.id}`)}: ${fix.title}`];
  if (report.demo) head.push(paint(style, 'magenta', `DEMO: applies to a temporary copy of the sample (${base.dir}); commands are shown, not run`));
  head.push(`Deployment: ${base.snapshot.deployment.kind === 'unknown' ? 'none detected' : base.snapshot.deployment.kind} (${base.snapshot.deployment.how})`);
  for (const f of offering) head.push(`For: ${f.id}: ${f.title}`);
  await out(`${head.join('\n')}\n`);

  if (offering.length === 0 || !plan || plan.nothingToDo) {
    const why = plan?.nothingToDo ?? `no finding calls for it now (it is for ${fix.findings.join(', ')})`;
    await out(`Nothing to do: ${why}.\n`);
    return 0;
  }
  await out(`\n${planText(plan, style)}\n`);
  if (plan.refused) {
    await out('Nothing was changed.\n');
    return 1;
  }
  if (plan.steps.every((s) => s.kind === 'manual')) {
    await out(`Nothing was changed: these steps are outside what this tool can do here. Once done, \`${BIN} diagnose\` checks again.\n`);
    return 1;
  }
  if (opts.dryRun) {
    await out('Dry run: nothing was changed.\n');
    return 0;
  }
  if (!opts.yes) {
    if (!io.stdin.isTTY) {
      writeErr(io, `${BIN}: ${NO_PROMPT}\n`);
      return 2;
    }
    const changes = plan.steps.filter((s) => s.kind !== 'manual').length;
    const agreed = plan.confirmWord
      ? await confirmWord(io, paint(style, 'red', `This removes things that cannot be brought back by this tool (release ${plan.confirmWord}).`), plan.confirmWord)
      : await confirmYes(io, `Apply ${changes === plan.steps.length ? 'these' : 'the'} ${changes} step${changes === 1 ? '' : 's'}${report.demo ? ' to the demo copy' : ''}?`);
    if (!agreed) {
      await out('Stopped: nothing was changed.\n');
      return 1;
    }
  }
  return applyAndVerify(fix, plan, opts, io, style, base, data);
}

async function applyAndVerify(fix: Fix, plan: Plan, opts: TriageOptions, io: Io, style: Style, base: Pick<FixRunContext, 'snapshot' | 'dir'>, data: Record<string, unknown> | undefined): Promise<number> {
  // Every fatal signal takes the Ctrl-C path: stop the running command, put edited files back, say so,
  // then exit 128+n. A second one quits at once.
  const controller = new AbortController();
  let caught: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (caught) process.exit(128 + (osConstants.signals[sig] ?? 0));
    caught = sig;
    // SIGHUP: the terminal may be gone; a failed write must not stop the files from being put back.
    for (const stream of [io.stdout, io.stderr]) stream.on('error', () => {});
    writeErr(io, `\n${BIN}: ${sig}: stopping the current step; files edited so far are put back${sig === 'SIGINT' ? '; Ctrl-C again to quit at once' : ''}\n`);
    controller.abort();
  };
  for (const sig of FATAL_SIGNALS) process.on(sig, onSignal);
  const started = new Set<PlanStep>();
  const ctx: FixRunContext = {
    ...base,
    demo: opts.demo,
    timeoutMs: opts.timeoutMs,
    options: { ...opts, dir: base.dir },
    signal: controller.signal,
    onStepStart: (step, i) => {
      started.add(step);
      writeLive(io, `${String(i + 1).padStart(2)}. ${stepHeadline(step, style)}\n`);
    },
    onOutput: (text) => writeLive(io, `${text.replace(/\n$/, '').split('\n').map((l) => `    ${paint(style, 'dim', '│')} ${l}`).join('\n')}\n`),
    onStep: (o) => {
      const head = started.has(o.step) ? '' : `${String(plan.steps.indexOf(o.step) + 1).padStart(2)}. ${o.step.kind === 'manual' ? 'for you (see the plan above)' : stepHeadline(o.step, style)}\n`;
      writeLive(io, `${head}    ${outcomeLabel(o, style)}\n`);
    },
  };
  try {
    await writeOut(io, '\n');
    const outcome = await applyPlan(plan, ctx);
    await writeOut(io, applyText(outcome, style));
    if (caught) return 128 + (osConstants.signals[caught] ?? 0);
    if (!outcome.ok) return 1;
    await writeOut(io, paint(style, 'dim', 'Verifying: gathering again…\n'));
    const verdict = await verifyFix(fix, ctx, data);
    if (caught) {
      await writeOut(io, `Verify stopped (${caught}); the fix itself was applied.\n`);
      return 128 + (osConstants.signals[caught] ?? 0);
    }
    await writeOut(io, verifyText(verdict, style));
    return verdict.status === 'not-fixed' ? 1 : 0;
  } finally {
    for (const sig of FATAL_SIGNALS) process.off(sig, onSignal);
  }
}
