// Helm / Kubernetes gathering with the real kubectl (/usr/bin/kubectl: the gcloud dispatcher, which runs its
// kubectl.1.N copy for an API server at 1.N) against an API server on loopback that holds the deployment's
// objects (test/helpers/kube-api.ts). helm is the stand-in: there is no helm binary on these machines.
// The kubectl stand-in is used nowhere here; it remains only for bench/gather.ts, which needs every call to
// answer after a fixed delay (a real kubectl makes several requests per command).
import { describe, expect, it } from 'vitest';
import { gatherSnapshot } from '../../src/gather/index.js';
import { analyze } from '../../src/analyze/index.js';
import { planFix } from '../../src/fixes/registry.js';
import { defaultOptions, type TriageOptions } from '../../src/options.js';
import { toolError, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { haveRealKubectl, kubectlFollowsServer } from '../helpers/kube-api.js';
import { kubeTestKit, TWO_REPLICAS } from '../helpers/kube-scenario.js';
import { recordingExec } from '../helpers/recording-exec.js';

const { cluster, folder } = kubeTestKit();

const options = (dir: string, over: Partial<TriageOptions> = {}) => defaultOptions({ dir, network: false, timeoutMs: 15_000, ...over });


const kubectlLines = (calls: { argv: string[] }[]) => calls.filter((c) => c.argv[0] === 'kubectl').map((c) => c.argv.slice(1).join(' '));

describe.skipIf(!haveRealKubectl)('Helm / Kubernetes gathering, real kubectl', { timeout: 120_000 }, () => {
  it('with --kube: the release, every replica\'s logs with pod prefixes, the setup Job, Secret key names only', async () => {
    const dir = await folder();
    const k = await cluster(TWO_REPLICAS);
    const rec = recordingExec();
    const s = await gatherSnapshot(options(dir, { kube: true, tail: 500 }), undefined, { env: k.env, exec: rec.exec });

    expect(s.deployment).toMatchObject({ kind: 'helm', release: 'mcp-tunnel', namespace: 'mcp-tunnel', context: 'kind-tunnel' });
    expect(s.deployment.how).toMatch(/^Helm release mcp-tunnel in namespace mcp-tunnel, named with --kube \(context kind-tunnel; KUBECONFIG \S+\)$/);
    const kube = s.state.kube!;
    expect(kube.serverVersion).toBe('v1.32.4');
    expect(s.state.tools?.kubectl?.version).toMatch(kubectlFollowsServer ? /^v1\.32\.\d+/ : /^v1\.\d+\.\d+/);
    expect(kube.helm).toMatchObject({ status: 'failed', chart: 'mcp-tunnel', version: '2.1.0', appVersion: '1.4.0', revision: 3, source: 'helm' });
    expect(kube.helm!.hooks).toEqual([{ name: 'mcp-tunnel-setup', kind: 'Job', events: ['pre-install'] }]);
    expect(kube.pods!.map((p) => p.name)).toEqual(['mcp-tunnel-6b7f9c8d4-4xk2p', 'mcp-tunnel-6b7f9c8d4-9qz7m']);
    const crashing = kube.pods![0]!.containers.find((c) => c.name === 'mcp-proxy')!;
    expect(crashing).toMatchObject({ state: 'waiting', reason: 'CrashLoopBackOff', restartCount: 7, exitCode: 1, user: '65532:65532', pod: 'mcp-tunnel-6b7f9c8d4-4xk2p' });
    expect(kube.jobs![0]).toMatchObject({ name: 'mcp-tunnel-setup', failed: 1, hook: 'pre-install' });
    expect(kube.jobs![0]!.conditions).toContain('Failed (BackoffLimitExceeded) : Job has reached the specified backoff limit');
    expect(kube.secretKeys).toEqual({ 'mcp-tunnel': ['tls.key', 'tunnel-domain', 'tunnel-token'] });
    expect(kube.history).toEqual([
      { revision: 1, status: 'superseded', secret: 'sh.helm.release.v1.mcp-tunnel.v1' },
      { revision: 2, status: 'superseded', secret: 'sh.helm.release.v1.mcp-tunnel.v2' },
      { revision: 3, status: 'failed', secret: 'sh.helm.release.v1.mcp-tunnel.v3' },
    ]);
    expect(kube.configMaps).toEqual({ 'mcp-tunnel': { 'config.yaml': 'listen_addr: ":8080"\nroutes:\n  mcp: http://mcp-server:8080\n' } });
    expect(kube.kubernetesServiceIP).toBe('127.0.0.40');
    expect(kube.services).toEqual({ 'mcp-server': { clusterIP: '127.0.0.30', namespace: 'mcp-tunnel' } });
    expect(kube.values).toEqual({ api: { wif: { audience: 'https://api.anthropic.com', federationRuleId: 'fdrl_01' } }, tunnel: { token: '[REDACTED]' } });
    // The chart's Secret holds the tunnel domain (read) and no certificate (so the key is not read either).
    expect(s.tunnelDomain).toEqual({ value: 'abcd1234.tunnel.anthropic.com', source: 'secret/mcp-tunnel/tunnel-domain' });
    expect(s.deployment.paths.tlsKey).toBeUndefined();

    // Both replicas' logs, each line naming its pod; the restarted one's previous instance too.
    expect(s.logs['mcp-proxy']!.text).toMatch(/^\[pod\/mcp-tunnel-6b7f9c8d4-4xk2p\/mcp-proxy\] 2026-11-28T03:10:00\.\d+Z level=ERROR/m);
    expect(s.logs['mcp-proxy']!.text).toContain('[pod/mcp-tunnel-6b7f9c8d4-9qz7m/mcp-proxy] ');
    expect(s.logs['mcp-proxy']!.text).toContain('(previous) level=INFO');
    expect(s.logs.cloudflared!.text.match(/Registered tunnel connection/g)).toHaveLength(2);
    expect(s.logs.setup!.text).toContain('[pod/mcp-tunnel-setup-x7k2p/setup]');
    expect(s.logs.setup!.text).toContain('error=invalid_grant');

    const ran = kubectlLines(rec.calls);
    expect(ran).toEqual(
      expect.arrayContaining([
        'version -o json --request-timeout 6s',
        'get pods -n mcp-tunnel -o json --request-timeout 14s',
        'logs mcp-tunnel-6b7f9c8d4-4xk2p -n mcp-tunnel -c mcp-proxy --timestamps --prefix --tail 500 --request-timeout 14s',
        'logs mcp-tunnel-6b7f9c8d4-9qz7m -n mcp-tunnel -c mcp-proxy --timestamps --prefix --tail 500 --previous --request-timeout 14s',
        'logs mcp-tunnel-6b7f9c8d4-9qz7m -n mcp-tunnel -c cloudflared --timestamps --prefix --tail 500 --request-timeout 14s',
        'logs job/mcp-tunnel-setup -n mcp-tunnel --timestamps --prefix --tail 500 --request-timeout 14s',
        'get service kubernetes -n default -o jsonpath={.spec.clusterIP} --request-timeout 14s',
      ]),
    );
    const helmCalls = (await k.helm!.calls()).map((c) => c.args.join(' '));
    expect(helmCalls).toEqual(expect.arrayContaining(['status mcp-tunnel -n mcp-tunnel -o json', 'get values mcp-tunnel -n mcp-tunnel -o json']));
    // Secrets: the key-name listing, and one Secret by name for its `tunnel-domain` key. helm answered, so no
    // release record was read. Nothing else was asked of the API server but reads.
    const secretReads = k.api.requests.filter((r) => r.path.includes('/secrets'));
    expect(secretReads.map((r) => r.path)).toEqual(['/api/v1/namespaces/mcp-tunnel/secrets', '/api/v1/namespaces/mcp-tunnel/secrets/mcp-tunnel']);
    expect(k.api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    // What reached this process: never the token, never a key's bytes.
    const seen = rec.calls.map((c) => c.stdout + c.stderr).join('\n');
    expect(seen).not.toContain('secret-value');
    expect(seen).not.toContain(Buffer.from('eyJhIjoiZmFrZSJ9-secret-value').toString('base64'));
    expect(JSON.stringify(s)).not.toContain('secret-value');
    expect(JSON.stringify(s)).not.toContain('not-a-real-token-but-secret');

    const report = analyze(s);
    const down = report.findings.find((f) => f.id === 'runtime.container-down')!;
    expect(down.title).toBe('mcp-proxy is crash-looping (CrashLoopBackOff)');
    expect(down.detail).toMatch(/not running in 1 of 2 pod\(s\)/);
    expect(down.evidence.flatMap((e) => e.seenIn ?? [])).toContain('mcp-tunnel-6b7f9c8d4-4xk2p');
    expect(down.evidence.some((e) => e.text.includes('cannot unmarshal'))).toBe(true);
    const job = report.findings.find((f) => f.id === 'setup.job-left-behind')!;
    expect(job.title).toBe('A failed mcp-tunnel-setup Job blocks a retry');
    expect(job.evidence.map((e) => e.source)).toEqual(['kubectl get jobs', 'helm status', 'logs/setup']);
    expect(report.findings.filter((f) => f.id === 'runtime.tool-missing')).toEqual([]);
  });

  it('a healthy release, three replicas, certificates in the chart\'s Secret: no problem found, nothing skipped for lack of data', async () => {
    const { setupPki, privateKeyPem, DOMAIN } = await import('../helpers/certs.js');
    const pki = await setupPki();
    const names = ['mcp-tunnel-6b7f9c8d4-4xk2p', 'mcp-tunnel-6b7f9c8d4-9qz7m', 'mcp-tunnel-6b7f9c8d4-t5w8r'];
    const healthy: KubeSpec = {
      ...TWO_REPLICAS,
      helmStatus: 'deployed',
      jobs: [],
      pods: names.map((name, i) => ({ name, ip: `127.0.0.${21 + i}`, containers: [{ name: 'mcp-proxy', state: 'running' as const }, { name: 'cloudflared', state: 'running' as const }] })),
      secrets: { 'mcp-tunnel': { 'tls.crt': pki.serverPem, 'tls.key': privateKeyPem(pki.serverKey.privateKey), 'ca.crt': pki.caPem, 'tunnel-domain': DOMAIN, 'tunnel-token': 'eyJhIjoiZmFrZSJ9-secret-value' } },
      tlsMount: { secret: 'mcp-tunnel' },
      logs: Object.fromEntries(names.map((name, i) => [name, {
        'mcp-proxy': ['level=INFO msg="route configured" route=mcp'],
        cloudflared: [0, 1, 2, 3].map((c) => `INF Registered tunnel connection connIndex=${c} connection=${i}${c} event=0 ip=198.41.192.${c + 1} location=fra0${c + 1} protocol=quic`),
      }])),
      setupLog: [],
    };
    const k = await cluster(healthy);
    const s = await gatherSnapshot(options(await folder(), { kube: true }), undefined, { env: k.env });
    expect(s.state.kube!.pods!.map((p) => p.name)).toEqual(names);
    expect(s.logs.cloudflared!.text.match(/Registered tunnel connection/g)).toHaveLength(12);
    expect(new Set(s.logs['mcp-proxy']!.text.match(/\[pod\/[^/]+\//g))).toEqual(new Set(names.map((n) => `[pod/${n}/`)));
    const report = analyze(s);
    expect(report.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.id}: ${f.title}`)).toEqual([]);
    for (const id of ['tls.cert-san', 'tls.cert-chain', 'tls.key-pair', 'runtime.container-down', 'setup.job-left-behind', 'routing.service-cidr']) {
      expect(report.checks.find((c) => c.id === id)!.status, id).toBe('ok');
    }
  });

  it('passes --context and --kube-context when one is named, and honours a release in another namespace', async () => {
    const dir = await folder();
    const spec: KubeSpec = { ...TWO_REPLICAS, namespace: 'tunnels', release: 'edge', context: 'prod-eu' };
    const k = await cluster(spec);
    const rec = recordingExec();
    const s = await gatherSnapshot(options(dir, { namespace: 'tunnels', release: 'edge', context: 'prod-eu' }), undefined, { env: k.env, exec: rec.exec });
    expect(s.deployment).toMatchObject({ kind: 'helm', release: 'edge', namespace: 'tunnels', context: 'prod-eu' });
    expect(s.state.kube!.pods).toHaveLength(2);
    for (const c of rec.calls.filter((x) => x.argv[0] === 'kubectl')) expect(c.argv.slice(-2), c.argv.join(' ')).toEqual(['--context', 'prod-eu']);
    const helmCalls = await k.helm!.calls();
    for (const c of helmCalls.filter((x) => x.args[0] !== 'version' && x.args[0] !== 'search')) expect(c.args.slice(-2), c.args.join(' ')).toEqual(['--kube-context', 'prod-eu']);
    expect(rec.calls.some((c) => c.argv.includes('config'))).toBe(false); // the named context is used, not looked up
    expect(kubectlLines(rec.calls)).toContain('logs job/edge-mcp-tunnel-setup -n tunnels --timestamps --prefix --tail 2000 --request-timeout 14s --context prod-eu');
    expect(k.api.requests.some((r) => r.path === '/apis/batch/v1/namespaces/tunnels/jobs/edge-mcp-tunnel-setup')).toBe(true);
  });

  it('a local Helm repository that serves the deployed chart becomes helm upgrade\'s chart reference', async () => {
    const dir = await folder({ 'values.yaml': 'gateway:\n  config:\n    routes:\n      mcp: http://mcp-server:8080\n' });
    const k = await cluster({ ...TWO_REPLICAS, helmStatus: 'deployed', jobs: [], chartRepo: 'anthropic' });
    const s = await gatherSnapshot(options(dir, { kube: true }), undefined, { env: k.env });
    expect(s.state.kube!.helm!.repoChart).toBe('anthropic/mcp-tunnel');
    expect((await k.helm!.calls()).map((c) => c.args.join(' '))).toContain('search repo mcp-tunnel --versions -o json');
    const plan = planFix('helm-upgrade', s)!;
    expect(plan.steps[0]).toMatchObject({ kind: 'command', argv: ['helm', 'upgrade', 'mcp-tunnel', 'anthropic/mcp-tunnel', '-n', 'mcp-tunnel', '--version', '2.1.0', '-f', `${dir}/values.yaml`, '--kube-context', 'kind-tunnel'] });
  });

  it('without a Compose file, finds the documented release with helm status', async () => {
    const dir = await folder();
    const k = await cluster({ ...TWO_REPLICAS, helmStatus: 'deployed', jobs: [] });
    const s = await gatherSnapshot(options(dir), undefined, { env: k.env });
    expect(s.deployment.kind).toBe('helm');
    expect(s.deployment.how).toMatch(/found with `helm status mcp-tunnel -n mcp-tunnel`/);
    expect((await k.helm!.calls()).filter((c) => c.args[0] === 'status')).toHaveLength(1);
  });

  it('no release: nothing more is asked, and it is a note, not a finding', async () => {
    const dir = await folder();
    const k = await cluster(TWO_REPLICAS, { helm: [{ tool: 'helm', args: ['status'], match: 'prefix', ...toolError('helm-release-not-found') }, { tool: 'helm', args: ['version', '--short'], stdout: 'v3.16.3\n' }] });
    const s = await gatherSnapshot(options(dir), undefined, { env: k.env });
    expect(s.deployment.kind).toBe('unknown');
    expect(s.deployment.how).toBe(`no Compose file in ${dir}, and no Helm release found (no release mcp-tunnel in namespace mcp-tunnel)`);
    expect(k.api.requests.filter((r) => r.path.includes('/namespaces/'))).toEqual([]);
    expect(analyze(s).findings.filter((f) => f.id === 'runtime.tool-missing')).toEqual([]);
  });

  it('--kube and no release: the finding names the release, namespace and context and how to list releases', async () => {
    const dir = await folder();
    const k = await cluster({ ...TWO_REPLICAS, pods: [], jobs: [] }, { helm: [{ tool: 'helm', args: ['status'], match: 'prefix', ...toolError('helm-release-not-found') }, { tool: 'helm', args: ['get'], match: 'prefix', ...toolError('helm-release-not-found') }, { tool: 'helm', args: ['version', '--short'], stdout: 'v3.16.3\n' }] });
    const s = await gatherSnapshot(options(dir, { kube: true }), undefined, { env: k.env });
    const f = analyze(s).findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f.title).toBe('helm: release mcp-tunnel not found in namespace mcp-tunnel');
    expect(f.detail).toMatch(/\(context kind-tunnel\)\. List the releases with `helm list -A`, then pass --release and --namespace/);
  });

  it('a namespace that is not a DNS-1123 name never reaches kubectl or helm', async () => {
    const dir = await folder();
    const k = await cluster(TWO_REPLICAS);
    const rec = recordingExec();
    const s = await gatherSnapshot(options(dir, { namespace: 'x --all-namespaces' }), undefined, { env: k.env, exec: rec.exec });
    expect(rec.calls).toEqual([]);
    expect(k.api.requests).toEqual([]);
    expect(s.notes.join('\n')).toMatch(/Kubernetes was not examined: "x --all-namespaces" is not a DNS-1123 label/);
  });
});
