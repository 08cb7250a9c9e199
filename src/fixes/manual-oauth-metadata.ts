// Split-endpoint discovery metadata: the browser goes to the allowlisted host for /authorize, everything
// else goes through the tunnel. Served by the operator's services; the documents carry this tunnel's names.
import { dataString, manualPlan } from './plan-kit.js';
import type { Fix } from './types.js';

export const manualOauthMetadata: Fix = {
  id: 'manual-oauth-metadata',
  title: 'Serve split-endpoint OAuth discovery metadata',
  kind: 'manual',
  findings: ['oauth.metadata-split-wrong', 'oauth.resource-wrong-issuer'],
  plan(s, data) {
    const domain = s.tunnelDomain?.value ?? '<tunnel-domain>';
    const auth = `https://${dataString(data, 'authRoute') ?? 'auth'}.${domain}`;
    const mcp = `https://${dataString(data, 'mcpRoute') ?? 'mcp'}.${domain}`;
    const allowlisted = dataString(data, 'authorizeHost', 'allowlistedHost') ?? '<your-allowlisted-host>';
    const as = { issuer: auth, authorization_endpoint: `https://${allowlisted}/authorize`, token_endpoint: `${auth}/token`, registration_endpoint: `${auth}/register`, code_challenge_methods_supported: ['S256'] };
    const pr = { resource: mcp, authorization_servers: [auth] };
    return manualPlan(this, [
      `Your authorization server's /.well-known/oauth-authorization-server should answer: ${JSON.stringify(as)}`,
      `Your MCP server's /.well-known/oauth-protected-resource should answer: ${JSON.stringify(pr)}`,
      'The browser then reaches /authorize on the host your allowlist already permits, while Anthropic\'s backend reaches /token, /register and the discovery documents through the tunnel.',
    ]);
  },
};
