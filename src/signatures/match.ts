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
    if (!appliesTo(signature, source) || !hasLiteral(raw, signature.literals)) continue;
    const m = signature.pattern.exec(record.text);
    if (!m) continue;
    const captures: Record<string, string> = {};
    for (const name of signature.captures) {
      let value: string | undefined;
      const names = signature.fields?.[name];
      if (names) {
        const fields = record.fields;
        for (const f of names) if ((value = fields[f])) break;
      }
      value ||= m.groups?.[name];
      if (value !== undefined && (value = value.trim()) !== '') captures[name] = unquote(value);
    }
    out.push({ signature, captures });
  }
  return out;
}

function hasLiteral(raw: string, literals: readonly string[]): boolean {
  for (const literal of literals) if (raw.includes(literal)) return true;
  return false;
}
