// The cleanup after a failed install (helm uninstall, kubectl delete job), planned from a real gather and run
// for real: kubectl against the API server harness (the Job and its pod are really gone afterwards), helm as
// the stand-in (there is no helm binary here). Then verify gathers again and finds the Job gone.
import { describe, expect, it, afterEach } from 'vitest';
import { gatherSnapshot } from '../../src/gather/index.js';
import { analyze } from '../../src/analyze/index.js';
import { planFix, fixById } from '../../src/fixes/registry.js';
import { applyPlan } from '../../src/fixes/apply.js';
import { verifyFix } from '../../src/fixes/verify.js';
import { defaultOptions } from '../../src/options.js';
import { helmRules, toolError, type KubeSpec } from '../helpers/deployment-scenarios.js';
import { tempDir } from '../helpers/cli.js';
import { haveRealKubectl } from '../helpers/kube-api.js';
import { startKubeScenario } from '../helpers/kube-scenario.js';
import type { Rule } from '../helpers/stand-ins.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const FAILED: KubeSpec = {
  namespace: 'mcp-tunnel',
  release: 'mcp-tunnel',
  context: 'kind-tunnel',
  helmStatus: 'failed',
  history: [],
  pods: [],
  jobs: [{ name: 'mcp-tunnel-setup', failed: true, hook: 'pre-install' }],
  setupLog: ['level=ERROR msg="token exchange failed" status=400 error=invalid_grant'],
};

describe.skipIf(!haveRealKubectl)('helm-cleanup against the API server, real kubectl', { timeout: 120_000 }, () => {
  it('plans both steps, runs them, the Job and its pod are gone, and verify says fixed', async () => {
    const isStatus = (r: Rule) => r.args?.[0] === 'status';
    // helm answers "failed" until it has uninstalled the release, then "not found".
    const helm: Rule[] = [
      { tool: 'helm', args: ['uninstall', 'mcp-tunnel', '-n', 'mcp-tunnel'], match: 'prefix', stdout: 'release "mcp-tunnel" uninstalled\n' },
      ...helmRules(FAILED).map((r) => (isStatus(r) ? { ...r, once: true } : r)),
      { tool: 'helm', args: ['status'], match: 'prefix', ...toolError('helm-release-not-found') },
    ];
    const k = await startKubeScenario(FAILED, { helm });
    cleanups.push(k.cleanup);
    const t = await tempDir('mtt-cleanup-');
    cleanups.push(t.cleanup);
    const opts = defaultOptions({ dir: t.dir, network: false, timeoutMs: 15_000, kube: true });
    const s = await gatherSnapshot(opts, undefined, { env: k.env });
    const finding = analyze(s).findings.find((f) => f.id === 'setup.job-left-behind')!;
    expect(finding.title).toBe('A failed mcp-tunnel-setup Job blocks a retry');

    const plan = planFix('helm-cleanup', s, finding.data)!;
    expect(plan.confirmWord).toBe('mcp-tunnel');
    expect(plan.steps.map((x) => (x.kind === 'command' ? x.argv.join(' ') : x.kind))).toEqual([
      'helm uninstall mcp-tunnel -n mcp-tunnel --kube-context kind-tunnel',
      'kubectl --context kind-tunnel -n mcp-tunnel delete job mcp-tunnel-setup',
    ]);
    expect(k.api.find('Job', 'mcp-tunnel', 'mcp-tunnel-setup')).toBeDefined();

    const ctx = { snapshot: s, dir: t.dir, demo: false, timeoutMs: 15_000, env: k.env, options: opts };
    const outcome = await applyPlan(plan, ctx);
    expect(outcome.ok, outcome.message).toBe(true);
    expect(outcome.steps.map((x) => x.status)).toEqual(['done', 'done']);
    // What the real kubectl printed, and what the API server saw: a DELETE with background propagation.
    expect(outcome.steps[1]!.output).toContain('job.batch "mcp-tunnel-setup" deleted');
    const del = k.api.requests.find((r) => r.method === 'DELETE')!;
    expect(del.path).toBe('/apis/batch/v1/namespaces/mcp-tunnel/jobs/mcp-tunnel-setup');
    expect(JSON.parse(del.body!.toString('utf8'))).toEqual({ propagationPolicy: 'Background' });
    expect(k.api.find('Job', 'mcp-tunnel', 'mcp-tunnel-setup')).toBeUndefined();
    expect(k.api.find('Pod', 'mcp-tunnel', 'mcp-tunnel-setup-x7k2p')).toBeUndefined();
    expect((await k.helm!.calls()).map((c) => c.args.join(' '))).toContain('uninstall mcp-tunnel -n mcp-tunnel --kube-context kind-tunnel');

    const verified = await verifyFix(fixById('helm-cleanup')!, ctx, finding.data);
    expect(verified.status, verified.detail).toBe('fixed');
  });

  it('without helm: the release is read from its Secret, the Job is still deleted with kubectl, the uninstall is said', async () => {
    const k = await startKubeScenario(FAILED, { helm: false });
    cleanups.push(k.cleanup);
    const t = await tempDir('mtt-cleanup-');
    cleanups.push(t.cleanup);
    const s = await gatherSnapshot(defaultOptions({ dir: t.dir, network: false, timeoutMs: 15_000, kube: true }), undefined, { env: k.env });
    expect(s.state.kube!.helm).toMatchObject({ status: 'failed', source: 'secret' });
    const finding = analyze(s).findings.find((f) => f.id === 'setup.job-left-behind')!;
    const plan = planFix('helm-cleanup', s, finding.data)!;
    expect(plan.steps[0]).toMatchObject({ kind: 'manual', text: expect.stringMatching(/^helm is not on PATH here \(the release was read from its Secret\): install helm 3 and run `helm uninstall mcp-tunnel -n mcp-tunnel --kube-context kind-tunnel`/) });
    const outcome = await applyPlan(plan, { snapshot: s, dir: t.dir, demo: false, timeoutMs: 15_000, env: k.env });
    expect(outcome.ok, outcome.message).toBe(true);
    expect(k.api.find('Job', 'mcp-tunnel', 'mcp-tunnel-setup')).toBeUndefined();
  });
});
