import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { DOMAIN, buildCertificate, newKeyPair, privateKeyPem, setupPki } from '../helpers/certs.js';
import { FAKE_TOKEN } from '../helpers/token.js';
import { makeScenario, type Scenario } from '../helpers/stand-ins.js';
import { runningComposeRules } from '../helpers/deployment-scenarios.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let documented: string;
let server: Server;
let port: number;
let docker: Scenario;

beforeAll(async () => {
  const pki = await setupPki();
  const t = await tempDir('mtt-cli-files-');
  cleanups.push(t.cleanup);
  documented = t.dir;
  const put = async (rel: string, text: string, mode = 0o644) => {
    await mkdir(join(documented, rel, '..'), { recursive: true });
    await writeFile(join(documented, rel), text);
    await chmod(join(documented, rel), mode);
  };
  await put('docker-compose.yaml', DOCUMENTED_COMPOSE);
  await put('config/mcp-proxy.yaml', proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'));
  await put('data/tunnel-domain', `${DOMAIN}\n`);
  await put('data/ca.crt', pki.caPem);
  await put('data/tls.crt', pki.serverPem);
  await put('data/tls.key', privateKeyPem(pki.serverKey.privateKey), process.getuid?.() === 0 ? 0o600 : 0o644);
  if (process.getuid?.() === 0) await chown(join(documented, 'data/tls.key'), 65532, 65532);
  server = createServer((req, res) => {
    const docs: Record<string, unknown> = {
      '/as': { issuer: `https://auth.${DOMAIN}`, authorization_endpoint: `https://auth.${DOMAIN}/authorize`, token_endpoint: `https://auth.${DOMAIN}/token`, code_challenge_methods_supported: ['S256'] },
    };
    const doc = docs[req.url ?? ''];
    res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc ?? {}));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  // docker answers as on a host where the project runs: the runtime is seen, so the exit code is the files' verdict.
  docker = await makeScenario(runningComposeRules(documented), { tools: ['docker'] });
  cleanups.push(docker.cleanup);
  cleanups.push(() => new Promise((r) => server.close(() => r())));
});

const ids = (stdout: string) => (JSON.parse(stdout) as { findings: { id: string; severity: string }[] }).findings;

describe('deployment-file flags on the command line', () => {
  it('refuses bad values in one line, exit 2', async () => {
    for (const args of [['--oauth-metadata', 'ftp://example.com/x'], ['--audience', 'api anthropic'], ['--values']]) {
      const r = await runCli(['diagnose', ...args]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('a deployment made by the documented recipe has no findings from its files', async () => {
    const r = await runCli(['diagnose', '--json', '--dir', documented], { env: { ...docker.env, TUNNEL_TOKEN: FAKE_TOKEN } });
    const findings = ids(r.stdout);
    expect(findings.filter((f) => !f.id.startsWith('runtime.')).map((f) => f.id)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(FAKE_TOKEN.slice(0, 24));
  });

  it('without TUNNEL_TOKEN in the shell it says so, and says what was found where', async () => {
    const r = await runCli(['diagnose', '--dir', documented], { env: { ...docker.env, TUNNEL_TOKEN: undefined } });
    // cloudflared runs with the token it was started with: a warning that the next `up` from this shell loses it.
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/! WARNING .*\[edge\.token-missing\]/);
    expect(r.stdout).toContain('TLS certificate data/tls.crt (tls.cert_file /data/tls.crt through the volume ./data:/data)');
  });

  it('--ca: a server certificate the given CA did not sign', async () => {
    const other = await newKeyPair({ type: 'ec', curve: 'prime256v1' });
    const now = Date.now();
    const ca = buildCertificate({ subject: { cn: 'Registered elsewhere' }, publicKey: other.publicKey, selfKey: other.privateKey, notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 900 * 86_400_000), basicConstraints: { ca: true, critical: true }, keyUsage: ['keyCertSign'] });
    const t = await tempDir('mtt-cli-ca-');
    cleanups.push(t.cleanup);
    await writeFile(join(t.dir, 'registered.pem'), ca.pem);
    const r = await runCli(['diagnose', '--json', '--dir', documented, '--ca', join(t.dir, 'registered.pem')], { env: { ...docker.env, TUNNEL_TOKEN: FAKE_TOKEN } });
    expect(ids(r.stdout).map((f) => f.id)).toContain('tls.ca-mismatch');
    expect(r.exitCode).toBe(1);
  });

  it('--audience against Helm values: the scheme differs', async () => {
    const t = await tempDir('mtt-cli-helm-');
    cleanups.push(t.cleanup);
    await writeFile(join(t.dir, 'my-values.yaml'), 'api:\n  wif:\n    federationRuleId: fdrl_01\n    audience: api.anthropic.com\n');
    const r = await runCli(['diagnose', '--json', '--dir', t.dir, '--values', 'my-values.yaml', '--audience', 'https://api.anthropic.com']);
    const f = (JSON.parse(r.stdout) as { findings: { id: string; detail: string; evidence: { source: string; line?: number }[] }[] }).findings.find((x) => x.id === 'setup.wif-audience-mismatch');
    expect(f?.detail).toContain('one has a scheme (https://) and the other not');
    expect(f?.evidence[0]).toMatchObject({ source: 'my-values.yaml', line: 4 });
  });

  it('--oauth-metadata URL: fetched from a loopback server and checked', async () => {
    const r = await runCli(['diagnose', '--json', '--dir', documented, '--edge', `127.0.0.1:${port}`, '--oauth-metadata', `http://127.0.0.1:${port}/as`], { env: { TUNNEL_TOKEN: FAKE_TOKEN } });
    const findings = JSON.parse(r.stdout) as { findings: { id: string; detail: string }[]; notes: string[] };
    expect(findings.notes).toContain(`OAuth authorization-server metadata: fetched from http://127.0.0.1:${port}/as (as given)`);
    expect(findings.findings.find((f) => f.id === 'oauth.metadata-split-wrong')?.detail).toContain('on the tunnel: the user\'s browser cannot reach it');
    expect(findings.findings.map((f) => f.id)).toContain('oauth.no-auth-route');
  });

  it('the demo shows the file findings', async () => {
    const r = await runCli(['--demo', '--json']);
    const found = ids(r.stdout);
    const byId = (id: string) => found.find((f) => f.id === id);
    expect(byId('edge.token-malformed')).toBeDefined();
    expect(byId('edge.no-ingress')).toBeDefined();
    expect(byId('tls.san-mismatch')).toBeDefined();
    expect(byId('tls.cert-expired')?.severity).toBe('warning');
    if (process.getuid?.() !== 65532) expect(byId('tls.key-unreadable')).toBeDefined();
    expect(r.stdout).not.toMatch(/eyJhIjoi|PRIVATE KEY/);
  });
});
