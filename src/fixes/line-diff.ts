// The unified diff a plan shows, bounded in time whatever the file's size. The `diff` package's edit-length
// search is O(N·D): fine for a deployment file (what it does below SMALL lines, unchanged), 40 s for 8,000
// list routes all rewritten. Past that size: the common head and tail are cut off in one linear pass, the
// changed middle goes through the same search while it is small, and is otherwise shown as one block
// removed and one block added (a correct patch, made in linear time).
import { createTwoFilesPatch, diffArrays } from 'diff';

/** Lines per side below which the `diff` package's search runs as it always did. */
export const SMALL = 2_000;
const CONTEXT = 3;
const NO_NEWLINE = '\\ No newline at end of file';

interface Lines {
  lines: string[];
  /** The text ends with a newline (a last line without one is marked in the diff). */
  endsWithNewline: boolean;
}

function splitLines(text: string): Lines {
  const lines = text.split('\n');
  const endsWithNewline = text === '' || lines[lines.length - 1] === '';
  if (endsWithNewline) lines.pop();
  return { lines, endsWithNewline };
}

type Op = { kind: ' ' | '-' | '+'; line: string };

/** `--- a/path` / `+++ b/path` and hunks with 3 lines of context; `small` sets where the linear path starts. */
export function unifiedDiffText(path: string, before: string, after: string, small = SMALL): string {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.lines.length <= small && b.lines.length <= small) {
    return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: CONTEXT })
      .split('\n')
      .filter((line) => !line.startsWith('====='))
      .map((line) => (line.startsWith('--- ') || line.startsWith('+++ ') ? line.trimEnd() : line))
      .join('\n')
      // Only the final newline goes: a last context line that is an empty line is ' ', and must stay.
      .replace(/\n+$/, '');
  }
  return format(path, operations(a, b, small));
}

/** The last line of a text without a final newline is marked, so it equals only a last line just as bare. */
const BARE = '\u0000';

function operations(a: Lines, b: Lines, small: number): Op[] {
  const mark = (t: Lines) => (t.endsWithNewline || !t.lines.length ? t.lines : [...t.lines.slice(0, -1), `${t.lines[t.lines.length - 1]}${BARE}`]);
  const x = mark(a);
  const y = mark(b);
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const ops: Op[] = [];
  for (let i = 0; i < head; i++) ops.push({ kind: ' ', line: x[i]! });
  const xm = x.slice(head, x.length - tail);
  const ym = y.slice(head, y.length - tail);
  if (xm.length <= small && ym.length <= small) {
    for (const change of diffArrays(xm, ym)) {
      for (const line of change.value) ops.push({ kind: change.added ? '+' : change.removed ? '-' : ' ', line });
    }
  } else {
    for (const line of xm) ops.push({ kind: '-', line });
    for (const line of ym) ops.push({ kind: '+', line });
  }
  for (let k = tail; k > 0; k--) ops.push({ kind: ' ', line: x[x.length - k]! });
  return ops;
}

function format(path: string, ops: Op[]): string {
  const out = [`--- a/${path}`, `+++ b/${path}`];
  // Lines of each side before op k, for the hunk headers (one pass, so many hunks stay linear).
  const oldUpTo = new Uint32Array(ops.length + 1);
  const newUpTo = new Uint32Array(ops.length + 1);
  ops.forEach((op, k) => {
    oldUpTo[k + 1] = oldUpTo[k]! + (op.kind !== '+' ? 1 : 0);
    newUpTo[k + 1] = newUpTo[k]! + (op.kind !== '-' ? 1 : 0);
  });
  const changed = ops.map((op, k) => (op.kind === ' ' ? -1 : k)).filter((k) => k >= 0);
  let c = 0;
  while (c < changed.length) {
    let last = changed[c]!;
    let next = c + 1;
    while (next < changed.length && changed[next]! - last <= 2 * CONTEXT) last = changed[next++]!;
    const from = Math.max(0, changed[c]! - CONTEXT);
    const to = Math.min(ops.length, last + 1 + CONTEXT);
    const oldLines = oldUpTo[to]! - oldUpTo[from]!;
    const newLines = newUpTo[to]! - newUpTo[from]!;
    out.push(`@@ -${oldLines ? oldUpTo[from]! + 1 : oldUpTo[from]!},${oldLines} +${newLines ? newUpTo[from]! + 1 : newUpTo[from]!},${newLines} @@`);
    for (const op of ops.slice(from, to)) {
      const bare = op.line.endsWith(BARE);
      out.push(`${op.kind}${bare ? op.line.slice(0, -1) : op.line}`);
      if (bare) out.push(NO_NEWLINE);
    }
    c = next;
  }
  return out.join('\n');
}
