// Real Docker, issue 11 point 2: a fix built on a guess. No data/tunnel-domain (a manual install), no
// --tunnel-domain, and a server certificate for another domain: the only domain on offer is the SAN's, a
// guess. The config's tunnel_domain is right (a request for mcp.<domain> is routed). The product must say
// that the two disagree and ask, and must not rewrite tunnel_domain to the SAN's domain (that broke a
// working tunnel: 200s became 404s). Given the domain with --tunnel-domain, nothing is wrong with it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveProject, DOMAIN, byId, documentedCompose, dockerStatus, proxyConfig, skipReason, waitFor } from './harness.js';

const docker = await dockerStatus();
const OTHER = 'wxyz9876.tunnel.anthropic.com';

describe.skipIf(skipReason(docker) !== undefined)('real Docker: no fix writes a guessed tunnel domain', () => {
  const live = liveProject(docker, import.meta.url, 'trustdomain', (images) => ({
    compose: documentedCompose(images),
    config: proxyConfig('routes:\n  mcp: http://10.20.0.15:8080\n'),
    certDomain: OTHER,
    noDomainFile: true,
  }));

  const request = () => live.project.requestThroughProxy(`mcp.${DOMAIN}`);

  it('says the certificate\'s domain is a guess, asks for the real one, and leaves a working tunnel_domain alone', async () => {
    const p = live.project;
    await p.compose(['up', '-d']);
    await waitFor('the proxy to listen', async () => (await p.logs('mcp-proxy')).includes('msg="listening"'));
    // Routed (the stand-in answers 502: it never dials the upstream); a wrong domain would be a 404.
    expect(await request()).toMatch(/^HTTP\/1\.1 502/);
    const config = await readFile(join(p.dir, 'config/mcp-proxy.yaml'), 'utf8');

    const r = await p.diagnose();
    const [guess] = byId(r.report, 'routing.no-route-for-host');
    expect(guess?.severity).toBe('warning');
    expect(guess?.detail).toContain(`suggests \`${OTHER}\`. That is a guess`);
    expect(guess?.detail).toContain('`--tunnel-domain DOMAIN`');
    expect(guess?.fixes.map((f) => f.id)).not.toContain('set-tunnel-domain');

    const fix = await p.triage(['fix', 'set-tunnel-domain', '--yes']);
    expect(fix.exitCode, fix.stdout + fix.stderr).toBe(0);
    expect(fix.stdout).toMatch(/^Nothing to do: /m);
    expect(await readFile(join(p.dir, 'config/mcp-proxy.yaml'), 'utf8')).toBe(config);
    expect(await request()).toMatch(/^HTTP\/1\.1 502/);

    // The operator's word settles it: no finding about tunnel_domain; the certificate is now the odd one out.
    const told = await p.triage(['diagnose', '--json', '--tunnel-domain', DOMAIN]);
    const report = JSON.parse(told.stdout) as typeof r.report;
    expect(byId(report, 'routing.no-route-for-host')).toEqual([]);
    expect(byId(report, 'tls.san-mismatch')[0]?.severity).toBe('error');
  }, 300_000);
});
