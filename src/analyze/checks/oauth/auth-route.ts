import type { Check, Observation } from '../../types.js';
import { CheckInputError } from '../../check-input.js';
import { hasRouteFor, keyEvidence, oauthDoc, routeKeys, tunnelLabel } from '../../oauth-docs.js';

// The backend-to-backend OAuth calls go through the tunnel: the issuer's tunnel host needs a route.
export const authRoute: Check = {
  id: 'oauth.auth-route',
  layer: 'oauth',
  title: '`routes` has a route for the authorization server',
  needs: ['file:oauthAuthServerMetadata', 'file:oauthResourceMetadata'],
  emits: ['oauth.no-auth-route'],
  run(s) {
    const as = oauthDoc(s, 'oauthAuthServerMetadata');
    const pr = oauthDoc(s, 'oauthResourceMetadata');
    const domain = s.tunnelDomain?.value;
    if (!domain) throw new CheckInputError('the tunnel domain is unknown: pass --tunnel-domain to check the OAuth routing');
    if (routeKeys(s).size === 0) throw new CheckInputError('no proxy routes were read to compare with');
    // The issuers the documents send clients to, on the tunnel.
    const named: { url: string; source: string; ev: Observation['evidence'] }[] = [];
    if (as && typeof as.json.issuer === 'string') named.push({ url: as.json.issuer, source: as.path, ev: [keyEvidence(as, 'issuer')] });
    if (pr && Array.isArray(pr.json.authorization_servers)) {
      for (const a of pr.json.authorization_servers) if (typeof a === 'string') named.push({ url: a, source: pr.path, ev: [keyEvidence(pr, 'authorization_servers')] });
    }
    const onTunnel = named.map((n) => ({ ...n, label: tunnelLabel(n.url, domain) })).filter((n) => n.label !== undefined);
    const out: Observation[] = [];
    const seen = new Set<string>();
    for (const n of onTunnel) {
      if (seen.has(n.label!) || hasRouteFor(s, n.label!, domain)) continue;
      seen.add(n.label!);
      out.push({ id: 'oauth.no-auth-route', variant: 'issuer', vars: { source: n.source, issuer: n.url, route: n.label! }, evidence: n.ev, data: { route: n.label, issuer: n.url } });
    }
    // Nothing on the tunnel at all: the backend would call the allowlisted host, which blocks it.
    if (onTunnel.length === 0 && !hasRouteFor(s, 'auth', domain)) {
      out.push({ id: 'oauth.no-auth-route', vars: {}, evidence: named.length ? named[0]!.ev : [], data: { route: 'auth' } });
    }
    return out;
  },
};
