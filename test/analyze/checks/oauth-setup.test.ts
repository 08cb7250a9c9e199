import { describe, expect, it } from 'vitest';
import { authRoute } from '../../../src/analyze/checks/oauth/auth-route.js';
import { metadataSplit } from '../../../src/analyze/checks/oauth/metadata-split.js';
import { resourceIssuer } from '../../../src/analyze/checks/oauth/resource-issuer.js';
import { wifAudience, audienceDifference } from '../../../src/analyze/checks/setup/wif-audience.js';
import { materialize } from '../../../src/analyze/engine.js';
import { OAUTH_AUTH_SERVER_PATH, OAUTH_RESOURCE_PATH } from '../../../src/snapshot/roles.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../../helpers/snapshot.js';

const D = 'abcd1234.tunnel.anthropic.com';
const GUIDE_AS = { issuer: `https://auth.${D}`, authorization_endpoint: 'https://login.example.com/authorize', token_endpoint: `https://auth.${D}/token`, registration_endpoint: `https://auth.${D}/register`, code_challenge_methods_supported: ['S256'] };
const GUIDE_PR = { resource: `https://mcp.${D}`, authorization_servers: [`https://auth.${D}`] };
const TWO_ROUTES = 'routes:\n  mcp: http://mcp-server:8080\n  auth: http://auth-server:8080\n';

const oauth = (as: unknown, pr: unknown, routes = TWO_ROUTES) =>
  snapshotOf({
    inputs: { tunnelDomain: D },
    files: {
      'docker-compose.yaml': DOCUMENTED_COMPOSE,
      'config/mcp-proxy.yaml': proxyConfig(routes),
      ...(as !== undefined ? { [OAUTH_AUTH_SERVER_PATH]: JSON.stringify(as, null, 2) } : {}),
      ...(pr !== undefined ? { [OAUTH_RESOURCE_PATH]: JSON.stringify(pr, null, 2) } : {}),
    },
  });

describe('OAuth split endpoints', () => {
  it('the guide\'s own documents and routes are clean', () => {
    const s = oauth(GUIDE_AS, GUIDE_PR);
    expect([...authRoute.run(s), ...metadataSplit.run(s), ...resourceIssuer.run(s)]).toEqual([]);
  });

  it('oauth.no-auth-route: the issuer is on the tunnel but routes has no auth entry', () => {
    const [obs] = authRoute.run(oauth(GUIDE_AS, GUIDE_PR, 'routes:\n  mcp: http://mcp-server:8080\n'));
    expect(obs).toMatchObject({ id: 'oauth.no-auth-route', variant: 'issuer', vars: { issuer: `https://auth.${D}`, route: 'auth' }, data: { route: 'auth' } });
    expect(obs!.evidence[0]).toEqual({ source: OAUTH_AUTH_SERVER_PATH, text: `"issuer": "https://auth.${D}"`, line: 2 });
  });

  it('oauth.metadata-split-wrong names each field that is wrong', () => {
    const wrong = { ...GUIDE_AS, issuer: 'https://login.example.com', token_endpoint: 'https://login.example.com/token', authorization_endpoint: `https://auth.${D}/authorize`, code_challenge_methods_supported: ['plain'] };
    const [obs] = metadataSplit.run(oauth(wrong, GUIDE_PR));
    expect(obs!.data!.problems).toEqual([
      `\`issuer\` is \`https://login.example.com\`, not the tunnel issuer \`https://auth.${D}\``,
      `\`token_endpoint\` is \`https://login.example.com/token\`, not on \`https://auth.${D}\` (Anthropic's backend must reach it through the tunnel)`,
      `\`authorization_endpoint\` is \`https://auth.${D}/authorize\`, on the tunnel: the user's browser cannot reach it (the tunnel accepts only Claude's connections); point it at your allowlisted host`,
      '`code_challenge_methods_supported` is ["plain"], without `S256`',
    ]);
    expect(obs!.evidence.map((e) => e.line)).toEqual([2, 4, 3, 6]);
    expect(materialize(obs!, oauth(wrong, GUIDE_PR)).detail).toMatch(/^`issuer` is/);
  });

  it('S256 missing entirely, and a registration endpoint off the tunnel', () => {
    const { code_challenge_methods_supported: _omit, ...noPkce } = GUIDE_AS;
    const [obs] = metadataSplit.run(oauth({ ...noPkce, registration_endpoint: 'https://login.example.com/register' }, undefined));
    expect(obs!.data!.problems).toEqual([
      `\`registration_endpoint\` is \`https://login.example.com/register\`, not on \`https://auth.${D}\` (Anthropic's backend must reach it through the tunnel)`,
      '`code_challenge_methods_supported` does not list `S256`',
    ]);
    expect(obs!.data).toMatchObject({ authRoute: 'auth', authorizeHost: 'login.example.com' });
  });

  it('oauth.resource-wrong-issuer when authorization_servers names the allowlisted host', () => {
    const [obs] = resourceIssuer.run(oauth(GUIDE_AS, { ...GUIDE_PR, authorization_servers: ['https://login.example.com'] }));
    expect(obs).toMatchObject({ id: 'oauth.resource-wrong-issuer', vars: { found: '`["https://login.example.com"]`', domain: D } });
    expect(resourceIssuer.run(oauth(undefined, { resource: `https://mcp.${D}` }))[0]!.vars!.found).toBe('absent');
  });

  it('a document that is not JSON is a one-line check error', () => {
    const s = snapshotOf({ inputs: { tunnelDomain: D }, files: { 'config/mcp-proxy.yaml': proxyConfig(TWO_ROUTES), [OAUTH_AUTH_SERVER_PATH]: '<html>login</html>' } });
    expect(() => metadataSplit.run(s)).toThrow(/^oauth\/authorization-server.json is not JSON \(/);
  });
});

describe('setup.wif-audience-mismatch', () => {
  it('names the difference: scheme, trailing slash, other names', () => {
    expect(audienceDifference('api.anthropic.com', 'https://api.anthropic.com')).toBe('one has a scheme (https://) and the other not');
    expect(audienceDifference('https://api.anthropic.com', 'https://api.anthropic.com/')).toBe('one ends with a slash');
    expect(audienceDifference('api.anthropic.com', 'api.example.com')).toBe('the names differ');
    expect(audienceDifference('api.anthropic.com', 'api.anthropic.com')).toBeUndefined();
  });

  it('compares --audience with api.wif.audience, or the chart default when it is not set', () => {
    const values = (body: string, audience: string) => snapshotOf({ files: { 'values.yaml': body }, inputs: { audience } });
    const [obs] = wifAudience.run(values('api:\n  wif:\n    federationRuleId: fdrl_01\n', 'https://api.anthropic.com'));
    expect(obs).toMatchObject({ id: 'setup.wif-audience-mismatch', vars: { configured: 'api.anthropic.com', expected: 'https://api.anthropic.com' }, data: { key: 'api.wif.audience', expected: 'https://api.anthropic.com' } });
    expect(obs!.evidence[0]!.text).toContain("the chart's default `api.anthropic.com` applies");
    const [set] = wifAudience.run(values('api:\n  wif:\n    audience: https://api.anthropic.com/\n', 'https://api.anthropic.com'));
    expect(set!.evidence[0]).toEqual({ source: 'values.yaml', text: 'audience: https://api.anthropic.com/', line: 3 });
    expect(wifAudience.run(values('api:\n  wif:\n    audience: https://api.anthropic.com\n', 'https://api.anthropic.com'))).toEqual([]);
  });

  it('says it cannot compare without Helm values', () => {
    expect(() => wifAudience.run(snapshotOf({ inputs: { audience: 'x' } }))).toThrow(/no Helm values/);
  });
});
