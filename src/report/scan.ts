// `scan` output: matches grouped by finding (guide order) with counts and sample lines, or SPEC section 4's
// JSON. Pure functions of the scan's outcome.
import { FINDING_IDS } from '../analyze/catalog.js';
import { MAX_LINE_BYTES } from '../signatures/scanner.js';
import type { FindingTally, ScanLine, ScanOutcome } from '../signatures/tally.js';
import { paint, severityLabel, severityMark, PLAIN, type Style } from './style.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Notes about lines that were not read whole (stderr with --json). */
export function scanNotes(outcome: ScanOutcome): string[] {
  const { skipped, longLines } = outcome.stats;
  const notes: string[] = [];
  if (skipped) notes.push(`${plural(skipped, 'line')} with invalid UTF-8 or binary bytes skipped`);
  if (longLines) notes.push(`${plural(longLines, 'line')} longer than ${MAX_LINE_BYTES / 1024} KiB read up to the first ${MAX_LINE_BYTES / 1024} KiB`);
  return notes;
}

function group(t: FindingTally, style: Style): string[] {
  const out = [`${severityMark(style, t.severity)} ${severityLabel(style, t.severity)} ${paint(style, 'bold', t.id)}  ${plural(t.count, 'line')}`];
  const bySignature = new Map<string, number>();
  for (const st of t.signatures) bySignature.set(st.signature.description, (bySignature.get(st.signature.description) ?? 0) + st.sample.count);
  for (const [what, n] of bySignature) out.push(`    ${paint(style, 'dim', `${n}× ${what}`)}`);
  const first = t.sample.head();
  const last = t.sample.last();
  const width = String(last?.line ?? first[first.length - 1]?.line ?? 0).length;
  const sample = (l: ScanLine) => `    ${paint(style, 'dim', String(l.line).padStart(width))}  ${l.text}`;
  out.push(...first.map(sample));
  const more = t.count - first.length - (last ? 1 : 0);
  if (more > 0) out.push(`    ${paint(style, 'dim', `${' '.repeat(width)}  … ${plural(more, 'more line')}`)}`);
  if (last) out.push(sample(last));
  return out;
}

function ignoredGroup(outcome: ScanOutcome, style: Style): string[] {
  const ignored = outcome.tally.ignored();
  if (ignored.length === 0) return [];
  const out = [paint(style, 'dim', `Known and ignored here: ${plural(outcome.tally.ignoredLines, 'line')}`)];
  for (const s of ignored) out.push(`    ${paint(style, 'dim', `${s.sample.count}× ${s.signature.description}: ${s.signature.ignored}`)}`);
  return out;
}

export function scanTextReport(outcome: ScanOutcome, style: Style = PLAIN): string {
  const { tally, stats } = outcome;
  const groups = [...tally.findings.values()].sort((a, b) => FINDING_IDS.indexOf(a.id) - FINDING_IDS.indexOf(b.id));
  const matched = groups.reduce((n, t) => n + t.count, 0);
  const lines: string[] = [];
  lines.push(`${outcome.name}: ${plural(stats.lines, 'line')}, ${groups.length ? `${plural(matched, 'match', 'matches')} for ${plural(groups.length, 'finding')}` : 'no known signature matched'}`);
  for (const note of scanNotes(outcome)) lines.push(paint(style, 'dim', `· ${note}`));
  for (const t of groups) lines.push('', ...group(t, style));
  const ignored = ignoredGroup(outcome, style);
  if (ignored.length) lines.push('', ...ignored);
  if (groups.length) lines.push('', paint(style, 'dim', 'Run `mcp-tunnel-triage diagnose` on the host (or --from-bundle) for causes and fixes.'));
  return `${lines.join('\n')}\n`;
}

/**
 * SPEC sections 3 and 4: {"version":1,"matches":[{"id","line","text"}],"omitted":n,"counts":{"<id>":n},...}.
 * `matches` is a bounded sample per finding (the first lines, a few between, the latest), not every line:
 * its size does not grow with the log. `signatures` gives each matched signature's count and first and
 * last line; `ignored` counts the known lines knowingly ignored, by signature.
 */
export function scanJsonReport(outcome: ScanOutcome): string {
  const { tally } = outcome;
  const matches = [...tally.findings.values()]
    .flatMap((t) => t.sample.lines().map((l) => ({ id: t.id, line: l.line, text: l.text })))
    .sort((a, b) => a.line - b.line || FINDING_IDS.indexOf(a.id) - FINDING_IDS.indexOf(b.id));
  const total = [...tally.findings.values()].reduce((n, t) => n + t.count, 0);
  const signatures: Record<string, { finding?: string; count: number; first: ScanLine; last: ScanLine }> = {};
  for (const [id, st] of tally.signatures) {
    const first = st.sample.head()[0]!;
    signatures[id] = { ...(st.signature.finding ? { finding: st.signature.finding } : {}), count: st.sample.count, first, last: st.sample.last() ?? st.sample.head().at(-1)! };
  }
  const ignored = Object.fromEntries(tally.ignored().map((s) => [s.signature.id, s.sample.count]));
  const out = { version: 1, matches, omitted: total - matches.length, counts: tally.counts(), signatures, ignored };
  return `${JSON.stringify(out, null, 2)}\n`;
}
