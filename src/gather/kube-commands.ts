// The exact kubectl and helm commands Kubernetes gathering runs. All read-only (get, logs, status, version);
// the Secret is read through a go-template that prints key names and never a value.
import type { LogBounds } from './compose-commands.js';

export interface KubeTarget {
  namespace: string;
  release: string;
  /** Only when the user named one: otherwise kubectl and helm use the current context. */
  context?: string;
}

const kctx = (t: KubeTarget) => (t.context ? ['--context', t.context] : []);
const hctx = (t: KubeTarget) => (t.context ? ['--kube-context', t.context] : []);
const sinceArgs = (b: LogBounds) => (b.since ? ['--since', b.since] : []);

/** name, type and key names of each Secret; `$v` is bound only so that range yields the keys. */
export const SECRET_KEYS_TEMPLATE = '{{range .items}}{{.metadata.name}}{{"\\t"}}{{.type}}{{"\\t"}}{{range $k, $v := .data}}{{$k}}{{" "}}{{end}}{{"\\n"}}{{end}}';

/** The chart names its resources after the release (`mcp-tunnel`, or `<release>-mcp-tunnel`). */
export function fullnameOf(release: string): string {
  return release.includes('mcp-tunnel') ? release : `${release}-mcp-tunnel`;
}

export const kubeCommands = {
  helmVersion: () => ['helm', 'version', '--short'],
  kubectlVersion: () => ['kubectl', 'version', '--client', '-o', 'json'],
  currentContext: () => ['kubectl', 'config', 'current-context'],
  helmStatus: (t: KubeTarget) => ['helm', 'status', t.release, '-n', t.namespace, '-o', 'json', ...hctx(t)],
  helmValues: (t: KubeTarget) => ['helm', 'get', 'values', t.release, '-n', t.namespace, '-o', 'json', ...hctx(t)],
  helmValuesAll: (t: KubeTarget) => ['helm', 'get', 'values', t.release, '-n', t.namespace, '-o', 'json', '--all', ...hctx(t)],
  pods: (t: KubeTarget) => ['kubectl', 'get', 'pods', '-n', t.namespace, '-o', 'json', ...kctx(t)],
  jobs: (t: KubeTarget) => ['kubectl', 'get', 'jobs', '-n', t.namespace, '-o', 'json', ...kctx(t)],
  services: (t: KubeTarget) => ['kubectl', 'get', 'services', '-n', t.namespace, '-o', 'json', ...kctx(t)],
  kubernetesServiceIP: (t: KubeTarget) => ['kubectl', 'get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}', ...kctx(t)],
  secretKeys: (t: KubeTarget) => ['kubectl', 'get', 'secrets', '-n', t.namespace, '-o', `go-template=${SECRET_KEYS_TEMPLATE}`, ...kctx(t)],
  configMaps: (t: KubeTarget) => ['kubectl', 'get', 'configmaps', '-n', t.namespace, '-o', 'json', ...kctx(t)],
  setupLogs: (t: KubeTarget, b: LogBounds) => [
    'kubectl', 'logs', `job/${fullnameOf(t.release)}-setup`, '-n', t.namespace, '--timestamps', '--prefix', '--tail', String(b.tail), ...sinceArgs(b), ...kctx(t),
  ],
  /** watch: one container of one pod from `since` (RFC 3339) on, followed; --prefix names the pod on each line. */
  followPod: (t: KubeTarget, pod: string, container: string, since: string) => [
    'kubectl', 'logs', '--follow', pod, '-n', t.namespace, '-c', container, '--timestamps', '--prefix', `--since-time=${since}`, ...kctx(t),
  ],
  /** cloudflared's /ready or /metrics through the API server's pod proxy (read-only GET). */
  podProxyGet: (t: KubeTarget, pod: string, port: number, path: string, timeoutSeconds: number) => [
    'kubectl', 'get', '--raw', `/api/v1/namespaces/${t.namespace}/pods/${pod}:${port}/proxy${path}`, `--request-timeout=${timeoutSeconds}s`, ...kctx(t),
  ],
  /** One container of one pod; `--previous` reads the instance before a restart (the crash's own log). */
  podLogs: (t: KubeTarget, pod: string, container: string, b: LogBounds, previous = false) => [
    'kubectl', 'logs', pod, '-n', t.namespace, '-c', container, '--timestamps', '--prefix', '--tail', String(b.tail), ...sinceArgs(b), ...(previous ? ['--previous'] : []), ...kctx(t),
  ],
};
