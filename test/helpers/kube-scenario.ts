// A whole Helm deployment for tests: the API server harness holding the deployment's objects (the real
// kubectl talks to it), and helm as the stand-in (there is no helm binary here), or no helm at all.
import { join } from 'node:path';
import { createServer } from 'node:net';
import { testKit } from './test-kit.js';
import { helmRules, kubeApiSpecOf, type KubeSpec } from './deployment-scenarios.js';
import { apiPki, kubeEnv, startKubeApi, type KubeApi, type KubeApiSpec, type KubeEnvOptions } from './kube-api.js';
import { makeScenario, type Rule, type Scenario } from './stand-ins.js';

export interface KubeScenario {
  api: KubeApi;
  /** The helm stand-in's scenario (its calls), when helm is on PATH. */
  helm?: Scenario;
  /** PATH (real kubectl, helm stand-in), HOME, KUBECONFIG, a fresh KUBECACHEDIR. */
  env: Record<string, string>;
  kubeconfig: string;
  cleanup(): Promise<void>;
}

export interface KubeScenarioOptions {
  /** helm stand-in rules: default helmRules(spec); `false` leaves helm off PATH. */
  helm?: Rule[] | false;
  api?: Partial<KubeApiSpec>;
  kubeconfig?: KubeEnvOptions;
}

export async function startKubeScenario(spec: KubeSpec, o: KubeScenarioOptions = {}): Promise<KubeScenario> {
  const api = await startKubeApi(kubeApiSpecOf(spec, o.api));
  const helm = o.helm === false ? undefined : await makeScenario(o.helm ?? helmRules(spec), { tools: ['helm'] });
  const k = await kubeEnv(api, {
    context: spec.context ?? 'kind-tunnel',
    ...o.kubeconfig,
    ...(helm ? { programs: { helm: join(helm.dir, 'bin', 'helm') }, env: { MTT_STANDIN_SCENARIO: helm.dir } } : {}),
  });
  return {
    api,
    ...(helm ? { helm } : {}),
    env: k.env,
    kubeconfig: k.kubeconfig,
    async cleanup() {
      await api.close();
      await k.cleanup();
      await helm?.cleanup();
    },
  };
}

/** For a test file: clusters and folders made in a test are removed after it. */
export function kubeTestKit() {
  const kit = testKit('mtt-kube-');
  return {
    ...kit,
    async cluster(spec: KubeSpec, o: KubeScenarioOptions = {}): Promise<KubeScenario> {
      const k = await startKubeScenario(spec, o);
      kit.later(k.cleanup);
      return k;
    },
  };
}

/** A loopback port nothing listens on (taken, then closed): "connection refused". */
export async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export { apiPki };

/** Two replicas (one crash-looping, one restarted), a failed setup Job left behind, the chart's Secret and ConfigMap. */
export const TWO_REPLICAS: KubeSpec = {
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

