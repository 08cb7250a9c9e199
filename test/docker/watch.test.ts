// Real Docker, the real cloudflared: watch follows a Compose project while requests go through the tunnel.
// The stand-in proxy runs with network_mode none and the real cloudflared 2025.5.0 in its namespace (so it
// reaches nothing but loopback: its README), dialling the test's fake edge on 127.0.0.1:7844 / 127.0.0.2:7844
// (scripts/fake-edge.mjs --stdin, started in that namespace with nsenter), which it trusts through --cacert and
// which sends it requests over HTTP/2. Three requests: one routed to an upstream on loopback (200), one for
// a host with no route (404), one with the proxy stopped (cloudflared answers 502). `watch --json` and the
// Watch screen in tmux (the built bin, CI=true) both show each at its hop; no follower outlives either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { liveProject, DOMAIN, dockerStatus, proxyConfig, skipReason, waitFor, buildRealCloudflaredImage, realCloudflaredPath, type Images } from './harness.js';
import { edgePki, startFakeEdge, EDGE_FLAGS, type EdgePki, type FakeEdge } from '../helpers/fake-edge.js';
import { alive, startWatchRun, type WatchRun } from '../helpers/watch-run.js';
import { tempDir } from '../helpers/cli.js';
import { startTmux, type TmuxSession } from '../ui/tmux.js';

const docker = await dockerStatus();
const binary = realCloudflaredPath();
const why = skipReason(docker) ?? (binary ? undefined : 'the real cloudflared is not at ../shared/tools/cloudflared/cloudflared (or MTT_REAL_CLOUDFLARED)');
if (docker.ok && !binary) console.warn(`real-cloudflared watch test skipped: ${why}`);

const LABEL = 'watch';
const REAL_IMAGE = `mtt-e2e/cloudflared-real:${LABEL}-${process.pid}`;

function compose(images: Images): string {
  return `services:
  mcp-proxy:
    image: ${images.proxy}
    user: "65532:65532"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    network_mode: none
    restart: "no"
    volumes:
      - ./config/mcp-proxy.yaml:/etc/mcp-gateway/config.yaml:ro
      - ./data:/data:ro
      - ./upstream:/srv/upstream:ro
  cloudflared:
    image: ${REAL_IMAGE}
    user: "65532:65532"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    restart: "no"
    command: tunnel --no-autoupdate ${EDGE_FLAGS.join(' ')} --cacert /etc/edge/ca.pem run --url http://localhost:8080
    network_mode: "service:mcp-proxy"
    environment:
      - TUNNEL_TOKEN
    volumes:
      - ./edge:/etc/edge:ro
`;
}

/** Processes on this host following this project's containers (whoever started them). */
async function followersOf(project: string): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const argv = cmd.split('\0');
    if (argv.includes('--follow') && argv.some((a) => a.includes(project)) && alive(Number(entry))) out.push(Number(entry));
  }
  return out;
}

describe.skipIf(why !== undefined)('real Docker + the real cloudflared: watch shows each request at its hop', () => {
  let real: { remove: () => Promise<void> } | undefined;
  let pki: EdgePki | undefined;
  let edge: FakeEdge | undefined;
  let screen: TmuxSession | undefined;
  let scratch: { dir: string; cleanup: () => Promise<void> } | undefined;
  beforeAll(async () => {
    if (!docker.ok) return;
    real = await buildRealCloudflaredImage(docker, LABEL, binary!);
    pki = await edgePki();
    scratch = await tempDir('mtt-watch-e2e-');
  }, 120_000);
  const live = liveProject(docker, import.meta.url, LABEL, (images) => ({ compose: compose(images), config: proxyConfig('routes:\n  wiki: http://127.0.0.1:9000\n') }));
  afterAll(async () => {
    await screen?.kill();
    await edge?.stop();
    await real?.remove();
    await pki?.cleanup();
    await scratch?.cleanup();
  }, 60_000);

  it('a routed request, one with no route, one with the origin down: NDJSON and the screen agree on the hop', async () => {
    const p = live.project;
    await mkdir(join(p.dir, 'edge'));
    await writeFile(join(p.dir, 'edge/ca.pem'), pki!.caPem, { mode: 0o644 });
    await mkdir(join(p.dir, 'upstream'));
    await writeFile(join(p.dir, 'upstream/index.html'), 'wiki says hello\n', { mode: 0o644 });
    await chmod(join(p.dir, 'edge'), 0o755);
    await chmod(join(p.dir, 'upstream'), 0o755);

    // The proxy first; an upstream on its loopback; the fake edge in its namespace; then cloudflared.
    await p.compose(['up', '-d', 'mcp-proxy']);
    await waitFor('the proxy to listen', async () => (await p.logs('mcp-proxy')).includes('msg="listening"'));
    const proxy = (await p.inspect('mcp-proxy'))!;
    expect(proxy.HostConfig.NetworkMode).toBe('none');
    await p.docker(['exec', '-d', proxy.Id, 'httpd', '-f', '-p', '127.0.0.1:9000', '-h', '/srv/upstream']);
    const pid = Number((await p.docker(['inspect', '-f', '{{.State.Pid}}', proxy.Id])).stdout.trim());
    edge = startFakeEdge(pki!, { netnsOfPid: pid });
    await waitFor('the fake edge to listen', async () => edge!.events().filter((e) => e.event === 'listening').length === 2);
    await p.compose(['up', '-d', '--no-deps', 'cloudflared']);
    await edge.connected(90_000);
    const cf = (await p.inspect('cloudflared'))!;
    expect(cf.HostConfig.NetworkMode).toBe(`container:${proxy.Id}`);

    // Two watchers: NDJSON for scripts, and the Watch screen on a terminal.
    const env = { PATH: process.env.PATH, DOCKER_HOST: p.d.host, TUNNEL_TOKEN: live.token };
    const json: WatchRun = startWatchRun(['--json', '--dir', p.dir], { cwd: p.dir, env });
    screen = await startTmux(['watch', '--dir', p.dir], { cwd: p.dir, scratch: scratch!.dir, env: { PATH: process.env.PATH!, DOCKER_HOST: p.d.host, TUNNEL_TOKEN: live.token } });
    await json.waitFor('the start line', (r) => r.json().some((o) => o.type === 'start'), 60_000);
    await screen.waitFor(/following 2 logs/, 60_000);
    const start = json.json()[0]!;
    expect(start.followers.map((f: { argv: string[] }) => f.argv.slice(0, 3))).toEqual([['docker', 'logs', '--follow'], ['docker', 'logs', '--follow']]);
    // cloudflared's metrics live in a namespace with nothing but loopback: said once, with why.
    expect(start.metrics).toMatchObject({ reachable: false, why: expect.stringMatching(/network_mode none/) });

    // 1. Routed: the proxy passes it to its upstream, which answers 200.
    const routed = await edge.request({ host: `wiki.${DOMAIN}`, path: '/index.html' });
    expect(routed).toMatchObject({ status: 200, body: 'wiki says hello\n' });
    await json.waitFor('the routed request', (r) => r.json().some((o) => o.type === 'event' && o.signature === 'proxy.request-routed'), 30_000);
    expect(json.json().find((o) => o.signature === 'proxy.request-routed')).toMatchObject({ hop: 'routes', route: 'wiki', status: 200, outcome: 'ok', source: 'mcp-proxy' });
    const lit = await screen.waitFor(/✓ route wiki\s+proxy\.request-routed\s+200 proxied request host=wiki\./, 30_000);
    expect(lit).toMatch(/│ ✓ Claude │─▶│ ✓ tunnel edge │─▶│ ✓ cloudflared │─▶│ ✓ mcp-proxy \(inner TLS\) │─▶│ ✓ wiki │/);

    // 2. No route for the host: 404 from the proxy.
    const lost = await edge.request({ host: 'nope.example.com', path: '/mcp' });
    expect(lost.status).toBe(404);
    await json.waitFor('the request with no route', (r) => r.json().some((o) => o.type === 'event' && o.signature === 'proxy.no-route'), 30_000);
    expect(json.json().find((o) => o.signature === 'proxy.no-route')).toMatchObject({ hop: 'routes', route: '(no route)', host: 'nope.example.com', outcome: 'failed', finding: 'routing.no-route-for-host', severity: 'error' });
    await screen.waitFor(/✗ no route\s+routing\.no-route-for-host\s+no route for host host=nope\.example\.com/, 30_000);

    // 3. The origin down: the proxy stopped, cloudflared answers the edge 502 and says why.
    await p.compose(['stop', '--timeout', '2', 'mcp-proxy']);
    const down = await edge.request({ host: `wiki.${DOMAIN}`, path: '/mcp' });
    expect(down.status).toBe(502);
    await json.waitFor('the origin error', (r) => r.json().some((o) => o.type === 'event' && o.signature === 'cloudflared.origin-unreachable'), 30_000);
    const origin = json.json().filter((o) => o.signature === 'cloudflared.origin-unreachable');
    // cloudflared logs it twice (the error, then `failed to serve incoming request`): one request, one event.
    expect(origin).toHaveLength(1);
    expect(origin[0]).toMatchObject({ hop: 'cloudflared', status: 502, outcome: 'failed', finding: 'edge.origin-unreachable', source: 'cloudflared' });
    expect(origin[0]!.line).toMatch(/Unable to reach the origin service.*dial tcp 127\.0\.0\.1:8080: connect: connection refused/);
    const broke = await screen.waitFor(/✗ cloudflared\s+edge\.origin-unreachable\s+502/, 30_000);
    expect(broke).toMatch(/│ ✓ tunnel edge │─▶│ ✗ cloudflared │─▶│ \? mcp-proxy \(inner TLS\) │/);
    expect(broke).toMatch(/└─ error="Unable to reach the origin service/);
    expect(broke).toMatch(/Logged {3}cloudflared 1 \(1 ✗\) · mcp-proxy 2 \(1 ✗\): wiki 1, no route 1 \(1 ✗\)/);
    expect(broke).toMatch(/Numbers {2}cloudflared's own view: cloudflared runs in the network namespace it shares with \S+_mcp-proxy_1/);
    expect(broke).toMatch(/· `docker logs --follow --timestamps --since \S+ \S+_mcp-proxy_1` ended \(exit code 0: the c/);

    // q on the screen, SIGTERM for the script: both stop, SPEC's code 1 (error events were seen).
    await screen.key('q');
    expect(await screen.exitCode(30_000)).toBe(1);
    json.signal('SIGTERM');
    const r = await json.done;
    expect(r.exitCode).toBe(1);
    expect(json.json().at(-1)).toMatchObject({ type: 'end', reason: 'SIGTERM received', exitCode: 1, hops: { cloudflared: { failed: 1 }, routes: { ok: 1, failed: 1 } }, logged: { cloudflared: { ok: 0, failed: 1 }, 'mcp-proxy': { ok: 1, failed: 1 } } });
    p.outputs['watch --json stdout'] = r.stdout;
    p.outputs['watch --json stderr'] = r.stderr;
    p.outputs['watch screen'] = await screen.screen();

    // No follower is left: neither those the start line named, nor any process following this project.
    const pids = json.json().flatMap((o) => (o.type === 'start' || o.type === 'followers' ? o.followers.map((f: { pid: number }) => f.pid) : []));
    for (const pid of pids) expect(alive(pid), `follower ${pid} still running`).toBe(false);
    await waitFor('no follower of the project', async () => (await followersOf(p.name)).length === 0, { attempts: 20, intervalMs: 250 });
    // The container's stdout carried the real binary's own lines.
    expect(await p.logs('cloudflared')).toMatch(/Version 2025\.5\.0/);
    await execa('true');
  }, 300_000);
});
