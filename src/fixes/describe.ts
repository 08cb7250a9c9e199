// Plans shown as text: argv shell-quoted for display (what a person would paste), diffs as they are.
import { createTwoFilesPatch } from 'diff';
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
  return printable(rawUnifiedDiff(path, before, after));
}

function rawUnifiedDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: 3 })
    .split('\n')
    .filter((line) => !line.startsWith('====='))
    .map((line) => (line.startsWith('--- ') || line.startsWith('+++ ') ? line.trimEnd() : line))
    .join('\n')
    .trimEnd();
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
