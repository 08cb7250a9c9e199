import type { Check } from '../../types.js';
import { CheckInputError } from '../../check-input.js';
import { keyEvidence, oauthDoc, tunnelLabel } from '../../oauth-docs.js';

// The MCP server's protected-resource metadata must send clients to the tunnel issuer.
export const resourceIssuer: Check = {
  id: 'oauth.resource-issuer',
  layer: 'oauth',
  title: 'protected-resource metadata names the tunnel issuer',
  needs: ['file:oauthResourceMetadata'],
  emits: ['oauth.resource-wrong-issuer'],
  run(s) {
    const doc = oauthDoc(s, 'oauthResourceMetadata');
    if (!doc) return [];
    const domain = s.tunnelDomain?.value;
    if (!domain) throw new CheckInputError('the tunnel domain is unknown: pass --tunnel-domain to check the OAuth metadata');
    const servers = doc.json.authorization_servers;
    const as = oauthDoc(s, 'oauthAuthServerMetadata');
    const issuer = typeof as?.json.issuer === 'string' && tunnelLabel(as.json.issuer, domain) ? as.json.issuer.replace(/\/$/, '') : undefined;
    const list = Array.isArray(servers) ? servers.filter((x): x is string => typeof x === 'string') : [];
    const ok = list.some((u) => u.startsWith('https://') && (issuer ? u.replace(/\/$/, '') === issuer : tunnelLabel(u, domain) !== undefined));
    if (ok) return [];
    return [{
      id: 'oauth.resource-wrong-issuer',
      vars: { found: servers === undefined ? 'absent' : `\`${JSON.stringify(servers)}\``, domain },
      evidence: [keyEvidence(doc, 'authorization_servers')],
      data: { file: doc.path, expected: issuer ?? `https://auth.${domain}` },
    }];
  },
};
