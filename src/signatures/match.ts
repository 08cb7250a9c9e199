// One record against the catalog: the source must fit, one literal must be in the raw text, then the
// pattern runs on the normalised text. Captures come from fields first (exact), then from the pattern.
import type { LogSource } from '../snapshot/types.js';
import { unquote } from './normalize.js';
import type { LogRecord, Signature, SignatureMatch } from './types.js';

export function appliesTo(sig: Signature, source: LogSource | undefined): boolean {
  return sig.source === 'any' || source === undefined || sig.source === source;
}

export function matchRecord(record: LogRecord, raw: string, signatures: readonly Signature[], logSource?: LogSource): SignatureMatch[] {
  const source = record.source ?? logSource;
  const out: SignatureMatch[] = [];
  for (const signature of signatures) {
    if (!appliesTo(signature, source)) continue;
    if (!signature.literals.some((literal) => raw.includes(literal))) continue;
    const m = signature.pattern.exec(record.text);
    if (!m) continue;
    const captures: Record<string, string> = {};
    for (const name of signature.captures) {
      const fromField = signature.fields?.[name]?.map((f) => record.fields[f]).find((v) => v !== undefined && v !== '');
      const value = fromField ?? m.groups?.[name];
      if (value !== undefined && value.trim() !== '') captures[name] = unquote(value.trim());
    }
    out.push({ signature, captures });
  }
  return out;
}
