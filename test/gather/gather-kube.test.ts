import { describe, expect, it, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gatherSnapshot } from '../../src/gather/index.js';
import { analyze } from '../../src/analyze/index.js';
import { defaultOptions, type TriageOptions } from '../../src/options.js';
import { makeScenario, type Rule, type Scenario, type StandInTool } from '../helpers/stand-ins.js';
import { kubeRules, toolError, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { tempDir } from '../helpers/cli.js';
import { mutatingCalls } from '../helpers/mutating.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function folder(files: Record<string, string> = {}): Promise<string> {
  const t = await tempDir('mtt-kube-');
  cleanups.push(t.cleanup);
  for (const [name, text] of Object.entries(files)) await writeFile(join(t.dir, name), text);
  return t.dir;
}

async function scenario(rules: Rule[], tools?: StandInTool[]): Promise<Scenario> {
  const sc = await makeScenario(rules, tools ? { tools } : {});
  cleanups.push(sc.cleanup);
  return sc;
}

const options = (dir: string, over: Partial<TriageOptions> = {}) => defaultOptions({ dir, network: false, timeoutMs: 10_000, ...over });

const TWO_REPLICAS: KubeSpec = {
  namespace: 'mcp-tunnel',
  release: 'mcp-tunnel',
  context: 'kind-tunnel',
  pods: [
    { name: 'mcp-tunnel-6b7f9c8d4-4xk2p', ip: '127.0.0.21', containers: [{ name: 'mcp-proxy', state: 'crashloop', restartCount: 7, exitCode: 1 }, { name: 'cloudflared', state: 'running' }] },
    { name: 'mcp-tunnel-6b7f9c8d4-9qz7m', ip: '127.0.0.22', containers: [{ name: 'mcp-proxy', state: 'running', restartCount: 2 }, { name: 'cloudflared', state: 'running' }] },
  ],
  jobs: [{ name: 'mcp-tunnel-setup', failed: true, hook: 'pre-install' }],
  helmStatus: 'failed',
  values: { api: { wif: { audience: 'https://api.anthropic.com', federationRuleId: 'fdrl_01' } }, tunnel: { token: 'not-a-real-token-but-secret' } },
  secrets: { 'mcp-tunnel': { 'tunnel-domain': 'abcd1234.tunnel.anthropic.com', 'tunnel-token': 'eyJhIjoiZmFrZSJ9-secret-value', 'tls.key': 'KEYDATA' } },
  configMaps: { 'mcp-tunnel': { 'config.yaml': 'listen_addr: ":8080"\nroutes:\n  mcp: http://mcp-server:8080\n' } },
  logs: {
    'mcp-tunnel-6b7f9c8d4-4xk2p': { 'mcp-proxy': ['level=ERROR msg="load config" err="cannot unmarshal !!seq into map[string]string"'], cloudflared: ['INF Registered tunnel connection connIndex=0 protocol=quic'] },
    'mcp-tunnel-6b7f9c8d4-9qz7m': { 'mcp-proxy': ['level=INFO msg="route configured" route=mcp'], cloudflared: ['INF Registered tunnel connection connIndex=1 protocol=quic'] },
  },
  setupLog: ['level=ERROR msg="token exchange failed" status=400 error=invalid_grant'],
};

describe('Helm / Kubernetes gathering', () => {
  it('with --kube: the release, every replica\'s logs with pod prefixes, the setup Job, Secret key names only', async () => {
    const dir = await folder();
    const sc = await scenario(kubeRules(TWO_REPLICAS));
    const s = await gatherSnapshot(options(dir, { kube: true, tail: 500 }), undefined, { env: sc.env });

    expect(s.deployment).toMatchObject({ kind: 'helm', release: 'mcp-tunnel', namespace: 'mcp-tunnel', context: 'kind-tunnel' });
    expect(s.deployment.how).toMatch(/^Helm release mcp-tunnel in namespace mcp-tunnel, named with --kube \(context kind-tunnel; KUBECONFIG \S+\)$/);
    const kube = s.state.kube!;
    expect(kube.helm).toMatchObject({ status: 'failed', chart: 'mcp-tunnel', version: '2.1.0', appVersion: '1.4.0', revision: 3 });
    expect(kube.pods!.map((p) => p.name)).toEqual(['mcp-tunnel-6b7f9c8d4-4xk2p', 'mcp-tunnel-6b7f9c8d4-9qz7m']);
    const crashing = kube.pods![0]!.containers.find((c) => c.name === 'mcp-proxy')!;
    expect(crashing).toMatchObject({ state: 'waiting', reason: 'CrashLoopBackOff', restartCount: 7, exitCode: 1, user: '65532:65532', pod: 'mcp-tunnel-6b7f9c8d4-4xk2p' });
    expect(kube.jobs![0]).toMatchObject({ name: 'mcp-tunnel-setup', failed: 1, hook: 'pre-install' });
    expect(kube.jobs![0]!.conditions).toContain('Failed (BackoffLimitExceeded) : Job has reached the specified backoff limit');
    expect(kube.secretKeys).toEqual({ 'mcp-tunnel': ['tls.key', 'tunnel-domain', 'tunnel-token'] });
    expect(kube.configMaps).toEqual({ 'mcp-tunnel': { 'config.yaml': 'listen_addr: ":8080"\nroutes:\n  mcp: http://mcp-server:8080\n' } });
    expect(kube.kubernetesServiceIP).toBe('127.0.0.40');
    expect(kube.services).toEqual({ 'mcp-server': { clusterIP: '127.0.0.30', namespace: 'mcp-tunnel' } });
    expect(kube.values).toEqual({ api: { wif: { audience: 'https://api.anthropic.com', federationRuleId: 'fdrl_01' } }, tunnel: { token: '[REDACTED]' } });
    expect(JSON.stringify(s)).not.toContain('secret-value');
    expect(JSON.stringify(s)).not.toContain('not-a-real-token-but-secret');

    // Both replicas' logs, each line naming its pod; the restarted one's previous instance too.
    expect(s.logs['mcp-proxy']!.text).toContain('[pod/mcp-tunnel-6b7f9c8d4-4xk2p/mcp-proxy] 2026-11-28T03:10:00');
    expect(s.logs['mcp-proxy']!.text).toContain('[pod/mcp-tunnel-6b7f9c8d4-9qz7m/mcp-proxy] ');
    expect(s.logs['mcp-proxy']!.text).toContain('(previous) level=INFO');
    expect(s.logs.cloudflared!.text.match(/Registered tunnel connection/g)).toHaveLength(2);
    expect(s.logs.setup!.text).toContain('[pod/mcp-tunnel-setup-x7k2p/setup]');

    const calls = (await sc.calls()).map((c) => [c.tool, ...c.args].join(' '));
    expect(calls).toEqual(
      expect.arrayContaining([
        'helm status mcp-tunnel -n mcp-tunnel -o json',
        'helm get values mcp-tunnel -n mcp-tunnel -o json',
        'kubectl get pods -n mcp-tunnel -o json',
        'kubectl logs mcp-tunnel-6b7f9c8d4-4xk2p -n mcp-tunnel -c mcp-proxy --timestamps --prefix --tail 500',
        'kubectl logs mcp-tunnel-6b7f9c8d4-9qz7m -n mcp-tunnel -c mcp-proxy --timestamps --prefix --tail 500 --previous',
        'kubectl logs mcp-tunnel-6b7f9c8d4-9qz7m -n mcp-tunnel -c cloudflared --timestamps --prefix --tail 500',
        'kubectl logs job/mcp-tunnel-setup -n mcp-tunnel --timestamps --prefix --tail 500',
        'kubectl get service kubernetes -n default -o jsonpath={.spec.clusterIP}',
      ]),
    );
    // The Secret is read only through the key-name template: never -o json / yaml, never one Secret's data.
    const secretCalls = (await sc.calls()).filter((c) => c.args.includes('secrets') || c.args.includes('secret'));
    expect(secretCalls).toHaveLength(1);
    expect(secretCalls[0]!.args[secretCalls[0]!.args.indexOf('-o') + 1]).toMatch(/^go-template=\{\{range \.items\}\}\{\{\.metadata\.name\}\}/);
    expect(mutatingCalls(await sc.calls())).toEqual([]);

    // What a later fix needs, and what the checks make of it.
    const report = analyze(s);
    const down = report.findings.find((f) => f.id === 'runtime.container-down')!;
    expect(down.title).toBe('mcp-proxy is crash-looping (CrashLoopBackOff)');
    expect(down.detail).toMatch(/not running in 1 of 2 pod\(s\)/);
    expect(down.evidence.flatMap((e) => e.seenIn ?? [])).toContain('mcp-tunnel-6b7f9c8d4-4xk2p');
    expect(down.evidence.some((e) => e.text.includes('cannot unmarshal'))).toBe(true);
    const job = report.findings.find((f) => f.id === 'setup.job-left-behind')!;
    expect(job.title).toBe('A failed mcp-tunnel-setup Job blocks a retry');
    expect(job.evidence.map((e) => e.source)).toEqual(['kubectl get jobs', 'helm status', 'logs/setup']);
  });

  it('passes --context and --kube-context when one is named, and honours a release in another namespace', async () => {
    const dir = await folder();
    const spec: KubeSpec = { ...TWO_REPLICAS, namespace: 'tunnels', release: 'edge', context: 'prod-eu' };
    const sc = await scenario(kubeRules(spec));
    const s = await gatherSnapshot(options(dir, { namespace: 'tunnels', release: 'edge', context: 'prod-eu' }), undefined, { env: sc.env });
    expect(s.deployment).toMatchObject({ kind: 'helm', release: 'edge', namespace: 'tunnels', context: 'prod-eu' });
    const calls = await sc.calls();
    for (const c of calls.filter((x) => x.tool === 'kubectl' && x.args[0] !== 'version')) expect(c.args.slice(-2), c.args.join(' ')).toEqual(['--context', 'prod-eu']);
    for (const c of calls.filter((x) => x.tool === 'helm' && x.args[0] !== 'version')) expect(c.args.slice(-2), c.args.join(' ')).toEqual(['--kube-context', 'prod-eu']);
    expect(calls.some((c) => c.args.includes('config'))).toBe(false); // the named context is used, not looked up
    expect(calls.map((c) => c.args.join(' '))).toContain('logs job/edge-mcp-tunnel-setup -n tunnels --timestamps --prefix --tail 2000 --context prod-eu');
  });

  it('without a Compose file, finds the documented release with helm status', async () => {
    const dir = await folder();
    const sc = await scenario(kubeRules({ ...TWO_REPLICAS, helmStatus: 'deployed', jobs: [] }));
    const s = await gatherSnapshot(options(dir), undefined, { env: sc.env });
    expect(s.deployment.kind).toBe('helm');
    expect(s.deployment.how).toMatch(/found with `helm status mcp-tunnel -n mcp-tunnel`/);
    expect((await sc.calls()).filter((c) => c.tool === 'helm' && c.args[0] === 'status')).toHaveLength(1);
  });

  it('no release: nothing more is asked, and it is a note, not a finding', async () => {
    const dir = await folder();
    const sc = await scenario([
      { tool: 'helm', args: ['status'], match: 'prefix', ...toolError('helm-release-not-found') },
      ...kubeRules(TWO_REPLICAS).filter((r) => !(r.tool === 'helm' && r.args?.[0] === 'status')),
    ]);
    const s = await gatherSnapshot(options(dir), undefined, { env: sc.env });
    expect(s.deployment.kind).toBe('unknown');
    expect(s.deployment.how).toBe(`no Compose file in ${dir}, and no Helm release found (no release mcp-tunnel in namespace mcp-tunnel)`);
    expect((await sc.calls()).filter((c) => c.args[0] === 'get' || c.args[0] === 'logs')).toEqual([]);
    expect(analyze(s).findings.filter((f) => f.id === 'runtime.tool-missing')).toEqual([]);
  });

  it('--kube and no release: the finding names the release, namespace and context and how to list releases', async () => {
    const dir = await folder();
    const sc = await scenario([{ tool: 'helm', args: ['status'], match: 'prefix', ...toolError('helm-release-not-found') }, ...kubeRules({ ...TWO_REPLICAS, pods: [], jobs: [] })]);
    const s = await gatherSnapshot(options(dir, { kube: true }), undefined, { env: sc.env });
    const f = analyze(s).findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f.title).toBe('helm: release mcp-tunnel not found in namespace mcp-tunnel');
    expect(f.detail).toMatch(/\(context kind-tunnel\)\. List the releases with `helm list -A`, then pass --release and --namespace/);
  });

  it('an unreachable cluster and forbidden access are named, with what to do', async () => {
    const dir = await folder();
    const sc = await scenario([
      { tool: 'kubectl', args: ['config', 'current-context'], ...toolError('kubectl-no-current-context') },
      { tool: 'kubectl', args: ['version'], match: 'prefix', stdout: '{"clientVersion":{"gitVersion":"v1.32.4"}}\n' },
      { tool: 'helm', args: ['version', '--short'], stdout: 'v3.16.3\n' },
      { tool: 'kubectl', args: [], match: 'prefix', ...toolError('kubectl-localhost-refused') },
      { tool: 'helm', args: [], match: 'prefix', ...toolError('helm-cluster-unreachable') },
    ]);
    const s = await gatherSnapshot(options(dir, { kube: true }), undefined, { env: sc.env });
    const findings = analyze(s).findings.filter((f) => f.id === 'runtime.tool-missing');
    expect(findings.map((f) => f.title).sort()).toEqual(['helm: the Kubernetes cluster cannot be reached', 'kubectl: the Kubernetes cluster cannot be reached']);
    const k = findings.find((f) => f.title.startsWith('kubectl'))!;
    expect(k.detail).toMatch(/^kubectl answered `The connection to the server localhost:8080 was refused - did you specify the right host or port\?`/);
    expect(k.detail).toMatch(/KUBECONFIG and your VPN or credentials, or pass --context/);
    expect(analyze(s).checks.find((c) => c.id === 'setup.job-left-behind')!.status).toBe('skipped');

    const sc2 = await scenario([{ tool: 'kubectl', args: ['get', 'pods'], match: 'prefix', ...toolError('kubectl-forbidden') }, ...kubeRules(TWO_REPLICAS)]);
    const s2 = await gatherSnapshot(options(dir, { kube: true }), undefined, { env: sc2.env });
    const f = analyze(s2).findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f.title).toBe('kubectl: access forbidden');
    expect(f.detail).toMatch(/may not read it in namespace mcp-tunnel/);
  });

  it('a namespace that is not a DNS-1123 name never reaches kubectl or helm', async () => {
    const dir = await folder();
    const sc = await scenario(kubeRules(TWO_REPLICAS));
    const s = await gatherSnapshot(options(dir, { namespace: 'x --all-namespaces' }), undefined, { env: sc.env });
    expect(await sc.calls()).toEqual([]);
    expect(s.notes.join('\n')).toMatch(/Kubernetes was not examined: "x --all-namespaces" is not a DNS-1123 label/);
  });
});
