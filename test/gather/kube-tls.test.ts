// Certificates from the cluster, with the real kubectl: the server certificate, its key (only its public half
// is kept) and the CA from the Secret the mcp-proxy container mounts, followed from the proxy's config; every
// TLS rule runs on them as on Compose. Real certificates, made here.
import { describe, expect, it, beforeAll } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gatherSnapshot } from '../../src/gather/index.js';
import { analyze } from '../../src/analyze/index.js';
import { readBundle, writeBundle } from '../../src/snapshot/bundle.js';
import { defaultOptions, type TriageOptions } from '../../src/options.js';
import { planTlsReads, secretBehind } from '../../src/gather/kube-tls.js';
import { planFix } from '../../src/fixes/registry.js';
import type { KubeSpec } from '../helpers/deployment-scenarios.js';
import { haveRealKubectl } from '../helpers/kube-api.js';
import { kubeTestKit, TWO_REPLICAS } from '../helpers/kube-scenario.js';
import { recordingExec } from '../helpers/recording-exec.js';
import { DAY, DOMAIN, NOW, newKeyPair, privateKeyPem, serverCert, setupPki, type TestPki } from '../helpers/certs.js';

const { cluster, folder } = kubeTestKit();

const options = (dir: string, over: Partial<TriageOptions> = {}) => defaultOptions({ dir, network: false, timeoutMs: 15_000, kube: true, ...over });
const CONFIG = `listen_addr: ":8080"\ntls:\n  cert_file: /data/tls.crt\n  key_file: /data/tls.key\nroutes:\n  mcp: http://mcp-server:8080\n`;
const TOKEN = 'eyJhIjoiZmFrZSJ9-secret-value';

let pki: TestPki;
let keyPem: string;
beforeAll(async () => {
  pki = await setupPki();
  keyPem = privateKeyPem(pki.serverKey.privateKey);
});

/** Healthy replicas that mount the chart's Secret at /data, as the chart does. */
function tlsSpec(secret: Record<string, string>, over: Partial<KubeSpec> = {}): KubeSpec {
  return {
    ...TWO_REPLICAS,
    helmStatus: 'deployed',
    jobs: [],
    pods: TWO_REPLICAS.pods.map((p) => ({ ...p, containers: p.containers.map((c) => ({ name: c.name, state: 'running' as const })) })),
    secrets: { 'mcp-tunnel': { 'tunnel-token': TOKEN, ...secret } },
    configMaps: { 'mcp-tunnel': { 'config.yaml': CONFIG } },
    tlsMount: { secret: 'mcp-tunnel' },
    ...over,
  };
}

/** The body lines of a PEM private key: none may appear anywhere. */
const keyBody = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'));

describe.skipIf(!haveRealKubectl)('TLS from the cluster, real kubectl', { timeout: 120_000 }, () => {
  it('the mounted Secret\'s certificate, CA and key (public half): every TLS rule runs and passes; nothing secret is kept', async () => {
    const k = await cluster(tlsSpec({ 'tls.crt': pki.serverPem, 'tls.key': keyPem, 'ca.crt': pki.caPem, 'tunnel-domain': DOMAIN }));
    const dir = await folder();
    const rec = recordingExec();
    const s = await gatherSnapshot(options(dir), undefined, { env: k.env, exec: rec.exec });
    expect(s.deployment.paths).toMatchObject({ tlsCert: 'secret/mcp-tunnel/tls.crt', tlsKey: 'secret/mcp-tunnel/tls.key', caCert: 'secret/mcp-tunnel/ca.crt', tunnelDomain: 'secret/mcp-tunnel/tunnel-domain' });
    expect(s.files['secret/mcp-tunnel/tls.crt']!.text).toBe(pki.serverPem);
    expect(s.files['secret/mcp-tunnel/ca.crt']!.text).toBe(pki.caPem);
    const key = s.files['secret/mcp-tunnel/tls.key']!;
    expect(key).toEqual({ withheld: true, keyInfo: { type: 'rsa', bits: 2048, publicKeyPem: pki.serverKey.publicKey.export({ type: 'spki', format: 'pem' }).toString() }, virtual: 'key tls.key of Secret mcp-tunnel' });
    expect(s.tunnelDomain).toEqual({ value: DOMAIN, source: 'secret/mcp-tunnel/tunnel-domain' });
    expect(s.state.kube!.tlsSources!['secret/mcp-tunnel/tls.crt']).toEqual({ secret: 'mcp-tunnel', key: 'tls.crt', why: '/data/tls.crt (ConfigMap mcp-tunnel (config.yaml)) is key tls.crt of Secret mcp-tunnel, mounted at /data in mcp-proxy' });
    // One read of that Secret, for exactly those keys (the template names them; the token is not among them).
    const reads = rec.calls.filter((c) => c.argv[1] === 'get' && c.argv[2] === 'secret');
    expect(reads).toHaveLength(1);
    expect(reads[0]!.argv.join(' ')).toMatch(/^kubectl get secret mcp-tunnel -n mcp-tunnel -o go-template=.*"tls\.crt".*"tls\.key".*"ca\.crt".*"tunnel-domain"/);
    expect(reads[0]!.argv.join(' ')).not.toContain('tunnel-token');
    expect(reads[0]!.stdout).not.toContain(Buffer.from(TOKEN).toString('base64'));

    const report = analyze(s);
    for (const id of ['tls.cert-file', 'tls.cert-san', 'tls.cert-validity', 'tls.cert-chain', 'tls.key-pair']) {
      expect(report.checks.find((c) => c.id === id)!.status, id).toBe('ok');
    }
    expect(report.findings.filter((f) => f.layer === 'tls')).toEqual([]);
    // The CA to register is in the cluster, not a file here: the plan says how to save it.
    const register = planFix('register-ca', s)!;
    expect(register.steps[0]).toMatchObject({ kind: 'manual', text: expect.stringContaining("the CA in Secret mcp-tunnel (key ca.crt; save it with `kubectl -n mcp-tunnel get secret mcp-tunnel -o jsonpath='{.data.ca\\.crt}' | base64 -d > ca.crt`)") });

    // The key's bytes are nowhere: not in the snapshot, its notes, the commands, nor a bundle written from it.
    const out = await folder();
    await writeBundle(s, join(out, 'b'));
    const bundled = await Promise.all((await readdir(join(out, 'b'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath ?? e.path, e.name), 'utf8')));
    // Read back, the bundle gives the same verdicts: the Secret's files keep their roles (the key its public half).
    const back = await readBundle(join(out, 'b'));
    expect(back.deployment.paths).toMatchObject({ tlsCert: 'secret/mcp-tunnel/tls.crt', tlsKey: 'secret/mcp-tunnel/tls.key', caCert: 'secret/mcp-tunnel/ca.crt' });
    const again = analyze(back);
    for (const id of ['tls.cert-san', 'tls.cert-chain', 'tls.key-pair']) expect(again.checks.find((c) => c.id === id)!.status, id).toBe('ok');
    for (const text of [JSON.stringify(s), JSON.stringify(report), ...bundled]) {
      for (const line of keyBody(keyPem)) expect(text).not.toContain(line);
      expect(text).not.toContain(Buffer.from(keyPem).toString('base64').slice(0, 40));
      expect(text).not.toContain(TOKEN);
    }
  });

  it('a wrong certificate is caught as on Compose: SAN, expiry, CA and key each named, pointing at the Secret', async () => {
    const other = await newKeyPair({ type: 'rsa', bits: 2048 });
    const bad = serverCert(pki, { dns: ['*.other.tunnel.anthropic.com'], subject: { cn: '*.other.tunnel.anthropic.com' }, notBefore: new Date(NOW.getTime() - 100 * DAY), notAfter: new Date(NOW.getTime() - DAY) });
    const k = await cluster(tlsSpec({ 'tls.crt': bad, 'tls.key': privateKeyPem(other.privateKey), 'ca.crt': pki.caPem, 'tunnel-domain': DOMAIN }));
    const s = await gatherSnapshot(options(await folder()), undefined, { env: k.env });
    const report = analyze({ ...s, createdAt: NOW.toISOString() });
    const ids = report.findings.filter((f) => f.layer === 'tls').map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['tls.san-mismatch', 'tls.cert-expired', 'tls.key-mismatch']));
    const san = report.findings.find((f) => f.id === 'tls.san-mismatch')!;
    expect(san.evidence[0]!.source).toBe('secret/mcp-tunnel/tls.crt');
    expect(`${san.title} ${san.detail}`).toContain(DOMAIN);
    expect(report.findings.find((f) => f.id === 'tls.key-mismatch')!.detail).toContain('secret/mcp-tunnel/tls.key');
  });

  it('a CA that did not sign the certificate (and that could not be registered): the chain rules run', async () => {
    const stranger = await setupPkiOther();
    const k = await cluster(tlsSpec({ 'tls.crt': pki.serverPem, 'tls.key': keyPem, 'ca.crt': stranger, 'tunnel-domain': DOMAIN }));
    const s = await gatherSnapshot(options(await folder()), undefined, { env: k.env });
    const report = analyze({ ...s, createdAt: NOW.toISOString() });
    const ca = report.findings.find((f) => f.id === 'tls.ca-mismatch')!;
    expect(ca.evidence.map((e) => e.source)).toEqual(['secret/mcp-tunnel/tls.crt', 'secret/mcp-tunnel/ca.crt']);
  });

  it('no pod to follow (failed install): the Secret named by external.serverCertSecretName, the CA from the chart\'s Secret', async () => {
    const spec = tlsSpec({ 'ca.crt': pki.caPem }, { pods: [], values: { external: { serverCertSecretName: 'proxy-tls' }, gateway: { config: { tunnel_domain: DOMAIN } } } });
    spec.secrets!['proxy-tls'] = { 'tls.crt': pki.serverPem, 'tls.key': keyPem };
    const k = await cluster(spec);
    const s = await gatherSnapshot(options(await folder()), undefined, { env: k.env });
    expect(s.deployment.paths).toMatchObject({ tlsCert: 'secret/proxy-tls/tls.crt', tlsKey: 'secret/proxy-tls/tls.key', caCert: 'secret/mcp-tunnel/ca.crt' });
    expect(s.state.kube!.tlsSources!['secret/proxy-tls/tls.crt']!.why).toBe('the release values name Secret proxy-tls (external.serverCertSecretName)');
    // No tunnel-domain key in the Secret: the release values give it.
    expect(s.tunnelDomain).toEqual({ value: DOMAIN, source: 'the release values (gateway.config.tunnel_domain)' });
    const report = analyze({ ...s, createdAt: NOW.toISOString() });
    expect(report.checks.find((c) => c.id === 'tls.key-pair')!.status).toBe('ok');
    expect(report.checks.find((c) => c.id === 'tls.cert-san')!.status).toBe('ok');
    // The chart's renewal does not write that Secret: renewing is said, not run.
    const renew = planFix('renew-cert', s)!;
    expect(renew.kind).toBe('manual');
    expect(renew.steps[0]).toMatchObject({ text: expect.stringMatching(/^The server certificate is key tls\.crt of Secret proxy-tls \(the release values name Secret proxy-tls \(external\.serverCertSecretName\)\), which the chart's cert-renew CronJob does not write/) });
  });

  it('a Secret the credentials may not get: a note, and the TLS checks are skipped, not passed', async () => {
    const k = await cluster(tlsSpec({ 'tls.crt': pki.serverPem, 'tls.key': keyPem, 'ca.crt': pki.caPem }), { api: { forbid: [{ resource: 'secrets', verb: 'get' }] } });
    const s = await gatherSnapshot(options(await folder()), undefined, { env: k.env });
    expect(s.deployment.paths.tlsCert).toBeUndefined();
    expect(s.notes.join('\n')).toMatch(/TLS from the cluster: Secret mcp-tunnel could not be read \(Error from server \(Forbidden\): secrets "mcp-tunnel" is forbidden: .*\); the checks that need tls\.crt, tls\.key, ca\.crt were skipped/);
    expect(analyze(s).checks.find((c) => c.id === 'tls.cert-san')!.status).toBe('skipped');
  });
});

async function setupPkiOther(): Promise<string> {
  const { setupStylePki } = await import('../../src/gather/make-cert.js');
  return (await setupStylePki({ domain: 'other.tunnel.anthropic.com', now: NOW, serverBits: 2048 })).ca.pem;
}

describe('which Secret holds which file (pure)', () => {
  const mounts = [
    { container: 'mcp-proxy', mountPath: '/certs', secret: 'proxy-tls', items: [{ key: 'tls.crt', path: 'server.pem' }, { key: 'tls.key', path: 'private/server.key' }] },
    { container: 'mcp-proxy', mountPath: '/data', secret: 'mcp-tunnel' },
    { container: 'mcp-proxy', mountPath: '/etc/ca.pem', subPath: 'ca.crt', secret: 'mcp-tunnel' },
  ];
  it('follows mounts, items and subPath to the key', () => {
    expect(secretBehind(mounts, '/certs/server.pem')).toEqual({ secret: 'proxy-tls', key: 'tls.crt', mount: '/certs' });
    expect(secretBehind(mounts, '/certs/private/server.key')).toEqual({ secret: 'proxy-tls', key: 'tls.key', mount: '/certs' });
    expect(secretBehind(mounts, '/certs/other.pem')).toBeUndefined(); // not projected by items
    expect(secretBehind(mounts, '/data/tls.crt')).toEqual({ secret: 'mcp-tunnel', key: 'tls.crt', mount: '/data' });
    expect(secretBehind(mounts, '/etc/ca.pem')).toEqual({ secret: 'mcp-tunnel', key: 'ca.crt', mount: '/etc/ca.pem' });
    expect(secretBehind(mounts, '/tmp/tls.crt')).toBeUndefined();
  });

  it('asks only for keys that exist, and never for the token', () => {
    const { reads } = planTlsReads({
      pods: [{ name: 'p', containers: [], secretMounts: [{ container: 'mcp-proxy', mountPath: '/data', secret: 'mcp-tunnel' }] }],
      secretKeys: { 'mcp-tunnel': ['tls.crt', 'tls.key', 'tunnel-token'] },
      configMaps: {},
    }, 'mcp-tunnel');
    expect(reads).toEqual([{ secret: 'mcp-tunnel', keys: [expect.objectContaining({ key: 'tls.crt', role: 'tlsCert' }), expect.objectContaining({ key: 'tls.key', role: 'tlsKey' })] }]);
  });
});
