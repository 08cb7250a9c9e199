// Builds stand-in rules for whole deployments, in the real tools' exact output formats: docker inspect and
// docker version are the recorded outputs in test/stand-ins/scenarios/recorded/ with fields changed; the
// other shapes (compose ps in both shapes, docker ps, compose and kubectl log prefixes, kubectl -o json,
// helm status / get values, the tools' error texts) follow what those tools print. Containers and pods get
// loopback addresses only.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rule } from './stand-ins.js';
import { gzipSync } from 'node:zlib';
import { SECRET_KEYS_TEMPLATE, fullnameOf } from '../../src/gather/kube-commands.js';
import type { KubeApiSpec, KubeObject } from './kube-api.js';

const RECORDED = fileURLToPath(new URL('../stand-ins/scenarios/recorded/', import.meta.url));
const recorded = <T>(name: string): T => JSON.parse(readFileSync(`${RECORDED}${name}`, 'utf8')) as T;

export type ErrorName =
  | 'docker-version-daemon-down' | 'docker-daemon-down' | 'docker-version-permission-denied' | 'docker-permission-denied'
  | 'docker-compose-plugin-missing' | 'docker-compose-v1-daemon-down' | 'kubectl-localhost-refused' | 'kubectl-unable-to-connect'
  | 'kubectl-no-current-context' | 'kubectl-forbidden' | 'kubectl-job-not-found' | 'helm-cluster-unreachable' | 'helm-release-not-found'
  | 'kubectl-refused-loopback' | 'kubectl-deadline' | 'kubectl-deadline-awaiting-headers' | 'kubectl-deadline-client-timeout' | 'kubectl-unauthorized' | 'kubectl-unknown-authority'
  | 'kubectl-namespace-not-found' | 'kubectl-get-pods-refused' | 'kubectl-get-pods-unauthorized' | 'kubectl-dry-run-range' | 'kubectl-no-servicecidrs'
  | 'kubectl-1.20-unknown-authority' | 'kubectl-1.20-unauthorized';

/** A recorded failure of a real tool: its stdout, stderr and exit code. */
export function toolError(name: ErrorName): Pick<Rule, 'stdout' | 'stderr' | 'exitCode'> {
  const all = recorded<Record<string, { stdout?: string; stderr?: string; exitCode: number }>>('errors.json');
  const e = all[name]!;
  return { ...(e.stdout ? { stdout: e.stdout } : {}), ...(e.stderr ? { stderr: e.stderr } : {}), exitCode: e.exitCode };
}

// ── Compose ─────────────────────────────────────────────────────────────────────────────────────────

export interface ContainerSpec {
  service: string;
  state: 'running' | 'restarting' | 'exited' | 'created';
  exitCode?: number;
  restartCount?: number;
  startedAt?: string;
  finishedAt?: string;
  /** 127.0.0.x only. */
  ip?: string;
  published?: { containerPort: number; hostPort: number; hostIp?: string }[];
  user?: string;
  env?: string[];
  cmd?: string[];
  mounts?: { source: string; destination: string; readOnly?: boolean }[];
  oneOff?: boolean;
  number?: number;
}

export type ComposeFlavor = 'v2-lines' | 'v2-array' | 'v1';

export interface ComposeSpec {
  flavor: ComposeFlavor;
  project: string;
  dir: string;
  containers: ContainerSpec[];
  /** Lines each service logged (without timestamps; the builder adds them). cloudflared logs to stderr. */
  logs?: Record<string, string[]>;
  /** Every command answers after this long (the bench). */
  sleepMs?: number;
  /** When the containers started unless they say (default: when the rules were built). */
  builtAt?: string;
}

const hex = (seed: string, n: number) => {
  let h = 0;
  let out = '';
  while (out.length < n) {
    for (const ch of `${seed}${out.length}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, n);
};

export function containerName(spec: ComposeSpec, c: ContainerSpec): string {
  const sep = spec.flavor === 'v1' ? '_' : '-';
  return c.oneOff ? `${spec.project}${sep}${c.service}${sep}run${sep}${hex(c.service, 12)}` : `${spec.project}${sep}${c.service}${sep}${c.number ?? 1}`;
}

const idOf = (spec: ComposeSpec, c: ContainerSpec) => hex(containerName(spec, c), 64);

function labels(spec: ComposeSpec, c: ContainerSpec): Record<string, string> {
  return {
    'com.docker.compose.config-hash': hex(c.service, 64),
    'com.docker.compose.container-number': String(c.number ?? 1),
    'com.docker.compose.oneoff': c.oneOff ? 'True' : 'False',
    'com.docker.compose.project': spec.project,
    'com.docker.compose.project.config_files': spec.flavor === 'v1' ? 'docker-compose.yaml' : `${spec.dir}/docker-compose.yaml`,
    'com.docker.compose.project.working_dir': spec.dir,
    'com.docker.compose.service': c.service,
    'com.docker.compose.version': spec.flavor === 'v1' ? '1.29.2' : '2.29.7',
  };
}

const labelString = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',');

function statusOf(c: ContainerSpec): string {
  switch (c.state) {
    case 'running':
      return 'Up 2 hours';
    case 'restarting':
      return `Restarting (${c.exitCode ?? 1}) 5 seconds ago`;
    case 'exited':
      return `Exited (${c.exitCode ?? 0}) 3 minutes ago`;
    case 'created':
      return 'Created';
  }
}

/** `docker inspect` of one container: the recorded mcp-proxy record with this container's facts. */
export function inspectOf(spec: ComposeSpec, c: ContainerSpec): Record<string, unknown> {
  const t = structuredClone(recorded<Record<string, Record<string, any>>>('docker-inspect.json')['mcp-proxy']!);
  const builtAt = spec.builtAt ?? new Date().toISOString();
  const name = containerName(spec, c);
  t.Id = idOf(spec, c);
  t.Name = `/${name}`;
  t.RestartCount = c.restartCount ?? 0;
  t.State = {
    ...t.State,
    Status: c.state,
    Running: c.state === 'running' || c.state === 'restarting',
    Restarting: c.state === 'restarting',
    ExitCode: c.exitCode ?? 0,
    // By default a container started when the scenario was built: after the test wrote its files.
    StartedAt: c.state === 'created' ? '0001-01-01T00:00:00Z' : (c.startedAt ?? builtAt),
    FinishedAt: c.finishedAt ?? '0001-01-01T00:00:00Z',
    Pid: c.state === 'running' ? 4242 : 0,
  };
  t.Config = { ...t.Config, User: c.user ?? '', Env: c.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: c.cmd ?? null, Image: `${c.service}:latest`, Labels: labels(spec, c) };
  const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of c.published ?? []) {
    ports[`${p.containerPort}/tcp`] = [{ HostIp: p.hostIp ?? '127.0.0.1', HostPort: String(p.hostPort) }];
    bindings[`${p.containerPort}/tcp`] = [{ HostIp: p.hostIp ?? '127.0.0.1', HostPort: String(p.hostPort) }];
  }
  t.HostConfig = { ...t.HostConfig, NetworkMode: `${spec.project}_default`, PortBindings: bindings };
  t.Mounts = (c.mounts ?? []).map((m) => ({ Type: 'bind', Source: m.source, Destination: m.destination, Mode: m.readOnly ? 'ro' : '', RW: !m.readOnly, Propagation: 'rprivate' }));
  const net = t.NetworkSettings.Networks[Object.keys(t.NetworkSettings.Networks)[0]!];
  t.NetworkSettings.Ports = ports;
  t.NetworkSettings.Networks = { [`${spec.project}_default`]: { ...net, IPAddress: c.state === 'running' ? (c.ip ?? '127.0.0.2') : '', Gateway: c.state === 'running' ? '127.0.0.1' : '' } };
  return t;
}

/** One row as `docker compose ps --format json` prints it: the short shape (before 2.21) or the long one. */
function composePsRow(spec: ComposeSpec, c: ContainerSpec, long: boolean): Record<string, unknown> {
  const name = containerName(spec, c);
  const publishers = (c.published ?? []).map((p) => ({ URL: p.hostIp ?? '127.0.0.1', TargetPort: p.containerPort, PublishedPort: p.hostPort, Protocol: 'tcp' }));
  if (!long) {
    return { ID: idOf(spec, c), Name: name, Command: `"/usr/local/bin/${c.service}"`, Project: spec.project, Service: c.service, State: c.state, Health: '', ExitCode: c.exitCode ?? 0, Publishers: publishers.length ? publishers : null };
  }
  return {
    Command: `"/usr/local/bin/${c.service}"`, CreatedAt: '2026-11-28 01:58:10 +0000 UTC', ExitCode: c.exitCode ?? 0, Health: '', ID: idOf(spec, c).slice(0, 12),
    Image: `${c.service}:latest`, Labels: labelString(labels(spec, c)), LocalVolumes: '0', Mounts: '', Name: name, Names: name, Networks: `${spec.project}_default`,
    Ports: (c.published ?? []).map((p) => `${p.hostIp ?? '127.0.0.1'}:${p.hostPort}->${p.containerPort}/tcp`).join(', '), Project: spec.project, Publishers: publishers,
    RunningFor: '2 hours ago', Service: c.service, Size: '0B', State: c.state, Status: statusOf(c),
  };
}

/** `docker ps --format '{{json .}}'` row (docker CLI 28, as recorded). */
function dockerPsRow(spec: ComposeSpec, c: ContainerSpec): Record<string, unknown> {
  const name = containerName(spec, c);
  return {
    Command: `"/usr/local/bin/${c.service}"`, CreatedAt: '2026-11-28 01:58:10 +0000 UTC', ID: idOf(spec, c).slice(0, 12), Image: `${c.service}:latest`,
    Labels: labelString(labels(spec, c)), LocalVolumes: '0', Mounts: '', Names: name, Networks: `${spec.project}_default`, Platform: null,
    Ports: (c.published ?? []).map((p) => `${p.hostIp ?? '127.0.0.1'}:${p.hostPort}->${p.containerPort}/tcp`).join(', '), RunningFor: '2 hours ago', Size: '0B (virtual 1.98MB)',
    State: c.state, Status: statusOf(c),
  };
}

const ts = (i: number) => `2026-11-28T03:${String(10 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(100000000 + i * 7919).slice(1)}Z`;

/** `docker compose logs --no-color --timestamps` (v2): `name-1  | TIME line`, padded to the longest name. */
export function composeLogOutput(spec: ComposeSpec, service: string, lines: string[]): string {
  const width = Math.max(...spec.containers.map((c) => containerName(spec, c).length)) + 2;
  const name = containerName(spec, spec.containers.find((c) => c.service === service && !c.oneOff) ?? { service, state: 'running' });
  return lines.map((l, i) => `${name.padEnd(width)}| ${ts(i)} ${l}\n`).join('');
}

export function composeRules(given: ComposeSpec): Rule[] {
  const spec = { ...given, builtAt: given.builtAt ?? new Date().toISOString() };
  const slow = spec.sleepMs ? { sleepMs: spec.sleepMs } : {};
  const version = readFileSync(`${RECORDED}docker-version.json`, 'utf8');
  const rules: Rule[] = [{ tool: 'docker', args: ['version', '--format', '{{json .}}'], stdout: version.endsWith('\n') ? version : `${version}\n`, ...slow }];
  if (spec.flavor === 'v1') {
    rules.push({ tool: 'docker', args: ['compose', 'version', '--short'], ...toolError('docker-compose-plugin-missing'), ...slow });
    rules.push({ tool: 'docker-compose', args: ['version', '--short'], stdout: '1.29.2\n', ...slow });
    rules.push({
      tool: 'docker',
      args: ['ps', '--all', '--filter', `label=com.docker.compose.project=${spec.project}`, '--format', '{{json .}}'],
      stdout: spec.containers.map((c) => `${JSON.stringify(dockerPsRow(spec, c))}\n`).join(''),
      ...slow,
    });
  } else {
    rules.push({ tool: 'docker', args: ['compose', 'version', '--short'], stdout: '2.29.7\n', ...slow });
    const long = spec.flavor === 'v2-lines';
    const rows = spec.containers.map((c) => composePsRow(spec, c, long));
    rules.push({ tool: 'docker', args: ['compose', 'ps', '--all', '--format', 'json'], match: 'contains', stdout: long ? rows.map((r) => `${JSON.stringify(r)}\n`).join('') : `${JSON.stringify(rows)}\n`, ...slow });
  }
  rules.push({ tool: 'docker', args: ['inspect'], match: 'prefix', stdout: `${JSON.stringify(spec.containers.map((c) => inspectOf(spec, c)), null, 4)}\n`, ...slow });
  for (const c of spec.containers) {
    const lines = spec.logs?.[c.service] ?? [];
    if (spec.flavor === 'v1') {
      const stamped = lines.map((l, i) => `${ts(i)} ${l}\n`).join('');
      // cloudflared writes its log to stderr; docker logs keeps the streams apart.
      const stream = c.service === 'cloudflared' ? { stderr: stamped } : { stdout: stamped };
      rules.push({ tool: 'docker', args: ['logs', containerName(spec, c)], match: 'contains', ...stream, ...slow });
    } else if (!c.oneOff) {
      rules.push({ tool: 'docker', args: ['compose', 'logs', c.service], match: 'contains', stdout: composeLogOutput(spec, c.service, lines), ...slow });
    }
  }
  // A service without a container: Compose prints nothing.
  rules.push({ tool: 'docker', args: ['compose', 'logs'], match: 'contains', stdout: '', ...slow });
  return rules;
}

// ── Kubernetes / Helm ───────────────────────────────────────────────────────────────────────────────

export interface PodContainerSpec {
  name: 'mcp-proxy' | 'cloudflared' | string;
  state: 'running' | 'crashloop' | 'terminated' | 'creating';
  restartCount?: number;
  exitCode?: number;
  startedAt?: string;
}

export interface PodSpec {
  name: string;
  /** 127.0.0.x only. */
  ip?: string;
  containers: PodContainerSpec[];
  labels?: Record<string, string>;
}

export interface JobSpec {
  name: string;
  failed?: boolean;
  hook?: string;
}

export interface KubeSpec {
  namespace: string;
  release: string;
  context?: string;
  pods: PodSpec[];
  jobs?: JobSpec[];
  helmStatus?: 'deployed' | 'failed';
  helmDescription?: string;
  lastDeployed?: string;
  chartVersion?: string;
  /** User-supplied values (helm get values). */
  values?: Record<string, unknown>;
  /** Secrets with their data (the stand-in only ever prints key names unless asked for values). */
  secrets?: Record<string, Record<string, string>>;
  configMaps?: Record<string, Record<string, string>>;
  /** Lines per pod and container; `setup` for the Job's log. */
  logs?: Record<string, Record<string, string[]>>;
  setupLog?: string[];
  kubernetesServiceIP?: string;
  /** Cluster IPs of the namespace's Services (default: mcp-server 127.0.0.30). */
  services?: Record<string, string>;
  /** The Secret the mcp-proxy containers mount (the chart mounts its Secret at /data). */
  tlsMount?: { secret: string; mountPath?: string; items?: { key: string; path: string }[] };
  /** A local Helm repository (its name) that serves the chart: `helm search repo` lists it. */
  chartRepo?: string;
  /** The release's revisions before this one (their Secrets, by status): [`superseded`, ...]. */
  history?: string[];
  sleepMs?: number;
}

const list = (items: unknown[]) => `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;

function containerStatus(podName: string, c: PodContainerSpec): Record<string, unknown> {
  const started = c.startedAt ?? '2026-11-28T02:00:00Z';
  const base = { containerID: `containerd://${hex(podName + c.name, 64)}`, image: `ghcr.io/example/${c.name}:2.1.0`, imageID: `ghcr.io/example/${c.name}@sha256:${hex(c.name, 64)}`, name: c.name, restartCount: c.restartCount ?? 0 };
  switch (c.state) {
    case 'running':
      return { ...base, lastState: c.restartCount ? { terminated: { containerID: base.containerID, exitCode: c.exitCode ?? 1, finishedAt: '2026-11-28T01:59:58Z', reason: 'Error', startedAt: '2026-11-28T01:59:50Z' } } : {}, ready: true, started: true, state: { running: { startedAt: started } } };
    case 'crashloop':
      return {
        ...base,
        lastState: { terminated: { containerID: base.containerID, exitCode: c.exitCode ?? 1, finishedAt: '2026-11-28T03:59:58Z', reason: 'Error', startedAt: '2026-11-28T03:59:57Z' } },
        ready: false,
        started: false,
        state: { waiting: { message: `back-off 5m0s restarting failed container=${c.name} pod=${podName}_mcp-tunnel(${hex(podName, 8)})`, reason: 'CrashLoopBackOff' } },
      };
    case 'terminated':
      return { ...base, lastState: {}, ready: false, started: false, state: { terminated: { containerID: base.containerID, exitCode: c.exitCode ?? 1, finishedAt: '2026-11-28T03:00:00Z', reason: 'Error', startedAt: started } } };
    case 'creating':
      return { ...base, lastState: {}, ready: false, started: false, state: { waiting: { reason: 'ContainerCreating' } } };
  }
}

function podJson(spec: KubeSpec, p: PodSpec): Record<string, unknown> {
  const hash = hex(spec.release, 10);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: '2026-11-28T01:58:00Z',
      generateName: `${spec.release}-${hash}-`,
      labels: p.labels ?? { 'app.kubernetes.io/instance': spec.release, 'app.kubernetes.io/name': 'mcp-tunnel', 'pod-template-hash': hash },
      name: p.name,
      namespace: spec.namespace,
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'ReplicaSet', name: `${spec.release}-${hash}`, uid: hex(p.name, 32) }],
      resourceVersion: '48213',
      uid: hex(`${p.name}uid`, 32),
    },
    spec: {
      containers: p.containers.map((c) => ({
        image: `ghcr.io/example/${c.name}:2.1.0`,
        imagePullPolicy: 'IfNotPresent',
        name: c.name,
        resources: {},
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532 },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      })),
      dnsPolicy: 'ClusterFirst',
      nodeName: 'node-1',
      restartPolicy: 'Always',
      securityContext: { fsGroup: 65532 },
      serviceAccountName: spec.release,
    },
    status: {
      conditions: [{ lastProbeTime: null, lastTransitionTime: '2026-11-28T01:58:00Z', status: 'True', type: 'PodScheduled' }],
      containerStatuses: p.containers.map((c) => containerStatus(p.name, c)),
      hostIP: '127.0.0.1',
      phase: 'Running',
      podIP: p.ip ?? '127.0.0.20',
      podIPs: [{ ip: p.ip ?? '127.0.0.20' }],
      qosClass: 'BestEffort',
      startTime: '2026-11-28T01:58:00Z',
    },
  };
}

function jobJson(spec: KubeSpec, j: JobSpec): Record<string, unknown> {
  const conditions = j.failed
    ? [
        { lastProbeTime: '2026-11-28T01:50:00Z', lastTransitionTime: '2026-11-28T01:50:00Z', message: 'Job has reached the specified backoff limit', reason: 'BackoffLimitExceeded', status: 'True', type: 'FailureTarget' },
        { lastProbeTime: '2026-11-28T01:50:00Z', lastTransitionTime: '2026-11-28T01:50:00Z', message: 'Job has reached the specified backoff limit', reason: 'BackoffLimitExceeded', status: 'True', type: 'Failed' },
      ]
    : [{ lastProbeTime: '2026-11-28T01:50:00Z', lastTransitionTime: '2026-11-28T01:50:00Z', status: 'True', type: 'Complete' }];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { annotations: j.hook ? { 'helm.sh/hook': j.hook, 'helm.sh/hook-delete-policy': 'hook-succeeded' } : {}, labels: { 'app.kubernetes.io/instance': spec.release }, name: j.name, namespace: spec.namespace },
    spec: { backoffLimit: 0, completions: 1, parallelism: 1 },
    status: { conditions, ...(j.failed ? { failed: 1 } : { succeeded: 1, completionTime: '2026-11-28T01:50:00Z' }), ready: 0, startTime: '2026-11-28T01:49:30Z', uncountedTerminatedPods: {} },
  };
}

export function helmStatusJson(spec: KubeSpec): string {
  return `${JSON.stringify({
    name: spec.release,
    info: {
      first_deployed: '2026-11-27T09:12:44.123456789Z',
      last_deployed: spec.lastDeployed ?? new Date().toISOString(),
      deleted: '',
      description: spec.helmDescription ?? (spec.helmStatus === 'failed' ? 'Release "mcp-tunnel" failed: failed pre-install: 1 error occurred:\n\t* job mcp-tunnel-setup failed: BackoffLimitExceeded\n\n' : 'Upgrade complete'),
      status: spec.helmStatus ?? 'deployed',
      notes: `MCP tunnel installed in ${spec.namespace}.\n`,
    },
    chart: {
      metadata: { name: 'mcp-tunnel', version: spec.chartVersion ?? '2.1.0', description: 'MCP tunnel: cloudflared in front of mcp-proxy', apiVersion: 'v2', appVersion: '1.4.0', type: 'application' },
      lock: null,
      templates: [{ name: 'templates/deployment.yaml', data: Buffer.from('apiVersion: apps/v1\nkind: Deployment\n').toString('base64') }],
      values: { api: { wif: { audience: 'api.anthropic.com' } }, setup: { enabled: true } },
      schema: null,
      files: [],
    },
    // The release record holds the user's values too: gathering must reduce it, never keep it whole.
    config: spec.values ?? {},
    manifest: `---\n# Source: mcp-tunnel/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${spec.release}\n`,
    hooks: [{ name: `${spec.release}-setup`, kind: 'Job', path: 'mcp-tunnel/templates/setup-job.yaml', events: ['pre-install'], last_run: { started_at: '', completed_at: '', phase: '' } }],
    version: currentRevision(spec),
    namespace: spec.namespace,
  })}\n`;
}

export function kubectlLogOutput(pod: string, container: string, lines: string[]): string {
  return lines.map((l, i) => `[pod/${pod}/${container}] ${ts(i)} ${l}\n`).join('');
}

/**
 * Stand-in rules for kubectl and helm. Gather, fix and wizard tests run the real kubectl against
 * kubeApiSpecOf(spec) and take only helmRules(spec) from here; the kubectl rules remain for what the API
 * server harness cannot be made to do: bench/gather.ts (every call answered after a fixed delay; a real
 * kubectl makes several requests per command) and test/cli/watch.test.ts (`kubectl logs --follow` of a file
 * the test appends to; the harness does not stream).
 */
export function kubeRules(spec: KubeSpec): Rule[] {
  const slow = spec.sleepMs ? { sleepMs: spec.sleepMs } : {};
  const ns = ['-n', spec.namespace];
  const rules: Rule[] = [
    { tool: 'helm', args: ['version', '--short'], stdout: 'v3.16.3+gcfd0749\n', ...slow },
    { tool: 'kubectl', args: ['config', 'current-context'], stdout: `${spec.context ?? 'kind-tunnel'}\n`, ...slow },
    { tool: 'kubectl', args: ['version', '-o', 'json'], match: 'prefix', stdout: `${JSON.stringify({ clientVersion: { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' }, kustomizeVersion: 'v5.5.0', serverVersion: { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' } }, null, 2)}\n`, ...slow },
    { tool: 'kubectl', args: ['get', 'namespace', spec.namespace, '-o', 'name'], match: 'prefix', stdout: `namespace/${spec.namespace}\n`, ...slow },
    { tool: 'helm', args: ['status', spec.release, ...ns, '-o', 'json'], match: 'prefix', stdout: helmStatusJson(spec), ...slow },
    { tool: 'helm', args: ['get', 'values', spec.release, ...ns, '-o', 'json', '--all'], match: 'prefix', stdout: `${JSON.stringify({ ...(spec.values ?? {}), api: { wif: { audience: 'api.anthropic.com' } } })}\n`, ...slow },
    { tool: 'helm', args: ['get', 'values', spec.release, ...ns, '-o', 'json'], match: 'prefix', stdout: `${JSON.stringify(spec.values ?? null)}\n`, ...slow },
    // `helm search repo` reads the local repositories' index: none configured, or one that serves the chart.
    spec.chartRepo
      ? { tool: 'helm', args: ['search', 'repo'], match: 'prefix', stdout: `${JSON.stringify(['2.1.0', '2.0.3'].map((v) => ({ name: `${spec.chartRepo}/mcp-tunnel`, version: v, app_version: '1.4.0', description: 'MCP tunnel: cloudflared in front of mcp-proxy' })))}\n`, ...slow }
      : { tool: 'helm', args: ['search', 'repo'], match: 'prefix', stderr: 'Error: no repositories configured\n', exitCode: 1, ...slow },
    { tool: 'kubectl', args: ['get', 'pods', ...ns, '-o', 'json'], match: 'prefix', stdout: list(spec.pods.map((p) => podJson(spec, p))), ...slow },
    { tool: 'kubectl', args: ['get', 'jobs', ...ns, '-o', 'json'], match: 'prefix', stdout: list((spec.jobs ?? []).map((j) => jobJson(spec, j))), ...slow },
    {
      tool: 'kubectl',
      args: ['get', 'services', ...ns, '-o', 'json'],
      match: 'prefix',
      stdout: list([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'mcp-server', namespace: spec.namespace }, spec: { clusterIP: '127.0.0.30', ports: [{ port: 8080, protocol: 'TCP' }], type: 'ClusterIP' } }]),
      ...slow,
    },
    { tool: 'kubectl', args: ['get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}'], match: 'prefix', stdout: spec.kubernetesServiceIP ?? '127.0.0.40', ...slow },
    {
      tool: 'kubectl',
      args: ['get', 'configmaps', ...ns, '-o', 'json'],
      match: 'prefix',
      stdout: list([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: spec.namespace }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } },
        ...Object.entries(spec.configMaps ?? {}).map(([name, data]) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: spec.namespace }, data })),
      ]),
      ...slow,
    },
  ];
  // Secrets: the go-template that prints names, types and key names is answered as kubectl would; any
  // other request for Secrets (-o json / yaml, one Secret by name) gets the values, so a leak would show.
  const secrets = Object.entries(spec.secrets ?? {});
  const keyLines = [
    ...secrets.map(([name, data]) => `${name}\tOpaque\t${Object.keys(data).sort().map((k) => `${k} `).join('')}\t`),
    ...releaseRevisions(spec).map((r) => `sh.helm.release.v1.${spec.release}.v${r.revision}\thelm.sh/release.v1\trelease \thelm/${spec.release}/${r.revision}/${r.status}`),
  ];
  const secretValues = list(secrets.map(([name, data]) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: spec.namespace }, type: 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) })));
  rules.push({ tool: 'kubectl', args: ['get', 'secrets', ...ns, '-o', `go-template=${SECRET_KEYS_TEMPLATE}`], match: 'prefix', stdout: `${keyLines.join('\n')}\n`, ...slow });
  rules.push({ tool: 'kubectl', args: ['get', 'secrets'], match: 'prefix', stdout: secretValues, ...slow });
  rules.push({ tool: 'kubectl', args: ['get', 'secret'], match: 'prefix', stdout: secretValues, ...slow });
  // Logs: every pod and container, and the setup Job.
  for (const p of spec.pods) {
    for (const c of p.containers) {
      const lines = spec.logs?.[p.name]?.[c.name] ?? [];
      rules.push({ tool: 'kubectl', args: ['logs', p.name, ...ns, '-c', c.name, '--previous'], match: 'contains', stdout: kubectlLogOutput(p.name, c.name, lines.map((l) => `(previous) ${l}`)), ...slow });
      rules.push({ tool: 'kubectl', args: ['logs', p.name, ...ns, '-c', c.name], match: 'contains', stdout: kubectlLogOutput(p.name, c.name, lines), ...slow });
    }
  }
  const setupJob = (spec.jobs ?? []).find((j) => /-setup$/.test(j.name));
  rules.push(
    setupJob
      ? { tool: 'kubectl', args: ['logs', `job/${setupJob.name}`], match: 'prefix', stdout: kubectlLogOutput(`${setupJob.name}-x7k2p`, 'setup', spec.setupLog ?? []), ...slow }
      : { tool: 'kubectl', args: ['logs'], match: 'prefix', ...toolError('kubectl-job-not-found'), ...slow },
  );
  return rules;
}

// ── The same deployment for the real kubectl: objects for the API server harness (test/helpers/kube-api.ts) ──

/** Every revision of the release: the earlier ones (`spec.history`, default two superseded) and this one. */
export function releaseRevisions(spec: KubeSpec): { revision: number; status: string }[] {
  const history = spec.history ?? ['superseded', 'superseded'];
  return [...history.map((status, i) => ({ revision: i + 1, status })), { revision: history.length + 1, status: spec.helmStatus ?? 'deployed' }];
}

function currentRevision(spec: KubeSpec): number {
  return releaseRevisions(spec).at(-1)!.revision;
}

/**
 * A release Secret as Helm 3 stores it: type helm.sh/release.v1, labels owner/name/version/status, and
 * `release` = base64 of gzip of the release JSON (the API then base64-encodes the Secret's bytes once more).
 */
export function releaseSecretOf(spec: KubeSpec, revision: number, status: string, record: string = helmStatusJson(spec)): KubeObject {
  const stored = gzipSync(Buffer.from(record.trim())).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `sh.helm.release.v1.${spec.release}.v${revision}`, namespace: spec.namespace, labels: { modifiedAt: '1764312764', name: spec.release, owner: 'helm', status, version: String(revision) } },
    type: 'helm.sh/release.v1',
    data: { release: Buffer.from(stored).toString('base64') },
  };
}

/** The objects and logs of `spec` for the API server harness: what the stand-in answers, as a cluster holds it. */
export function kubeApiSpecOf(spec: KubeSpec, over: Partial<KubeApiSpec> = {}): KubeApiSpec {
  const ns = spec.namespace;
  const fullname = fullnameOf(spec.release);
  const objects: KubeObject[] = [];
  const logs: NonNullable<KubeApiSpec['logs']> = {};
  for (const p of spec.pods) {
    const pod = podJson(spec, p) as KubeObject & { spec: { containers: Record<string, unknown>[]; volumes?: unknown[] } };
    if (spec.tlsMount) {
      pod.spec.volumes = [{ name: 'data', secret: { secretName: spec.tlsMount.secret, defaultMode: 0o440, ...(spec.tlsMount.items ? { items: spec.tlsMount.items } : {}) } }];
      for (const c of pod.spec.containers) if (c.name === 'mcp-proxy') c.volumeMounts = [{ name: 'data', mountPath: spec.tlsMount.mountPath ?? '/data', readOnly: true }];
    }
    objects.push(pod);
    for (const c of p.containers) {
      const lines = spec.logs?.[p.name]?.[c.name] ?? [];
      logs[`${ns}/${p.name}/${c.name}`] = { current: lines, ...((c.restartCount ?? 0) > 0 ? { previous: lines.map((l) => `(previous) ${l}`) } : {}) };
    }
  }
  const hash = hex(spec.release, 10);
  objects.push({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: fullname, namespace: ns, labels: { 'app.kubernetes.io/instance': spec.release, 'app.kubernetes.io/name': 'mcp-tunnel' } },
    spec: { replicas: spec.pods.length, selector: { matchLabels: { 'app.kubernetes.io/instance': spec.release, 'app.kubernetes.io/name': 'mcp-tunnel' } }, template: { metadata: { labels: { 'app.kubernetes.io/instance': spec.release, 'app.kubernetes.io/name': 'mcp-tunnel', 'pod-template-hash': hash } }, spec: { containers: [{ name: 'mcp-proxy', image: 'ghcr.io/example/mcp-proxy:2.1.0' }, { name: 'cloudflared', image: 'ghcr.io/example/cloudflared:2.1.0' }] } } },
    status: { replicas: spec.pods.length, readyReplicas: spec.pods.filter((p) => p.containers.every((c) => c.state === 'running')).length },
  });
  for (const j of spec.jobs ?? []) {
    const uid = hex(`${j.name}job`, 32);
    const job = jobJson(spec, j) as KubeObject & { spec: Record<string, unknown> };
    job.metadata.uid = uid;
    job.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    job.spec.template = { metadata: { labels: { 'batch.kubernetes.io/controller-uid': uid, 'job-name': j.name } }, spec: { containers: [{ name: 'setup', image: 'ghcr.io/example/mcp-proxy:2.1.0' }], restartPolicy: 'Never' } };
    objects.push(job);
    if (!/-setup$/.test(j.name)) continue;
    const podName = `${j.name}-x7k2p`;
    objects.push({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: podName, namespace: ns, labels: { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': j.name, 'controller-uid': uid, 'job-name': j.name }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: j.name, uid, controller: true }] },
      spec: { containers: [{ name: 'setup', image: 'ghcr.io/example/mcp-proxy:2.1.0' }], restartPolicy: 'Never' },
      status: { phase: j.failed ? 'Failed' : 'Succeeded', containerStatuses: [{ name: 'setup', ready: false, restartCount: 0, state: { terminated: { exitCode: j.failed ? 1 : 0, reason: j.failed ? 'Error' : 'Completed', startedAt: '2026-11-28T01:49:30Z', finishedAt: '2026-11-28T01:49:40Z' } } }] },
    });
    logs[`${ns}/${podName}/setup`] = { current: spec.setupLog ?? [] };
  }
  objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: spec.kubernetesServiceIP ?? '127.0.0.40', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP' } });
  for (const [name, ip] of Object.entries(spec.services ?? { 'mcp-server': '127.0.0.30' })) {
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { clusterIP: ip, ports: [{ port: 8080, protocol: 'TCP' }], type: 'ClusterIP' } });
  }
  objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: ns }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } });
  for (const [name, data] of Object.entries(spec.configMaps ?? {})) objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });
  for (const [name, data] of Object.entries(spec.secrets ?? {})) {
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) });
  }
  const revisions = releaseRevisions(spec);
  for (const r of revisions) {
    // Earlier revisions' records hold other values: reading one of them would show.
    const record = r.revision === currentRevision(spec) ? helmStatusJson(spec) : helmStatusJson({ ...spec, values: { stale: `revision-${r.revision}` }, helmStatus: 'deployed' });
    objects.push(releaseSecretOf(spec, r.revision, r.status, record));
  }
  return { objects, logs, ...over };
}

/** The helm stand-in's answers for `spec` (the kubectl part is the real kubectl against kubeApiSpecOf(spec)). */
export function helmRules(spec: KubeSpec): Rule[] {
  return kubeRules(spec).filter((r) => r.tool === 'helm');
}
