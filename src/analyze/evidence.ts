// Evidence is born here, redacted, so no secret can reach a report by way of a finding (STYLE: redact
// where evidence is born).
import { redact } from '../snapshot/redact.js';
import type { Evidence } from './types.js';

const MAX_EVIDENCE_TEXT = 400;

export function evidence(source: string, text: string, extra: Omit<Evidence, 'source' | 'text'> = {}): Evidence {
  let clean = redact(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  if (clean.length > MAX_EVIDENCE_TEXT) clean = `${clean.slice(0, MAX_EVIDENCE_TEXT)}… (${clean.length - MAX_EVIDENCE_TEXT} more characters)`;
  return { source, text: clean, ...extra };
}
