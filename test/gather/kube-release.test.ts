// Helm without helm: the release read from its own Secret (sh.helm.release.v1.<name>.v<N>) with the real
// kubectl, when helm is not on PATH or fails, and the pure decoding of that record.
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { gatherSnapshot } from '../../src/gather/index.js';
import { analyze } from '../../src/analyze/index.js';
import { planFix } from '../../src/fixes/registry.js';
import { defaultOptions, type TriageOptions } from '../../src/options.js';
import { coalesceValues, decodeReleaseData, releaseFromJson, ReleaseDecodeError } from '../../src/gather/kube-release.js';
import { parseReleaseSecrets } from '../../src/gather/kube-parse.js';
import { helmStatusJson, kubeApiSpecOf, releaseSecretOf, toolError, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { haveRealKubectl } from '../helpers/kube-api.js';
import { kubeTestKit, TWO_REPLICAS, type KubeScenario } from '../helpers/kube-scenario.js';

const { cluster, folder } = kubeTestKit();

async function gather(k: KubeScenario, over: Partial<TriageOptions> = {}) {
  return gatherSnapshot(defaultOptions({ dir: await folder(), network: false, timeoutMs: 15_000, ...over }), undefined, { env: k.env });
}

const releaseReads = (k: KubeScenario) => k.api.requests.filter((r) => r.path.includes('/secrets/sh.helm.release.v1.')).map((r) => r.path.split('/').pop());
const FIXED: KubeSpec = { ...TWO_REPLICAS, lastDeployed: '2026-11-28T01:49:10.123456789Z' };

describe.skipIf(!haveRealKubectl)('Helm without helm, real kubectl', { timeout: 120_000 }, () => {
  it('no helm on PATH: the newest revision\'s Secret gives what helm status and get values give', async () => {
    const withHelm = await gather(await cluster(FIXED), { kube: true });
    const k = await cluster(FIXED, { helm: false });
    const s = await gather(k, { kube: true });
    const { source: _a, ...fromHelm } = withHelm.state.kube!.helm!;
    const { source, secret, ...fromSecret } = s.state.kube!.helm!;
    expect(source).toBe('secret');
    expect(secret).toBe('sh.helm.release.v1.mcp-tunnel.v3');
    expect(fromSecret).toEqual(fromHelm);
    expect(fromSecret).toMatchObject({ status: 'failed', chart: 'mcp-tunnel', version: '2.1.0', appVersion: '1.4.0', revision: 3, lastDeployed: '2026-11-28T01:49:10.123456789Z', firstDeployed: '2026-11-27T09:12:44.123456789Z' });
    expect(fromSecret.hooks).toEqual([{ name: 'mcp-tunnel-setup', kind: 'Job', events: ['pre-install'] }]);
    expect(s.state.kube!.values).toEqual(withHelm.state.kube!.values);
    expect(s.state.kube!.values).toEqual({ api: { wif: { audience: 'https://api.anthropic.com', federationRuleId: 'fdrl_01' } }, tunnel: { token: '[REDACTED]' } });
    // --all: the chart's defaults under the user's values.
    expect(s.state.kube!.computedValues).toEqual({ api: { wif: { audience: 'https://api.anthropic.com', federationRuleId: 'fdrl_01' } }, setup: { enabled: true }, tunnel: { token: '[REDACTED]' } });
    // Only the newest record's value was read; the older revisions were seen by their labels alone.
    expect(releaseReads(k)).toEqual(['sh.helm.release.v1.mcp-tunnel.v3']);
    expect(JSON.stringify(s)).not.toContain('not-a-real-token-but-secret');
    expect(JSON.stringify(s)).not.toContain('revision-1');
    expect(s.deployment.how).toMatch(/; release record read from its Secret sh\.helm\.release\.v1\.mcp-tunnel\.v3 with kubectl \(no working helm\)$/);
    expect(s.notes).toContain('helm: release mcp-tunnel revision 3 (failed) read from its Secret sh.helm.release.v1.mcp-tunnel.v3, because helm is not on PATH');
    expect(s.state.redactions).toEqual(expect.arrayContaining([{ path: 'state/state.json#kube.values.tunnel.token', what: 'secret value replaced by [REDACTED] when gathered' }]));

    // The checks that need the release run as with helm; a missing helm is not a finding (fixes say they need it).
    const report = analyze(s);
    expect(report.findings.filter((f) => f.id === 'runtime.tool-missing')).toEqual([]);
    const job = report.findings.find((f) => f.id === 'setup.job-left-behind')!;
    expect(job.evidence.find((e) => e.source === 'helm status')!.text).toMatch(/^mcp-tunnel: failed: Release "mcp-tunnel" failed: failed pre-install/);
  });

  it('no values file here: the checks read the release\'s own values, which no fix edits', async () => {
    const spec: KubeSpec = { ...FIXED, values: { gateway: { config: { routes: [{ mcp: 'http://mcp-server:8080' }] } }, api: { wif: { audience: 'https://api.anthropic.com' } } } };
    const k = await cluster(spec, { helm: false });
    const s = await gather(k, { kube: true, audience: 'api.anthropic.com' });
    expect(s.deployment.paths.values).toBe('helm-release/mcp-tunnel/values.yaml');
    const file = s.files['helm-release/mcp-tunnel/values.yaml']!;
    expect(file.virtual).toBe('the values of release mcp-tunnel as the cluster holds them (the chart\'s defaults with the user\'s over them; secrets redacted)');
    expect(file.text).toContain('routes:\n      - mcp: http://mcp-server:8080');
    expect(s.notes.join('\n')).toMatch(/Helm values: no values file here, so the checks read release mcp-tunnel's own values \(helm-release\/mcp-tunnel\/values\.yaml, from its Secret\)/);
    const report = analyze(s);
    const ids = report.findings.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['routing.routes-is-list', 'setup.wif-audience-mismatch']));
    // Fixes that edit values are not offered on what the cluster holds; helm upgrade keeps the release's values.
    expect(report.findings.find((f) => f.id === 'routing.routes-is-list')!.fixes.map((x) => x.id)).not.toContain('routes-to-map');
    expect(planFix('set-wif-audience', s, report.findings.find((f) => f.id === 'setup.wif-audience-mismatch')!.data)).toBeUndefined();
    const upgrade = planFix('helm-upgrade', s, { chart: 'repo/mcp-tunnel' })!;
    expect(upgrade.steps[0]).toMatchObject({ kind: 'manual', text: expect.stringContaining('helm upgrade mcp-tunnel repo/mcp-tunnel -n mcp-tunnel --version 2.1.0 --reuse-values --kube-context kind-tunnel') });
  });

  it('nothing named and no helm: the release is found by its Secrets', async () => {
    const k = await cluster({ ...FIXED, helmStatus: 'deployed' }, { helm: false });
    const s = await gather(k);
    expect(s.deployment.kind).toBe('helm');
    expect(s.deployment.how).toMatch(/found by its release Secrets in namespace mcp-tunnel \(helm is not on PATH\)/);
    expect(s.state.kube!.helm).toMatchObject({ status: 'deployed', revision: 3, source: 'secret' });
    expect(s.state.kube!.pods).toHaveLength(2);
  });

  it('helm fails (its own cluster error): the Secret is read, and the note says why', async () => {
    const k = await cluster(FIXED, { helm: [{ tool: 'helm', args: ['version', '--short'], stdout: 'v3.16.3\n' }, { tool: 'helm', args: [], match: 'prefix', ...toolError('helm-cluster-unreachable') }] });
    const s = await gather(k, { kube: true });
    expect(s.state.kube!.helm).toMatchObject({ source: 'secret', status: 'failed' });
    expect(s.notes.find((n) => n.startsWith('helm: release mcp-tunnel revision 3'))).toMatch(/because helm failed: Error: Kubernetes cluster unreachable/);
    // helm's own failure stays a finding: the fixes that run helm would fail the same way.
    expect(analyze(s).findings.filter((f) => f.id === 'runtime.tool-missing').map((f) => f.title)).toEqual(['helm: the Kubernetes cluster cannot be reached']);
  });

  it('no helm and no release Secret: said so, nothing decoded', async () => {
    const k = await cluster({ ...FIXED, history: [] }, { helm: false, api: { objects: kubeObjectsWithoutReleases(FIXED) } });
    const s = await gather(k);
    expect(s.deployment.kind).toBe('unknown');
    expect(s.deployment.how).toMatch(/no Helm release found \(no release Secret sh\.helm\.release\.v1\.mcp-tunnel\.v\* in namespace mcp-tunnel; helm is not on PATH\)$/);
    expect(releaseReads(k)).toEqual([]);
  });

  it('a record that does not decode is a note, and the rest is gathered', async () => {
    const broken = releaseSecretOf(FIXED, 3, 'failed');
    (broken.data as Record<string, string>).release = Buffer.from('H4sIAAAA-not-gzip').toString('base64');
    const objects = [...kubeObjectsWithoutReleases(FIXED), broken];
    const k = await cluster(FIXED, { helm: false, api: { objects } });
    const s = await gather(k, { kube: true });
    expect(s.state.kube!.helm).toBeUndefined();
    expect(s.notes.join('\n')).toMatch(/the release record sh\.helm\.release\.v1\.mcp-tunnel\.v3 could not be decoded: the stored record is not base64/);
    expect(s.state.kube!.pods).toHaveLength(2);
  });
});

function kubeObjectsWithoutReleases(spec: KubeSpec) {
  return kubeApiSpecOf(spec).objects!.filter((o) => o.type !== 'helm.sh/release.v1');
}

describe('the release record, decoded', () => {
  const json = helmStatusJson({ ...FIXED, values: { tunnel: { token: 'tok-secret' }, gateway: { config: { tunnel_domain: 'abcd1234.tunnel.anthropic.com' } } } });
  const asKubectlPrints = (record: string, gzip = true) => Buffer.from((gzip ? gzipSync(Buffer.from(record)) : Buffer.from(record)).toString('base64')).toString('base64');

  it('base64 of base64 of gzip of JSON, and a record stored without gzip', () => {
    expect(JSON.parse(decodeReleaseData(asKubectlPrints(json)))).toEqual(JSON.parse(json));
    expect(JSON.parse(decodeReleaseData(`${asKubectlPrints(json, false)}\n`))).toEqual(JSON.parse(json));
  });

  it('refuses what is not a record, in one line and without its contents', () => {
    expect(() => decodeReleaseData('')).toThrow(ReleaseDecodeError);
    expect(() => decodeReleaseData('not base64!')).toThrow('`data.release` is not base64');
    const notGzip = Buffer.from(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]).toString('base64')).toString('base64');
    expect(() => decodeReleaseData(notGzip)).toThrow(/^the stored record does not unzip \(Z_/);
  });

  it('reduces the record: values redacted, computed values coalesced, chart files and manifest gone', () => {
    const r = releaseFromJson(json)!;
    expect(r.values).toEqual({ tunnel: { token: '[REDACTED]' }, gateway: { config: { tunnel_domain: 'abcd1234.tunnel.anthropic.com' } } });
    expect(r.redacted).toEqual(['tunnel.token']);
    expect(r.computedValues).toMatchObject({ api: { wif: { audience: 'api.anthropic.com' } }, setup: { enabled: true } });
    expect(JSON.stringify(r)).not.toContain('tok-secret');
    expect(JSON.stringify(r)).not.toContain('templates/deployment.yaml');
    expect(JSON.stringify(r)).not.toContain('kind: Deployment');
    expect(releaseFromJson('{"name":"x"}')).toBeUndefined();
  });

  it('coalesces as helm does: the user\'s values win, maps merge, null deletes', () => {
    expect(coalesceValues({ a: { b: 1, c: 2 }, d: [1], e: 'x' }, { a: { b: 9 }, d: [2], e: null })).toEqual({ a: { b: 9, c: 2 }, d: [2] });
  });

  it('release records by revision, from their labels (or their names), other releases\' left out', () => {
    const text = [
      'mcp-tunnel\tOpaque\ttls.crt tls.key \t<no value>/<no value>/<no value>/<no value>',
      'sh.helm.release.v1.mcp-tunnel.v10\thelm.sh/release.v1\trelease \thelm/mcp-tunnel/10/deployed',
      'sh.helm.release.v1.mcp-tunnel.v9\thelm.sh/release.v1\trelease \thelm/mcp-tunnel/9/superseded',
      'sh.helm.release.v1.mcp-tunnel-x.v1\thelm.sh/release.v1\trelease \thelm/mcp-tunnel-x/1/deployed',
      'sh.helm.release.v1.mcp-tunnel.v2\thelm.sh/release.v1\trelease \t',
      '',
    ].join('\n');
    expect(parseReleaseSecrets(text, 'mcp-tunnel')).toEqual([
      { revision: 2, secret: 'sh.helm.release.v1.mcp-tunnel.v2' },
      { revision: 9, status: 'superseded', secret: 'sh.helm.release.v1.mcp-tunnel.v9' },
      { revision: 10, status: 'deployed', secret: 'sh.helm.release.v1.mcp-tunnel.v10' },
    ]);
  });
});
