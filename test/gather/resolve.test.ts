import { describe, expect, it } from 'vitest';
import { resolveUpstreams, type Resolver } from '../../src/gather/resolve.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../helpers/snapshot.js';
import type { Snapshot } from '../../src/snapshot/types.js';

/** A resolver that answers from a table and records what it was asked; it never sends a query. */
function tableResolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const fn = (async (host: string) => {
    asked.push(host);
    const a = table[host];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return a;
  }) as Resolver & { asked: string[] };
  fn.asked = asked;
  return fn;
}

const routes = (body: string, extra: Parameters<typeof snapshotOf>[0] = {}) =>
  snapshotOf({ ...extra, files: { 'docker-compose.yaml': `${DOCUMENTED_COMPOSE}  mcp-server:\n    image: mcp-server\n`, 'config/mcp-proxy.yaml': proxyConfig(body), ...(extra.files ?? {}) } });

describe('resolveUpstreams', () => {
  it('uses the container address for a Compose service, without asking the resolver', async () => {
    const state: Snapshot['state'] = { containers: [{ service: 'mcp-server', name: 'tunnel-mcp-server-1', state: 'running', ip: '172.18.0.7' }] };
    const r = tableResolver({});
    const out = await resolveUpstreams(routes('routes:\n  mcp: http://mcp-server:8080\n  lit: http://10.1.1.1:80\n', { state }), r);
    expect(out).toEqual({ 'mcp-server': { addresses: ['172.18.0.7'], via: 'Compose service mcp-server (container tunnel-mcp-server-1)' } });
    expect(r.asked).toEqual([]);
  });

  it('says why a Compose service has no address, still without a lookup', async () => {
    const r = tableResolver({});
    const stopped = await resolveUpstreams(routes('routes:\n  mcp: http://mcp-server:8080\n', { state: { containers: [{ service: 'mcp-server', name: 'x-mcp-server-1', state: 'exited' }] } }), r);
    expect(stopped['mcp-server']).toMatchObject({ addresses: [], error: 'container x-mcp-server-1 is exited and has no address' });
    expect(r.asked).toEqual([]);
  });

  it('maps Kubernetes Service names in every form to their clusterIP', async () => {
    const kube = { namespace: 'mcp-tunnel', services: { 'mcp-server': { clusterIP: '10.96.4.2', namespace: 'mcp-tunnel' }, headless: { clusterIP: 'None' } } };
    const s = snapshotOf({ kind: 'helm', files: { 'values.yaml': 'gateway:\n  config:\n    routes:\n      a: http://mcp-server:8080\n      b: http://mcp-server.mcp-tunnel:8080\n      c: http://mcp-server.mcp-tunnel.svc.cluster.local:8080\n      d: http://headless:80\n      e: http://missing:80\n      f: http://mcp-server.other:80\n' }, state: { kube } });
    const r = tableResolver({});
    const out = await resolveUpstreams(s, r);
    expect(out['mcp-server']!.addresses).toEqual(['10.96.4.2']);
    expect(out['mcp-server.mcp-tunnel']!.addresses).toEqual(['10.96.4.2']);
    expect(out['mcp-server.mcp-tunnel.svc.cluster.local']!.via).toBe('Kubernetes Service mcp-tunnel/mcp-server (clusterIP)');
    expect(out.headless!.error).toMatch(/headless/);
    expect(out.missing!.error).toBe('no Service of that name in namespace mcp-tunnel');
    // `name.other-namespace` is not a Service seen here and could be a host name: the resolver is asked
    expect(out['mcp-server.other']!.error).toBe('no such host here');
    expect(r.asked).toEqual(['mcp-server.other']);
  });

  it('asks the injected resolver for other names, records its errors, and bounds a hung lookup', async () => {
    const r = tableResolver({ 'api.example.com': ['203.0.113.5', '203.0.113.5', '2001:db8::5'] });
    const out = await resolveUpstreams(routes('routes:\n  a: http://api.example.com:443\n  b: http://nowhere.example.com:80\n'), r);
    expect(out['api.example.com']).toEqual({ addresses: ['203.0.113.5', '2001:db8::5'], via: "this host's resolver (the proxy's container may see other answers)" });
    expect(out['nowhere.example.com']).toMatchObject({ addresses: [], error: 'no such host here' });
    const hung: Resolver = () => new Promise(() => {});
    const slow = await resolveUpstreams(routes('routes:\n  a: http://slow.example.com:80\n'), hung, 50);
    expect(slow['slow.example.com']!.error).toBe('no answer within 0.05 s');
  });

  it('looks nothing up without a resolver (the demo, --no-network)', async () => {
    const out = await resolveUpstreams(routes('routes:\n  a: http://api.example.com:443\n'), undefined);
    expect(out['api.example.com']).toMatchObject({ addresses: [], error: 'not looked up (no network lookups in this run)' });
  });
});
