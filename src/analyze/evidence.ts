// Evidence is born here, redacted and printable (no terminal control codes), so no secret can reach a report by way of a finding (STYLE: redact
// where evidence is born).
import { redact } from '../snapshot/redact.js';
import { printable } from '../snapshot/printable.js';
import type { Evidence } from './types.js';

const MAX_EVIDENCE_TEXT = 400;

export function evidence(source: string, text: string, extra: Omit<Evidence, 'source' | 'text'> = {}): Evidence {
  let clean = printable(redact(text));
  if (clean.length > MAX_EVIDENCE_TEXT) clean = `${clean.slice(0, MAX_EVIDENCE_TEXT)}… (${clean.length - MAX_EVIDENCE_TEXT} more characters)`;
  return { source, text: clean, ...extra };
}
