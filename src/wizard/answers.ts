// A question the wizard asks for a fact, and whether a typed answer can be that fact. Light on purpose (no
// YAML, no certificates): the reducer uses it and the first frame must not wait for the pipeline.
import type { Fact } from '../analyze/symptoms.js';

export type FactValues = Partial<Record<Fact, string>>;

export interface Question {
  fact: Fact;
  question: string;
  /** Where to find it, one line. */
  hint: string;
  /** What Enter on an empty line means. */
  default: string;
}

/** The tunnel-domain question's words, shared by a symptom's questions and a finding that asks for it. */
export const TUNNEL_DOMAIN_QUESTION = {
  question: 'The tunnel domain shown on the tunnel\'s page in the Console',
  hint: 'e.g. abcd1234.tunnel.anthropic.com; routes are reached as <route>.<domain>',
} as const;

/** The question a finding asks when the tunnel's domain is not settled (`data.ask`), with a default if one is known. */
export function tunnelDomainQuestion(defaultValue = ''): Question {
  return { fact: 'tunnelDomain', ...TUNNEL_DOMAIN_QUESTION, default: defaultValue };
}

// The same rule as src/snapshot/tunnel-domain.ts (which pulls in the certificate reader).
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** An answer as the fact's value, or why it cannot be one. Empty means the default; an empty default skips. */
export function checkAnswer(q: Question, typed: string): { value?: string } | { problem: string } {
  const value = typed.trim() || q.default;
  if (value === '') return {};
  switch (q.fact) {
    case 'tunnelDomain': {
      const domain = value.toLowerCase().replace(/\.$/, '').replace(/^\*\./, '');
      return DOMAIN.test(domain) ? { value: domain } : { problem: `${value} is not a domain name (e.g. abcd1234.tunnel.anthropic.com)` };
    }
    case 'caFile':
      return /[\u0000\n]/.test(value) ? { problem: 'a file path has no line breaks' } : { value };
    case 'audience':
      return /\s/.test(value) ? { problem: 'an audience has no spaces' } : { value };
  }
}
