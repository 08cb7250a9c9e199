// Plans shown as text: argv shell-quoted for display (what a person would paste), diffs as they are.
import { unifiedDiffText } from './line-diff.js';
import type { FixRef } from '../analyze/types.js';
import type { Plan, PlanStep } from './types.js';
import { printable } from '../snapshot/printable.js';

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The diff as shown (printable: a file may hold control codes; the edit itself keeps them). */
export function unifiedDiff(path: string, before: string, after: string): string {
  return printable(unifiedDiffText(path, before, after));
}


/** Lines of a diff a terminal report shows; past that, its head and tail with the count between. */
export const SHOWN_DIFF_LINES = 400;

/** A long diff cut for the terminal (the plan applies it whole; `diagnose --json` carries all of it). */
export function shownDiff(diff: string, max = SHOWN_DIFF_LINES): string {
  const lines = diff.split('\n');
  if (lines.length <= max) return diff;
  const head = lines.slice(0, max - 50);
  const tail = lines.slice(-50);
  const hidden = lines.length - head.length - tail.length;
  return [...head, `… ${hidden.toLocaleString('en-US')} more lines of this diff not shown (the edit is made whole; diagnose --json holds the full diff)`, ...tail].join('\n');
}

export function stepText(step: PlanStep): string {
  switch (step.kind) {
    case 'command':
      return commandLine(step.argv);
    case 'edit':
      return `edit ${step.path}`;
    case 'manual':
      return step.text;
  }
}

export function fixRefOf(plan: Plan, destructive = false): FixRef {
  const commands = plan.steps.filter((s) => s.kind === 'command').map((s) => commandLine(s.argv));
  const diffs = plan.steps.filter((s) => s.kind === 'edit').map((s) => s.diff);
  const manual = plan.steps.filter((s) => s.kind === 'manual').map((s) => s.text);
  const ref: FixRef = { id: plan.fixId, title: plan.title, kind: plan.kind };
  if (commands.length) ref.commands = commands;
  if (diffs.length) ref.diff = diffs.join('\n');
  if (manual.length) ref.steps = manual;
  if (destructive || plan.steps.some((s) => s.kind === 'command' && s.destructive)) ref.destructive = true;
  return ref;
}
