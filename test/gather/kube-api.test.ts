// The API server harness (test/helpers/kube-api.ts) answers the real kubectl for everything the product and
// its fixes run, and more that an operator would: discovery, lists and gets, logs of a Job and of a
// Deployment (all containers, previous instances), `auth can-i` (a protobuf SelfSubjectAccessReview),
// `rollout restart` (a strategic merge patch), `delete job` (gone, with its pod), `describe` (events).
// Against each kubectl copy the gcloud dispatcher holds, chosen by the server's version.
import { describe, expect, it, afterEach } from 'vitest';
import { execa } from 'execa';
import { gatherSnapshot } from '../../src/gather/index.js';
import { defaultOptions } from '../../src/options.js';
import { tempDir } from '../helpers/cli.js';
import { haveRealKubectl, kubectlFollowsServer } from '../helpers/kube-api.js';
import { startKubeScenario, TWO_REPLICAS, type KubeScenario, type KubeScenarioOptions } from '../helpers/kube-scenario.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function cluster(o: KubeScenarioOptions = {}): Promise<KubeScenario> {
  const k = await startKubeScenario(TWO_REPLICAS, o);
  cleanups.push(k.cleanup);
  return k;
}

const kubectl = (k: KubeScenario, ...args: string[]) => execa('kubectl', [...args, '--request-timeout', '10s'], { env: k.env, extendEnv: false, reject: false, timeout: 30_000 });

describe.skipIf(!haveRealKubectl)('the API server harness, with the real kubectl', { timeout: 120_000 }, () => {
  it('logs of a Job and of a Deployment, auth can-i both ways, rollout restart, describe, delete job', async () => {
    const k = await cluster({ api: { forbid: [{ resource: 'secrets', verb: 'list' }] } });
    const job = await kubectl(k, 'logs', 'job/mcp-tunnel-setup', '-n', 'mcp-tunnel', '--timestamps', '--prefix', '--tail', '5');
    expect(job.stdout).toMatch(/^\[pod\/mcp-tunnel-setup-x7k2p\/setup\] 2026-11-28T03:10:00\.\d{9}Z level=ERROR msg="token exchange failed"/);
    // kubectl picks one of the Deployment's pods (its own ordering); both replicas' mcp-proxy restarted.
    const previous = await kubectl(k, 'logs', 'deploy/mcp-tunnel', '-n', 'mcp-tunnel', '-c', 'mcp-proxy', '--previous', '--prefix');
    expect(previous.stdout).toMatch(/^\[pod\/mcp-tunnel-6b7f9c8d4-(4xk2p|9qz7m)\/mcp-proxy\] \(previous\) level=(ERROR|INFO)/);
    const all = await kubectl(k, 'logs', 'mcp-tunnel-6b7f9c8d4-9qz7m', '-n', 'mcp-tunnel', '--all-containers', '--prefix');
    // kubectl does not promise the containers' order with --all-containers: a full-suite run saw cloudflared first.
    expect(all.stdout.split('\n').map((l) => l.split(' ')[0]).sort()).toEqual(['[pod/mcp-tunnel-6b7f9c8d4-9qz7m/cloudflared]', '[pod/mcp-tunnel-6b7f9c8d4-9qz7m/mcp-proxy]']);
    // cloudflared never restarted: no previous instance, in the API server's words.
    const none = await kubectl(k, 'logs', 'mcp-tunnel-6b7f9c8d4-4xk2p', '-n', 'mcp-tunnel', '-c', 'cloudflared', '--previous');
    expect(none.stderr).toBe('Error from server (BadRequest): previous terminated container "cloudflared" in pod "mcp-tunnel-6b7f9c8d4-4xk2p" not found');

    expect((await kubectl(k, 'auth', 'can-i', 'get', 'pods', '-n', 'mcp-tunnel')).stdout).toBe('yes');
    const no = await kubectl(k, 'auth', 'can-i', 'list', 'secrets', '-n', 'mcp-tunnel');
    expect([no.stdout, no.exitCode]).toEqual(['no', 1]);
    // kubectl 1.2x+ posts the review as protobuf (1.20 as JSON): the harness reads both.
    expect(k.api.requests.find((r) => r.path.endsWith('/selfsubjectaccessreviews'))!.contentType).toBe(kubectlFollowsServer ? 'application/vnd.kubernetes.protobuf' : 'application/json');

    const restart = await kubectl(k, 'rollout', 'restart', 'deploy/mcp-tunnel', '-n', 'mcp-tunnel');
    expect(restart.stdout).toBe('deployment.apps/mcp-tunnel restarted');
    const deploy = k.api.find('Deployment', 'mcp-tunnel', 'mcp-tunnel') as unknown as { spec: { template: { metadata: { annotations?: Record<string, string> } } } };
    expect(deploy.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);

    const described = await kubectl(k, 'describe', 'pod', 'mcp-tunnel-6b7f9c8d4-4xk2p', '-n', 'mcp-tunnel');
    expect(described.stdout).toMatch(/^Name:\s+mcp-tunnel-6b7f9c8d4-4xk2p$/m);
    expect(described.stdout).toMatch(/Reason:\s+CrashLoopBackOff/);

    const del = await kubectl(k, 'delete', 'job', 'mcp-tunnel-setup', '-n', 'mcp-tunnel');
    expect(del.stdout).toBe('job.batch "mcp-tunnel-setup" deleted');
    expect((await kubectl(k, 'get', 'jobs', '-n', 'mcp-tunnel', '-o', 'name')).stdout).toBe('');
    expect((await kubectl(k, 'get', 'pod', 'mcp-tunnel-setup-x7k2p', '-n', 'mcp-tunnel')).stderr).toBe('Error from server (NotFound): pods "mcp-tunnel-setup-x7k2p" not found');
  });

  it.skipIf(!kubectlFollowsServer)('the dispatcher runs the kubectl copy for the server\'s version: 1.27 and 1.31 gather as 1.32 does', async () => {
    for (const version of ['1.27', '1.31']) {
      const k = await cluster({ api: { version } });
      const t = await tempDir('mtt-kube-ver-');
      cleanups.push(t.cleanup);
      const s = await gatherSnapshot(defaultOptions({ dir: t.dir, network: false, timeoutMs: 15_000, kube: true }), undefined, { env: k.env });
      expect(s.state.tools?.kubectl?.version, version).toMatch(new RegExp(`^v${version.replace('.', '\\.')}\\.\\d+$`));
      expect(s.state.kube!.serverVersion).toBe(`v${version}.4`);
      expect(s.state.kube!.pods).toHaveLength(2);
      expect(s.logs['mcp-proxy']!.text).toContain('(previous) level=INFO');
      expect(s.logs.setup!.text).toContain('[pod/mcp-tunnel-setup-x7k2p/setup]');
      expect(s.state.tools?.kubectl?.problem).toBeUndefined();
    }
  });
});
