// Pure parsers for kubectl and helm JSON: pods (every container's state, restarts, last termination), jobs,
// services, ConfigMaps, Secret key names, helm status and values. Secret values are never requested; helm
// values and ConfigMap data are redacted before they are kept.
import type { ContainerState, KubeState } from '../snapshot/types.js';
import { redact } from '../snapshot/redact.js';
import { redactValues } from '../snapshot/redact.js';

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === 'object') : []);

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function items(text: string): Json[] {
  return arr(obj(parseJson(text)).items);
}

function userOf(pod: Json, container: Json): string | undefined {
  const podSc = obj(obj(pod.spec).securityContext);
  const sc = obj(container.securityContext);
  const uid = num(sc.runAsUser) ?? num(podSc.runAsUser);
  const gid = num(sc.runAsGroup) ?? num(podSc.runAsGroup);
  if (uid === undefined) return undefined;
  return gid === undefined ? String(uid) : `${uid}:${gid}`;
}

function containerState(pod: Json, spec: Json, status: Json | undefined): ContainerState {
  const podName = str(obj(pod.metadata).name) ?? '?';
  const name = str(spec.name) ?? '?';
  const c: ContainerState = { service: name, name, pod: podName, state: 'waiting' };
  const state = obj(status?.state);
  if (state.running) {
    c.state = 'running';
    const started = str(obj(state.running).startedAt);
    if (started) c.startedAt = started;
  } else if (state.terminated) {
    const t = obj(state.terminated);
    c.state = 'terminated';
    const reason = str(t.reason);
    if (reason) c.reason = reason;
    const code = num(t.exitCode);
    if (code !== undefined) c.exitCode = code;
    const started = str(t.startedAt);
    if (started) c.startedAt = started;
    const finished = str(t.finishedAt);
    if (finished) c.finishedAt = finished;
  } else if (state.waiting) {
    const reason = str(obj(state.waiting).reason);
    if (reason) c.reason = reason;
  }
  const last = obj(obj(status?.lastState).terminated);
  if (Object.keys(last).length) {
    c.lastTermination = {};
    const code = num(last.exitCode);
    if (code !== undefined) c.lastTermination.exitCode = code;
    const reason = str(last.reason);
    if (reason) c.lastTermination.reason = reason;
    const finished = str(last.finishedAt);
    if (finished) c.lastTermination.finishedAt = finished;
    if (c.exitCode === undefined && code !== undefined && c.state !== 'running') c.exitCode = code;
  }
  const restarts = num(status?.restartCount);
  if (restarts !== undefined) c.restartCount = restarts;
  if (typeof status?.ready === 'boolean') c.ready = status.ready;
  const image = str(spec.image);
  if (image) c.image = image;
  const user = userOf(pod, spec);
  if (user) c.user = user;
  const ip = str(obj(pod.status).podIP);
  if (ip) c.ip = ip;
  c.status = statusText(c);
  return c;
}

/** The STATUS column kubectl would print for this container. */
function statusText(c: ContainerState): string {
  const restarts = c.restartCount ? `, ${c.restartCount} restart(s)` : '';
  if (c.state === 'running') return `Running${c.ready === false ? ' (not ready)' : ''}${restarts}`;
  if (c.state === 'terminated') return `Terminated: ${c.reason ?? 'exit'} (exit code ${c.exitCode ?? '?'})${restarts}`;
  const last = c.lastTermination ? `; last exit code ${c.lastTermination.exitCode ?? '?'}${c.lastTermination.reason ? ` (${c.lastTermination.reason})` : ''}` : '';
  return `Waiting: ${c.reason ?? 'ContainerCreating'}${restarts}${last}`;
}

export type KubePod = NonNullable<KubeState['pods']>[number];

/** `kubectl get pods -o json`: every pod with every container's state. */
export function parsePods(text: string): KubePod[] {
  return items(text).map((pod) => {
    const meta = obj(pod.metadata);
    const statuses = arr(obj(pod.status).containerStatuses);
    const containers = arr(obj(pod.spec).containers).map((spec) => containerState(pod, spec, statuses.find((st) => st.name === spec.name)));
    const out: KubePod = { name: str(meta.name) ?? '?', containers };
    const phase = str(obj(pod.status).phase);
    if (phase) out.phase = phase;
    out.ready = containers.length > 0 && containers.every((c) => c.ready === true);
    const labels = obj(meta.labels);
    if (Object.keys(labels).length) out.labels = Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const ip = str(obj(pod.status).podIP);
    if (ip) out.ip = ip;
    const start = str(obj(pod.status).startTime);
    if (start) out.startTime = start;
    const mounts = secretMountsOf(pod);
    if (mounts.length) out.secretMounts = mounts;
    return out;
  });
}

/** Which Secret each container sees where: `secret` volumes and the Secret sources of `projected` ones. */
function secretMountsOf(pod: Json): NonNullable<KubePod['secretMounts']> {
  const spec = obj(pod.spec);
  const volumes = new Map<string, { secret: string; items?: { key: string; path: string }[] }[]>();
  const itemsOf = (v: Json) => {
    const list = arr(v.items).map((i) => ({ key: str(i.key) ?? '', path: str(i.path) ?? '' })).filter((i) => i.key && i.path);
    return list.length ? { items: list } : {};
  };
  for (const v of arr(spec.volumes)) {
    const name = str(v.name);
    if (!name) continue;
    const direct = str(obj(v.secret).secretName);
    const sources = direct ? [{ secret: direct, ...itemsOf(obj(v.secret)) }] : [];
    for (const src of arr(obj(v.projected).sources)) {
      const secret = str(obj(src.secret).name);
      if (secret) sources.push({ secret, ...itemsOf(obj(src.secret)) });
    }
    if (sources.length) volumes.set(name, sources);
  }
  const out: NonNullable<KubePod['secretMounts']> = [];
  for (const c of arr(spec.containers)) {
    const container = str(c.name);
    if (!container) continue;
    for (const m of arr(c.volumeMounts)) {
      const mountPath = str(m.mountPath);
      const sources = volumes.get(str(m.name) ?? '');
      if (!mountPath || !sources) continue;
      const subPath = str(m.subPath);
      for (const src of sources) out.push({ container, mountPath, ...(subPath ? { subPath } : {}), ...src });
    }
  }
  return out;
}

/** The pods of this release's Deployment: labelled with the release and holding a tunnel container. */
export function tunnelPods(pods: KubePod[], release: string): KubePod[] {
  const hasTunnelContainer = (p: KubePod) => p.containers.some((c) => c.name === 'mcp-proxy' || c.name === 'cloudflared');
  const labelled = pods.filter((p) => p.labels?.['app.kubernetes.io/instance'] === release && hasTunnelContainer(p));
  return labelled.length ? labelled : pods.filter(hasTunnelContainer);
}

export type KubeJob = NonNullable<KubeState['jobs']>[number];

export function parseJobs(text: string): KubeJob[] {
  return items(text).map((job) => {
    const meta = obj(job.metadata);
    const status = obj(job.status);
    const out: KubeJob = { name: str(meta.name) ?? '?' };
    for (const key of ['failed', 'succeeded', 'active'] as const) {
      const n = num(status[key]);
      if (n !== undefined) out[key] = n;
    }
    const conditions = arr(status.conditions)
      .filter((c) => c.status === 'True')
      .map((c) => [str(c.type), str(c.reason) && `(${str(c.reason)})`, str(c.message) && `: ${redact(str(c.message)!)}`].filter(Boolean).join(' '));
    if (conditions.length) out.conditions = conditions;
    const hook = str(obj(meta.annotations)['helm.sh/hook']);
    if (hook) out.hook = hook;
    const start = str(status.startTime);
    if (start) out.startTime = start;
    const done = str(status.completionTime);
    if (done) out.completionTime = done;
    const labels = obj(meta.labels);
    if (Object.keys(labels).length) out.labels = Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    return out;
  });
}

export function parseServices(text: string): NonNullable<KubeState['services']> {
  const out: NonNullable<KubeState['services']> = {};
  for (const svc of items(text)) {
    const meta = obj(svc.metadata);
    const name = str(meta.name);
    if (!name) continue;
    const ip = str(obj(svc.spec).clusterIP);
    out[name] = { ...(ip ? { clusterIP: ip } : {}), ...(str(meta.namespace) ? { namespace: str(meta.namespace) } : {}) };
  }
  return out;
}

/** ConfigMaps' data, redacted; the cluster's own CA bundle is left out. */
export function parseConfigMaps(text: string): NonNullable<KubeState['configMaps']> {
  const out: NonNullable<KubeState['configMaps']> = {};
  for (const cm of items(text)) {
    const name = str(obj(cm.metadata).name);
    if (!name || name === 'kube-root-ca.crt') continue;
    const data = obj(cm.data);
    out[name] = Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, redact(v as string)]));
  }
  return out;
}

export const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';

/**
 * The go-template output `name<TAB>type<TAB>key key ...<TAB>owner/name/version/status` per Secret (see
 * kube-commands.ts): key names only, Helm's own release records left out.
 */
export function parseSecretKeys(text: string, dropped: { count: number } = { count: 0 }): NonNullable<KubeState['secretKeys']> {
  const out: NonNullable<KubeState['secretKeys']> = {};
  for (const line of text.split('\n')) {
    const [name, type, keys = ''] = line.split('\t');
    if (!name || type === RELEASE_SECRET_TYPE) continue;
    const words = keys.split(' ').filter(Boolean);
    const names = words.filter(isSecretKeyName);
    dropped.count += words.length - names.length;
    out[name] = names.sort();
  }
  return out;
}

/** The same output's release records of `release`, by revision (from their labels and names; no data). */
export function parseReleaseSecrets(text: string, release: string): NonNullable<KubeState['history']> {
  const out: NonNullable<KubeState['history']> = [];
  const prefix = `sh.helm.release.v1.${release}.v`;
  for (const line of text.split('\n')) {
    const [name, type, , labels = ''] = line.split('\t');
    if (!name || type !== RELEASE_SECRET_TYPE || !name.startsWith(prefix)) continue;
    const [owner, labelName, version, status] = labels.split('/').map((x) => (x === '<no value>' || x === '' ? undefined : x));
    if (owner !== undefined && owner !== 'helm') continue;
    if (labelName !== undefined && labelName !== release) continue;
    const fromName = Number(name.slice(prefix.length));
    const revision = version !== undefined && /^\d+$/.test(version) ? Number(version) : fromName;
    if (!Number.isInteger(revision) || revision <= 0) continue;
    out.push({ revision, ...(status ? { status } : {}), secret: name });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

/**
 * A Secret's key as Kubernetes allows it (`[-._a-zA-Z0-9]+`, at most 253), that does not look like a value
 * (a kubectl that printed the data where the key belongs): anything else is left out, never kept.
 */
function isSecretKeyName(word: string): boolean {
  if (word.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(word)) return false;
  if (redact(word) !== word) return false;
  return !(word.length >= 32 && /^[A-Za-z0-9]+$/.test(word)); // one long opaque run: a value, not a name
}

/** `helm status -o json`, reduced: the release record also holds the chart's files and the user's values. */
export function parseHelmStatus(text: string): { helm: NonNullable<KubeState['helm']>; namespace?: string } | undefined {
  const v = obj(parseJson(text));
  if (!Object.keys(v).length) return undefined;
  const info = obj(v.info);
  const meta = obj(obj(v.chart).metadata);
  const helm: NonNullable<KubeState['helm']> = {};
  const set = <K extends keyof typeof helm>(key: K, value: (typeof helm)[K] | undefined) => {
    if (value !== undefined) helm[key] = value;
  };
  set('status', str(info.status));
  set('chart', str(meta.name));
  set('version', str(meta.version));
  set('appVersion', str(meta.appVersion));
  set('revision', num(v.version));
  set('lastDeployed', str(info.last_deployed));
  set('firstDeployed', str(info.first_deployed));
  set('description', str(info.description) && redact(str(info.description)!));
  // Hooks: what ran and how it ended; their manifests (which may hold secrets) are never kept.
  const hooks = arr(v.hooks).map((h) => {
    const hook: NonNullable<NonNullable<KubeState['helm']>['hooks']>[number] = { name: str(h.name) ?? '?' };
    const kind = str(h.kind);
    if (kind) hook.kind = kind;
    const events = Array.isArray(h.events) ? h.events.filter((e): e is string => typeof e === 'string') : [];
    if (events.length) hook.events = events;
    const phase = str(obj(h.last_run).phase);
    if (phase) hook.phase = phase;
    const policies = Array.isArray(h.delete_policies) ? h.delete_policies.filter((e): e is string => typeof e === 'string') : [];
    if (policies.length) hook.deletePolicies = policies;
    return hook;
  });
  if (hooks.length) helm.hooks = hooks;
  return { helm, ...(str(v.namespace) ? { namespace: str(v.namespace) } : {}) };
}

/** `helm get values -o json`: the values with every secret-looking value replaced. */
export function parseHelmValues(text: string): { values: unknown; redacted: string[] } | undefined {
  const v = parseJson(text.trim() === '' || text.trim() === 'null' ? '{}' : text);
  if (v === undefined) return undefined;
  return redactValues(v ?? {});
}
