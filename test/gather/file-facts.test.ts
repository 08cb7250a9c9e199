import { afterEach, describe, expect, it } from 'vitest';
import { chmod, chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gatherFiles } from '../../src/gather/files.js';
import { gatherAddressFacts, gatherFileFacts } from '../../src/gather/file-facts.js';
import { resolveTunnelDomain } from '../../src/snapshot/tunnel-domain.js';
import { emptySnapshot, type Snapshot } from '../../src/snapshot/types.js';
import { writeBundle } from '../../src/snapshot/bundle.js';
import { readBundleForAnalysis } from '../../src/commands/load.js';
import { analyze } from '../../src/analyze/index.js';
import { defaultOptions, type TriageOptions } from '../../src/options.js';
import { tempDir } from '../helpers/cli.js';
import { DOCUMENTED_COMPOSE, proxyConfig } from '../helpers/snapshot.js';
import { DOMAIN, privateKeyPem, setupPki } from '../helpers/certs.js';
import { FAKE_TOKEN } from '../helpers/token.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function project(files: Record<string, string>, modes: Record<string, number> = {}): Promise<string> {
  const t = await tempDir('mtt-files-');
  cleanups.push(t.cleanup);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(join(t.dir, rel, '..'), { recursive: true });
    await writeFile(join(t.dir, rel), text);
  }
  for (const [rel, mode] of Object.entries(modes)) await chmod(join(t.dir, rel), mode);
  return t.dir;
}

/** Files, then the file facts, the way gatherSnapshot runs them (no docker: the stand-in-free part). */
async function gather(dir: string, over: Partial<TriageOptions> = {}, env: Record<string, string | undefined> = {}): Promise<Snapshot> {
  const opts = defaultOptions({ dir, network: false, ...over });
  const { files, paths } = await gatherFiles(dir, {});
  const s = emptySnapshot({ files, deployment: { kind: paths.compose ? 'compose' : 'unknown', how: 'test', dir, paths }, inputs: {} });
  s.tunnelDomain = resolveTunnelDomain(s);
  await gatherFileFacts(s, opts, dir, {}, { env });
  await gatherAddressFacts(s, opts, dir, undefined, { resolver: async () => [] });
  return s;
}

async function documentedOnDisk(): Promise<string> {
  const pki = await setupPki();
  const dir = await project({
    'docker-compose.yaml': DOCUMENTED_COMPOSE,
    'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'),
    'data/tunnel-domain': `${DOMAIN}\n`,
    'data/ca.crt': pki.caPem,
    'data/ca.key': privateKeyPem(pki.caKey.privateKey),
    'data/tls.crt': pki.serverPem,
    'data/tls.key': privateKeyPem(pki.serverKey.privateKey),
    'data/tunnel-token': FAKE_TOKEN,
  }, { 'data/tls.key': 0o600, 'data/ca.key': 0o600, 'data/tunnel-token': 0o600 });
  // setup runs as 65532 and leaves its files to that user; without root, the manual recipe's chmod 644
  if (process.getuid?.() === 0) await chown(join(dir, 'data/tls.key'), 65532, 65532);
  else await chmod(join(dir, 'data/tls.key'), 0o644);
  return dir;
}

describe('gathering a deployment made by the documented recipe', () => {
  it('finds every file by following compose -> config -> data, and says where', async () => {
    const s = await gather(await documentedOnDisk(), {}, { TUNNEL_TOKEN: FAKE_TOKEN });
    expect(s.deployment.paths).toMatchObject({ compose: 'docker-compose.yaml', config: 'config/mcp-proxy.yaml', tlsCert: 'data/tls.crt', tlsKey: 'data/tls.key', caCert: 'data/ca.crt', tunnelDomain: 'data/tunnel-domain' });
    const found = s.notes.find((n) => n.startsWith('found: '))!;
    expect(found).toContain('proxy config config/mcp-proxy.yaml (the mcp-proxy volume ./config/mcp-proxy.yaml:/etc/mcp-gateway/config.yaml)');
    expect(found).toContain('TLS key data/tls.key (tls.key_file /data/tls.key through the volume ./data:/data, contents withheld)');
    expect(s.notes).toContain(`tunnel domain ${DOMAIN} from data/tunnel-domain`);
    expect(s.notes.find((n) => n.startsWith('the tunnel token'))).toBe("the tunnel token (TUNNEL_TOKEN) comes from this shell's environment (`- TUNNEL_TOKEN` with no value in docker-compose.yaml); Compose passes it through from the shell, so a fresh shell loses it");
    expect(s.files['data/tls.key']).toMatchObject({ withheld: true, keyInfo: { type: 'rsa', bits: 2048 }, dirMeta: { mode: expect.any(Number) } });
    expect(s.files['data/tls.key']!.text).toBeUndefined();
    expect(s.files['data/ca.key']).toMatchObject({ withheld: true });
  });

  it('comes out clean, live and as a bundle read back', async () => {
    const dir = await documentedOnDisk();
    const s = await gather(dir, {}, { TUNNEL_TOKEN: FAKE_TOKEN });
    const problems = (r: ReturnType<typeof analyze>) => r.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.id}: ${f.title}`);
    expect(problems(analyze(s))).toEqual([]);
    const out = join(dir, '..', `${dir.split('/').pop()}-bundle`);
    cleanups.push(async () => (await import('node:fs/promises')).rm(out, { recursive: true, force: true }));
    await writeBundle(s, out);
    const back = await readBundleForAnalysis(out);
    expect(problems(analyze(back))).toEqual([]);
    expect(back.state.token).toMatchObject({ present: true });
    // nothing secret in the bundle: not the token, not a key
    for (const rel of await readdir(out, { recursive: true })) {
      const text = await readFile(join(out, rel)).then((b) => b.toString('utf8')).catch(() => '');
      expect(text, rel).not.toContain(FAKE_TOKEN.slice(0, 24));
      expect(text, rel).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY/);
    }
  });

  it('reports a missing token and a 0600 key the proxy cannot read, from a bundle as well', async () => {
    const dir = await documentedOnDisk();
    await chmod(join(dir, 'data/tls.key'), 0o600);
    if (process.getuid?.() === 0) await chown(join(dir, 'data/tls.key'), 0, 0);
    const s = await gather(dir);
    const ids = (snap: Snapshot) => analyze(snap).findings.map((f) => f.id);
    expect(ids(s)).toEqual(expect.arrayContaining(['edge.token-missing', ...(process.getuid?.() === 65532 ? [] : ['tls.key-unreadable'])]));
    const out = `${dir}-bundle`;
    cleanups.push(async () => (await import('node:fs/promises')).rm(out, { recursive: true, force: true }));
    await writeBundle(s, out);
    expect(ids(await readBundleForAnalysis(out))).toEqual(ids(s));
  });
});

describe('odd certificate files', () => {
  it('keeps the certificate of a cert+key file and drops the key', async () => {
    const pki = await setupPki();
    const dir = await project({
      'docker-compose.yaml': DOCUMENTED_COMPOSE,
      'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'),
      'data/tls.crt': pki.serverPem + privateKeyPem(pki.serverKey.privateKey),
    });
    const s = await gather(dir);
    const f = s.files['data/tls.crt']!;
    expect(f.text).toContain('BEGIN CERTIFICATE');
    expect(f.text).not.toMatch(/PRIVATE KEY-----\s*\n[A-Za-z0-9+/]/);
    expect(f.keyInfo).toMatchObject({ type: 'rsa' });
    expect(analyze(s).checks.find((c) => c.id === 'tls.cert-validity')).toMatchObject({ status: 'ok' });
  });

  it('gives a binary DER certificate and a non-key key file findings, not crashes', async () => {
    const pki = await setupPki();
    const der = Buffer.from(pki.serverPem.split('\n').filter((l) => l && !l.startsWith('-----')).join(''), 'base64');
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), 'data/tls.key': 'not a key\n' });
    await writeFile(join(dir, 'data/tls.crt'), der);
    const report = analyze(await gather(dir));
    // no domain but the certificate's own: the SAN check says so, in one line, as an input problem
    expect(report.checks.filter((c) => c.status === 'error').map((c) => c.reason)).toEqual(['the tunnel domain was read from this certificate; pass --tunnel-domain to check the certificate against it']);
    await writeFile(join(dir, 'data/tunnel-domain'), DOMAIN);
    const withDomain = analyze(await gather(dir));
    expect(withDomain.findings.find((f) => f.id === 'tls.handshake-failed')?.detail).toMatch(/it is DER \(binary\)/);
    expect(withDomain.findings.find((f) => f.id === 'tls.key-mismatch')?.title).toBe('The proxy cannot use its private key data/tls.key');
    expect(withDomain.checks.filter((c) => c.status === 'error').map((c) => c.reason)).toEqual([]);
  });
});

describe('OAuth documents, fetched from a loopback server', () => {
  async function server(docs: Record<string, unknown>) {
    const seen: string[] = [];
    const srv = createServer((req: IncomingMessage, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      const doc = docs[req.url ?? ''];
      res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' });
      res.end(doc ? JSON.stringify(doc) : '{}');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => srv.close(() => r())));
    return { port: (srv.address() as AddressInfo).port, seen };
  }

  it('fetches the authorization-server metadata from the auth route\'s upstream and checks it', async () => {
    const { port, seen } = await server({ '/.well-known/oauth-authorization-server': { issuer: 'https://login.example.com', authorization_endpoint: 'https://login.example.com/authorize', token_endpoint: 'https://login.example.com/token', code_challenge_methods_supported: ['S256'] } });
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig(`routes:\n  mcp: http://10.0.0.5:8080\n  auth: http://127.0.0.1:${port}\n`), 'data/tunnel-domain': DOMAIN });
    const s = await gather(dir, { network: true });
    expect(seen).toEqual([`127.0.0.1:${port} /.well-known/oauth-authorization-server`]);
    expect(s.notes).toContain(`OAuth authorization-server metadata: fetched from http://127.0.0.1:${port}/.well-known/oauth-authorization-server (the auth route's upstream)`);
    const f = analyze(s).findings.find((x) => x.id === 'oauth.metadata-split-wrong');
    expect(f?.detail).toContain('`issuer` is `https://login.example.com`');
  });

  it('fetches documents from URLs the user gives, and notes a failure in one line', async () => {
    const { port } = await server({ '/pr': { resource: `https://mcp.${DOMAIN}`, authorization_servers: ['https://login.example.com'] } });
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig('routes:\n  mcp: http://10.0.0.5:8080\n'), 'data/tunnel-domain': DOMAIN });
    const s = await gather(dir, { network: true, resourceMetadata: `http://127.0.0.1:${port}/pr`, oauthMetadata: `http://127.0.0.1:${port}/missing` });
    expect(s.notes).toContain(`OAuth authorization-server metadata: could not fetch http://127.0.0.1:${port}/missing (as given): HTTP 404`);
    expect(analyze(s).findings.map((f) => f.id)).toEqual(expect.arrayContaining(['oauth.resource-wrong-issuer']));
  });

  it('fetches nothing with --no-network', async () => {
    const { port, seen } = await server({});
    const dir = await project({ 'docker-compose.yaml': DOCUMENTED_COMPOSE, 'config/mcp-proxy.yaml': proxyConfig(`routes:\n  auth: http://127.0.0.1:${port}\n`) });
    await gather(dir, { network: false, oauthMetadata: `http://127.0.0.1:${port}/x` });
    expect(seen).toEqual([]);
  });
});
