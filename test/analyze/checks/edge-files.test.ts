import { describe, expect, it } from 'vitest';
import { cloudflaredService } from '../../../src/analyze/checks/edge/cloudflared-service.js';
import { tunnelToken } from '../../../src/analyze/checks/edge/tunnel-token.js';
import { materialize } from '../../../src/analyze/engine.js';
import { DOCUMENTED_COMPOSE, proxyConfig, snapshotOf } from '../../helpers/snapshot.js';
import type { TokenInfo } from '../../../src/snapshot/types.js';

const CONFIG = proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n');
const withCompose = (compose: string, config = CONFIG) => snapshotOf({ files: { 'docker-compose.yaml': compose, 'config/mcp-proxy.yaml': config } });
const cloudflared = (body: string) => `services:\n  mcp-proxy:\n    image: mcp-proxy:latest\n  cloudflared:\n    image: cloudflare/cloudflared:latest\n${body}`;

describe('edge.no-ingress from the Compose file', () => {
  it('is quiet for the documented cloudflared service', () => {
    expect(cloudflaredService.run(withCompose(DOCUMENTED_COMPOSE))).toEqual([]);
  });

  it('names a missing --url, and a missing network_mode with it', () => {
    const [both] = cloudflaredService.run(withCompose(cloudflared('    command: tunnel --no-autoupdate run\n')));
    expect(both).toMatchObject({ id: 'edge.no-ingress', variant: 'missing-url', vars: { file: 'docker-compose.yaml', also: ' and no `network_mode: "service:mcp-proxy"`' } });
    expect(both!.evidence[0]).toEqual({ source: 'docker-compose.yaml', text: 'command: tunnel --no-autoupdate run', line: 6 });
    expect(both!.data).toMatchObject({ missingUrl: true, missingNetwork: true });
    const [urlOnly] = cloudflaredService.run(withCompose(cloudflared('    command: tunnel run\n    network_mode: "service:mcp-proxy"\n')));
    expect(urlOnly).toMatchObject({ variant: 'missing-url', vars: { also: '' } });
  });

  it('names a missing network_mode when --url points at localhost', () => {
    const [obs] = cloudflaredService.run(withCompose(cloudflared('    command: ["tunnel", "run", "--url", "http://localhost:8080"]\n')));
    expect(obs).toMatchObject({ variant: 'missing-network' });
    expect(materialize(obs!, withCompose(DOCUMENTED_COMPOSE)).detail).toContain('lacks `network_mode: "service:mcp-proxy"`');
  });

  it('accepts the proxy by its service name on the shared network, and TUNNEL_URL', () => {
    expect(cloudflaredService.run(withCompose(cloudflared('    command: tunnel run --url http://mcp-proxy:8080\n')))).toEqual([]);
    expect(cloudflaredService.run(withCompose(cloudflared('    command: tunnel run\n    network_mode: service:mcp-proxy\n    environment:\n      TUNNEL_URL: http://localhost:8080\n')))).toEqual([]);
  });

  it('flags a --url on another port than the proxy listens on, or https', () => {
    const [port] = cloudflaredService.run(withCompose(cloudflared('    command: tunnel run --url=http://localhost:9090\n    network_mode: "service:mcp-proxy"\n')));
    expect(port).toMatchObject({ variant: 'wrong-url', vars: { url: 'http://localhost:9090', listen: ':8080 (plaintext http)' } });
    const [https] = cloudflaredService.run(withCompose(cloudflared('    command: tunnel run --url https://localhost:8080\n    network_mode: "service:mcp-proxy"\n')));
    expect(https).toMatchObject({ variant: 'wrong-url' });
    // a proxy listening on :9090 makes :9090 right
    expect(cloudflaredService.run(withCompose(cloudflared('    command: tunnel run --url=http://localhost:9090\n    network_mode: "service:mcp-proxy"\n'), CONFIG.replace('":8080"', '":9090"')))).toEqual([]);
  });
});

describe('edge.token-missing / edge.token-malformed from state.token', () => {
  const run = (token: TokenInfo, containers: { service: string; name: string; state: string }[] = []) =>
    tunnelToken.run(snapshotOf({ files: { 'docker-compose.yaml': DOCUMENTED_COMPOSE }, state: { token, containers } }));

  it('says where it looked and that Compose reads the shell', () => {
    const [obs] = run({ present: false, source: 'docker-compose.yaml: `- TUNNEL_TOKEN` with no value', file: 'docker-compose.yaml', line: 16, fromShell: true, lookedIn: ['docker-compose.yaml', '.env (absent)', "this shell's environment"] });
    expect(obs).toMatchObject({ id: 'edge.token-missing', variant: 'unset' });
    expect(obs!.severity).toBeUndefined();
    const f = materialize(obs!, snapshotOf());
    expect(f.detail).toContain('Compose copies it from the shell');
    expect(f.evidence.map((e) => e.text)).toContain("looked in docker-compose.yaml, .env (absent), this shell's environment");
  });

  it('is a warning while cloudflared still runs with the token it started with', () => {
    const [obs] = run({ present: false, fromShell: true, file: 'docker-compose.yaml' }, [{ service: 'cloudflared', name: 'x-cloudflared-1', state: 'running' }]);
    expect(obs!.severity).toBe('warning');
  });

  it('names quotes with the file and line, and offers the unquote fix for .env', () => {
    const [obs] = run({ present: true, source: '.env (`- TUNNEL_TOKEN` with no value in docker-compose.yaml)', file: '.env', line: 3, problem: 'quoted', detail: 'curly quotes (“…”) around it, probably from pasting it out of a document' });
    expect(obs).toMatchObject({ id: 'edge.token-malformed', variant: 'quoted', fixes: ['env-token-unquote', 'export-tunnel-token'] });
    expect(obs!.vars!.where).toBe('.env:3: curly quotes (“…”) around it, probably from pasting it out of a document');
    expect(obs!.evidence[0]).toMatchObject({ source: '.env', line: 3 });
  });

  it('uses the generic decode wording for other problems, and is quiet for a good token', () => {
    const [obs] = run({ present: true, file: '.env', line: 1, problem: 'missing-fields', detail: 'its JSON lacks "s"' });
    expect(obs).toMatchObject({ variant: 'decode', vars: { problem: 'its JSON lacks "s"' } });
    expect(run({ present: true, file: '.env', line: 1 })).toEqual([]);
  });
});
