// The cluster's Service range outside RFC1918, with the real kubectl: from networking.k8s.io ServiceCIDR
// objects (1.33), from the API server's refusal of a server-side dry-run Service (1.32, no ServiceCIDR API;
// nothing is created), and, when neither answers, the observed range with a warning. The fix writes the range.
import { describe, expect, it, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gatherSnapshot } from '../../src/gather/index.js';
import { analyze } from '../../src/analyze/index.js';
import { planFix } from '../../src/fixes/registry.js';
import { defaultOptions } from '../../src/options.js';
import { parseRangeRefusal, parseServiceCIDRs } from '../../src/gather/kube-range.js';
import { toolError, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { tempDir } from '../helpers/cli.js';
import { haveRealKubectl, kubectlFollowsServer } from '../helpers/kube-api.js';
import { startKubeScenario, TWO_REPLICAS, type KubeScenarioOptions } from '../helpers/kube-scenario.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const VALUES = 'gateway:\n  config:\n    listen_addr: ":8080"\n    routes:\n      mcp: http://mcp-server.mcp-tunnel.svc:8080\n';

/** A GKE-style cluster: Services at 34.118.224.0/20. */
const PUBLIC: KubeSpec = {
  ...TWO_REPLICAS,
  helmStatus: 'deployed',
  jobs: [],
  kubernetesServiceIP: '34.118.224.1',
  services: { 'mcp-server': '34.118.230.17' },
};

async function gather(o: KubeScenarioOptions) {
  const k = await startKubeScenario(PUBLIC, o);
  cleanups.push(k.cleanup);
  const t = await tempDir('mtt-kube-range-');
  cleanups.push(t.cleanup);
  await writeFile(join(t.dir, 'values.yaml'), VALUES);
  const s = await gatherSnapshot(defaultOptions({ dir: t.dir, network: false, timeoutMs: 15_000, kube: true }), undefined, { env: k.env });
  return { k, s, report: analyze(s) };
}

describe.skipIf(!haveRealKubectl)('the Service range, real kubectl', { timeout: 120_000 }, () => {
  it('1.33: the ServiceCIDR objects give the range; no dry run is made', async () => {
    const { k, s, report } = await gather({ api: { version: '1.33', serviceCIDR: '34.118.224.0/20', serviceCIDRObjects: 'v1' } });
    expect(s.state.kube!.serviceCIDR).toEqual({ cidrs: ['34.118.224.0/20'], source: 'servicecidr', how: '`kubectl get servicecidrs` (networking.k8s.io ServiceCIDR objects)' });
    if (kubectlFollowsServer) expect(s.state.tools?.kubectl?.version).toMatch(/^v1\.33\./);
    expect(k.api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    const f = report.findings.find((x) => x.id === 'routing.service-cidr-public')!;
    expect(f.detail).toBe('The cluster\'s Service range 34.118.224.0/20 (from `kubectl get servicecidrs` (networking.k8s.io ServiceCIDR objects)) lies outside the private ranges and `upstream.allowed_ips` does not cover it, so upstreams addressed as Services (the `kubernetes` service has clusterIP 34.118.224.1) fail IP validation. Add 34.118.224.0/20 to `upstream.allowed_ips`.');
    const plan = planFix('allow-upstream-cidr', s, f.data)!;
    const edit = plan.steps.find((x) => x.kind === 'edit')!;
    expect(edit.kind === 'edit' && edit.after).toContain('- 34.118.224.0/20 # the cluster\'s Service range (from `kubectl get servicecidrs` (networking.k8s.io ServiceCIDR objects))');
  });

  it('1.32: the API server\'s refusal of a dry-run Service gives it; nothing is created, and the report says a dry run was made', async () => {
    const { k, s, report } = await gather({ api: { version: '1.32', serviceCIDR: '34.118.224.0/20' } });
    expect(s.state.kube!.serviceCIDR).toEqual({ cidrs: ['34.118.224.0/20'], source: 'dry-run', how: 'the API server\'s refusal of a dry-run Service with clusterIP 203.0.113.1' });
    const posts = k.api.requests.filter((r) => r.method !== 'GET');
    expect(posts.map((r) => `${r.method} ${r.path} dryRun=${r.query.dryRun}`)).toEqual(['POST /api/v1/namespaces/mcp-tunnel/services dryRun=All']);
    expect(k.api.objects.some((o) => o.metadata.name === 'mcp-tunnel-triage-range-probe')).toBe(false);
    expect(s.notes.join('\n')).toMatch(/Service range: a server-side dry run of a Service with clusterIP 203\.0\.113\.1 was sent to learn the cluster's range \(`kubectl create service clusterip mcp-tunnel-triage-range-probe --clusterip=203\.0\.113\.1 --tcp=80:80 --dry-run=server -n mcp-tunnel -o name .*`\); a dry run creates nothing/);
    expect(s.state.tools?.kubectl?.problem).toBeUndefined(); // the refusal is the answer, not a failure
    const f = report.findings.find((x) => x.id === 'routing.service-cidr-public')!;
    expect(f.evidence[0]).toMatchObject({ source: 'kubectl create service --dry-run=server', text: 'Service range 34.118.224.0/20' });
    const plan = planFix('allow-upstream-cidr', s, f.data)!;
    const edit = plan.steps.find((x) => x.kind === 'edit')!;
    expect(edit.kind === 'edit' && edit.after).toMatch(/- 34\.118\.224\.0\/20 # the cluster's Service range/);
    expect(edit.kind === 'edit' && edit.after, edit.kind === 'edit' ? edit.after : '').not.toMatch(/34\.118\.224\.0\/21|\/32/);
  });

  it('neither answers (may not create Services): the Service IPs seen, and a warning that names the risk', async () => {
    const { s, report } = await gather({ api: { version: '1.32', serviceCIDR: '34.118.224.0/20', forbid: [{ resource: 'services', verb: 'create' }] } });
    expect(s.state.kube!.serviceCIDR).toBeUndefined();
    expect(s.notes.join('\n')).toMatch(/Service range: not learnt \(no ServiceCIDR API; the dry run said: error: failed to create ClusterIP service: services is forbidden: User .* cannot create resource "services"/);
    const f = report.findings.find((x) => x.id === 'routing.service-cidr-public')!;
    expect(f.severity).toBe('warning');
    expect(f.detail).toMatch(/so 34\.118\.224\.0\/21 covers only the Service IPs seen: a Service created later outside it will still be refused/);
    const plan = planFix('allow-upstream-cidr', s, f.data)!;
    const edit = plan.steps.find((x) => x.kind === 'edit')!;
    expect(edit.kind === 'edit' && edit.after).toContain('- 34.118.224.0/21 # the Kubernetes Service IPs seen (the cluster\'s Service range could not be read and may be wider)');
  });
});

describe('reading the range (pure)', () => {
  it('from the refusal, in each wording the API server has used', () => {
    expect(parseRangeRefusal(toolError('kubectl-dry-run-range').stderr!)).toEqual(['10.96.0.0/12']);
    expect(parseRangeRefusal('The Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"1.1.1.1"}: failed to allocate IP 1.1.1.1: provided IP is not in the valid range. The range of valid IPs is 10.43.0.0/16')).toEqual(['10.43.0.0/16']);
    // The ServiceCIDR allocator lists every range, space-separated (with a trailing space).
    expect(parseRangeRefusal('... the provided IP (203.0.113.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12 fd00:10:96::/112 ')).toEqual(['10.96.0.0/12', 'fd00:10:96::/112']);
    expect(parseRangeRefusal('Error from server (Forbidden): services is forbidden')).toEqual([]);
  });

  it('from ServiceCIDR objects', () => {
    expect(parseServiceCIDRs(JSON.stringify({ items: [{ spec: { cidrs: ['10.96.0.0/12', 'fd00::/108'] } }, { spec: { cidrs: ['34.118.224.0/20', 'junk'] } }] }))).toEqual(['10.96.0.0/12', 'fd00::/108', '34.118.224.0/20']);
    expect(parseServiceCIDRs('not json')).toEqual([]);
  });
});
