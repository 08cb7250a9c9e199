// The OIDC exchange failed (invalid_grant is an opaque 400): the JWT and the federation rule disagree on
// the subject, audience, issuer, signing key or lifetime. What each must be, with this deployment's values.
import { DEFAULT_WIF_AUDIENCE, helmValuesOf, valueAt } from '../analyze/helm-values.js';
import { helmFullname, helmTarget, manualPlan } from './plan-kit.js';
import type { Fix } from './types.js';

const CAUSES: Record<string, (v: { subject: string; audience: string }) => string> = {
  subject: (v) => `Subject: the rule's subject (or prefix) must match the JWT's \`sub\`: ${v.subject}.`,
  audience: (v) => `Audience: the rule's audience must equal the JWT's \`aud\` byte for byte (scheme, trailing slash): ${v.audience} (set api.wif.audience to match; \`mcp-tunnel-triage fix set-wif-audience\` with --audience).`,
  issuer: () => 'Issuer: the rule\'s issuer must equal the JWT\'s `iss` byte for byte, trailing slash included (on Kubernetes: `kubectl get --raw /.well-known/openid-configuration` shows it).',
  jwks: () => 'JWKS: the issuer\'s JWKS must be reachable by Anthropic and hold the key (`kid`) that signed the JWT.',
  lifetime: () => 'Lifetime: the JWT must be unexpired (30 s leeway), `iat` not in the future, and live at most 1 hour; check the host\'s clock.',
};

export const manualWifRule: Fix = {
  id: 'manual-wif-rule',
  title: 'Make the federation rule match the setup\'s JWT (in the Console)',
  kind: 'manual',
  findings: ['setup.wif-exchange-failed'],
  plan(s, data) {
    const values = helmValuesOf(s);
    const set = values ? valueAt(values, ['api', 'wif', 'audience']) : undefined;
    const t = s.deployment.kind === 'helm' ? helmTarget(s) : undefined;
    const subject = t ? `\`system:serviceaccount:${t.namespace}:${helmFullname(t.release)}-setup\`` : 'the identity your OIDC provider puts in `sub` for the setup service';
    const audience = `\`${typeof set === 'string' ? set : (s.inputs.audience ?? DEFAULT_WIF_AUDIENCE)}\``;
    const causes = Array.isArray(data?.causes) ? (data.causes as unknown[]).filter((c): c is string => typeof c === 'string' && c in CAUSES) : [];
    const list = causes.length ? causes : Object.keys(CAUSES);
    return manualPlan(this, [
      'In the Console, open the federation rule the setup uses and compare it with the JWT the setup presents (decode it locally; never paste it anywhere):',
      ...list.map((c) => CAUSES[c]!({ subject, audience })),
      'A rule that is archived or whose id is malformed fails the same way: check api.wif.federationRuleId.',
    ]);
  },
};
