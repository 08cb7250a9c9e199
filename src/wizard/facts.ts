// Facts a symptom needs that the tool may not find on its own (SPEC: the domain on the tunnel's page, the
// registered CA, the federation rule's audience). The wizard asks for the missing ones, with a default.
import { SYMPTOMS, type Fact, type Symptom } from '../analyze/symptoms.js';
import { tunnelDomainQuestion, type FactValues, type Question } from './answers.js';
import type { Snapshot } from '../snapshot/types.js';
import { isDomainName } from '../snapshot/tunnel-domain.js';
import { proxyConfigViews, scalarValue } from '../analyze/proxy-config.js';
import { nodeAt, parsedYaml, isScalar } from '../analyze/yaml-source.js';

export type { FactValues, Question } from './answers.js';

export const CHART_DEFAULT_AUDIENCE = 'api.anthropic.com';

function configuredDomain(s: Snapshot): string | undefined {
  for (const view of proxyConfigViews(s)) {
    const v = scalarValue(view, ['tunnel_domain']);
    if (typeof v === 'string' && isDomainName(v)) return v.toLowerCase();
  }
  return undefined;
}

function configuredAudience(s: Snapshot): string | undefined {
  const values = parsedYaml(s, s.deployment.paths.values);
  const node = values ? nodeAt(values.doc.contents, ['api', 'wif', 'audience']) : undefined;
  return isScalar(node) && typeof node.value === 'string' && node.value ? node.value : undefined;
}

function known(fact: Fact, s: Snapshot, given: FactValues): boolean {
  if (given[fact] !== undefined) return true;
  switch (fact) {
    case 'tunnelDomain':
      // A guess (the certificate's SAN, a manifest) is not knowing it: the operator is asked.
      return s.tunnelDomain?.confidence === 'authoritative';
    case 'caFile': {
      const path = s.deployment.paths.caCert;
      return s.inputs.caFile !== undefined || (path !== undefined && s.files[path] !== undefined && !s.files[path]!.error);
    }
    case 'audience':
      // The audience is the chart's `api.wif.audience`: a Compose setup has nothing to compare it with.
      return s.inputs.audience !== undefined || s.deployment.kind === 'compose';
  }
}

export function questionFor(fact: Fact, s: Snapshot): Question {
  switch (fact) {
    case 'tunnelDomain':
      return tunnelDomainQuestion(configuredDomain(s) ?? '');
    case 'caFile':
      return {
        fact,
        question: 'The CA certificate file registered for this tunnel',
        hint: 'a PEM file on this host; the server certificate must be signed by it',
        default: s.deployment.paths.caCert ?? 'data/ca.crt',
      };
    case 'audience':
      return {
        fact,
        question: 'The audience of the federation rule the setup uses',
        hint: 'as written in the rule, byte for byte (the Console suggests https://api.anthropic.com)',
        default: configuredAudience(s) ?? CHART_DEFAULT_AUDIENCE,
      };
  }
}

/** The questions to ask before running a symptom's checks: its facts that are neither found nor given. */
export function questionsFor(symptom: Symptom, s: Snapshot, given: FactValues = {}): Question[] {
  return (symptom.facts ?? []).filter((f) => !known(f, s, given)).map((f) => questionFor(f, s));
}

/** Every symptom's questions for this snapshot, before any answer (the reducer drops the answered ones). */
export function questionsBySymptom(s: Snapshot): Record<string, Question[]> {
  return Object.fromEntries(SYMPTOMS.map((sym) => [sym.id, questionsFor(sym, s)]));
}
