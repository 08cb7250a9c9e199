// `docker compose restart` keeps a container's log, so after a fix the proxy's old `no route for host` lines
// stay in it (seen on a real daemon, test/docker/no-route.test.ts). A miss followed by a restart is only a
// warning (nothing says it is fixed) unless the proxy now runs a config that routes that host: then it is info.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analyze/index.js';
import type { ContainerState, Snapshot } from '../../../src/snapshot/types.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../../helpers/snapshot.js';

const HOST = 'mcp.abcd1234.tunnel.anthropic.com';
const LOG = [
  'time=2026-11-28T05:00:01Z level=INFO msg="route configured" route=mcp upstream=http://10.0.0.5:8080',
  `time=2026-11-28T05:01:00Z level=WARN msg="no route for host" host=${HOST}`,
  'time=2026-11-28T05:02:00Z level=INFO msg="route configured" route=mcp upstream=http://10.0.0.5:8080',
].join('\n');
const CONFIG_MTIME = Date.parse('2026-11-28T05:01:30Z');

function snapshot(domain: string, proxy: Partial<ContainerState> = {}): Snapshot {
  const config = proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n').replace('tunnel_domain: abcd1234.tunnel.anthropic.com', `tunnel_domain: ${domain}`);
  return snapshotOf({
    files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': { text: config, meta: { mode: 0o100644, uid: 0, gid: 0, size: config.length, mtimeMs: CONFIG_MTIME } } },
    logs: { 'mcp-proxy': LOG },
    state: { containers: [{ service: 'mcp-proxy', name: 'tunnel-mcp-proxy-1', state: 'running', startedAt: '2026-11-28T05:02:00Z', ...proxy }] },
  });
}

const noRoute = (s: Snapshot) => analyze(s).findings.filter((f) => f.id === 'routing.no-route-for-host');

describe('routing.no-route-for-host after a restart', () => {
  it('is info when the restarted proxy runs a config that routes the host', () => {
    const [f] = noRoute(snapshot('abcd1234.tunnel.anthropic.com'));
    expect(f?.severity).toBe('info');
    expect(f?.title).toBe(`The proxy routes ${HOST} now (it had no route for it before its restart)`);
    expect(f?.detail).toContain('which has `tunnel_domain: abcd1234.tunnel.anthropic.com` and a route `mcp`');
  });

  it("a miss before the proxy's current run is history (info, no fix), even when the config would still miss the host", () => {
    const found = noRoute(snapshot('wrong567.tunnel.anthropic.com'));
    const past = found.find((f) => f.data?.from === 'log');
    expect([past?.severity, past?.title, past?.fixes]).toEqual(['info', 'The proxy has no route for the host it receives (history: logged before the current run)', []]);
    expect(past?.evidence.every((e) => e.history)).toBe(true);
  });

  it('stays a warning when the proxy predates the config, or is not known', () => {
    expect(noRoute(snapshot('abcd1234.tunnel.anthropic.com', { startedAt: '2026-11-28T05:00:00Z' }))[0]?.severity).toBe('warning');
    const unknown = snapshot('abcd1234.tunnel.anthropic.com');
    delete unknown.state.containers;
    expect(noRoute(unknown)[0]?.severity).toBe('warning');
  });
});
