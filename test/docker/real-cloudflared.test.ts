// Real Docker with the real cloudflared (2025.5.0) as the cloudflared container, where it can show what the
// stand-in only recites: its usage error without a token, its edge dial failures, `No ingress rules were
// defined` answering requests, and `Unable to reach the origin service` outside the proxy's namespace. It
// never reaches past loopback: mcp-proxy runs with `network_mode: none` and cloudflared shares its namespace
// (or has `none` itself), always with --no-autoupdate and two --edge loopback addresses. The edge, when there
// is one, is scripts/fake-edge.mjs started inside that namespace with nsenter, trusted through --cacert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
// @ts-expect-error -- a plain .mjs script without types
import { writePki } from '../../scripts/fake-edge.mjs';
import { ComposeProject, buildImages, buildRealCloudflaredImage, byId, dockerStatus, expectNoSecret, fakeTunnelToken, proxyConfig, realCloudflaredPath, reportRan, skipReason, waitFor, type DockerReady, type Images, type Report } from './harness.js';

const docker = await dockerStatus();
const FAKE_EDGE = fileURLToPath(new URL('../../scripts/fake-edge.mjs', import.meta.url));
const EDGE_FLAGS = '--edge 127.0.0.1:7844 --edge 127.0.0.2:7844 --protocol http2 --cacert /edge/ca.pem';
const binary = realCloudflaredPath();
const noBinary = binary ? undefined : 'the real cloudflared is not at ../shared/tools/cloudflared/cloudflared (set MTT_REAL_CLOUDFLARED)';
if (noBinary && !skipReason(docker)) console.warn(`real-cloudflared Docker tests skipped: ${noBinary}`);

function compose(proxy: string, cloudflared: string, opts: { command: string; ownNamespace?: boolean }): string {
  return `services:
  mcp-proxy:
    image: ${proxy}
    user: "65532:65532"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    restart: unless-stopped
    network_mode: none
    volumes:
      - ./config/mcp-proxy.yaml:/etc/mcp-gateway/config.yaml:ro
      - ./data:/data:ro
  cloudflared:
    image: ${cloudflared}
    user: "65532:65532"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    restart: unless-stopped
    command: ${opts.command}
    network_mode: ${opts.ownNamespace ? 'none' : '"service:mcp-proxy"'}
    volumes:
      - ./edge:/edge:ro
    environment:
      - TUNNEL_TOKEN
`;
}

describe.skipIf(skipReason(docker) !== undefined || noBinary !== undefined)('real Docker, real cloudflared: what it prints, read back by diagnose', () => {
  const { token, secret } = fakeTunnelToken();
  let d: DockerReady;
  let images: Images | undefined;
  let real: { image: string; remove: () => Promise<void> } | undefined;
  let p: ComposeProject | undefined;
  const edges: ResultPromise[] = [];

  beforeAll(async () => {
    if (!docker.ok) throw new Error(`REQUIRE_DOCKER=1 but the real-Docker tests cannot run: ${docker.reason}`);
    d = docker;
    await reportRan(import.meta.url, d);
    [images, real] = await Promise.all([buildImages(d, 'realcfd'), buildRealCloudflaredImage(d, 'realcfd', binary!)]);
    p = await ComposeProject.create(d, { compose: compose(images.proxy, real.image, { command: `tunnel --no-autoupdate ${EDGE_FLAGS} run --url http://localhost:8080` }), config: proxyConfig('routes:\n  mcp: http://10.20.0.15:8080\n') }, token);
    await mkdir(join(p.dir, 'edge'));
    await mkdir(join(p.dir, 'edge-key'), { mode: 0o700 });
    writePki(join(p.dir, 'edge-key'));
    await writeFile(join(p.dir, 'edge/ca.pem'), await readFile(join(p.dir, 'edge-key/ca.pem')));
    await chmod(join(p.dir, 'edge/ca.pem'), 0o644);
  }, 180_000);

  afterAll(async () => {
    for (const e of edges) e.kill('SIGTERM');
    if (p) expectNoSecret(p.outputs, [token, secret]);
    await p?.down();
    await Promise.all([images?.remove(), real?.remove()]);
  }, 120_000);

  /** The fake edge inside the network namespace of a service's container (nsenter), until the test ends. */
  async function edgeIn(service: string): Promise<void> {
    const pid = await waitFor(`${service} to run`, async () => (await p!.inspect(service))?.State.Pid || undefined);
    const edge = execa('nsenter', [`--net=/proc/${pid}/ns/net`, '--', process.execPath, FAKE_EDGE, '--listen', '127.0.0.1:7844', '--listen', '127.0.0.2:7844', '--pki', join(p!.dir, 'edge-key'), '--requests', '1000', '--interval-ms', '1000'], { reject: false });
    edges.push(edge);
    let out = '';
    edge.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    edge.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(`the fake edge to listen (${out.trim().split('\n').pop()})`, async () => out.split('"listening"').length === 3 || undefined, { budgetMs: 20_000 });
  }

  async function setCommand(command: string, ownNamespace = false): Promise<void> {
    await writeFile(join(p!.dir, 'docker-compose.yaml'), compose(images!.proxy, real!.image, { command, ownNamespace }));
  }

  async function diagnose(env: Record<string, string | undefined> = p!.env): Promise<{ exitCode: number; report: Report }> {
    const r = await p!.triage(['diagnose', '--json', '--timeout', '60'], env); // a loaded CI host answers slowly
    return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as Report };
  }

  const logEvidence = (r: Report, id: string) => byId(r, id).flatMap((f) => f.evidence.filter((e) => e.source === 'logs/cloudflared').map((e) => e.text));

  it('no token: its usage error, read as edge.token-missing', async () => {
    await p!.compose(['up', '-d'], { TUNNEL_TOKEN: '' });
    await waitFor('cloudflared to print its usage error', async () => (await p!.logs('cloudflared')).includes('requires the ID or name of the tunnel'));
    const { exitCode, report } = await diagnose({ DOCKER_HOST: d.host, TUNNEL_TOKEN: undefined });
    expect(exitCode).toBe(1);
    expect(logEvidence(report, 'edge.token-missing').join('\n')).toContain('"cloudflared tunnel run" requires the ID or name of the tunnel to run as the last command line argument or in the configuration file.');
  }, 240_000);

  it('a token and no edge: its HTTP/2 dial failures, read as edge.unreachable over TCP', async () => {
    await p!.compose(['up', '-d', '--force-recreate', 'cloudflared']);
    await waitFor('cloudflared to fail to dial the edge', async () => (await p!.logs('cloudflared')).includes('Unable to establish connection with Cloudflare edge'));
    const { exitCode, report } = await diagnose();
    expect(exitCode).toBe(1);
    const edge = byId(report, 'edge.unreachable')[0]!;
    expect(edge).toMatchObject({ severity: 'error' });
    expect(logEvidence(report, 'edge.unreachable').join('\n')).toMatch(/DialContext error: dial tcp 127\.0\.0\.[12]:7844: connect: connection refused/);
    expect(byId(report, 'edge.token-missing')).toEqual([]);
  }, 240_000);

  it('no --url and an edge sending requests: `No ingress rules were defined` per request; the edge is reached; cloudflared-ingress fixes it', async () => {
    await setCommand(`tunnel --no-autoupdate ${EDGE_FLAGS} run`);
    await p!.compose(['up', '-d', '--force-recreate', 'cloudflared']);
    await edgeIn('mcp-proxy'); // after the recreate: Compose may recreate mcp-proxy, whose namespace cloudflared joins
    await waitFor('cloudflared to answer requests without ingress', async () => (await p!.logs('cloudflared')).split('No ingress rules were defined').length > 3);
    const { exitCode, report } = await diagnose();
    expect(exitCode).toBe(1);
    expect(logEvidence(report, 'edge.no-ingress').join('\n')).toContain('No ingress rules were defined in provided config (if any) nor from the cli, cloudflared will return 503 for all incoming HTTP requests');
    // Requests came through: the DNS failure cloudflared logs (its namespace has no resolver) is not the state.
    expect(byId(report, 'edge.unreachable').every((f) => f.severity !== 'error')).toBe(true);

    const fixed = await p!.triage(['fix', 'cloudflared-ingress', '--yes', '--timeout', '60']);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/Verify: fixed/);
    expect(parse(await readFile(join(p!.dir, 'docker-compose.yaml'), 'utf8')).services.cloudflared.command).toContain('run --url http://localhost:8080');
  }, 300_000);

  it('outside the proxy\'s namespace: `Unable to reach the origin service`, read as edge.origin-unreachable', async () => {
    await setCommand(`tunnel --no-autoupdate ${EDGE_FLAGS} run --url http://localhost:8080`, true);
    await p!.compose(['up', '-d', '--force-recreate', 'cloudflared']);
    await edgeIn('cloudflared');
    await waitFor('cloudflared to fail to reach its origin', async () => (await p!.logs('cloudflared')).includes('Unable to reach the origin service'));
    const { exitCode, report } = await diagnose();
    expect(exitCode).toBe(1);
    expect(logEvidence(report, 'edge.origin-unreachable').join('\n')).toMatch(/Unable to reach the origin service\. The service may be down or it may not be responding to traffic from cloudflared: dial tcp (127\.0\.0\.1|\[::1\]):8080: connect: connection refused/);
    expect(report.findings.map((f) => f.id)).toContain('edge.no-ingress'); // the Compose file: no network_mode
  }, 240_000);
});
