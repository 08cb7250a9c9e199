// The long screens as lines (a finding opened; a fix's plan), laid out here so that the reducer knows how
// far they scroll and the Ink layer only paints them.
import { LAYER_TITLES, type Finding, type FixRef } from '../analyze/types.js';
import type { Plan } from '../fixes/types.js';
import { commandLine } from '../fixes/describe.js';
import { wrap } from '../report/text.js';
import type { Evidence } from '../analyze/types.js';
import { clip, type Segment } from '../report/path.js';
import { fixKeys, fixLabel } from './fix-keys.js';

export type Line = Segment[];

const SEVERITY_PAINT = { error: 'red', warning: 'yellow', info: 'cyan', ok: 'green' } as const;
const MAX_EVIDENCE = 12;

function prose(text: string, width: number, indent = '  '): Line[] {
  return wrap(text, Math.max(20, width - indent.length)).split('\n').map((l) => [{ text: indent + l }]);
}

function clipText(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function diffLines(diff: string, width: number, indent: string): Line[] {
  return diff.split('\n').map((l) => {
    const paint = l.startsWith('+') && !l.startsWith('+++') ? 'green' : l.startsWith('-') && !l.startsWith('---') ? 'red' : l.startsWith('@@') ? 'cyan' : undefined;
    return [{ text: clipText(indent + l, width), ...(paint ? { paint } : {}) }];
  });
}

export interface FindingView {
  lines: Line[];
  keys: string[];
}

/** A finding opened: what it means, its evidence, its fixes with their keys. */
export function findingView(f: Finding, width: number, opts: { fixesUnavailable?: string; fixed?: boolean } = {}): FindingView {
  const keys = fixKeys(f.fixes);
  const lines: Line[] = [];
  lines.push([
    { text: f.severity.toUpperCase(), paint: SEVERITY_PAINT[f.severity] },
    { text: ' ' },
    { text: f.title, paint: 'bold' },
    ...(opts.fixed ? [{ text: '  fixed', paint: 'green' as const }] : []),
  ]);
  lines.push([{ text: `${f.id} · ${LAYER_TITLES[f.layer]}`, paint: 'dim' }]);
  lines.push([]);
  lines.push([{ text: 'What it means', paint: 'bold' }]);
  lines.push(...prose(f.detail, width));
  lines.push([]);
  lines.push([{ text: `Evidence${f.evidence.length ? '' : ': none recorded'}`, paint: 'bold' }]);
  for (const e of f.evidence.slice(0, MAX_EVIDENCE)) lines.push(...evidenceLines(e, width));
  if (f.evidence.length > MAX_EVIDENCE) lines.push([{ text: `  … ${f.evidence.length - MAX_EVIDENCE} more`, paint: 'dim' }]);
  lines.push([]);
  lines.push([{ text: f.fixes.length ? 'Fixes' : 'Fixes: none to run here; the detail above says what to do', paint: 'bold' }]);
  if (opts.fixesUnavailable && f.fixes.length) lines.push(...prose(opts.fixesUnavailable, width).map((l) => l.map((s) => ({ ...s, paint: 'yellow' as const }))));
  f.fixes.forEach((fix, i) => {
    lines.push([
      { text: '  ' },
      { text: `(${keys[i]})`, paint: opts.fixesUnavailable ? 'dim' : 'cyan' },
      { text: ` ${clipText(fixLabel(fix), width - 7)}` },
      ...(fix.destructive ? [{ text: '  destructive', paint: 'red' as const }] : []),
    ]);
    const more = fixSummary(fix);
    if (more) lines.push([{ text: clipText(`      ${more}`, width), paint: 'dim' }]);
  });
  if (f.fixes.length) lines.push([{ text: '  ' }, { text: '(c)', paint: 'cyan' }, { text: ' copy the commands for a manual run' }]);
  if (f.data?.ask === 'tunnelDomain') lines.push([{ text: '  ' }, { text: '(a)', paint: 'cyan' }, { text: ' give the tunnel domain shown on the tunnel\'s page (the checks run again with it)' }]);
  return { lines: lines.map((l) => clip(l, width)), keys };
}

/** The line as seen (cut to the width), and under it, dim, how often, when and where: a cut never hides those. */
function evidenceLines(e: Evidence, width: number): Line[] {
  const where = e.line ? `${e.source}:${e.line}` : e.source;
  // One screen line per evidence line: a multi-line message (helm's, a Go error) is joined.
  const text = e.text.replace(/\s*\n\s*/g, ' ↵ ').replace(/\t/g, ' ');
  const out: Line[] = [[{ text: '  ' }, { text: where, paint: 'dim' }, { text: clipText(`  ${text}`, width - where.length - 2) }]];
  const meta: string[] = [];
  if (e.count !== undefined && e.count > 1) meta.push(`${e.count}×`);
  if (e.firstSeen && e.lastSeen && e.firstSeen !== e.lastSeen) meta.push(`first ${e.firstSeen}, last ${e.lastSeen}`);
  else if (e.lastSeen ?? e.firstSeen) meta.push(`at ${e.lastSeen ?? e.firstSeen}`);
  if (e.seenIn?.length) meta.push(`in ${e.seenIn.join(', ')}`);
  if (e.history) meta.push('history: before the current run');
  // Wrapped between parts, so a long pod list moves to its own line instead of being cut.
  let line = '';
  for (const part of meta) {
    if (line && 6 + line.length + 3 + part.length > width) {
      out.push([{ text: `      ${line}`, paint: 'dim' }]);
      line = part;
    } else line = line ? `${line} · ${part}` : part;
  }
  if (line) out.push([{ text: clipText(`      ${line}`, width), paint: 'dim' }]);
  return out;
}

/** One dim line under a fix's key: its title when the key shows a command, else what it changes. */
function fixSummary(fix: FixRef): string {
  if (fix.kind === 'command' && fix.commands?.length) return fix.title;
  const files = [...(fix.diff ?? '').matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]);
  const parts: string[] = [];
  if (files.length) parts.push(`edits ${files.join(', ')}`);
  if (fix.commands?.length) parts.push(`then ${fix.commands.join('; ')}`);
  if (fix.kind === 'manual') parts.push('steps for a person to take');
  return parts.join(', ');
}

/** A fix's plan as it will run: each command exactly, each edit's diff, each manual step. */
export function planLines(plan: Plan, width: number): Line[] {
  const lines: Line[] = [[{ text: plan.title, paint: 'bold' }]];
  if (plan.nothingToDo) return [...lines, [], ...prose(`Nothing to do: ${plan.nothingToDo}.`, width)];
  lines.push([]);
  plan.steps.forEach((step, i) => {
    const n = `${i + 1}. `;
    switch (step.kind) {
      case 'command':
        lines.push([{ text: n }, { text: 'run ', paint: 'dim' }, { text: clipText(`$ ${commandLine(step.argv)}`, width - 7), paint: 'bold' }, ...(step.destructive ? [{ text: '  destructive', paint: 'red' as const }] : [])]);
        if (step.cwd) lines.push([{ text: clipText(`     in ${step.cwd}`, width), paint: 'dim' }]);
        if (step.why) lines.push([{ text: clipText(`     ${step.why}`, width), paint: 'dim' }]);
        break;
      case 'edit':
        lines.push([{ text: n }, { text: 'edit ', paint: 'dim' }, { text: step.path, paint: 'bold' }, ...(step.why ? [{ text: `  ${step.why}`, paint: 'dim' as const }] : [])]);
        lines.push(...diffLines(step.diff, width, '     '));
        break;
      case 'manual':
        lines.push([{ text: n }, { text: 'by hand: ', paint: 'dim' }]);
        lines.push(...prose(step.text, width, '     '));
        break;
    }
  });
  return lines.map((l) => clip(l, width));
}
