// A container Docker could not start says why, in Docker's words (inspect's State.Error). Seen on a real
// daemon (test/docker/key-unreadable.test.ts): cloudflared, in the network namespace of a proxy that
// crash-loops, stays `created` with `Container … is restarting, wait until the container is running`.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analyze/index.js';
import type { ContainerState } from '../../../src/snapshot/types.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../../helpers/snapshot.js';

const ERROR = 'Container 9171e7f29ac7488a6ac0df13e46333a03c7f4ff24d23f8ff24dca8f585b8256c is restarting, wait until the container is running';

function report(cloudflared: ContainerState) {
  const proxy: ContainerState = { service: 'mcp-proxy', name: 'tunnel_mcp-proxy_1', state: 'restarting', status: 'Restarting (1) 2 seconds ago', exitCode: 1, restartCount: 6 };
  return analyze(snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n') }, state: { containers: [proxy, cloudflared] } }));
}

describe('runtime.container-down: Docker\'s reason', () => {
  it('a never-started cloudflared carries the error Docker gave when it tried to start it', () => {
    const f = report({ service: 'cloudflared', name: 'tunnel_cloudflared_1', state: 'created', status: 'Created', exitCode: 128, reason: ERROR }).findings.find((x) => x.id === 'runtime.container-down' && x.title.startsWith('cloudflared'))!;
    expect(f.title).toBe('cloudflared is created but never started');
    expect(f.detail).toContain(`(Created, exit code 128; docker: ${ERROR})`);
    expect(f.evidence[0]!.text).toBe(`tunnel_cloudflared_1: Created, exit code 128; docker: ${ERROR}`);
  });

  it('adds nothing when Docker gave no error', () => {
    const f = report({ service: 'cloudflared', name: 'tunnel_cloudflared_1', state: 'exited', status: 'Exited (0) 1 minute ago', exitCode: 0 }).findings.find((x) => x.title.startsWith('cloudflared'))!;
    expect(f.evidence[0]!.text).toBe('tunnel_cloudflared_1: Exited (0) 1 minute ago');
  });
});
