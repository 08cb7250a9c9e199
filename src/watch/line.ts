// A log line as watch shows it: secrets redacted where it is born (STYLE), terminal control codes removed by
// the project's one sanitizer (a line from outside must not move the cursor, recolour, retitle the
// operator's terminal or write its clipboard), and bounded.
import { redact } from '../snapshot/redact.js';
import { printable } from '../snapshot/printable.js';

export const MAX_LINE_CHARS = 400;

export function shownLine(text: string, max = MAX_LINE_CHARS): string {
  const clean = printable(redact(text)).replace(/[\t\n]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
