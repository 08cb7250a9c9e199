// A fix's plan and its results as text for `fix`: every step exactly as it will run (argv shell-quoted, the
// folder it runs in), each file's diff, the steps for a person; then each step's outcome and the verdict.
// Pure functions of the plan and the outcomes.
import type { Finding } from '../analyze/types.js';
import { commandLine, shownDiff } from '../fixes/describe.js';
import type { ApplyOutcome, Plan, PlanStep, StepOutcome, VerifyOutcome } from '../fixes/types.js';
import { paint, type Style, PLAIN } from './style.js';
import { wrap } from './text.js';

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');
}

function colourDiff(diff: string, style: Style): string {
  return diff
    .split('\n')
    .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? paint(style, 'green', line) : line.startsWith('-') && !line.startsWith('---') ? paint(style, 'red', line) : line))
    .join('\n');
}

/** Wraps prose but never inside a `code span`: a command must stay one line to be pasted. */
function wrapProse(text: string, width: number): string {
  const glued = text.replace(/`[^`]*`/g, (code) => code.replace(/ /g, '\u0000'));
  return wrap(glued, width).replace(/\u0000/g, ' ');
}

/** One line naming a step: `$ docker compose restart mcp-proxy`, `edit config/mcp-proxy.yaml`, `you: ...`. */
export function stepHeadline(step: PlanStep, style: Style = PLAIN): string {
  switch (step.kind) {
    case 'command':
      return `${paint(style, 'bold', `$ ${commandLine(step.argv)}`)}${step.cwd ? paint(style, 'dim', `   (in ${step.cwd})`) : ''}${step.destructive ? paint(style, 'red', '   destructive') : ''}`;
    case 'edit':
      return `${paint(style, 'bold', `edit ${step.path}`)}${step.real ? paint(style, 'dim', `   (a symlink: writes ${step.real}; the link stays)`) : ''}`;
    case 'manual':
      return `${paint(style, 'yellow', 'for you:')} ${step.text}`;
  }
}

/** `data/tls.key is a symlink: changes data/keys/tls.key` for each path a command reaches through a link. */
function linkLines(step: PlanStep): string[] {
  if (step.kind !== 'command') return [];
  return (step.touches ?? []).filter((t) => t.real !== undefined).map((t) => `${t.path} is a symlink: this changes ${t.real}`);
}

export function planText(plan: Plan, style: Style = PLAIN): string {
  const lines: string[] = [];
  const n = plan.steps.length;
  const all = plan.refused ? 'refused: it would change what it must not' : plan.kind === 'manual' ? `${n} step${n === 1 ? '' : 's'}, all for you to take (outside this host)` : `${n} step${n === 1 ? '' : 's'}`;
  lines.push(`${paint(style, 'bold', 'Plan')}: ${all}`);
  plan.steps.forEach((step, i) => {
    const head = `${String(i + 1).padStart(2)}. `;
    const manualLine = step.kind === 'manual' && plan.refused ? paint(style, 'red', step.text) : stepHeadline(step, style);
    lines.push(head + (step.kind === 'manual' ? wrapProse(manualLine, 96).split('\n').join(`\n${' '.repeat(head.length)}`) : manualLine));
    const why = step.kind === 'manual' ? undefined : step.why;
    if (why) lines.push(indent(wrapProse(paint(style, 'dim', `why: ${why}`), 94), '    '));
    for (const link of linkLines(step)) lines.push(indent(paint(style, 'dim', link), '    '));
    if (step.kind === 'edit') lines.push(indent(colourDiff(shownDiff(step.diff), style), '    '));
  });
  if (plan.steps.some((s) => s.kind === 'edit')) {
    lines.push(paint(style, 'dim', 'Edits are written atomically (a temp file renamed over the original), keeping its mode and owner, with a backup beside it (NAME.bak-<time>). A failed step puts edited files back.'));
  }
  return `${lines.join('\n')}\n`;
}

/** What became of a step, in a few words: `done (exit 0)`, `FAILED (exit 1): ...`, `not run`. */
export function outcomeLabel(o: StepOutcome, style: Style = PLAIN): string {
  switch (o.status) {
    case 'done':
      return `${paint(style, 'green', 'done')}${o.step.kind === 'command' ? ` (exit ${o.exitCode ?? 0})` : o.backup ? ` (backup ${o.backup})` : ''}`;
    case 'simulated':
      return paint(style, 'magenta', 'shown, not run (demo)');
    case 'skipped':
      return paint(style, 'dim', o.step.kind === 'manual' ? 'for you to take' : 'not run');
    case 'failed':
      return `${paint(style, 'red', 'FAILED')}${o.exitCode !== undefined ? ` (exit ${o.exitCode})` : ''}: ${o.error ?? 'failed'}`;
  }
}

export function applyText(outcome: ApplyOutcome, style: Style = PLAIN): string {
  const colour = outcome.ok ? 'green' : 'red';
  return `${paint(style, colour, outcome.message)}\n`;
}

function evidenceLines(f: Finding): string[] {
  return f.evidence.slice(0, 4).map((e) => `      ${e.line ? `${e.source}:${e.line}` : e.source}  ${e.text}`);
}

export function verifyText(v: VerifyOutcome, style: Style = PLAIN): string {
  const label = { fixed: paint(style, 'green', 'fixed'), 'not-fixed': paint(style, 'red', 'not fixed'), 'cannot-tell': paint(style, 'yellow', 'cannot tell') }[v.status];
  const lines = [`Verify: ${label}: ${v.status === 'not-fixed' && v.still?.length ? 'still there after re-gathering' : v.detail}`];
  if (v.status === 'not-fixed') {
    for (const f of v.still ?? []) {
      lines.push(`  ${f.id}: ${f.title}`);
      lines.push(...evidenceLines(f));
    }
    if (!v.still?.length) lines.push(`  ${v.detail}`);
  }
  return `${lines.join('\n')}\n`;
}
