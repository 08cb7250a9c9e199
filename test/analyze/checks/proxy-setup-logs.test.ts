import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analyze/index.js';
import { handshakeLog } from '../../../src/analyze/checks/tls/handshake-log.js';
import { keyUnreadableLog } from '../../../src/analyze/checks/tls/key-unreadable-log.js';
import { routesIsList } from '../../../src/analyze/checks/routing/routes-is-list.js';
import { routesIsListLog } from '../../../src/analyze/checks/routing/routes-is-list-log.js';
import { invalidUpstreamLog } from '../../../src/analyze/checks/routing/invalid-upstream-log.js';
import { invalidUpstream } from '../../../src/analyze/checks/routing/invalid-upstream.js';
import { impliedTunnelDomain, noRouteLog } from '../../../src/analyze/checks/routing/no-route-log.js';
import { ipNotPrivateLog } from '../../../src/analyze/checks/routing/ip-not-private-log.js';
import { wifCauses, wifExchangeLog } from '../../../src/analyze/checks/setup/wif-exchange-log.js';
import { forbiddenLog } from '../../../src/analyze/checks/setup/forbidden-log.js';
import { tunnelLimitLog } from '../../../src/analyze/checks/setup/tunnel-limit-log.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../../helpers/snapshot.js';

const proxy = (lines: string[], body?: string) =>
  snapshotOf({
    logs: { 'mcp-proxy': `${lines.join('\n')}\n` },
    ...(body !== undefined ? { files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig(body) } } : {}),
  });
const DENIED = (t: string) => `mcp-proxy-1  | 2026/11/28 04:0${t} open /data/tls.key: permission denied`;
const CONFIGURED = (t: string, route = 'mcp') => `mcp-proxy-1  | time=2026-11-28T04:${t}Z level=INFO msg="route configured" route=${route} upstream=http://10.20.0.15:8080`;

describe('tls.handshake-log', () => {
  it('names the TLS error texts, latest last', () => {
    const report = analyze(
      proxy([
        'mcp-proxy-1  | time=2026-11-28T04:05:10.201Z level=ERROR msg="tls handshake failed" remote=10.0.3.7:51234 err="remote error: tls: bad certificate"',
        'mcp-proxy-1  | time=2026-11-28T04:05:12.201Z level=ERROR msg="tls handshake failed" remote=10.0.3.7:51240 err="remote error: tls: unknown certificate authority"',
      ]),
      { checks: [handshakeLog] },
    );
    const f = report.findings[0]!;
    expect(f).toMatchObject({ id: 'tls.handshake-failed', severity: 'error', data: { errors: ['remote error: tls: bad certificate', 'remote error: tls: unknown certificate authority'] } });
    expect(f.detail).toContain('(`remote error: tls: bad certificate`; `remote error: tls: unknown certificate authority`)');
  });
});

describe('tls.key-unreadable-log', () => {
  it('permission denied on every restart: current', () => {
    const report = analyze(proxy([CONFIGURED('00:01'), DENIED('0:01'), CONFIGURED('00:31'), DENIED('0:31')]), { checks: [keyUnreadableLog] });
    expect(report.findings[0]).toMatchObject({ id: 'tls.key-unreadable', severity: 'error', data: { from: 'log', containerPath: '/data/tls.key' } });
    expect(report.findings[0]!.detail).toMatch(/^The proxy exits with `open \/data\/tls.key: permission denied`/);
  });

  it('permission denied, then later `route configured`: recovered, lower severity, and says so', () => {
    const report = analyze(proxy([DENIED('0:01'), DENIED('0:31'), CONFIGURED('05:00')]), { checks: [keyUnreadableLog] });
    const f = report.findings[0]!;
    expect(f.severity).toBe('info');
    expect(f.detail).toMatch(/exited with `open \/data\/tls.key: permission denied` 2× \(last 2026-11-28T04:00:31\), then started cleanly \(the proxy loaded its config and configured a route at 2026-11-28T04:05:00Z/);
    expect(f.evidence.map((e) => e.line)).toEqual([1, 2, 3]);
  });
});

describe('routing: log checks merge with the file checks', () => {
  it('routes-is-list from the log and from the file is one finding with both evidences', () => {
    const s = proxy(['mcp-proxy-1  | 2026/11/28 04:00:01 load config: yaml: unmarshal errors:', 'mcp-proxy-1  |   line 8: cannot unmarshal !!seq into map[string]string'], 'routes:\n  - mcp: http://10.0.0.5:8080\n');
    const report = analyze(s, { checks: [routesIsList, routesIsListLog] });
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(f.id).toBe('routing.routes-is-list');
    expect(f.evidence.map((e) => e.source)).toEqual(['config/mcp-proxy.yaml', 'config/mcp-proxy.yaml', 'logs/mcp-proxy']);
    expect(f.evidence[2]!.text).toBe('2026/11/28 04:00:01 load config: yaml: unmarshal errors: line 8: cannot unmarshal !!seq into map[string]string');
  });

  it('routes-is-list from the log alone names the config line', () => {
    const report = analyze(proxy(['mcp-proxy-1  | time=2026-11-28T04:00:01Z level=ERROR msg="failed to load config" err="yaml: unmarshal errors:\\n  line 12: cannot unmarshal !!seq into map[string]string"']), { checks: [routesIsListLog] });
    expect(report.findings[0]).toMatchObject({ severity: 'error', data: { configLine: 12 } });
    expect(report.findings[0]!.detail).toContain('(line 12 of its config)');
  });

  it('invalid upstream: the route the log names merges with the file finding for it', () => {
    const s = proxy(['mcp-proxy-1  | 2026/11/28 04:00:01 load config: route "mcp": invalid upstream "http://mcp-server:8080/mcp" (must be scheme://host:port)'], 'routes:\n  mcp: http://mcp-server:8080/mcp\n');
    const report = analyze(s, { checks: [invalidUpstream, invalidUpstreamLog] });
    expect(report.findings.map((f) => [f.id, f.title])).toEqual([['routing.invalid-upstream', 'Route `mcp` is not scheme://host:port']]);
    expect(report.findings[0]!.evidence.map((e) => e.source)).toEqual(['config/mcp-proxy.yaml', 'logs/mcp-proxy']);
  });

  it('invalid upstream: without a name, the route whose value is the logged URL', () => {
    const s = proxy(['2026/11/28 04:00:01 invalid upstream "http://wiki" (must be scheme://host:port)'], 'routes:\n  mcp: http://10.0.0.5:8080\n  wiki: http://wiki\n');
    const [obs] = invalidUpstreamLog.run(s);
    expect(obs).toMatchObject({ variant: 'log', vars: { route: 'wiki', url: 'http://wiki' }, data: { route: 'wiki', url: 'http://wiki', file: 'config/mcp-proxy.yaml' } });
    const bare = invalidUpstreamLog.run(proxy(['2026/11/28 04:00:01 invalid upstream (must be scheme://host:port)']));
    expect(bare[0]).toMatchObject({ variant: 'log-unnamed', vars: { error: 'invalid upstream (must be scheme://host:port)' } });
  });
});

describe('routing.no-route-log', () => {
  const NO_ROUTE = (host: string, t = '10:00') => `mcp-proxy-1  | time=2026-11-28T04:${t}.000Z level=WARN msg="no route for host" host=${host}`;

  it('names the host and the tunnel_domain it implies, against the configured one', () => {
    const s = proxy([NO_ROUTE('mcp.wxyz9876.tunnel.anthropic.com'), NO_ROUTE('mcp.wxyz9876.tunnel.anthropic.com', '10:05'), NO_ROUTE('wiki.wxyz9876.tunnel.anthropic.com', '10:07')], 'routes:\n  mcp: http://10.0.0.5:8080\n  wiki: http://10.0.0.6:8080\n');
    const [obs] = noRouteLog.run(s);
    expect(obs).toMatchObject({
      variant: 'log',
      vars: { host: 'wiki.wxyz9876.tunnel.anthropic.com', implied: 'wxyz9876.tunnel.anthropic.com', configured: 'abcd1234.tunnel.anthropic.com', count: 3 },
      data: { implied: 'wxyz9876.tunnel.anthropic.com', configuredTunnelDomain: 'abcd1234.tunnel.anthropic.com', file: 'config/mcp-proxy.yaml', key: 'tunnel_domain', hosts: [{ host: 'mcp.wxyz9876.tunnel.anthropic.com', count: 2 }, { host: 'wiki.wxyz9876.tunnel.anthropic.com', count: 1 }] },
    });
    const f = analyze(s, { checks: [noRouteLog] }).findings[0]!;
    expect(f.detail).toContain('implies `tunnel_domain: wxyz9876.tunnel.anthropic.com`, but the config has `abcd1234.tunnel.anthropic.com`');
  });

  it('a host under the configured domain: the route is missing, or the config is newer than the proxy', () => {
    const missing = noRouteLog.run(proxy([NO_ROUTE('docs.abcd1234.tunnel.anthropic.com')], 'routes:\n  mcp: http://10.0.0.5:8080\n'))[0]!;
    expect(missing).toMatchObject({ variant: 'log-route-missing', vars: { route: 'docs', routes: '`mcp`' } });
    const stale = noRouteLog.run(proxy([NO_ROUTE('mcp.abcd1234.tunnel.anthropic.com')], 'routes:\n  mcp: http://10.0.0.5:8080\n'))[0]!;
    expect(stale).toMatchObject({ variant: 'log-stale', vars: { route: 'mcp' } });
  });

  it('without a config, still names the implied domain', () => {
    const [obs] = noRouteLog.run(proxy(['2026/11/28 04:10:00 no route for host "mcp.abcd1234.tunnel.anthropic.com"']));
    expect(obs).toMatchObject({ variant: 'log-no-config', data: { implied: 'abcd1234.tunnel.anthropic.com' } });
  });

  it('a restart after the last one: a warning that it has not been seen since', () => {
    const report = analyze(proxy([NO_ROUTE('mcp.wxyz9876.tunnel.anthropic.com'), CONFIGURED('20:00')]), { checks: [noRouteLog] });
    expect(report.findings[0]).toMatchObject({ severity: 'warning', data: { recovered: true } });
  });

  it('hands the implied domain to the set-tunnel-domain fix when the tunnel domain is not known otherwise', () => {
    const s = proxy([NO_ROUTE('mcp.wxyz9876.tunnel.anthropic.com')], 'routes:\n  mcp: http://10.0.0.5:8080\n');
    const fix = analyze(s, { checks: [noRouteLog] }).findings[0]!.fixes.find((x) => x.id === 'set-tunnel-domain');
    expect(fix?.diff).toContain('+tunnel_domain: wxyz9876.tunnel.anthropic.com');
  });

  it('implied domain: a longer route name wins over the first label', () => {
    expect(impliedTunnelDomain('docs.search.abcd.tunnel.anthropic.com', ['docs', 'docs.search'])).toEqual({ route: 'docs.search', implied: 'abcd.tunnel.anthropic.com', sure: true });
    // No route starts the host: the first label is taken for the route, a guess unless the host has the documented shape.
    expect(impliedTunnelDomain('mcp.abcd.tunnel.anthropic.com', [])).toEqual({ route: 'mcp', implied: 'abcd.tunnel.anthropic.com', sure: true });
    expect(impliedTunnelDomain('mcp.tunnels.example.com', [])).toEqual({ route: 'mcp', implied: 'tunnels.example.com', sure: false });
    expect(impliedTunnelDomain('localhost', [])).toBeUndefined();
  });

  it('never derives a domain from an address or an empty host', () => {
    for (const host of ['172.18.0.3', '127.0.0.1', '10.0.0.5', '::1', 'fe80::1', '', '18.0.3']) expect(impliedTunnelDomain(host, ['mcp', '172']), host).toBeUndefined();
  });
});

describe('routing.ip-not-private-log', () => {
  it('names the address and the narrowest covering CIDR, per upstream host', () => {
    const s = proxy([
      'mcp-proxy-1  | time=2026-11-28T04:12:00Z level=ERROR msg="upstream dial refused" route=wiki host=wiki.example.com err="IP validation failed: 203.0.113.7 is not a private address"',
      'mcp-proxy-1  | time=2026-11-28T04:12:05Z level=ERROR msg="upstream dial refused" route=wiki host=wiki.example.com err="IP validation failed: 203.0.113.9 is not a private address"',
    ]);
    const report = analyze(s, { checks: [ipNotPrivateLog] });
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(f).toMatchObject({ severity: 'error', title: 'Upstream wiki.example.com resolves to 203.0.113.7, 203.0.113.9, outside the allowed ranges', data: { ips: ['203.0.113.7', '203.0.113.9'], cidr: '203.0.113.0/28', host: 'wiki.example.com' } });
    expect(f.detail).toContain('add the narrowest covering CIDR, 203.0.113.0/28, to `upstream.allowed_ips`');
  });

  it('hands the address and its CIDR to the allow-upstream-cidr fix, keeping the private ranges in use', () => {
    const s = proxy(['mcp-proxy-1  | 2026/11/28 04:12:00 IP validation failed: 203.0.113.7 is not a private address'], 'routes:\n  mcp: http://10.0.0.5:8080\n');
    const fix = analyze(s, { checks: [ipNotPrivateLog] }).findings[0]!.fixes.find((x) => x.id === 'allow-upstream-cidr');
    expect(fix?.diff).toMatch(/\+\s+- 203\.0\.113\.7\/32/);
    expect(fix?.diff).toMatch(/\+\s+- 10\.0\.0\.0\/8/);
  });

  it('finds the host in the config when the log gives only the address', () => {
    const s = proxy(['mcp-proxy-1  | 2026/11/28 04:12:00 IP validation failed: 100.64.12.9 is not a private address'], 'routes:\n  mcp: http://mcp-server:8080\n');
    s.state.resolved = { 'mcp-server': { addresses: ['100.64.12.9'], via: 'compose service' } };
    const [obs] = ipNotPrivateLog.run(s);
    expect(obs).toMatchObject({ variant: 'log', vars: { host: 'mcp-server', cidr: '100.64.12.9/32' }, data: { route: 'mcp', file: 'config/mcp-proxy.yaml' } });
    const [bare] = ipNotPrivateLog.run(proxy(['2026/11/28 04:12:00 IP validation failed: 100.64.12.9 is not a private address']));
    expect(bare).toMatchObject({ variant: 'log-no-host', data: { ip: '100.64.12.9', cidr: '100.64.12.9/32' } });
  });
});

describe('setup logs', () => {
  const setup = (lines: string[]) => snapshotOf({ logs: { setup: `${lines.join('\n')}\n` } });

  it('says which of issuer, audience, subject, lifetime, JWKS the error points to', () => {
    expect(wifCauses('audience does not match the federation rule').map((c) => c.cause)).toEqual(['audience']);
    expect(wifCauses('token is expired').map((c) => c.cause)).toEqual(['lifetime']);
    expect(wifCauses('iss claim mismatch').map((c) => c.cause)).toEqual(['issuer']);
    expect(wifCauses('no key with kid "abc" in JWKS').map((c) => c.cause)).toEqual(['jwks']);
    expect(wifCauses('sub does not match rule subject prefix').map((c) => c.cause)).toEqual(['subject']);
    expect(wifCauses('invalid grant')).toEqual([]);
    const report = analyze(setup(['setup-1  | 2026/11/28 03:50:02 token exchange failed: 400 Bad Request: {"error":"invalid_grant","error_description":"audience does not match the federation rule"}']), { checks: [wifExchangeLog] });
    expect(report.findings[0]).toMatchObject({ id: 'setup.wif-exchange-failed', severity: 'error', title: 'The setup\'s OIDC token exchange failed (audience)', data: { causes: ['audience'], code: 'invalid_grant' } });
    expect(report.findings[0]!.detail).toMatch(/pointing at the audience/);
  });

  it('an opaque invalid_grant lists every cause to check', () => {
    const report = analyze(setup(['setup-1  | time=2026-11-28T03:50:02Z level=ERROR msg="token exchange failed" status=400 body="{\\"error\\":\\"invalid_grant\\"}"']), { checks: [wifExchangeLog] });
    expect(report.findings[0]!.title).toBe('The setup\'s OIDC token exchange failed (invalid_grant, no reason given)');
    expect(report.findings[0]!.detail).toMatch(/issuer .* audience .* subject .* JWKS .* lifetime/);
  });

  it('invalid_request / workspace_id_required', () => {
    const report = analyze(setup(['setup-1  | 2026/11/28 03:50:02 token exchange failed: 400 Bad Request: {"error":"invalid_request","error_description":"workspace_id_required"}']), { checks: [wifExchangeLog] });
    expect(report.findings[0]!.detail).toMatch(/`invalid_request` \("workspace_id_required"\): the request is malformed/);
  });

  it('a JWT in the setup log never reaches the finding', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
    const report = analyze(setup([`setup-1  | 2026/11/28 03:50:02 token exchange failed: {"error":"invalid_grant","error_description":"token ${jwt} is expired"}`]), { checks: [wifExchangeLog] });
    expect(JSON.stringify(report)).not.toContain(jwt);
    expect(report.findings[0]!.data).toMatchObject({ causes: ['lifetime'] });
  });

  it('403 from the Tunnels API and the tunnel limit', () => {
    const report = analyze(
      setup(['setup-1  | 2026/11/28 03:50:04 create tunnel: POST https://api.anthropic.com/v1/tunnels: 403 Forbidden', 'setup-1  | 2026/11/28 03:51:05 create tunnel: 400 Bad Request: Organization already has the maximum of 10 non-archived Tunnels']),
      { checks: [forbiddenLog, tunnelLimitLog] },
    );
    expect(report.findings.map((f) => [f.id, f.severity])).toEqual([
      ['setup.forbidden', 'error'],
      ['setup.tunnel-limit', 'error'],
    ]);
    expect(report.findings[1]!.data).toMatchObject({ limit: 10 });
  });
});
