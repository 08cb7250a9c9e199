import type { Check } from '../../types.js';
import { hitsOf, type LogHit } from '../../../signatures/log-index.js';
import { hitEvidence } from '../../log-evidence.js';
import { countOf } from '../../../signatures/log-index.js';
import { redact } from '../../../snapshot/redact.js';

/** What an error text points at, in the WIF reference's order. Every `invalid_grant` is opaque unless it says. */
const CAUSES: { cause: string; label: string; pattern: RegExp }[] = [
  { cause: 'issuer', label: 'issuer', pattern: /\biss\b|\bissuer\b/i },
  { cause: 'audience', label: 'audience', pattern: /\baud\b|\baudience\b/i },
  { cause: 'subject', label: 'subject', pattern: /\bsub\b|\bsubject\b|\bcondition\b/i },
  { cause: 'lifetime', label: 'lifetime / exp', pattern: /\bexp\b|\bexpired?\b|\bexpir(?:y|ation)\b|\blifetime\b|\biat\b|not yet valid|issued in the future/i },
  { cause: 'jwks', label: 'JWKS', pattern: /\bjwks\b|\bkid\b|signing key|\bsignature\b|public key/i },
];

export function wifCauses(text: string): { cause: string; label: string }[] {
  const found = CAUSES.filter((c) => c.pattern.test(text)).map(({ cause, label }) => ({ cause, label }));
  // "claims do not match the rule" names no claim: the rule's subject, claims and condition.
  if (found.length === 0 && /\bclaims?\b/i.test(text)) return [{ cause: 'subject', label: 'subject / claims' }];
  return found;
}

function describe(hit: LogHit): string | undefined {
  const d = hit.captures.description;
  return d ? redact(d).replace(/\s+/g, ' ').slice(0, 240) : undefined;
}

// The latest refusal is the one that matters: an earlier run may have failed for another reason.
export const wifExchangeLog: Check = {
  id: 'setup.wif-exchange-log',
  layer: 'setup',
  title: 'the setup\'s OIDC token exchange succeeds (logs)',
  needs: ['logs:setup'],
  emits: ['setup.wif-exchange-failed'],
  run(s) {
    const ids = ['setup.invalid-grant', 'setup.invalid-request'];
    const hits = hitsOf(s, ids);
    if (!hits.length) return [];
    const last = hits[hits.length - 1]!;
    const description = describe(last);
    const error = description ? ` ("${description}")` : '';
    const evidence = hitEvidence(hits, countOf(s, ids));
    if (last.signature.id === 'setup.invalid-request') {
      const code = last.captures.code ?? 'invalid_request';
      return [{ id: 'setup.wif-exchange-failed', variant: 'request', vars: { cause: code, code, error }, evidence, data: { from: 'log', code, causes: [], ...(description ? { description } : {}) } }];
    }
    // The error description when there is one; else the line itself (the setup may log the reason around it).
    const causes = wifCauses(description ?? redact(last.record.text).replace(/invalid_grant/g, ''));
    const variant = causes[0]?.cause ?? 'opaque';
    return [
      {
        id: 'setup.wif-exchange-failed',
        variant,
        vars: { cause: causes.length ? causes.map((c) => c.label).join(', ') : 'invalid_grant, no reason given', error },
        evidence,
        data: { from: 'log', code: 'invalid_grant', causes: causes.map((c) => c.cause), ...(description ? { description } : {}) },
      },
    ];
  },
};
