// The proxy's restart also restarts what shares its network namespace: on a real daemon (Docker 20.10,
// test/docker/key-unreadable.test.ts) a restarted mcp-proxy gets a new namespace and a cloudflared with
// `network_mode: service:mcp-proxy` keeps the old one, where localhost:8080 is refused.
import { describe, expect, it } from 'vitest';
import { snapshotOf, DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { planFix } from '../../src/fixes/registry.js';
import type { CommandStep, Plan } from '../../src/fixes/types.js';
import type { ContainerState, Snapshot } from '../../src/snapshot/types.js';

const commands = (p: Plan | undefined) => (p?.steps ?? []).filter((s): s is CommandStep => s.kind === 'command').map((s) => s.argv);
const LIST = proxyConfig('routes:\n  - mcp: http://10.0.0.5:8080\n');
const container = (service: string, state: string): ContainerState => ({ service, name: `mcp-tunnel-${service}-1`, state });

function withContainers(cloudflared: string | undefined, compose = DOCUMENTED_COMPOSE): Snapshot {
  const containers = [container('mcp-proxy', 'restarting'), ...(cloudflared ? [container('cloudflared', cloudflared)] : [])];
  return snapshotOf({ files: { 'docker-compose.yaml': compose, 'config/mcp-proxy.yaml': LIST } as never, state: { containers } });
}

describe('restarting the proxy on Compose', () => {
  it('restarts a running (or never started) cloudflared in its network namespace after it, as a second command', () => {
    for (const state of ['running', 'created']) {
      const p = planFix('routes-to-map', withContainers(state));
      expect(commands(p)).toEqual([['docker', 'compose', 'restart', 'mcp-proxy'], ['docker', 'compose', 'restart', 'cloudflared']]);
      expect((p!.steps[2] as CommandStep).why).toMatch(/shares mcp-proxy's network namespace/);
    }
    expect(commands(planFix('compose-restart-proxy', withContainers('running')))).toEqual([['docker', 'compose', 'restart', 'mcp-proxy'], ['docker', 'compose', 'restart', 'cloudflared']]);
  });

  it('leaves cloudflared alone when it is stopped, crash-looping on its own, absent, or in a network of its own', () => {
    for (const state of ['exited', 'restarting', undefined]) {
      expect(commands(planFix('routes-to-map', withContainers(state)))).toEqual([['docker', 'compose', 'restart', 'mcp-proxy']]);
    }
    const ownNetwork = DOCUMENTED_COMPOSE.replace('    network_mode: "service:mcp-proxy"\n', '');
    expect(commands(planFix('routes-to-map', withContainers('running', ownNetwork)))).toEqual([['docker', 'compose', 'restart', 'mcp-proxy']]);
  });

  it('uses the service names the Compose file gives', () => {
    const renamed = DOCUMENTED_COMPOSE.replace('  mcp-proxy:\n    image: mcp-proxy:latest', '  gateway:\n    image: mcp-proxy:latest').replace('service:mcp-proxy', 'service:gateway').replace('  cloudflared:\n', '  tunnel:\n');
    const s = snapshotOf({ files: { 'docker-compose.yaml': renamed, 'config/mcp-proxy.yaml': LIST } as never, state: { containers: [container('gateway', 'running'), container('tunnel', 'running')] } });
    expect(commands(planFix('routes-to-map', s))).toEqual([['docker', 'compose', 'restart', 'gateway'], ['docker', 'compose', 'restart', 'tunnel']]);
  });
});
