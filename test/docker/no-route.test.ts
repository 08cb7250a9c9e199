// Real Docker: the proxy's tunnel_domain is not the tunnel's (data/tunnel-domain, as setup writes it). A
// request for mcp.<tunnel domain>, sent from inside the proxy's network namespace, gets `no route for host`.
// The product sets tunnel_domain, restarts the proxy (and cloudflared with it), verifies, and the same
// request is then routed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { liveProject, DOMAIN, byId, documentedCompose, dockerStatus, problems, proxyConfig, skipReason, waitFor } from './harness.js';

const docker = await dockerStatus();

describe.skipIf(skipReason(docker) !== undefined)('real Docker: routing.no-route-for-host fixed with set-tunnel-domain', () => {
  const live = liveProject(docker, import.meta.url, 'route', (images) => ({ compose: documentedCompose(images), config: proxyConfig('routes:\n  mcp: http://10.20.0.15:8080\n', 'wrong567.tunnel.anthropic.com') }));
  const { token, secret } = live;

  const request = () => live.project.requestThroughProxy(`mcp.${DOMAIN}`);

  it('finds the wrong tunnel_domain from the file and the real log, sets it, restarts, and the host is routed', async () => {
    const p = live.project;
    await p.compose(['up', '-d']);
    await waitFor('the proxy to listen', async () => (await p.logs('mcp-proxy')).includes('msg="listening"'));
    expect(await request()).toMatch(/^HTTP\/1\.1 404/);
    await waitFor('the proxy to log the request', async () => (await p.logs('mcp-proxy')).includes(`no route for host" host=mcp.${DOMAIN}`));

    const before = await p.diagnose();
    expect(before.exitCode).toBe(1);
    const noRoute = byId(before.report, 'routing.no-route-for-host');
    const evidence = noRoute.flatMap((f) => f.evidence.map((e) => `${e.source} ${e.text}`)).join('\n');
    expect(evidence).toContain(`logs/mcp-proxy time=`);
    expect(evidence).toContain(`host=mcp.${DOMAIN}`);
    expect(evidence).toContain('tunnel_domain: wrong567.tunnel.anthropic.com');
    expect(noRoute.flatMap((f) => f.fixes.map((x) => x.id))).toContain('set-tunnel-domain');

    const fixed = await p.triage(['fix', 'set-tunnel-domain', '--yes']);
    expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain(`+tunnel_domain: ${DOMAIN}`);
    expect(fixed.stdout).toContain(`$ ${live.d.compose.join(' ')} restart mcp-proxy`);
    expect(fixed.stdout).toContain(`$ ${live.d.compose.join(' ')} restart cloudflared`);
    expect(fixed.stdout).toMatch(/Verify: fixed/);
    expect(parse(await readFile(join(p.dir, 'config/mcp-proxy.yaml'), 'utf8')).tunnel_domain).toBe(DOMAIN);

    // The same request now finds its route (the stand-in answers 502: it never dials the upstream).
    expect(await request()).toMatch(/^HTTP\/1\.1 502/);
    await waitFor('cloudflared to run in the proxy\'s network namespace', () => p.originReachable('cloudflared'), { attempts: 20 });
    const after = await p.diagnose();
    expect(problems(after.report)).toEqual([]);
    expect(after.exitCode).toBe(0);
    // `restart` keeps the container's log: the old miss is still in it, and is reported as fixed, not as a warning.
    const [past] = byId(after.report, 'routing.no-route-for-host');
    expect([past?.severity, past?.title]).toEqual(['info', `The proxy routes mcp.${DOMAIN} now (it had no route for it before its restart)`]);
  }, 300_000);
});
