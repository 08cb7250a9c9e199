import { describe, expect, it } from 'vitest';
import { tunnelDomainMatches } from '../../../src/analyze/checks/routing/tunnel-domain.js';
import { upstreamAddresses } from '../../../src/analyze/checks/routing/upstream-addresses.js';
import { serviceCidr } from '../../../src/analyze/checks/routing/service-cidr.js';
import { allowedIpsDroppedDefaults } from '../../../src/analyze/checks/routing/allowed-ips-dropped-defaults.js';
import { materialize } from '../../../src/analyze/engine.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../../helpers/snapshot.js';
import type { Snapshot } from '../../../src/snapshot/types.js';

const DOMAIN = 'abcd1234.tunnel.anthropic.com';
const compose = (config: string, extra: Parameters<typeof snapshotOf>[0] = {}) =>
  snapshotOf({ ...extra, files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': config, ...(extra.files ?? {}) } });

describe('routing.no-route-for-host from the config', () => {
  it('is quiet when tunnel_domain is the tunnel domain (case aside)', () => {
    expect(tunnelDomainMatches.run(compose(proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), { inputs: { tunnelDomain: DOMAIN } }))).toEqual([]);
    expect(tunnelDomainMatches.run(compose(proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n').replace(DOMAIN, DOMAIN.toUpperCase()), { inputs: { tunnelDomain: DOMAIN } }))).toEqual([]);
  });

  it('names the configured and the real domain, and where the real one came from', () => {
    const s = compose(proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), { files: { 'data/tunnel-domain': 'wxyz9876.tunnel.anthropic.com\n' } });
    const [obs] = tunnelDomainMatches.run(s);
    expect(obs).toMatchObject({ id: 'routing.no-route-for-host', variant: 'config', vars: { configured: DOMAIN, domain: 'wxyz9876.tunnel.anthropic.com', source: 'data/tunnel-domain', host: 'mcp.wxyz9876.tunnel.anthropic.com', key: 'tunnel_domain' } });
    expect(obs!.evidence[0]).toEqual({ source: 'config/mcp-proxy.yaml', text: `tunnel_domain: ${DOMAIN}`, line: 3 });
    expect(obs!.data).toMatchObject({ file: 'config/mcp-proxy.yaml', key: 'tunnel_domain', domain: 'wxyz9876.tunnel.anthropic.com' });
    expect(materialize(obs!, s).title).toBe("`tunnel_domain` is not the tunnel's domain");
  });

  it('flags a missing tunnel_domain with bare route keys, not with full host keys', () => {
    const noDomain = 'listen_addr: ":8080"\nroutes:\n  mcp: http://10.0.0.5:8080\n';
    expect(tunnelDomainMatches.run(compose(noDomain, { inputs: { tunnelDomain: DOMAIN } }))[0]).toMatchObject({ variant: 'missing', vars: { routes: 'mcp', domain: DOMAIN } });
    expect(tunnelDomainMatches.run(compose(`listen_addr: ":8080"\nroutes:\n  mcp.${DOMAIN}: http://10.0.0.5:8080\n`, { inputs: { tunnelDomain: DOMAIN } }))).toEqual([]);
  });

  it('Helm: no fault while setup hands over the domain; a fault when setup is off and the domain is not set', () => {
    const values = (body: string) => snapshotOf({ files: { 'values.yaml': body }, inputs: { tunnelDomain: DOMAIN } });
    expect(tunnelDomainMatches.run(values('gateway:\n  config:\n    routes:\n      mcp: http://mcp:8080\n'))).toEqual([]);
    const [off] = tunnelDomainMatches.run(values('setup:\n  enabled: false\ngateway:\n  config:\n    routes:\n      mcp: http://mcp:8080\n'));
    expect(off).toMatchObject({ variant: 'helm-no-domain', vars: { toDomain: ` to \`${DOMAIN}\`` } });
    expect(off!.evidence[0]).toMatchObject({ source: 'values.yaml', line: 2 });
    expect(tunnelDomainMatches.run(values(`setup:\n  enabled: false\ngateway:\n  config:\n    tunnel_domain: ${DOMAIN}\n    routes:\n      mcp: http://mcp:8080\n`))).toEqual([]);
    expect(tunnelDomainMatches.run(values('setup:\n  enabled: false\ngateway:\n  config:\n    tunnel_domain: old.tunnel.anthropic.com\n    routes:\n      mcp: http://mcp:8080\n'))[0]).toMatchObject({ variant: 'config', vars: { key: 'gateway.config.tunnel_domain' } });
  });
});

describe('upstream addresses: routing.ip-not-private, routing.ipv6-upstream', () => {
  const resolved = (map: Record<string, string[]>): Snapshot['state'] => ({ resolved: Object.fromEntries(Object.entries(map).map(([h, a]) => [h, { addresses: a, via: 'test resolver' }])) });

  it('flags a public address under the RFC1918 default, with the narrowest covering CIDR for the fix', () => {
    const s = compose(proxyConfig('routes:\n  mcp: http://mcp.example.com:8080\n  wiki: http://10.0.0.6:3000\n'), { state: resolved({ 'mcp.example.com': ['203.0.113.10', '203.0.113.12'] }) });
    const [obs, ...rest] = upstreamAddresses.run(s);
    expect(rest).toEqual([]);
    expect(obs).toMatchObject({ id: 'routing.ip-not-private', vars: { host: 'mcp.example.com', ip: '203.0.113.10, 203.0.113.12', cidr: '203.0.113.8/29' } });
    expect(obs!.data).toMatchObject({ route: 'mcp', ips: ['203.0.113.10', '203.0.113.12'], cidr: '203.0.113.8/29', allowedIps: null, keepRanges: ['10.0.0.0/8'] });
    expect(obs!.evidence.map((e) => e.text)).toEqual(['mcp: http://mcp.example.com:8080', 'mcp.example.com -> 203.0.113.10, 203.0.113.12 (test resolver)']);
  });

  it('checks a custom allowed_ips list, leaving private-but-unlisted addresses to allowed-ips-dropped-defaults', () => {
    const body = 'routes:\n  a: http://a.internal:80\n  b: http://b.internal:80\nupstream:\n  allowed_ips:\n    - 10.0.0.0/8\n';
    const s = compose(proxyConfig(body), { state: resolved({ 'a.internal': ['192.168.1.5'], 'b.internal': ['198.51.100.7'] }) });
    expect(upstreamAddresses.run(s).map((o) => [o.id, o.vars?.host])).toEqual([['routing.ip-not-private', 'b.internal']]);
    expect(allowedIpsDroppedDefaults.run(s).map((o) => [o.id, o.vars?.host, o.vars?.range])).toEqual([['routing.allowed-ips-dropped-defaults', 'a.internal', '192.168.0.0/16']]);
  });

  it('is quiet when validation is off or the address is allowed, and flags IPv6-only upstreams', () => {
    const s = (body: string, map: Record<string, string[]>) => upstreamAddresses.run(compose(proxyConfig(body), { state: resolved(map) }));
    expect(s('routes:\n  a: http://a:80\nupstream:\n  disable_ip_validation: true\n', { a: ['8.8.8.8'] })).toEqual([]);
    expect(s('routes:\n  a: http://a:80\nupstream:\n  allowed_ips: [203.0.113.0/24]\n', { a: ['203.0.113.5'] })).toEqual([]);
    expect(s('routes:\n  a: http://a:80\n', { a: ['172.20.0.3'] })).toEqual([]);
    expect(s('routes:\n  a: http://a:80\n', { a: ['fd00::5'] })[0]).toMatchObject({ id: 'routing.ipv6-upstream', vars: { host: 'a', addresses: 'fd00::5' } });
    expect(s('routes:\n  a: http://[fd00::5]:80\n', {})[0]).toMatchObject({ id: 'routing.ipv6-upstream' });
    expect(s('routes:\n  a: http://a:80\n', { a: ['fd00::5', '10.1.2.3'] })).toEqual([]); // an IPv4 answer is dialled
  });
});

describe('routing.service-cidr-public', () => {
  it('flags a kubernetes service clusterIP outside RFC1918 unless allowed_ips covers it', () => {
    const values = (allowed: string) => snapshotOf({ files: { 'values.yaml': `gateway:\n  config:\n    routes:\n      mcp: http://mcp:8080\n${allowed}` }, state: { kube: { kubernetesServiceIP: '100.64.0.1', services: { mcp: { clusterIP: '100.64.12.9' } } } } });
    const [obs] = serviceCidr.run(values(''));
    expect(obs).toMatchObject({ id: 'routing.service-cidr-public', vars: { ip: '100.64.0.1', cidr: '100.64.0.0/20' } });
    expect(serviceCidr.run(values('    upstream:\n      allowed_ips: [100.64.0.0/16]\n'))).toEqual([]);
    expect(serviceCidr.run(snapshotOf({ state: { kube: { kubernetesServiceIP: '10.96.0.1' } } }))).toEqual([]);
  });
});
