// The one mutating step of a fix (STYLE: describe -> confirm -> execute -> verify). Steps run in order;
// the first failure stops the chain and puts every file edited so far back from its backup. Edits are
// checked against the text the plan was made from before anything is touched, and again just before the
// rename. In the demo, commands are shown (and journaled for the demo's later gathers), never run.
import { isAbsolute, join, relative } from 'node:path';
import { runCommand } from '../gather/run.js';
import { recordDemoEffect } from '../gather/demo-effects.js';
import { redact } from '../snapshot/redact.js';
import { decodeText } from '../snapshot/text.js';
import { commandLine } from './describe.js';
import { checkTouches, realInsideProject } from './path-guard.js';
import { EditRefused, readOnDisk, replaceAtomically, restoreFromBackup, writeBackup, type FileOnDisk } from './file-write.js';
import type { ApplyOutcome, CommandStep, EditStep, FixRunContext, Plan, PlanStep, StepOutcome } from './types.js';
import { printable } from '../snapshot/printable.js';
import { errnoText } from '../errors.js';

/** Commands that restart services wait for a graceful stop (10 s per container by default): never less. */
export const MIN_STEP_TIMEOUT_MS = 120_000;
const KEPT_OUTPUT = 8 * 1024;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface Edited {
  step: EditStep;
  file: FileOnDisk;
  backup: string;
  /** What the fix wrote: a file that no longer holds it was changed by someone else and is left alone. */
  written: Buffer;
}

interface PreparedEdit {
  file: FileOnDisk;
  content: Buffer;
}

function absPath(ctx: FixRunContext, path: string): string {
  return isAbsolute(path) ? path : join(ctx.dir, path);
}

/** Shown paths stay project-relative, as the plan names them. */
function shown(ctx: FixRunContext, abs: string): string {
  const rel = relative(ctx.dir, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

/**
 * Reads the file and works out the bytes to write. Refuses when the file is no longer what the plan was
 * made from; for a file whose secrets were redacted in the snapshot, re-derives the edit on the real text
 * and checks that it is, secrets aside, exactly the edit that was shown.
 */
async function prepareEdit(step: EditStep, ctx: FixRunContext): Promise<PreparedEdit> {
  const file = await readOnDisk(absPath(ctx, step.path));
  await realInsideProject(ctx.dir, step.path, file.real);
  const bom = file.bytes.subarray(0, 3).equals(BOM);
  const text = decodeText(file.bytes);
  const changed = new EditRefused(`${step.path} changed since it was read; nothing was changed (run the fix again to see a new plan)`);
  if (text === undefined) throw changed;
  let after: string;
  if (text === step.before) after = step.after;
  else if (step.transform && (step.mask ?? redact)(text) === step.before) {
    try {
      after = step.transform(text);
    } catch (err) {
      throw new EditRefused(`${step.path}: ${err instanceof Error ? err.message.split('\n')[0] : 'the edit cannot be made'}`);
    }
    if ((step.mask ?? redact)(after) !== step.after) throw new EditRefused(`${step.path}: the edit would differ from the one shown; nothing was changed`);
  } else throw changed;
  const body = Buffer.from(after, 'utf8');
  return { file, content: bom ? Buffer.concat([BOM, body]) : body };
}

function checkEnv(step: CommandStep, ctx: FixRunContext): void {
  for (const name of step.needsEnv ?? []) {
    const value = ctx.env && name in ctx.env ? ctx.env[name] : process.env[name];
    if (!value) {
      throw new EditRefused(
        `${name} is not set in this shell, and \`${commandLine(step.argv)}\` passes it on from here (sudo drops it): export it first, or run with sudo -E; nothing was changed`,
      );
    }
  }
}

/** Keeps the last bytes of a command's output, redacted, and passes whole lines on as they arrive. */
function outputCollector(step: PlanStep, ctx: FixRunContext) {
  let kept = '';
  let partial = '';
  const emit = (text: string) => {
    const clean = printable(redact(text));
    kept = (kept + clean).slice(-KEPT_OUTPUT);
    ctx.onOutput?.(clean, step);
  };
  return {
    chunk(text: string) {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      if (lines.length) emit(`${lines.join('\n')}\n`);
    },
    end(): string {
      if (partial) emit(partial);
      partial = '';
      return kept;
    },
  };
}

async function runStep(step: CommandStep, ctx: FixRunContext): Promise<StepOutcome> {
  if (ctx.demo) {
    await recordDemoEffect(ctx.dir, step.argv);
    return { step, status: 'simulated', output: `(demo) would run: ${commandLine(step.argv)}` };
  }
  try {
    await checkTouches(ctx.dir, step.touches); // again, just before it runs: a link may have been swapped in
  } catch (err) {
    if (err instanceof EditRefused) return { step, status: 'failed', error: err.message };
    throw err;
  }
  const out = outputCollector(step, ctx);
  const r = await runCommand(step.argv, {
    timeoutMs: step.timeoutMs ?? Math.max(ctx.timeoutMs, MIN_STEP_TIMEOUT_MS),
    cwd: step.cwd ?? ctx.dir,
    env: ctx.env,
    signal: ctx.signal,
    onOutput: (chunk) => out.chunk(chunk),
  });
  const output = out.end();
  const outcome: StepOutcome = { step, status: r.exitCode === 0 && !r.error ? 'done' : 'failed', output };
  if (r.exitCode !== undefined) outcome.exitCode = r.exitCode;
  if (outcome.status === 'failed') outcome.error = printable(redact(r.error ?? `exited with code ${r.exitCode}`));
  return outcome;
}

async function editStep(step: EditStep, ctx: FixRunContext, edited: Edited[]): Promise<StepOutcome> {
  try {
    const { file, content } = await prepareEdit(step, ctx);
    const backup = await writeBackup(file);
    await replaceAtomically(file, content, ctx.signal);
    edited.push({ step, file, backup, written: content });
    return { step, status: 'done', backup: shown(ctx, backup), output: `wrote ${step.path} (backup ${shown(ctx, backup)})` };
  } catch (err) {
    const message = err instanceof EditRefused ? err.message : `${step.path}: ${errnoText(err) ?? (err as NodeJS.ErrnoException).code ?? 'write failed'}; nothing was changed`;
    return { step, status: 'failed', error: message };
  }
}

async function restoreAll(edited: Edited[], ctx: FixRunContext): Promise<{ restored: string[]; problems: string[] }> {
  const restored: string[] = [];
  const problems: string[] = [];
  for (const e of [...edited].reverse()) {
    try {
      const now = await readOnDisk(e.file.real);
      if (!now.bytes.equals(e.written)) {
        problems.push(`${e.step.path} changed after the fix wrote it, so it was left as it is (its backup is ${shown(ctx, e.backup)})`);
        continue;
      }
      await restoreFromBackup(e.file, e.backup);
      restored.push(e.step.path);
    } catch (err) {
      problems.push(`could not restore ${e.step.path} from ${shown(ctx, e.backup)} (${err instanceof Error ? err.message : String(err)}): copy it back by hand`);
    }
  }
  return { restored, problems };
}

function describeFailure(o: StepOutcome): string {
  const what = o.step.kind === 'command' ? commandLine(o.step.argv) : o.step.kind === 'edit' ? `edit ${o.step.path}` : 'a manual step';
  return `${what}: ${o.error ?? 'failed'}`;
}

export async function applyPlan(plan: Plan, ctx: FixRunContext): Promise<ApplyOutcome> {
  ctx.plan = plan;
  ctx.appliedAt = Date.now();
  if (plan.nothingToDo) return { ok: true, steps: [], restored: [], message: `nothing to do: ${plan.nothingToDo}` };

  // Every edit and every command's environment is checked before the first step runs: a chain never
  // starts on a file that moved under it, nor recreates cloudflared without its token.
  for (const step of plan.steps) {
    if (step.kind === 'manual') continue;
    try {
      if (step.kind === 'edit') await prepareEdit(step, ctx);
      else if (!ctx.demo) {
        checkEnv(step, ctx);
        await checkTouches(ctx.dir, step.touches);
      }
    } catch (err) {
      const error = err instanceof EditRefused ? err.message : step.kind === 'edit' ? `${step.path}: cannot be read` : String(err);
      const steps: StepOutcome[] = plan.steps.map((s) => (s === step ? { step: s, status: 'failed', error } : { step: s, status: 'skipped' }));
      steps.forEach((o) => ctx.onStep?.(o));
      return { ok: false, steps, restored: [], message: `refused: ${error}` };
    }
  }

  const outcomes: StepOutcome[] = [];
  const edited: Edited[] = [];
  const manual = plan.steps.filter((s) => s.kind === 'manual').length;
  for (const [i, step] of plan.steps.entries()) {
    let outcome: StepOutcome;
    if (!ctx.signal?.aborted && step.kind !== 'manual') ctx.onStepStart?.(step, i);
    if (ctx.signal?.aborted) outcome = { step, status: 'failed', error: 'cancelled' };
    else if (step.kind === 'manual') outcome = { step, status: 'skipped', output: step.text };
    else if (step.kind === 'edit') outcome = await editStep(step, ctx, edited);
    else outcome = await runStep(step, ctx);
    if (outcome.status === 'failed' && ctx.signal?.aborted) outcome.error = 'cancelled';
    outcomes.push(outcome);
    ctx.onStep?.(outcome);
    if (outcome.status !== 'failed') continue;
    for (const rest of plan.steps.slice(i + 1)) {
      const skipped: StepOutcome = { step: rest, status: 'skipped' };
      outcomes.push(skipped);
      ctx.onStep?.(skipped);
    }
    const { restored, problems } = await restoreAll(edited, ctx);
    const put = restored.length ? `; put ${restored.join(', ')} back as it was (from the backup)` : '';
    const stop = outcome.error === 'cancelled' ? `cancelled at step ${i + 1}` : `step ${i + 1} failed (${describeFailure(outcome)})`;
    return { ok: false, steps: outcomes, restored, message: `${stop}${put}${problems.length ? `; ${problems.join('; ')}` : ''}` };
  }
  const done = outcomes.filter((o) => o.status === 'done' || o.status === 'simulated').length;
  const simulated = outcomes.some((o) => o.status === 'simulated') ? ' (demo: commands shown, not run)' : '';
  const forYou = manual ? `; ${manual} step${manual === 1 ? ' is' : 's are'} for you to take` : '';
  return { ok: true, steps: outcomes, restored: [], message: `${done ? `applied: ${done} step${done === 1 ? '' : 's'} done` : 'nothing was changed on this host'}${simulated}${forYou}` };
}
