// Real Docker: `bundle -o` from a live, broken project, read back by `diagnose --from-bundle` to the same
// findings. The project is broken in ways that hold still (nothing crash-loops, so two gathers agree):
// cloudflared without --url, a proxy whose tunnel_domain is not the tunnel's, a certificate for another
// domain, a request for a host the proxy has no route for (sent from inside its own network namespace), SSRF
// protection turned off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { liveProject, DOMAIN, byId, documentedCompose, dockerStatus, expectNoSecret, proxyConfig, skipReason, waitFor, type Report } from './harness.js';
import { runCli } from '../helpers/cli.js';

const docker = await dockerStatus();

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.skipIf(skipReason(docker) !== undefined)('real Docker: bundle -o from a live project, read back with --from-bundle', () => {
  const stack = liveProject(docker, import.meta.url, 'bundle', (images) => {
    const compose = documentedCompose(images, { cloudflaredCommand: 'tunnel --no-autoupdate run', cloudflaredNetwork: false });
    const config = proxyConfig('routes:\n  mcp: http://10.20.0.15:8080\nupstream:\n  disable_ip_validation: true\n', 'wrong567.tunnel.anthropic.com');
    return { compose, config, certDomain: 'other890.tunnel.anthropic.com' };
  });
  const { token, secret } = stack;

  it('writes a redacted bundle that reads back to the live findings', async () => {
    const p = stack.project;
    await p.compose(['up', '-d']);
    await waitFor('both services to log', async () => (await p.logs('mcp-proxy')).includes('route configured') && (await p.logs('cloudflared')).includes('No ingress rules'));
    expect(await p.requestThroughProxy(`mcp.${DOMAIN}`)).toMatch(/^HTTP\/1\.1 404/);
    await waitFor('the proxy to log the request', async () => (await p.logs('mcp-proxy')).includes('no route for host'));

    const live = await p.diagnose();
    const ids = live.report.findings.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['edge.no-ingress', 'edge.connected', 'tls.san-mismatch', 'routing.no-route-for-host', 'routing.allowed-ips-open']));
    expect(byId(live.report, 'routing.no-route-for-host').flatMap((f) => f.evidence.map((e) => e.text)).join('\n')).toContain(`host=mcp.${DOMAIN}`);

    const out = `${p.dir}-bundle`;
    try {
      const written = await p.triage(['bundle', '-o', out]);
      expect(written.exitCode, written.stderr).toBe(0);
      expect(written.stderr).toMatch(/^wrote .*: \d+ file\(s\), \d+ redacted or withheld; read it back with mcp-tunnel-triage diagnose --from-bundle /);

      const back = await runCli(['diagnose', '--from-bundle', out, '--json']);
      expect(back.stderr).toBe('');
      expect(back.exitCode).toBe(live.exitCode);
      expect((JSON.parse(back.stdout) as Report).findings).toEqual(live.report.findings);

      const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
      expect(manifest.deployment).toMatchObject({ kind: 'compose', composeFlavor: stack.d.flavor, project: p.name });
      if (stack.d.flavor === 'v1') expect(manifest.commands).toContain(`docker ps --all --filter label=com.docker.compose.project=${p.name} --format '{{json .}}'`);
      const files = (await filesUnder(out)).map((f) => f.slice(out.length + 1));
      expect(files).toEqual(expect.arrayContaining(['manifest.json', 'logs/cloudflared.log', 'logs/mcp-proxy.log', 'files/docker-compose.yaml', 'files/config/mcp-proxy.yaml', 'files/data/tls.crt']));
      expect(files).not.toContain('files/data/tls.key');
      expect(await readFile(join(out, 'logs/mcp-proxy.log'), 'utf8')).toContain('no route for host');

      // No secret in the bundle: not the token (it reached cloudflared from this shell), not the key.
      const keyPem = await readFile(join(p.dir, 'data/tls.key'), 'utf8');
      const texts: Record<string, string> = {};
      for (const f of await filesUnder(out)) texts[f] = await readFile(f, 'utf8');
      expectNoSecret({ ...texts, ...p.outputs, 'from-bundle report': back.stdout }, [token, secret, keyPem.split('\n')[1]!, keyPem.split('\n')[10]!]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);
});
