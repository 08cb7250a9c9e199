// The exact kubectl and helm commands Kubernetes gathering runs. Read-only (get, logs, status, version,
// search) but for one server-side dry run (a Service create the API server refuses, run only to learn the
// Service range; nothing is created). Secrets are read through go-templates: every Secret's key names (never a
// value), the release's own record, and the named keys of the TLS Secret (never the tunnel token).
import type { LogBounds } from './compose-commands.js';

export interface KubeTarget {
  namespace: string;
  release: string;
  /** Only when the user named one: otherwise kubectl and helm use the current context. */
  context?: string;
  /** kubectl's own per-request limit (`--request-timeout`), so it reports a dead API server before it is killed. */
  requestTimeout?: string;
}

const kctx = (t: KubeTarget) => [...(t.requestTimeout ? ['--request-timeout', t.requestTimeout] : []), ...(t.context ? ['--context', t.context] : [])];
const hctx = (t: KubeTarget) => (t.context ? ['--kube-context', t.context] : []);
const sinceArgs = (b: LogBounds) => (b.since ? ['--since', b.since] : []);

/**
 * Per Secret: name, type, key names, and the labels Helm puts on its release records (owner/name/version/
 * status). `$v` is bound only so that range yields the keys; no value is ever printed.
 */
export const SECRET_KEYS_TEMPLATE =
  '{{range .items}}{{.metadata.name}}{{"\\t"}}{{.type}}{{"\\t"}}{{range $k, $v := .data}}{{$k}}{{" "}}{{end}}{{"\\t"}}{{with .metadata.labels}}{{.owner}}/{{.name}}/{{.version}}/{{.status}}{{end}}{{"\\n"}}{{end}}';

/** Keys of one Secret that may be printed: only these, as `key<TAB>base64` lines. */
export function secretKeysTemplate(keys: readonly string[]): string {
  const test = keys.map((k) => `(eq $k ${JSON.stringify(k)})`).join(' ');
  return `{{range $k, $v := .data}}{{if or ${test} false}}{{$k}}{{"\\t"}}{{$v}}{{"\\n"}}{{end}}{{end}}`;
}

/** The name of the Service the dry run would create; a dry run creates nothing. */
export const RANGE_PROBE_SERVICE = 'mcp-tunnel-triage-range-probe';

/** The chart names its resources after the release (`mcp-tunnel`, or `<release>-mcp-tunnel`). */
export function fullnameOf(release: string): string {
  return release.includes('mcp-tunnel') ? release : `${release}-mcp-tunnel`;
}

export const kubeCommands = {
  helmVersion: () => ['helm', 'version', '--short'],
  /** Client and server versions: the first call that reaches the API server (and the dispatcher's choice of kubectl). */
  kubectlVersion: (t: KubeTarget) => ['kubectl', 'version', '-o', 'json', ...kctx(t)],
  currentContext: () => ['kubectl', 'config', 'current-context'],
  namespace: (t: KubeTarget) => ['kubectl', 'get', 'namespace', t.namespace, '-o', 'name', ...kctx(t)],
  helmStatus: (t: KubeTarget) => ['helm', 'status', t.release, '-n', t.namespace, '-o', 'json', ...hctx(t)],
  helmValues: (t: KubeTarget) => ['helm', 'get', 'values', t.release, '-n', t.namespace, '-o', 'json', ...hctx(t)],
  helmValuesAll: (t: KubeTarget) => ['helm', 'get', 'values', t.release, '-n', t.namespace, '-o', 'json', '--all', ...hctx(t)],
  /** The local repositories' index (no network): which repo serves the deployed chart, for `helm upgrade`. */
  helmSearchRepo: (chart: string) => ['helm', 'search', 'repo', chart, '--versions', '-o', 'json'],
  pods: (t: KubeTarget) => ['kubectl', 'get', 'pods', '-n', t.namespace, '-o', 'json', ...kctx(t)],
  jobs: (t: KubeTarget) => ['kubectl', 'get', 'jobs', '-n', t.namespace, '-o', 'json', ...kctx(t)],
  services: (t: KubeTarget) => ['kubectl', 'get', 'services', '-n', t.namespace, '-o', 'json', ...kctx(t)],
  kubernetesServiceIP: (t: KubeTarget) => ['kubectl', 'get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}', ...kctx(t)],
  secretKeys: (t: KubeTarget) => ['kubectl', 'get', 'secrets', '-n', t.namespace, '-o', `go-template=${SECRET_KEYS_TEMPLATE}`, ...kctx(t)],
  /** One release record (helm missing or failing): `data.release` only, base64 of Helm's base64 of gzip of JSON. */
  releaseSecret: (t: KubeTarget, secret: string) => ['kubectl', 'get', 'secret', secret, '-n', t.namespace, '-o', 'jsonpath={.data.release}', ...kctx(t)],
  /** Named keys of one Secret (certificate, CA, key for its public half, tunnel domain): never any other. */
  secretValues: (t: KubeTarget, secret: string, keys: readonly string[]) => ['kubectl', 'get', 'secret', secret, '-n', t.namespace, '-o', `go-template=${secretKeysTemplate(keys)}`, ...kctx(t)],
  configMaps: (t: KubeTarget) => ['kubectl', 'get', 'configmaps', '-n', t.namespace, '-o', 'json', ...kctx(t)],
  /** networking.k8s.io ServiceCIDR objects (1.31+): the cluster's Service ranges, where the API has them. */
  serviceCIDRs: (t: KubeTarget) => ['kubectl', 'get', 'servicecidrs', '-o', 'json', ...kctx(t)],
  /** A server-side dry run the API server refuses with the valid range in its message. Creates nothing. */
  serviceRangeProbe: (t: KubeTarget, ip: string) => [
    'kubectl', 'create', 'service', 'clusterip', RANGE_PROBE_SERVICE, `--clusterip=${ip}`, '--tcp=80:80', '--dry-run=server', '-n', t.namespace, '-o', 'name', ...kctx(t),
  ],
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
  /** One container of one pod; `--previous` reads the instance before a restart (the crash's own log). Its shortest line: podLogLineMin. */
  podLogs: (t: KubeTarget, pod: string, container: string, b: LogBounds, previous = false) => [
    'kubectl', 'logs', pod, '-n', t.namespace, '-c', container, '--timestamps', '--prefix', '--tail', String(b.tail), ...sinceArgs(b), ...(previous ? ['--previous'] : []), ...kctx(t),
  ],
};

/**
 * The fewest bytes a line of `podLogs` takes: `--prefix` puts `[pod/<pod>/<container>] ` before each line and
 * `--timestamps` the kubelet's RFC 3339 stamp (at least `2026-11-28T03:00:00Z`, 20 characters) and a space,
 * whatever the program printed, even nothing; then the newline. Pod and container names are ASCII.
 */
export function podLogLineMin(pod: string, container: string): number {
  return `[pod/${pod}/${container}] `.length + '2026-11-28T03:00:00Z '.length + 1;
}
