import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analyze/index.js';
import { routesIsList } from '../../../src/analyze/checks/routing/routes-is-list.js';
import { invalidUpstream } from '../../../src/analyze/checks/routing/invalid-upstream.js';
import { allowedIpsOpen } from '../../../src/analyze/checks/routing/allowed-ips-open.js';
import { allowedIpsDroppedDefaults } from '../../../src/analyze/checks/routing/allowed-ips-dropped-defaults.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../../helpers/snapshot.js';

const CONFIG = 'config/mcp-proxy.yaml';
const withConfig = (body: string, extra: Parameters<typeof snapshotOf>[0] = {}) =>
  snapshotOf({ ...extra, files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, [CONFIG]: proxyConfig(body), ...(extra.files ?? {}) } });

describe('routing.routes-is-list', () => {
  it('points at the routes key and its first item when routes is a sequence', () => {
    const s = withConfig('routes:\n  - mcp: http://10.0.0.5:8080\n  - auth: http://10.0.0.6:8080\n');
    const [obs, ...rest] = routesIsList.run(s);
    expect(rest).toHaveLength(0);
    expect(obs!.id).toBe('routing.routes-is-list');
    expect(obs!.evidence).toEqual([
      { source: CONFIG, text: 'routes:', line: 7 },
      { source: CONFIG, text: '- mcp: http://10.0.0.5:8080', line: 8 },
    ]);
  });

  it('is quiet for the documented map shape, and for flow maps', () => {
    expect(routesIsList.run(withConfig('routes:\n  mcp: http://10.0.0.5:8080\n'))).toEqual([]);
    expect(routesIsList.run(withConfig('routes: { mcp: http://10.0.0.5:8080 }\n'))).toEqual([]);
  });

  it('finds a list under gateway.config in Helm values', () => {
    const s = snapshotOf({ files: { 'values.yaml': 'gateway:\n  config:\n    routes:\n      - mcp: http://10.0.0.5:8080\n' } });
    const [obs] = routesIsList.run(s);
    expect(obs!.evidence[0]).toMatchObject({ source: 'values.yaml', line: 3 });
    expect(obs!.data).toMatchObject({ key: 'gateway.config.routes' });
  });
});

describe('routing.invalid-upstream', () => {
  const problems = (body: string) => invalidUpstream.run(withConfig(body)).map((o) => [o.vars?.route, o.variant ?? o.vars?.problem]);

  it('accepts exactly scheme://host:port', () => {
    expect(problems('routes:\n  a: http://mcp:8080\n  b: http://10.1.2.3:80\n  c: ws://x.internal:9000\n')).toEqual([]);
  });

  it('names a path, a missing port, a missing scheme and a bad port', () => {
    expect(problems('routes:\n  a: http://mcp:8080/mcp\n  b: http://mcp\n  c: mcp:8080\n  d: http://mcp:99999\n  e: http://mcp:8080/\n')).toEqual([
      ['a', 'has a path `/mcp` after host:port'],
      ['b', 'has no port'],
      ['c', 'has no scheme (write http://host:port)'],
      ['d', 'has the port `99999`, not a number from 1 to 65535'],
      ['e', 'has a path `/` after host:port'],
    ]);
  });

  it('flags https upstreams only when upstream.tls gives no trust anchor', () => {
    expect(problems('routes:\n  a: https://mcp:8443\n')).toEqual([['a', 'https-no-trust']]);
    expect(problems('routes:\n  a: https://mcp:8443\nupstream:\n  tls:\n    ca_file: /data/upstream-ca.crt\n')).toEqual([]);
    expect(problems('routes:\n  a: https://mcp:8443\nupstream:\n  tls:\n    include_system_cas: true\n')).toEqual([]);
  });

  it('points evidence at the route line', () => {
    const [obs] = invalidUpstream.run(withConfig('routes:\n  mcp: http://mcp:8080/sse\n'));
    expect(obs!.evidence[0]).toEqual({ source: CONFIG, text: 'mcp: http://mcp:8080/sse', line: 8 });
  });
});

describe('routing.allowed-ips-open', () => {
  it('warns on 0.0.0.0/0 and on disable_ip_validation, at their lines', () => {
    const obs = allowedIpsOpen.run(withConfig('routes:\n  a: http://10.0.0.1:80\nupstream:\n  allowed_ips:\n    - 10.0.0.0/8\n    - 0.0.0.0/0\n  disable_ip_validation: true\n'));
    expect(obs.map((o) => [o.vars?.what, o.evidence[0]?.line])).toEqual([
      ['`0.0.0.0/0` in `upstream.allowed_ips`', 12],
      ['`upstream.disable_ip_validation: true`', 13],
    ]);
  });

  it('is quiet for the guide example list and for no list at all', () => {
    const guide = 'upstream:\n  allowed_ips:\n    - 10.0.0.0/8\n    - 172.16.0.0/12\n    - 192.168.0.0/16\n    - 127.0.0.0/8       # loopback, for local testing only\n';
    expect(allowedIpsOpen.run(withConfig(guide))).toEqual([]);
    expect(allowedIpsOpen.run(withConfig('routes:\n  a: http://10.0.0.1:80\n'))).toEqual([]);
  });
});

describe('routing.allowed-ips-dropped-defaults', () => {
  it('names the RFC1918 range a route still uses when allowed_ips leaves it out', () => {
    const obs = allowedIpsDroppedDefaults.run(
      withConfig('routes:\n  mcp: http://10.0.0.5:8080\n  wiki: http://192.168.1.20:3000\nupstream:\n  allowed_ips:\n    - 10.0.0.0/8\n    - 100.64.0.0/10\n'),
    );
    expect(obs).toHaveLength(1);
    expect(obs[0]!.vars).toEqual({ range: '192.168.0.0/16', route: 'wiki', host: '192.168.1.20', ip: '192.168.1.20' });
    expect(obs[0]!.evidence.map((e) => e.line)).toEqual([11, 9]);
  });

  it('uses resolved addresses for host names, and stays quiet without allowed_ips', () => {
    const state = { resolved: { 'mcp-server': { addresses: ['172.18.0.4'], via: 'compose service' } } };
    const body = 'routes:\n  mcp: http://mcp-server:8080\n';
    expect(allowedIpsDroppedDefaults.run(withConfig(body, { state }))).toEqual([]);
    const obs = allowedIpsDroppedDefaults.run(withConfig(`${body}upstream:\n  allowed_ips: [10.0.0.0/8]\n`, { state }));
    expect(obs[0]!.vars).toMatchObject({ range: '172.16.0.0/12', ip: '172.18.0.4' });
  });

  it('accepts a list that covers the address with a narrower CIDR', () => {
    const obs = allowedIpsDroppedDefaults.run(withConfig('routes:\n  wiki: http://192.168.1.20:3000\nupstream:\n  allowed_ips: [192.168.1.0/24]\n'));
    expect(obs).toEqual([]);
  });
});

describe('routing checks on bad input', () => {
  it('turn a config that is not YAML into a check error naming file and line, not a crash', () => {
    const report = analyze(withConfig('routes:\n  a: [unclosed\n'));
    const errored = report.checks.filter((c) => c.status === 'error');
    expect(errored.length).toBeGreaterThan(0);
    expect(errored[0]!.reason).toMatch(/config\/mcp-proxy\.yaml:\d+ is not valid YAML/);
    expect(report.findings).toEqual([]);
  });

  it('skip, with a reason, when there is no config at all', () => {
    const report = analyze(snapshotOf({}));
    expect(report.checks.every((c) => c.status === 'skipped' && c.reason)).toBe(true);
  });
});
