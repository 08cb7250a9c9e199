import type { Check } from '../../types.js';
import { CheckInputError, lineEvidence } from '../../check-input.js';
import { evidence } from '../../evidence.js';
import { DEFAULT_WIF_AUDIENCE, helmValuesOf, lineAt, valueAt } from '../../helm-values.js';

/** How two audiences differ, in words: the scheme, a trailing slash, or anything else. */
export function audienceDifference(configured: string, expected: string): string | undefined {
  if (configured === expected) return undefined;
  const bare = (a: string) => a.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const parts: string[] = [];
  if (/^[a-z]+:\/\//i.test(configured) !== /^[a-z]+:\/\//i.test(expected)) parts.push('one has a scheme (https://) and the other not');
  if (configured.endsWith('/') !== expected.endsWith('/')) parts.push('one ends with a slash');
  if (bare(configured).replace(/\/$/, '') !== bare(expected).replace(/\/$/, '')) parts.push('the names differ');
  if (configured.trim() !== configured || expected.trim() !== expected) parts.push('one has spaces around it');
  return parts.join(', ') || 'they differ in case or characters';
}

// The WIF exchange fails when the JWT's audience (api.wif.audience) is not byte for byte the rule's.
export const wifAudience: Check = {
  id: 'setup.wif-audience',
  layer: 'setup',
  title: '`api.wif.audience` matches the federation rule\'s audience',
  needs: ['input:audience'],
  emits: ['setup.wif-audience-mismatch'],
  run(s) {
    const expected = s.inputs.audience!;
    const values = helmValuesOf(s);
    if (!values) throw new CheckInputError('no Helm values were read to compare --audience with (pass --values FILE)');
    const set = valueAt(values, ['api', 'wif', 'audience']);
    const configured = typeof set === 'string' ? set : DEFAULT_WIF_AUDIENCE;
    const difference = audienceDifference(configured, expected);
    if (!difference) return [];
    const line = lineAt(values, ['api', 'wif', 'audience']);
    return [{
      id: 'setup.wif-audience-mismatch',
      variant: 'diff',
      vars: { configured, expected, difference, set: typeof set === 'string' ? `set in ${values.file}` : 'the chart\'s default (not set in the values)' },
      evidence: [
        line ? lineEvidence(s, values.file, line) : evidence(values.file, `api.wif.audience is not set: the chart's default \`${DEFAULT_WIF_AUDIENCE}\` applies`),
        evidence('--audience', `the federation rule's audience: ${expected}`),
      ],
      data: { file: values.file, key: 'api.wif.audience', configured, expected, difference },
    }];
  },
};
