// A log line as watch shows it: secrets redacted where it is born (STYLE), terminal control characters
// removed (a line from outside must not move the cursor, recolour or retitle the operator's terminal), and
// bounded. One place, so the project's terminal sanitizer can take over here.
import { redact } from '../snapshot/redact.js';

export const MAX_LINE_CHARS = 400;

// C0 and C1 controls, DEL, and the bidirectional overrides that can make a line read other than it is.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function shownLine(text: string, max = MAX_LINE_CHARS): string {
  const clean = redact(text).replace(/[\t\n]+/g, ' ').replace(CONTROLS, '').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
