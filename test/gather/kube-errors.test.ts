// The real error paths of a Helm gather, with the real kubectl: an API server that refuses connections, one
// that never answers, 401, 403, a server certificate the kubeconfig's CA does not vouch for, a namespace that
// does not exist. What kubectl printed is compared with the recording in
// test/stand-ins/scenarios/recorded/errors.json (the texts tool-errors.ts classifies), ports aside.
import { describe, expect, it } from 'vitest';
import { gatherSnapshot } from '../../src/gather/index.js';
import { analyze } from '../../src/analyze/index.js';
import { defaultOptions, type TriageOptions } from '../../src/options.js';
import { toolError, type ErrorName } from '../helpers/deployment-scenarios.js';
import { apiPki, haveRealKubectl } from '../helpers/kube-api.js';
import { closedPort, kubeTestKit, TWO_REPLICAS, type KubeScenario } from '../helpers/kube-scenario.js';
import { recordingExec, type Recorded } from '../helpers/recording-exec.js';

const { cluster, folder } = kubeTestKit();

async function run(k: KubeScenario, over: Partial<TriageOptions> = {}) {
  const rec = recordingExec();
  const s = await gatherSnapshot(defaultOptions({ dir: await folder(), network: false, timeoutMs: 15_000, kube: true, ...over }), undefined, { env: k.env, exec: rec.exec });
  return { s, rec, report: analyze(s) };
}

/** kubectl's own last line, the port made neutral. */
const lastLine = (text: string) => text.trim().split('\n').pop()!.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
const recordedLast = (name: ErrorName) => lastLine(toolError(name).stderr ?? '');
const kubectlCalls = (calls: Recorded[]) => calls.filter((c) => c.argv[0] === 'kubectl' && c.argv[1] !== 'config');

describe.skipIf(!haveRealKubectl)('Helm gather error paths, real kubectl', { timeout: 120_000 }, () => {
  it('connection refused: one call, cluster unreachable, nothing else asked', async () => {
    const port = await closedPort();
    const k = await cluster(TWO_REPLICAS, { kubeconfig: { server: `https://127.0.0.1:${port}` } });
    const { s, rec, report } = await run(k);
    const calls = kubectlCalls(rec.calls);
    expect(calls.map((c) => c.argv.slice(1, 3).join(' '))).toEqual(['version -o']);
    expect(lastLine(calls[0]!.stderr)).toBe(recordedLast('kubectl-refused-loopback'));
    expect(s.state.tools?.kubectl).toMatchObject({ present: true, problem: 'cluster-unreachable', message: `The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?` });
    expect(s.state.tools?.kubectl?.version).toMatch(/^v1\.\d+\.\d+/); // the client answered for itself
    const f = report.findings.filter((x) => x.id === 'runtime.tool-missing');
    expect(f.map((x) => x.title)).toEqual(['kubectl: the Kubernetes cluster cannot be reached']);
    expect(f[0]!.detail).toMatch(/cluster of kube context kind-tunnel cannot be reached/);
    expect(report.checks.find((c) => c.id === 'setup.job-left-behind')!.status).toBe('skipped');
  });

  it('a server that never answers: kubectl gives up on its own (--request-timeout) before it is killed', async () => {
    const k = await cluster(TWO_REPLICAS, { api: { mode: 'hang' } });
    const { s, rec, report } = await run(k, { timeoutMs: 8_000 });
    const calls = kubectlCalls(rec.calls);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.argv).toEqual(['kubectl', 'version', '-o', 'json', '--request-timeout', '2s']);
    // kubectl words the same dead server three ways, from run to run.
    expect([recordedLast('kubectl-deadline'), recordedLast('kubectl-deadline-awaiting-headers'), recordedLast('kubectl-deadline-client-timeout')]).toContain(lastLine(calls[0]!.stderr));
    expect(s.state.tools?.kubectl).toMatchObject({ problem: 'cluster-unreachable', message: lastLine(calls[0]!.stderr) });
    expect(s.state.commands!.some((c) => c.timedOut)).toBe(false);
    expect(report.findings.filter((x) => x.id === 'runtime.tool-missing').map((x) => x.title)).toEqual(['kubectl: the Kubernetes cluster cannot be reached']);
  });

  it('401: the credentials were not accepted (not "forbidden")', async () => {
    const k = await cluster(TWO_REPLICAS, { api: { mode: 'unauthorized' } });
    const { s, rec, report } = await run(k);
    const calls = kubectlCalls(rec.calls);
    expect(calls).toHaveLength(1);
    expect(lastLine(calls[0]!.stderr)).toBe(recordedLast('kubectl-unauthorized'));
    expect(s.state.tools?.kubectl).toMatchObject({ problem: 'unauthorized', message: 'error: You must be logged in to the server (the server has asked for the client to provide credentials)' });
    const f = report.findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f.title).toBe('kubectl: the API server rejected the credentials (401 Unauthorized)');
    expect(f.detail).toMatch(/did not accept these credentials .*Log in again/);
  });

  it('403 on pods: the rest is gathered, and the finding quotes the API server', async () => {
    const k = await cluster(TWO_REPLICAS, { api: { forbid: [{ resource: 'pods', verb: 'list' }] } });
    const { s, rec, report } = await run(k);
    const pods = kubectlCalls(rec.calls).find((c) => c.argv[1] === 'get' && c.argv[2] === 'pods')!;
    expect(pods.exitCode).toBe(1);
    expect(lastLine(pods.stderr)).toBe(recordedLast('kubectl-forbidden'));
    expect(s.state.tools?.kubectl).toMatchObject({ problem: 'forbidden', message: 'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:ci:reader" cannot list resource "pods" in API group "" in the namespace "mcp-tunnel"' });
    expect(s.state.kube?.pods).toBeUndefined();
    expect(s.state.kube?.jobs).toHaveLength(1);
    const f = report.findings.find((x) => x.id === 'runtime.tool-missing')!;
    expect(f.title).toBe('kubectl: access forbidden');
    expect(f.detail).toMatch(/may not read it in namespace mcp-tunnel/);
    expect(report.checks.find((c) => c.id === 'runtime.container-down')!.status).toBe('skipped');
    expect(report.findings.some((x) => x.id === 'setup.job-left-behind')).toBe(true);
  });

  it('a server certificate the kubeconfig\'s CA did not sign: unreachable, with x509 in the message', async () => {
    const pki = await apiPki();
    const k = await cluster(TWO_REPLICAS, { kubeconfig: { caPem: pki.otherCaPem } });
    const { s, rec } = await run(k);
    const calls = kubectlCalls(rec.calls);
    expect(calls).toHaveLength(1);
    // Go 1.20+ says `tls: failed to verify certificate: x509: ...`; kubectl 1.20 (Go 1.19) says `x509: ...`.
    expect([recordedLast('kubectl-unknown-authority'), recordedLast('kubectl-1.20-unknown-authority')]).toContain(lastLine(calls[0]!.stderr));
    expect(s.state.tools?.kubectl).toMatchObject({ problem: 'cluster-unreachable', message: lastLine(calls[0]!.stderr) });
    expect(k.api.requests).toEqual([]); // the handshake failed: no request reached the server
  });

  it('a namespace that does not exist: named as such, helm\'s "release: not found" folded into it, no logs asked', async () => {
    const k = await cluster(TWO_REPLICAS, { helm: [{ tool: 'helm', args: ['version', '--short'], stdout: 'v3.16.3\n' }, { tool: 'helm', args: [], match: 'prefix', ...toolError('helm-release-not-found') }] });
    const { s, rec, report } = await run(k, { namespace: 'nope' });
    const ns = kubectlCalls(rec.calls).find((c) => c.argv[2] === 'namespace')!;
    expect(lastLine(ns.stderr)).toBe(recordedLast('kubectl-namespace-not-found'));
    expect(s.state.kube?.namespaceMissing).toBe(true);
    expect(s.state.tools?.kubectl).toMatchObject({ problem: 'namespace-not-found', message: 'Error from server (NotFound): namespaces "nope" not found' });
    expect(s.state.tools?.helm?.problem).toBeUndefined();
    expect(kubectlCalls(rec.calls).filter((c) => c.argv[1] === 'logs' && c.argv[2] !== 'job/mcp-tunnel-setup')).toEqual([]);
    const f = report.findings.filter((x) => x.id === 'runtime.tool-missing');
    expect(f.map((x) => x.title)).toEqual(['kubectl: namespace nope does not exist']);
    expect(f[0]!.detail).toMatch(/there is no namespace nope in kube context kind-tunnel/);
  });

  it('credentials that may not get namespaces: no verdict on the namespace, the gather goes on', async () => {
    const k = await cluster(TWO_REPLICAS, { api: { forbid: [{ resource: 'namespaces' }] } });
    const { s, report } = await run(k);
    expect(s.state.kube?.namespaceMissing).toBeUndefined();
    expect(s.state.tools?.kubectl?.problem).toBeUndefined();
    expect(s.state.kube?.pods).toHaveLength(2);
    expect(report.findings.filter((x) => x.id === 'runtime.tool-missing')).toEqual([]);
  });
});
