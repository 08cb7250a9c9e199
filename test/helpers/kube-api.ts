// A Kubernetes API server for tests: HTTPS on 127.0.0.1 (a port the kernel picks), a CA made here, a bearer
// token, and recorded objects. It answers well enough for the real kubectl (/usr/bin/kubectl; the gcloud
// dispatcher picks its kubectl copy from /version): /api and /apis discovery, an APIResourceList per
// group/version (with pods/log), lists (label and field selectors) and gets, pods/log as text (tailLines,
// timestamps, previous, container, sinceSeconds), Status objects for errors in the apiserver's own words,
// state for POST / PATCH / DELETE (dry runs change nothing), SelfSubjectAccessReview (kubectl posts
// protobuf), and the Service range check of a Service create. Every request is recorded.
//
// `kubeEnv()` gives the product a KUBECONFIG, a fresh KUBECACHEDIR and HOME, and a PATH holding only the
// real kubectl (and, when asked, the helm stand-in).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import { buildCertificate, newKeyPair, privateKeyPem, OID } from './certs.js';

/** The real kubectl: /usr/bin/kubectl (here the gcloud dispatcher; on CI machines without it, Debian's 1.20), or MTT_REAL_KUBECTL. */
export const REAL_KUBECTL = process.env.MTT_REAL_KUBECTL || '/usr/bin/kubectl';
/** The gcloud dispatcher (versioned copies beside it) runs the kubectl of the server's minor version. */
export const kubectlFollowsServer = (() => {
  try {
    return existsSync(join(dirname(realpathSync(REAL_KUBECTL)), 'kubectl.1.27'));
  } catch {
    return false;
  }
})();
/** CI (REQUIRE_KUBECTL=1) must have it: the tests fail rather than skip. */
export const haveRealKubectl = existsSync(REAL_KUBECTL) || process.env.REQUIRE_KUBECTL === '1';

export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

interface ResourceDef {
  gv: string;
  name: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const BASE_RESOURCES: ResourceDef[] = [
  { gv: 'v1', name: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'] },
  { gv: 'v1', name: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, verbs: RW, shortNames: ['po'] },
  { gv: 'v1', name: 'pods/log', singular: '', kind: 'Pod', namespaced: true, verbs: ['get'] },
  { gv: 'v1', name: 'services', singular: 'service', kind: 'Service', namespaced: true, verbs: RW, shortNames: ['svc'] },
  { gv: 'v1', name: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, verbs: RW },
  { gv: 'v1', name: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, verbs: RW, shortNames: ['cm'] },
  { gv: 'v1', name: 'events', singular: 'event', kind: 'Event', namespaced: true, verbs: RW, shortNames: ['ev'] },
  { gv: 'v1', name: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, verbs: RW, shortNames: ['sa'] },
  { gv: 'apps/v1', name: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, verbs: RW, shortNames: ['deploy'] },
  { gv: 'apps/v1', name: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, verbs: RW, shortNames: ['rs'] },
  { gv: 'batch/v1', name: 'jobs', singular: 'job', kind: 'Job', namespaced: true, verbs: RW },
  { gv: 'batch/v1', name: 'cronjobs', singular: 'cronjob', kind: 'CronJob', namespaced: true, verbs: RW, shortNames: ['cj'] },
  { gv: 'authorization.k8s.io/v1', name: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] },
];

export interface KubeApiSpec {
  /** Server version `1.N` (the dispatcher runs its kubectl.1.N copy); default 1.32. */
  version?: string;
  objects?: KubeObject[];
  /** Pod logs by `namespace/pod/container`: the current instance's lines and the previous one's. */
  logs?: Record<string, { current?: string[]; previous?: string[] }>;
  /** Who the token belongs to, for the apiserver's messages. */
  user?: string;
  /** Requests answered 403 Forbidden: by resource (`pods`, `pods/log`, `secrets`), verb and namespace. */
  forbid?: { resource: string; verb?: string; namespace?: string }[];
  /** The Service IP range a Service create is checked against (the apiserver's --service-cluster-ip-range). */
  serviceCIDR?: string;
  /** Serve networking.k8s.io ServiceCIDR objects (1.31+) holding `serviceCIDR`, at this API version. */
  serviceCIDRObjects?: 'v1' | 'v1beta1';
  /** `unauthorized`: every request gets 401; `hang`: connections are accepted and never answered. */
  mode?: 'normal' | 'unauthorized' | 'hang';
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: Buffer;
}

export interface KubeApi {
  url: string;
  port: number;
  caPem: string;
  token: string;
  requests: RecordedRequest[];
  /** The live objects (after PATCH / POST / DELETE). */
  objects: KubeObject[];
  find(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  close(): Promise<void>;
}

let pkiPromise: Promise<{ caPem: string; certPem: string; keyPem: string; otherCaPem: string }> | undefined;

/** One CA and server certificate (127.0.0.1, localhost) per test file; a second, unrelated CA for the wrong-CA case. */
export function apiPki() {
  pkiPromise ??= (async () => {
    const now = Date.now();
    const [caKey, serverKey, otherKey] = await Promise.all([newKeyPair({ type: 'ec', curve: 'prime256v1' }), newKeyPair({ type: 'ec', curve: 'prime256v1' }), newKeyPair({ type: 'ec', curve: 'prime256v1' })]);
    const caSpec = (cn: string, key: typeof caKey) => buildCertificate({
      subject: { cn }, publicKey: key.publicKey, selfKey: key.privateKey, notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 86_400_000),
      basicConstraints: { ca: true, critical: true }, keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
    });
    const ca = caSpec('test-kube-ca', caKey);
    const server = buildCertificate({
      subject: { cn: 'kube-apiserver' }, publicKey: serverKey.publicKey, issuer: ca.asIssuer(caKey.privateKey), notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 86_400_000),
      dns: ['localhost'], ips: ['127.0.0.1'], basicConstraints: { ca: false, critical: true }, keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: [OID.serverAuth],
    });
    return { caPem: ca.pem, certPem: server.pem, keyPem: privateKeyPem(serverKey.privateKey), otherCaPem: caSpec('some-other-ca', otherKey).pem };
  })();
  return pkiPromise;
}

// ── Status objects in the apiserver's words ─────────────────────────────────────────────────────────

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

const groupOf = (gv: string) => (gv.includes('/') ? gv.split('/')[0]! : '');
const qualified = (r: ResourceDef) => (groupOf(r.gv) ? `${r.name}.${groupOf(r.gv)}` : r.name);

// ── Selectors ────────────────────────────────────────────────────────────────────────────────────────

function labelMatch(selector: string | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  // Split on commas outside parentheses.
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) terms.push(cur);
  return terms.every((raw) => {
    const t = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(t))) {
      const values = m[3]!.split(',').map((v) => v.trim());
      const has = m[1]! in labels && values.includes(labels[m[1]!]!);
      return m[2] === 'in' ? has : !has;
    }
    if ((m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(t))) return m[2] === '!=' ? labels[m[1]!] !== m[3] : labels[m[1]!] === m[3];
    if (t.startsWith('!')) return !(t.slice(1) in labels);
    return t in labels;
  });
}

function fieldMatch(selector: string | undefined, obj: KubeObject): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const m = /^([^!=]+)(==|!=|=)(.*)$/.exec(term.trim());
    if (!m) return true;
    let v: unknown = obj;
    for (const k of m[1]!.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    const eq = String(v ?? '') === m[3];
    return m[2] === '!=' ? !eq : eq;
  });
}

// ── Protobuf (SelfSubjectAccessReview as kubectl posts it) ──────────────────────────────────────────

type Fields = Map<number, (Buffer | number)[]>;

function protoFields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let value: Buffer | number;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else if (wire === 5) {
      value = buf.readUInt32LE(i);
      i += 4;
    } else if (wire === 1) {
      value = Number(buf.readBigUInt64LE(i));
      i += 8;
    } else break;
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const protoString = (f: Fields | undefined, n: number) => {
  const v = f?.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : '';
};
const protoMessage = (f: Fields | undefined, n: number): Fields | undefined => {
  const v = f?.get(n)?.[0];
  return Buffer.isBuffer(v) ? protoFields(v) : undefined;
};

/** The `k8s\0` envelope (runtime.Unknown: raw = 2) around a SelfSubjectAccessReview (spec = 2, resourceAttributes = 1). */
export function accessReviewOf(body: Buffer, contentType = ''): { namespace: string; verb: string; group: string; resource: string; subresource: string; name: string } {
  if (contentType.includes('json')) {
    const ra = (JSON.parse(body.toString('utf8')) as { spec?: { resourceAttributes?: Record<string, string> } }).spec?.resourceAttributes ?? {};
    return { namespace: ra.namespace ?? '', verb: ra.verb ?? '', group: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource ?? '', name: ra.name ?? '' };
  }
  const unknown = protoFields(body.subarray(4));
  const review = protoMessage(unknown, 2);
  const ra = protoMessage(protoMessage(review, 2), 1);
  return { namespace: protoString(ra, 1), verb: protoString(ra, 2), group: protoString(ra, 3), resource: protoString(ra, 5), subresource: protoString(ra, 6), name: protoString(ra, 7) };
}

const isProtobuf = (contentType: string | undefined) => (contentType ?? '').includes('protobuf');

/** A Service as `kubectl create service` posts it (protobuf): metadata.name (1.1), spec.clusterIP (2.3), spec.clusterIPs (2.18). */
function protoObject(r: ResourceDef, body: Buffer): KubeObject {
  if (r.kind !== 'Service') throw new Error(`no protobuf decoding for ${r.kind}`);
  const service = protoMessage(protoFields(body.subarray(4)), 2);
  const meta = protoMessage(service, 1);
  const spec = protoMessage(service, 2);
  const clusterIPs = (spec?.get(18) ?? []).filter(Buffer.isBuffer).map((b) => b.toString('utf8'));
  const clusterIP = protoString(spec, 3);
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: protoString(meta, 1) }, spec: { ...(clusterIP ? { clusterIP } : {}), ...(clusterIPs.length ? { clusterIPs } : {}), type: protoString(spec, 4) || 'ClusterIP' } };
}

// ── Merge patch (what `rollout restart` sends: a strategic merge patch of maps) ─────────────────────

function merge(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

// ── Logs ─────────────────────────────────────────────────────────────────────────────────────────────

const BASE_TIME = Date.parse('2026-11-28T03:10:00Z');
/** The line's RFC3339Nano timestamp as kubelet writes it with timestamps=true. */
export function logTime(i: number): string {
  return new Date(BASE_TIME + i * 1000).toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${String(1000000 + Math.abs(i) * 7).slice(1)}Z`);
}

// ── The server ───────────────────────────────────────────────────────────────────────────────────────

export async function startKubeApi(spec: KubeApiSpec = {}): Promise<KubeApi> {
  const pki = await apiPki();
  const token = randomBytes(24).toString('hex');
  const version = spec.version ?? '1.32';
  const user = spec.user ?? 'system:serviceaccount:ci:reader';
  const requests: RecordedRequest[] = [];
  let rv = 1000;
  const objects: KubeObject[] = structuredClone(spec.objects ?? []).map(withMeta);
  const resources = [...BASE_RESOURCES];
  if (spec.serviceCIDRObjects) {
    resources.push({ gv: `networking.k8s.io/${spec.serviceCIDRObjects}`, name: 'servicecidrs', singular: 'servicecidr', kind: 'ServiceCIDR', namespaced: false, verbs: RW });
    objects.push(withMeta({ apiVersion: `networking.k8s.io/${spec.serviceCIDRObjects}`, kind: 'ServiceCIDR', metadata: { name: 'kubernetes' }, spec: { cidrs: [spec.serviceCIDR ?? '10.96.0.0/12'] }, status: { conditions: [{ type: 'Ready', status: 'True', reason: '', message: 'Kubernetes Service CIDR is ready', lastTransitionTime: '2026-11-27T09:00:00Z' }] } }));
  }
  // Namespaces exist where objects live, and default / kube-system always.
  for (const ns of new Set(['default', 'kube-system', ...objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n)])) {
    if (!objects.some((o) => o.kind === 'Namespace' && o.metadata.name === ns)) objects.push(withMeta({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }));
  }
  const groups = () => {
    const byGroup = new Map<string, string[]>();
    for (const r of resources) {
      const g = groupOf(r.gv);
      if (!g) continue;
      const versions = byGroup.get(g) ?? [];
      if (!versions.includes(r.gv)) versions.push(r.gv);
      byGroup.set(g, versions);
    }
    return [...byGroup.entries()].map(([name, gvs]) => ({
      name,
      versions: gvs.map((gv) => ({ groupVersion: gv, version: gv.split('/')[1] })),
      preferredVersion: { groupVersion: gvs[0], version: gvs[0]!.split('/')[1] },
    }));
  };

  const resourceList = (gv: string) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: resources.filter((r) => r.gv === gv).map((r) => ({
      name: r.name, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.name.includes('/') ? {} : { storageVersionHash: randomUUID().slice(0, 12) }),
    })),
  });

  const forbidden = (verb: string, r: ResourceDef, ns: string | undefined, name?: string, sub?: string) => {
    const resource = sub ? `${r.name}/${sub}` : r.name;
    const rule = (spec.forbid ?? []).find((f) => f.resource === resource && (!f.verb || f.verb === verb) && (!f.namespace || f.namespace === ns));
    if (!rule) return undefined;
    const subject = name ? `${qualified(r)} "${name}"` : qualified(r);
    const where = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
    return status(403, 'Forbidden', `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${groupOf(r.gv)}" ${where}`, { ...(name ? { name } : {}), ...(groupOf(r.gv) ? { group: groupOf(r.gv) } : {}), kind: r.name });
  };

  const inRange = (ip: string) => {
    if (!spec.serviceCIDR || !isIPv4(ip)) return true;
    const [base, bits] = spec.serviceCIDR.split('/');
    const list = new BlockList();
    list.addSubnet(base!, Number(bits), 'ipv4');
    return list.check(ip, 'ipv4');
  };

  const find = (kind: string, namespace: string | undefined, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

  function withMeta(o: KubeObject): KubeObject {
    o.metadata.uid ??= randomUUID();
    o.metadata.resourceVersion ??= String(rv++);
    o.metadata.creationTimestamp ??= '2026-11-27T09:12:44Z';
    return o;
  }

  function send(res: ServerResponse, code: number, body: unknown) {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Audit-Id': randomUUID(), 'Cache-Control': 'no-cache, private' });
    res.end(text);
  }

  function podLog(res: ServerResponse, ns: string, pod: KubeObject, q: Record<string, string>) {
    const containers = ((pod.spec as { containers?: { name: string }[] })?.containers ?? []).map((c) => c.name);
    const name = pod.metadata.name;
    let container = q.container;
    if (!container) {
      if (containers.length !== 1) return send(res, 400, status(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`));
      container = containers[0]!;
    }
    if (!containers.includes(container)) return send(res, 400, status(400, 'BadRequest', `container ${container} is not valid for pod ${name}`));
    const entry = spec.logs?.[`${ns}/${name}/${container}`];
    const previous = q.previous === 'true';
    const lines = previous ? entry?.previous : (entry?.current ?? []);
    if (lines === undefined) return send(res, 400, status(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`));
    // The current instance logs from BASE_TIME on; the previous one an hour before.
    let stamped = lines.map((l, i) => ({ at: logTime(i - (previous ? 3600 : 0)), text: l }));
    if (q.sinceSeconds) stamped = stamped.filter((l) => Date.parse(l.at) >= BASE_TIME + 3600 * 1000 - Number(q.sinceSeconds) * 1000);
    if (q.tailLines !== undefined) stamped = Number(q.tailLines) === 0 ? [] : stamped.slice(-Number(q.tailLines));
    const text = stamped.map((l) => `${q.timestamps === 'true' ? `${l.at} ` : ''}${l.text}\n`).join('');
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const q = Object.fromEntries(url.searchParams.entries());
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query: q, ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}), ...(body.length ? { body } : {}) });
    if (spec.mode === 'unauthorized' || req.headers.authorization !== `Bearer ${token}`) return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));

    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/version') {
      const [major, minor] = version.split('.');
      return send(res, 200, { major, minor, emulationMajor: major, emulationMinor: minor, gitVersion: `v${version}.4`, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-11-01T00:00:00Z', goVersion: 'go1.23.6', compiler: 'gc', platform: 'linux/amd64' });
    }
    if (path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] });
    if (path === '/apis') return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: groups() });
    if (path === '/api/v1') return send(res, 200, resourceList('v1'));
    const groupPath = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (groupPath) {
      const gv = `${groupPath[1]}/${groupPath[2]}`;
      if (!resources.some((r) => r.gv === gv)) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return send(res, 200, resourceList(gv));
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/(.+)$/.exec(path);
    if (!m) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const gv = m[1] ?? m[2]!;
    const rest = m[3]!.split('/');
    let ns: string | undefined;
    let resourceName: string;
    let name: string | undefined;
    let sub: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) [, ns, resourceName, name, sub] = rest as [string, string, string, string?, string?];
    else [resourceName, name, sub] = rest as [string, string?, string?];
    const r = resources.find((x) => x.gv === gv && x.name === resourceName);
    if (!r) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const dryRun = q.dryRun === 'All';
    const verb = method === 'GET' ? (name ? 'get' : q.watch === 'true' ? 'watch' : 'list') : method === 'POST' ? 'create' : method === 'PATCH' ? 'patch' : method === 'PUT' ? 'update' : method === 'DELETE' ? (name ? 'delete' : 'deletecollection') : method.toLowerCase();
    const denied = forbidden(verb, r, ns, name, sub);
    if (denied) return send(res, 403, denied);
    const notFound = () => send(res, 404, status(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, ...(groupOf(r.gv) ? { group: groupOf(r.gv) } : {}), kind: r.name }));
    const nsMissing = ns !== undefined && !find('Namespace', undefined, ns);

    if (r.kind === 'SelfSubjectAccessReview' && method === 'POST') {
      const ra = accessReviewOf(body, req.headers['content-type']);
      const target = resources.find((x) => x.name === ra.resource && groupOf(x.gv) === ra.group);
      const denies = target ? !!forbidden(ra.verb, target, ra.namespace || undefined, undefined, ra.subresource || undefined) : false;
      return send(res, 201, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { resourceAttributes: { namespace: ra.namespace, verb: ra.verb, group: ra.group, resource: ra.resource, ...(ra.name ? { name: ra.name } : {}) } }, status: { allowed: !denies, ...(denies ? { denied: false } : { reason: 'RBAC: allowed by test' }) } });
    }

    if (method === 'GET' && !name) {
      if (q.watch === 'true') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        setTimeout(() => res.end(), 300).unref();
        return;
      }
      const items = objects.filter((o) => o.kind === r.kind && o.apiVersion === r.gv && (ns === undefined || o.metadata.namespace === ns) && labelMatch(q.labelSelector, o.metadata.labels) && fieldMatch(q.fieldSelector, o));
      return send(res, 200, { kind: `${r.kind}List`, apiVersion: r.gv, metadata: { resourceVersion: String(rv) }, items });
    }
    if (method === 'GET') {
      const obj = objects.find((o) => o.kind === r.kind && o.apiVersion === r.gv && o.metadata.name === name && o.metadata.namespace === ns);
      if (!obj) return notFound();
      if (sub === 'log' && r.kind === 'Pod') return podLog(res, ns!, obj, q);
      if (sub) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return send(res, 200, obj);
    }
    if (method === 'POST') {
      let obj: KubeObject;
      try {
        obj = isProtobuf(req.headers['content-type']) ? protoObject(r, body) : (JSON.parse(body.toString('utf8')) as KubeObject);
      } catch {
        return send(res, 400, status(400, 'BadRequest', 'the object provided is unrecognized (must be of type Status)'));
      }
      if (nsMissing) return send(res, 404, status(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' }));
      obj.metadata.namespace = ns;
      if (r.kind === 'Service') {
        const svcSpec = (obj.spec ?? {}) as { clusterIP?: string; clusterIPs?: string[] };
        const ips = svcSpec.clusterIPs ?? (svcSpec.clusterIP ? [svcSpec.clusterIP] : []);
        const ip = ips.find((x) => x !== 'None' && x !== '');
        if (ip && !inRange(ip)) {
          // pkg/registry/core/service/storage/alloc.go + ipallocator.ErrNotInRange, as a 422 Invalid.
          const value = `[]string{"${ip}"}`;
          const cause = `Invalid value: ${value}: failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${spec.serviceCIDR}`;
          return send(res, 422, status(422, 'Invalid', `Service "${obj.metadata.name}" is invalid: spec.clusterIPs: ${cause}`, { name: obj.metadata.name, kind: 'Service', causes: [{ reason: 'FieldValueInvalid', message: cause, field: 'spec.clusterIPs' }] }));
        }
      }
      if (objects.some((o) => o.kind === r.kind && o.metadata.name === obj.metadata.name && o.metadata.namespace === ns)) {
        return send(res, 409, status(409, 'AlreadyExists', `${qualified(r)} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, kind: r.name }));
      }
      withMeta(obj);
      if (!dryRun) objects.push(obj);
      return send(res, 201, obj);
    }
    const index = objects.findIndex((o) => o.kind === r.kind && o.apiVersion === r.gv && o.metadata.name === name && o.metadata.namespace === ns);
    if (index < 0) return notFound();
    if (method === 'PATCH') {
      let patch: unknown;
      try {
        patch = JSON.parse(body.toString('utf8'));
      } catch {
        return send(res, 400, status(400, 'BadRequest', 'error decoding patch'));
      }
      const next = merge(objects[index], patch) as KubeObject;
      next.metadata.resourceVersion = String(rv++);
      if (!dryRun) objects[index] = next;
      return send(res, 200, next);
    }
    if (method === 'DELETE') {
      const [gone] = dryRun ? [objects[index]!] : objects.splice(index, 1);
      // kubectl deletes with propagationPolicy Background: the garbage collector removes what the object owned.
      if (!dryRun) {
        for (let i = objects.length - 1; i >= 0; i--) {
          const owners = (objects[i]!.metadata.ownerReferences ?? []) as { uid?: string }[];
          if (owners.some((o) => o.uid === gone!.metadata.uid)) objects.splice(i, 1);
        }
      }
      return send(res, 200, gone);
    }
    return send(res, 405, status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer({ key: pki.keyPem, cert: pki.certPem }, (req, res) => {
    if (spec.mode === 'hang') return; // accepted, never answered
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (err) {
        send(res, 500, status(500, 'InternalError', `test server: ${(err as Error).message}`));
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caPem: pki.caPem,
    token,
    requests,
    objects,
    find,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ── The product's environment ────────────────────────────────────────────────────────────────────────

export interface KubeEnvOptions {
  /** Server URL (default the API's); a closed port for "connection refused". */
  server?: string;
  caPem?: string;
  token?: string;
  context?: string;
  /** Extra programs for PATH: name -> absolute path (the helm stand-in wrapper). */
  programs?: Record<string, string>;
  /** Extra environment (MTT_STANDIN_SCENARIO for the helm stand-in). */
  env?: Record<string, string>;
}

export interface KubeEnv {
  dir: string;
  env: Record<string, string>;
  kubeconfig: string;
  cleanup(): Promise<void>;
}

/** A KUBECONFIG for `api`, a fresh KUBECACHEDIR and HOME, and PATH with the real kubectl (and `programs`). */
export async function kubeEnv(api: Pick<KubeApi, 'url' | 'caPem' | 'token'>, o: KubeEnvOptions = {}): Promise<KubeEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'mtt-kubeenv-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await mkdir(join(dir, 'home'));
  await symlink(REAL_KUBECTL, join(bin, 'kubectl'));
  for (const [name, target] of Object.entries(o.programs ?? {})) await symlink(target, join(bin, name));
  const context = o.context ?? 'kind-tunnel';
  const kubeconfig = join(dir, 'kubeconfig');
  const ca = Buffer.from(o.caPem ?? api.caPem).toString('base64');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: test-cluster',
      '  cluster:',
      `    server: ${o.server ?? api.url}`,
      `    certificate-authority-data: ${ca}`,
      'users:',
      '- name: tester',
      '  user:',
      `    token: ${o.token ?? api.token}`,
      'contexts:',
      `- name: ${context}`,
      '  context:',
      '    cluster: test-cluster',
      '    user: tester',
      `current-context: ${context}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return {
    dir,
    kubeconfig,
    env: { PATH: bin, HOME: join(dir, 'home'), KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache'), ...(o.env ?? {}) },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
