// `watch` headless, the built bin against stand-in docker / kubectl that follow files the test appends to
// (docker logs -f, kubectl logs -f): lines in, events out at the right hop (text and NDJSON); cloudflared's
// /ready and /metrics from a loopback server serving what the real binary served (or why not, once); the
// ways it stops (--for, SIGTERM, Ctrl-C, nothing left to follow) and that no follower outlives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, tempDir } from '../helpers/cli.js';
import { makeScenario, type Rule, type Scenario } from '../helpers/stand-ins.js';
import { containerName, kubeRules, toolError, type ComposeSpec, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { DOCUMENTED_COMPOSE } from '../helpers/snapshot.js';
import { alive, standInWatchHost, startWatchRun, type WatchRun } from '../helpers/watch-run.js';

const RECORDED = fileURLToPath(new URL('../watch/recorded/', import.meta.url));
const DOMAIN = 'abcd1234.tunnel.anthropic.com';
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let metricsPort = 0;
let readyStatus = 200;
beforeAll(async () => {
  const metrics = await readFile(`${RECORDED}cloudflared-metrics.txt`, 'utf8');
  const server = createServer((req, res) => {
    if (req.url === '/metrics') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(metrics);
    if (req.url === '/ready') return void res.writeHead(readyStatus).end(JSON.stringify({ status: readyStatus, readyConnections: readyStatus === 200 ? 4 : 0, connectorId: '4ef26b83-e17e-4b62-81b8-b438d91e50cc' }));
    res.writeHead(404).end();
  });
  // The cloudflared container's address in the stand-in's docker inspect.
  metricsPort = await new Promise<number>((resolve) => server.listen(0, '127.0.0.3', () => resolve((server.address() as { port: number }).port)));
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
});

const stamp = () => new Date().toISOString();

const composeProject = (flavor: ComposeSpec['flavor'], metricsBind: string) => standInWatchHost(cleanups, { flavor, metricsBind });

async function followerPids(sc: Scenario): Promise<number[]> {
  return (await sc.calls()).filter((c) => c.args.includes('--follow')).map((c) => c.pid);
}

/** Until every follower has started (each records its pid as it starts). */
async function followersRunning(sc: Scenario, n: number): Promise<void> {
  for (let i = 0; i < 100 && (await followerPids(sc)).length < n; i++) await new Promise((r) => setTimeout(r, 100));
}

/** The followers the start line named (a stand-in execs node: the pid it reports is the one that runs) and every one started since: all gone. */
async function expectFollowersGone(sc: Scenario, run: WatchRun): Promise<void> {
  const started = run.json().find((o) => o.type === 'start');
  const pids = [...new Set([...(await followerPids(sc)), ...(started?.followers ?? []).map((f: { pid: number }) => f.pid)])];
  expect(pids.length).toBeGreaterThan(0);
  if (started) expect(await followerPids(sc)).toEqual(expect.arrayContaining(started.followers.map((f: { pid: number }) => f.pid)));
  for (const pid of pids) expect(alive(pid), `follower ${pid} still running`).toBe(false);
}

/** Three requests, a moment apart (two logs interleave by arrival: lines at the same instant may swap). */
const REQUESTS = async (append: (s: 'cloudflared' | 'mcp-proxy', l: string) => Promise<void>) => {
  const pause = () => new Promise((r) => setTimeout(r, 400));
  await append('mcp-proxy', `time=${stamp()} level=INFO msg="proxied request" host=wiki.${DOMAIN} route=wiki upstream=http://10.0.0.5:8080 status=200`);
  await pause();
  await append('mcp-proxy', `time=${stamp()} level=WARN msg="no route for host" host=x.example.com`);
  await pause();
  await append('cloudflared', `${stamp()} ERR  error="Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused" connIndex=0 event=1 ingressRule=0 originService=http://localhost:8080`);
  await append('cloudflared', `${stamp()} ERR failed to serve incoming request error="Failed to proxy HTTP: Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: dial tcp 127.0.0.1:8080: connect: connection refused"`);
};

describe('watch, headless', () => {
  it('--json on Compose v1: one NDJSON event per line at the right hop, cloudflared\'s numbers, and --for stops it with no follower left', async () => {
    const { dir, sc, spec, append } = await composeProject('v1', `[::]:${metricsPort}`);
    const run = startWatchRun(['--json', '--for', '8s', '--dir', dir], { cwd: dir, env: sc.env });
    await run.waitFor('the start line', (r) => r.json().some((o) => o.type === 'start'));
    const start = run.json()[0]!;
    expect(start).toMatchObject({ type: 'start', version: 1, deployment: { kind: 'compose', project: spec.project }, metrics: { reachable: true, via: `${spec.project}_cloudflared_1's address 127.0.0.3 (metrics on [::]:${metricsPort}, from its start line in the log)` } });
    expect(start.followers.map((f: { argv: string[] }) => f.argv.slice(0, 5))).toEqual([
      ['docker', 'logs', '--follow', '--timestamps', '--since'],
      ['docker', 'logs', '--follow', '--timestamps', '--since'],
    ]);
    await REQUESTS(append);
    await run.waitFor('three events', (r) => r.json().filter((o) => o.type === 'event').length >= 3);
    const r = await run.done;
    expect(r.exitCode).toBe(1);
    const events = run.json().filter((o) => o.type === 'event');
    expect(events.map((e) => [e.signature, e.hop, e.route ?? null, e.outcome, e.finding ?? null])).toEqual([
      ['proxy.request-routed', 'routes', 'wiki', 'ok', null],
      ['proxy.no-route', 'routes', '(no route)', 'failed', 'routing.no-route-for-host'],
      ['cloudflared.origin-unreachable', 'cloudflared', null, 'failed', 'edge.origin-unreachable'],
    ]);
    expect(events[2]!.status).toBe(502);
    const metrics = run.json().filter((o) => o.type === 'metrics');
    expect(metrics[0]).toMatchObject({ totalRequests: 3, requestErrors: 1, haConnections: 1, responses: { '200': 1, '404': 1 }, ready: { status: 200, readyConnections: 4 } });
    const end = run.json().at(-1)!;
    expect(end).toMatchObject({ type: 'end', reason: '--for 8 s ran out', exitCode: 1, events: 3, hops: { routes: { ok: 1, failed: 1 }, cloudflared: { ok: 0, failed: 1 } }, routes: { wiki: { ok: 1, failed: 0 }, '(no route)': { ok: 0, failed: 1 } } });
    // Every line is JSON, and stderr has nothing.
    expect(run.lines().every((l) => l.startsWith('{'))).toBe(true);
    expect(r.stderr).toBe('');
    await expectFollowersGone(sc, run);
  }, 60_000);

  it('text on Compose v2: lines as they come, then the path as they left it; SIGTERM stops it cleanly', async () => {
    const { dir, sc, append } = await composeProject('v2-lines', `127.0.0.1:${metricsPort}`);
    const run = startWatchRun(['--dir', dir], { cwd: dir, env: sc.env });
    await run.waitFor('the start', (r) => r.lines().some((l) => l.startsWith('Watching Compose project')));
    expect(run.lines().join('\n')).toMatch(/Now reproduce it: add the server from the \+ MCP Server picker, or send a request through a Managed Agent\./);
    expect(run.lines().join('\n')).toMatch(/following: docker compose logs --follow --no-color --timestamps --since \S+ cloudflared/);
    await REQUESTS(append);
    await run.waitFor('the origin error', (r) => r.lines().some((l) => /edge\.origin-unreachable/.test(l)));
    await followersRunning(sc, 2);
    run.signal('SIGTERM');
    const r = await run.done;
    expect(r.exitCode).toBe(1);
    const text = r.stdout;
    expect(text).toMatch(/✓ route wiki\s+proxy\.request-routed\s+200 proxied request host=wiki\./);
    expect(text).toMatch(/✗ no route\s+routing\.no-route-for-host\s+no route for host host=x\.example\.com/);
    expect(text).toMatch(/✗ cloudflared\s+edge\.origin-unreachable\s+502 error="Unable to reach the origin service/);
    // Bound to loopback inside the container: said once, with what to do.
    expect(text.match(/^· cloudflared's own view: cloudflared serves its metrics on 127\.0\.0\.1:\d+ \(its start line in the log\), inside its container only; start it with --metrics 0\.0\.0\.0:\d+ to read them from this host$/gm)).toHaveLength(1);
    expect(text).toMatch(/Stopped: SIGTERM received\./);
    // The latest request failed at cloudflared: the hops after it were not reached by it.
    expect(text).toMatch(/│ ✓ Claude │─▶│ ✓ edge │─▶│ ✗ cloudflared │─▶│ \? mcp-proxy │─▶│ \? wiki \? no route │/);
    expect(text).toMatch(/└─ error="Unable to reach the origin service/);
    expect(text).toMatch(/Requests logged: cloudflared 1 \(1 ✗\) · mcp-proxy 2 \(1 ✗\): wiki 1, no route 1 \(1 ✗\)/);
    await expectFollowersGone(sc, run);
  }, 60_000);

  it('Ctrl-C (SIGINT) with nothing seen: exit 0, and no follower left; --since starts the followers that far back', async () => {
    const { dir, sc } = await composeProject('v1', `[::]:${metricsPort}`);
    const run = startWatchRun(['--json', '--since', '10m', '--dir', dir], { cwd: dir, env: sc.env });
    await run.waitFor('the start line', (r) => r.json().some((o) => o.type === 'start'));
    // --since: the followers start that far back, then follow.
    const since = run.json()[0]!.followers[0].argv.at(-2) as string;
    expect(Math.abs(Date.now() - 600_000 - Date.parse(since))).toBeLessThan(60_000);
    await run.waitFor('a metrics reading', (r) => r.json().some((o) => o.type === 'metrics'));
    await followersRunning(sc, 2);
    run.signal('SIGINT');
    const r = await run.done;
    expect(r.exitCode).toBe(0);
    expect(run.json().at(-1)).toMatchObject({ type: 'end', reason: 'Ctrl-C', events: 0, exitCode: 0 });
    await expectFollowersGone(sc, run);
  }, 60_000);

  it('a follower that ends by itself (a container restarted) is followed again from when it stopped', async () => {
    const { dir, sc, spec, append } = await composeProject('v1', `[::]:${metricsPort}`);
    const proxy = containerName(spec, spec.containers[0]!);
    // The first `docker logs --follow` of the proxy returns at once, as it does when its container restarts.
    await sc.setRules([{ tool: 'docker', args: ['logs', '--follow', proxy], match: 'contains', once: true, stdout: '', exitCode: 0 }, ...JSON.parse(await readFile(join(sc.dir, 'scenario.json'), 'utf8')).rules]);
    const run = startWatchRun(['--json', '--for', '15s', '--dir', dir], { cwd: dir, env: sc.env });
    await run.waitFor('a note that it ended', (r) => r.json().some((o) => o.type === 'note' && /ended .*followed again/.test(o.text)));
    // Followed again after a pause: the second `docker logs --follow` of the proxy has started.
    for (let i = 0; i < 100 && (await sc.calls()).filter((c) => c.args.includes('--follow') && c.args.includes(proxy)).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    await append('mcp-proxy', `time=${stamp()} level=WARN msg="no route for host" host=x.example.com`);
    await run.waitFor('the event from the second follower', (r) => r.json().some((o) => o.type === 'event' && o.signature === 'proxy.no-route'), 20_000);
    run.signal('SIGTERM');
    await run.done;
    const calls = (await sc.calls()).filter((c) => c.args.includes('--follow') && c.args.includes(proxy));
    expect(calls.length).toBeGreaterThanOrEqual(2);
    // From when the first one stopped, not from the start again.
    const since = (c: { args: string[] }) => c.args[c.args.indexOf('--since') + 1]!;
    expect(Date.parse(since(calls[1]!))).toBeGreaterThanOrEqual(Date.parse(since(calls[0]!)));
    await expectFollowersGone(sc, run);
  }, 60_000);

  it('Kubernetes: kubectl logs --follow --prefix per pod and container, the pod named on each event, metrics through the pod proxy', async () => {
    const { dir, cleanup } = await tempDir('mtt-watch-kube-');
    cleanups.push(cleanup);
    const spec: KubeSpec = {
      namespace: 'mcp-tunnel',
      release: 'mcp-tunnel',
      context: 'kind-tunnel',
      pods: ['mcp-tunnel-7d9f8c6b5-a1b2c', 'mcp-tunnel-7d9f8c6b5-d3e4f'].map((name) => ({ name, containers: [{ name: 'mcp-proxy', state: 'running' as const }, { name: 'cloudflared', state: 'running' as const }] })),
    };
    const metrics = await readFile(`${RECORDED}cloudflared-metrics.txt`, 'utf8');
    const follow: Rule[] = spec.pods.flatMap((p) => ['mcp-proxy', 'cloudflared'].map((c): Rule => ({ tool: 'kubectl', args: ['logs', '--follow', p.name, '-c', c], match: 'contains', followFile: `${p.name}-${c}.log` })));
    const proxyRules: Rule[] = [
      { tool: 'kubectl', args: ['get', '--raw', `/api/v1/namespaces/mcp-tunnel/pods/${spec.pods[0]!.name}:20241/proxy/metrics`], match: 'prefix', stdout: metrics },
      { tool: 'kubectl', args: ['get', '--raw', `/api/v1/namespaces/mcp-tunnel/pods/${spec.pods[0]!.name}:20241/proxy/ready`], match: 'prefix', stdout: '', stderr: 'Error from server (ServiceUnavailable): the server is currently unable to handle the request\n', exitCode: 1 },
    ];
    const sc = await makeScenario([...follow, ...proxyRules, ...kubeRules(spec)], { tools: ['kubectl', 'helm'] });
    cleanups.push(sc.cleanup);
    const run = startWatchRun(['--json', '--kube', '--for', '6s', '--dir', dir], { cwd: dir, env: sc.env });
    await run.waitFor('the start line', (r) => r.json().some((o) => o.type === 'start'));
    const start = run.json()[0]!;
    expect(start.followers).toHaveLength(4);
    expect(start.followers.find((f: { argv: string[] }) => f.argv.includes('mcp-proxy')).argv).toEqual(['kubectl', 'logs', '--follow', 'mcp-tunnel-7d9f8c6b5-a1b2c', '-n', 'mcp-tunnel', '-c', 'mcp-proxy', '--timestamps', '--prefix', expect.stringMatching(/^--since-time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), '--context', 'kind-tunnel']);
    expect(start.metrics).toMatchObject({ reachable: true, via: expect.stringContaining("the API server's pod proxy to mcp-tunnel-7d9f8c6b5-a1b2c:20241 (one of 2 pods)") });
    const pod = spec.pods[1]!.name;
    await appendFile(join(sc.dir, `${pod}-cloudflared.log`), `[pod/${pod}/cloudflared] ${stamp()} ${stamp()} WRN No ingress rules were defined in provided config (if any) nor from the cli, cloudflared will return 503 for all incoming HTTP requests\n`);
    await run.waitFor('the event', (r) => r.json().some((o) => o.type === 'event'));
    const r = await run.done;
    expect(r.exitCode).toBe(1);
    expect(run.json().find((o) => o.type === 'event')).toMatchObject({ origin: pod, signature: 'cloudflared.no-ingress', hop: 'cloudflared', status: 503 });
    // /metrics answered through the pod proxy; /ready's 503 came back as kubectl's ServiceUnavailable.
    expect(run.json().find((o) => o.type === 'metrics')).toMatchObject({ totalRequests: 3, ready: { status: 503 } });
    const raw = (await sc.calls()).filter((c) => c.args[1] === '--raw');
    expect(raw[0]!.args).toEqual(['get', '--raw', expect.stringMatching(/\/proxy\/(metrics|ready)$/), '--request-timeout=5s', '--context', 'kind-tunnel']);
    await expectFollowersGone(sc, run);
  }, 60_000);

  it('nothing to follow: no deployment, or the daemon down, is exit 2 with one line that says what to do', async () => {
    const { dir, cleanup } = await tempDir('mtt-watch-none-');
    cleanups.push(cleanup);
    const none = await runCli(['watch', '--json', '--dir', dir], { cwd: dir });
    expect(none.exitCode).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/^mcp-tunnel-triage: nothing to watch: no Compose file in .*, and no Helm release found \(.*\); run it in the Compose project's folder \(or --dir DIR\), or name the Helm release with --kube$/m);
    await writeFile(join(dir, 'docker-compose.yaml'), DOCUMENTED_COMPOSE);
    const sc = await makeScenario([{ tool: 'docker', args: ['version'], match: 'prefix', ...toolError('docker-version-daemon-down') }], { tools: ['docker', 'docker-compose'], fallback: { tool: 'docker', ...toolError('docker-daemon-down') } });
    cleanups.push(sc.cleanup);
    const down = await runCli(['watch', '--dir', dir], { cwd: dir, env: sc.env });
    expect(down.exitCode).toBe(2);
    expect(down.stderr).toMatch(/^mcp-tunnel-triage: cannot follow the logs: docker: .*Cannot connect to the Docker daemon/);
    expect((await sc.calls()).some((c) => c.args.includes('--follow'))).toBe(false);
  });

  it('--for takes a duration, and watch takes no --from-bundle', async () => {
    const bad = await runCli(['watch', '--for', 'soon']);
    expect(bad).toMatchObject({ exitCode: 2, stdout: '' });
    expect(bad.stderr).toMatch(/--for soon is not a duration such as 30s, 5m or 1h/);
    expect((await runCli(['watch', '--from-bundle', '/tmp'])).stderr).toMatch(/--from-bundle does not apply to watch/);
    const help = await runCli(['watch', '--help']);
    expect(help.stdout).toMatch(/--for DURATION/);
    expect(help.stdout).toMatch(/1 {2}at least one event of severity error was seen/);
  });

  it('--demo replays the recorded sequence through the same classifier', async () => {
    const r = await runCli(['watch', '--demo', '--json'], { timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines[0]).toMatchObject({ type: 'start', demo: true });
    const events = lines.filter((o) => o.type === 'event');
    expect(new Set(events.map((e) => e.finding))).toEqual(new Set(['edge.no-ingress', 'tls.key-unreadable']));
    expect(lines.filter((o) => o.type === 'metrics').length).toBeGreaterThan(1);
    expect(lines.at(-1)).toMatchObject({ type: 'end', reason: expect.stringMatching(/recorded sequence .* has been replayed/), exitCode: 1 });
  });
});
