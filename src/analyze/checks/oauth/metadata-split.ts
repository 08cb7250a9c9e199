import type { Check } from '../../types.js';
import { CheckInputError } from '../../check-input.js';
import { hostOf, keyEvidence, oauthDoc, tunnelLabel } from '../../oauth-docs.js';

// Split endpoints: the browser's /authorize on the allowlisted host, the rest on the tunnel, and S256.
export const metadataSplit: Check = {
  id: 'oauth.metadata-split',
  layer: 'oauth',
  title: 'authorization-server metadata splits /authorize from the tunnel endpoints',
  needs: ['file:oauthAuthServerMetadata'],
  emits: ['oauth.metadata-split-wrong'],
  run(s) {
    const doc = oauthDoc(s, 'oauthAuthServerMetadata');
    if (!doc) return [];
    const domain = s.tunnelDomain?.value;
    if (!domain) throw new CheckInputError('the tunnel domain is unknown: pass --tunnel-domain to check the OAuth metadata');
    const j = doc.json;
    const problems: string[] = [];
    const keys: string[] = [];
    const issuerLabel = tunnelLabel(j.issuer, domain);
    const want = `https://${issuerLabel ?? 'auth'}.${domain}`;
    const onIssuerHost = (url: unknown) => typeof url === 'string' && url.startsWith('https://') && hostOf(url) === `${issuerLabel ?? 'auth'}.${domain}`;
    if (typeof j.issuer !== 'string') { problems.push('`issuer` is missing'); keys.push('issuer'); }
    else if (!issuerLabel || !j.issuer.startsWith('https://')) { problems.push(`\`issuer\` is \`${j.issuer}\`, not the tunnel issuer \`https://auth.${domain}\``); keys.push('issuer'); }
    for (const key of ['token_endpoint', 'registration_endpoint']) {
      const v = j[key];
      if (v === undefined) {
        if (key === 'token_endpoint') { problems.push('`token_endpoint` is missing'); keys.push(key); }
        continue;
      }
      if (!onIssuerHost(v)) { problems.push(`\`${key}\` is \`${String(v)}\`, not on \`${want}\` (Anthropic's backend must reach it through the tunnel)`); keys.push(key); }
    }
    const authz = j.authorization_endpoint;
    if (typeof authz !== 'string') { problems.push('`authorization_endpoint` is missing'); keys.push('authorization_endpoint'); }
    else if (tunnelLabel(authz, domain) !== undefined || hostOf(authz) === domain) { problems.push(`\`authorization_endpoint\` is \`${authz}\`, on the tunnel: the user's browser cannot reach it (the tunnel accepts only Claude's connections); point it at your allowlisted host`); keys.push('authorization_endpoint'); }
    const methods = j.code_challenge_methods_supported;
    if (!Array.isArray(methods) || !methods.includes('S256')) { problems.push(`\`code_challenge_methods_supported\` ${Array.isArray(methods) ? `is ${JSON.stringify(methods)}, without` : 'does not list'} \`S256\``); keys.push('code_challenge_methods_supported'); }
    if (problems.length === 0) return [];
    const problem = problems.join('; ');
    return [{
      id: 'oauth.metadata-split-wrong',
      vars: { problem: problem.charAt(0).toUpperCase() + problem.slice(1), domain },
      evidence: keys.map((k) => keyEvidence(doc, k)),
      data: {
        file: doc.path, problems, issuer: want, authRoute: issuerLabel ?? 'auth',
        ...(typeof authz === 'string' && tunnelLabel(authz, domain) === undefined && hostOf(authz) ? { authorizeHost: hostOf(authz) } : {}),
      },
    }];
  },
};
