// Real Docker, a healthy deployment whose proxy routes by Host and logs every miss (as the proxies it stands
// in for do), its listener published on loopback so the probe runs. Issue 11 points 1 and 3:
// - the probe must not make the fault it then reports: two diagnose runs in a row both exit 0 with the same
//   findings, and the proxy's log shows the probe's own request, marked, left out of the evidence;
// - a restart of the proxy, then of cloudflared (what the restart fix runs), leaves cloudflared's
//   `Unable to reach the origin service` from the moment between them in its log: history, and the next
//   diagnose is green.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { liveProject, DOMAIN, documentedCompose, dockerStatus, problems, proxyConfig, skipReason, waitFor, type Report } from './harness.js';

const docker = await dockerStatus();

describe.skipIf(skipReason(docker) !== undefined)('real Docker: verdicts an operator can trust on a healthy deployment', () => {
  const live = liveProject(docker, import.meta.url, 'trustprobe', (images) => ({ compose: documentedCompose(images, { publishOnLoopback: true }), config: proxyConfig('routes:\n  mcp: http://10.20.0.15:8080\n') }));
  // The edge probe dials a listener of ours on loopback, never the real edge.
  let edge: Server;
  let edgePort = 0;
  beforeAll(async () => {
    edge = createServer((socket) => socket.end());
    edgePort = await new Promise<number>((resolve) => edge.listen(0, '127.0.0.1', () => resolve((edge.address() as { port: number }).port)));
  });
  afterAll(() => new Promise<void>((done) => edge.close(() => done())));

  async function diagnose(): Promise<{ exitCode: number; report: Report & { notes: string[] }; stderr: string }> {
    // A generous per-command timeout: on a busy machine docker-compose (Python) can take long to start.
    const r = await live.project.triage(['diagnose', '--json', '--edge', `127.0.0.1:${edgePort}`, '--timeout', '90']);
    return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as Report & { notes: string[] }, stderr: r.stderr };
  }

  const verdicts = (r: Report) => r.findings.map((f) => `${f.severity} ${f.id}: ${f.title}`).sort();

  async function healthy(): Promise<void> {
    const p = live.project;
    await waitFor('the proxy to listen', async () => (await p.logs('mcp-proxy')).includes('msg="listening"'));
    await waitFor('cloudflared to register its connections', async () => (await p.logs('cloudflared')).includes('connIndex=3'));
    await waitFor('cloudflared to reach the proxy on localhost:8080', () => p.originReachable('cloudflared'), { attempts: 20 });
  }

  it('diagnose twice: both exit 0 with the same findings; the probe\'s own request is logged, marked, and left out', async () => {
    const p = live.project;
    await p.compose(['up', '-d']);
    await healthy();

    const first = await diagnose();
    expect(first.stderr).toBe('');
    expect(first.exitCode, JSON.stringify(problems(first.report), null, 1)).toBe(0);
    expect(problems(first.report)).toEqual([]);
    // The listener probe ran, against the published loopback port.
    const listener = first.report.findings.find((f) => f.id === 'tls.plaintext-listener');
    expect(listener?.evidence[0]?.text).toMatch(/^127\.0\.0\.1:\d+: HTTP\/1\.1 404 Not Found$/);

    // The proxy logged the probe's request as a miss, for a host that says it is ours; nothing for an address
    // or an empty host (no TLS was sent to the plaintext listener).
    const log = await waitFor('the proxy to log the probe', async () => {
      const text = await p.logs('mcp-proxy');
      return text.includes('no route for host') ? text : undefined;
    });
    expect(log).toContain(`msg="no route for host" host=mcp-tunnel-triage-probe.${DOMAIN}`);
    expect(log).not.toMatch(/no route for host" host=(""|\d+\.\d+\.\d+\.\d+)/);

    const second = await diagnose();
    expect(second.stderr).toBe('');
    expect(second.exitCode).toBe(0);
    expect(verdicts(second.report)).toEqual(verdicts(first.report));
    expect(second.report.findings.some((f) => f.id === 'routing.no-route-for-host')).toBe(false);
    expect(second.report.notes.some((n) => /^left out \d+ log line\(s\) that this tool's own listener probe caused/.test(n))).toBe(true);
  }, 300_000);

  it('restart the proxy, then cloudflared: the origin error between the two is history, and diagnose is green', async () => {
    const p = live.project;
    await p.compose(['restart', 'mcp-proxy']);
    // cloudflared stays in the old network namespace until it restarts too: it cannot reach the proxy meanwhile.
    await waitFor('cloudflared to miss its origin', async () => (await p.logs('cloudflared')).includes('Unable to reach the origin service'), { attempts: 20 });
    await p.compose(['restart', 'cloudflared']);
    await healthy();

    const after = await diagnose();
    expect(after.stderr).toBe('');
    expect(after.exitCode).toBe(0);
    expect(problems(after.report)).toEqual([]);
    const [origin] = after.report.findings.filter((f) => f.id === 'edge.origin-unreachable');
    expect(origin?.severity).toBe('info');
    expect(origin?.title).toBe('cloudflared cannot reach the proxy at its --url (history: logged before the current run)');
    expect(origin?.evidence.every((e) => (e as { history?: boolean }).history)).toBe(true);
  }, 300_000);
});
