// The human report: grouped by layer in the guide's order, each finding with its evidence and its fixes'
// exact commands or diffs. A pure function of the Report.
import { LAYER_ORDER, LAYER_TITLES, type Finding, type Report, type Evidence } from '../analyze/types.js';
import { paint, severityLabel, severityMark, type Style, PLAIN } from './style.js';
import { pathLines } from './path.js';
import { shownDiff } from '../fixes/describe.js';

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');
}

export function evidenceLine(e: Evidence): string {
  const where = e.line ? `${e.source}:${e.line}` : e.source;
  const extra: string[] = [];
  if (e.count !== undefined && e.count > 1) extra.push(`${e.count}×`);
  if (e.firstSeen && e.lastSeen && e.firstSeen !== e.lastSeen) extra.push(`${e.firstSeen} … ${e.lastSeen}`);
  else if (e.lastSeen) extra.push(e.lastSeen);
  if (e.seenIn?.length) extra.push(`in ${e.seenIn.join(', ')}`);
  if (e.history) extra.push('history: before the current run');
  return `${where}  ${e.text}${extra.length ? `  (${extra.join(', ')})` : ''}`;
}

function findingBlock(f: Finding, style: Style): string {
  const lines: string[] = [];
  lines.push(`${severityMark(style, f.severity)} ${severityLabel(style, f.severity)} ${paint(style, 'bold', f.title)}  ${paint(style, 'dim', `[${f.id}]`)}`);
  lines.push(indent(wrap(f.detail, 96), '    '));
  if (f.evidence.length) {
    lines.push(`    ${paint(style, 'dim', 'evidence:')}`);
    for (const e of f.evidence.slice(0, 8)) lines.push(`      ${evidenceLine(e)}`);
    if (f.evidence.length > 8) lines.push(`      … ${f.evidence.length - 8} more`);
  }
  for (const fix of f.fixes) {
    lines.push(`    ${paint(style, 'cyan', 'fix')} ${fix.title}  ${paint(style, 'dim', `(mcp-tunnel-triage fix ${fix.id})`)}${fix.destructive ? paint(style, 'red', '  destructive') : ''}`);
    if (fix.diff) lines.push(indent(colourDiff(shownDiff(fix.diff), style), '      '));
    for (const cmd of fix.commands ?? []) lines.push(`      $ ${cmd}`);
    for (const step of fix.steps ?? []) lines.push(indent(wrap(`- ${step}`, 94), '      '));
  }
  return lines.join('\n');
}

function colourDiff(diff: string, style: Style): string {
  return diff
    .split('\n')
    .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? paint(style, 'green', line) : line.startsWith('-') && !line.startsWith('---') ? paint(style, 'red', line) : line))
    .join('\n');
}

/** Wraps prose at word boundaries; words longer than the width stay whole. */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((paragraph) => {
      const out: string[] = [];
      let line = '';
      for (const word of paragraph.split(' ')) {
        if (line && line.length + 1 + word.length > width) {
          out.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      out.push(line);
      return out.join('\n');
    })
    .join('\n');
}

export function headerLines(report: Report, style: Style): string[] {
  const d = report.deployment;
  const lines: string[] = [];
  lines.push(paint(style, 'bold', `${report.tool.name} ${report.tool.version}`) + (report.demo ? paint(style, 'magenta', '  DEMO: a built-in broken sample deployment, not your host') : ''));
  lines.push(`Deployment: ${d.kind === 'unknown' ? 'none detected' : d.kind} (${d.how})`);
  if (d.tunnelDomain) lines.push(`Tunnel domain: ${d.tunnelDomain.value} (from ${d.tunnelDomain.source})`);
  if (report.blocked) lines.push(paint(style, 'yellow', `? Could not examine the deployment: ${report.blocked}`));
  for (const part of report.unseen ?? []) lines.push(paint(style, 'yellow', `? Not seen: ${part}`));
  for (const note of report.notes) lines.push(paint(style, 'dim', `· ${note}`));
  if (report.symptom) lines.push(`Symptom: ${report.symptom} (only its checks ran)`);
  return lines;
}

export function textReport(report: Report, style: Style = PLAIN): string {
  const out: string[] = [...headerLines(report, style), '', ...pathLines(report, style, 80), ''];
  for (const layer of LAYER_ORDER) {
    const checks = report.checks.filter((c) => c.layer === layer);
    const findings = report.findings.filter((f) => f.layer === layer);
    if (checks.length === 0 && findings.length === 0) continue;
    out.push(paint(style, 'bold', LAYER_TITLES[layer].toUpperCase()));
    const ran = checks.filter((c) => c.status === 'ok' || c.status === 'problem').length;
    const checksRan = `${ran} check${ran === 1 ? '' : 's'}`;
    if (findings.length === 0) {
      // Nothing gathered is never healthy: with the deployment unexamined, a quiet layer is unknown, not fine.
      if (!ran) out.push(`  ${paint(style, 'dim', '- not checked: nothing gathered for it')}`);
      else if (report.blocked) out.push(`  ${paint(style, 'yellow', '?')} no problems in what could be read (${checksRan}); the rest could not be examined`);
      else out.push(`  ${severityMark(style, 'ok')} no problems found (${checksRan})`);
    }
    for (const f of findings) out.push(indent(findingBlock(f, style), '  '));
    for (const c of checks.filter((x) => x.status === 'error')) out.push(`  ${paint(style, 'yellow', '?')} could not check ${c.id}: ${c.reason ?? 'unknown error'}`);
    out.push('');
  }
  out.push(summaryLine(report, style));
  return `${out.join('\n')}\n`;
}

export function summaryLine(report: Report, style: Style): string {
  const { error, warning, info } = report.summary;
  const ran = report.checks.filter((c) => c.status === 'ok' || c.status === 'problem').length;
  const skipped = report.checks.filter((c) => c.status === 'skipped').length;
  const crashed = report.checks.filter((c) => c.status === 'error').length;
  const counts = [
    paint(style, error ? 'red' : 'dim', `${error} error${error === 1 ? '' : 's'}`),
    paint(style, warning ? 'yellow' : 'dim', `${warning} warning${warning === 1 ? '' : 's'}`),
    `${info} note${info === 1 ? '' : 's'}`,
  ];
  const checks = `${ran} check${ran === 1 ? '' : 's'} ran${skipped ? `, ${skipped} skipped (nothing to look at)` : ''}${crashed ? `, ${crashed} could not run` : ''}`;
  return `${counts.join(', ')} · ${checks}${report.blocked ? ` · ${paint(style, 'yellow', 'could not examine the deployment')}` : ''}`;
}
