// One record against the signatures whose literals it holds (the prefilter says which): the source must
// fit, then the pattern runs on the normalised text. Captures are worked out only when someone reads
// them (checks do, `scan` does not): fields first (exact), then the pattern's groups.
import type { LogSource } from '../snapshot/types.js';
import { unquote, type Prefixed } from './normalize.js';
import type { LogRecord, Signature, SignatureMatch } from './types.js';

export function appliesTo(sig: Signature, source: LogSource | undefined): boolean {
  return sig.source === 'any' || source === undefined || sig.source === source;
}

class LazyMatch implements SignatureMatch {
  private computed: Record<string, string> | undefined;

  constructor(
    readonly signature: Signature,
    private readonly record: LogRecord,
  ) {}

  get captures(): Record<string, string> {
    // The pattern runs again for its groups only when someone reads them (`scan` never does).
    return (this.computed ??= capturesOf(this.signature, this.record, this.signature.captures.length ? (this.signature.capture ?? this.signature.pattern).exec(this.record.text)?.groups : undefined));
  }
}

function capturesOf(signature: Signature, record: LogRecord, groups: Record<string, string | undefined> | undefined): Record<string, string> {
  const captures: Record<string, string> = {};
  for (const name of signature.captures) {
    let value: string | undefined;
    const names = signature.fields?.[name];
    if (names) {
      const fields = record.fields;
      for (const f of names) if ((value = fields[f])) break;
    }
    value ||= groups?.[name];
    if (value !== undefined && (value = value.trim()) !== '') captures[name] = unquote(value);
  }
  return captures;
}

/** The matches of a record among `candidates` (in catalog order): the signatures whose literals it holds. */
export function matchCandidates(record: LogRecord, candidates: readonly Signature[], logSource?: LogSource): SignatureMatch[] {
  const source = record.source ?? logSource;
  let out: SignatureMatch[] | undefined;
  for (const signature of candidates) {
    if (!appliesTo(signature, source)) continue;
    if (!signature.pattern.test(record.text)) continue;
    (out ??= []).push(new LazyMatch(signature, record));
  }
  return out ?? NONE;
}

const NONE: SignatureMatch[] = [];

/** Whether a pattern is anchored at the start of the message, so only the normalised text can be tested. */
const anchored = new WeakMap<RegExp, boolean>();
const isAnchored = (re: RegExp) => {
  let a = anchored.get(re);
  // A `^` that is not a negated class `[^` nor escaped: the pattern (or one alternative) is anchored.
  if (a === undefined) anchored.set(re, (a = /(?:^|[^\\[])\^/.test(re.source)));
  return a;
};

/**
 * The matches of a one-line record tested past its prefixes, before its format is read: an unanchored pattern
 * finds the same phrase in the program's line as in its normalised text. The source is the prefix's. Only an
 * anchored pattern makes the record read its format.
 */
export function matchAlone(record: LogRecord, pre: Prefixed, candidates: readonly Signature[], logSource?: LogSource): SignatureMatch[] {
  const source = pre.source ?? logSource;
  let out: SignatureMatch[] | undefined;
  for (const signature of candidates) {
    if (!appliesTo(signature, source)) continue;
    if (!signature.pattern.test(isAnchored(signature.pattern) ? record.text : pre.rest)) continue;
    (out ??= []).push(new LazyMatch(signature, record));
  }
  return out ?? NONE;
}
