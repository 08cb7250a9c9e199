// Certificates from the cluster. On Helm the server certificate, its key and the CA live in Secrets: the
// proxy's config names its files (tls.cert_file, tls.key_file; /data/tls.crt and /data/tls.key by default),
// the mcp-proxy container mounts a Secret there, so the Secret and key each file comes from is followed the
// way Compose's are followed through volumes. Without a pod to look at, the release values name the Secret
// (external.serverCertSecretName) or the chart's own Secret (<fullname>) holds tls.crt / tls.key / ca.crt.
// Only those keys (and `tunnel-domain`, a public value) are ever asked for. The key's bytes become its public
// facts here and are dropped: the snapshot holds `{withheld, keyInfo}` only.
import { parse } from 'yaml';
import type { FileRole, KubeState, SnapshotFile } from '../snapshot/types.js';
import { fileFromBytes } from './files.js';
import { fullnameOf } from './kube-commands.js';

export type TlsRole = Extract<FileRole, 'tlsCert' | 'tlsKey' | 'caCert' | 'tunnelDomain'>;

export interface TlsKeyRead {
  key: string;
  role: TlsRole;
  why: string;
}

export interface TlsRead {
  secret: string;
  keys: TlsKeyRead[];
}

export const DEFAULT_CERT_IN = '/data/tls.crt';
export const DEFAULT_KEY_IN = '/data/tls.key';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

function at(v: unknown, keys: readonly string[]): unknown {
  let node = v;
  for (const k of keys) node = isMap(node) ? node[k] : undefined;
  return node;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** tls.cert_file / tls.key_file as the proxy reads them: the rendered ConfigMap first, then the release values. */
export function proxyTlsPaths(kube: KubeState): { cert: string; key: string; from: string } {
  for (const [name, data] of Object.entries(kube.configMaps ?? {})) {
    for (const [file, body] of Object.entries(data)) {
      if (!/cert_file|key_file/.test(body)) continue;
      let doc: unknown;
      try {
        doc = parse(body);
      } catch {
        continue;
      }
      const cert = text(at(doc, ['tls', 'cert_file']));
      const key = text(at(doc, ['tls', 'key_file']));
      if (cert || key) return { cert: cert ?? DEFAULT_CERT_IN, key: key ?? DEFAULT_KEY_IN, from: `ConfigMap ${name} (${file})` };
    }
  }
  const values = kube.computedValues ?? kube.values;
  const cert = text(at(values, ['gateway', 'config', 'tls', 'cert_file']));
  const key = text(at(values, ['gateway', 'config', 'tls', 'key_file']));
  if (cert || key) return { cert: cert ?? DEFAULT_CERT_IN, key: key ?? DEFAULT_KEY_IN, from: 'the release values (gateway.config.tls)' };
  return { cert: DEFAULT_CERT_IN, key: DEFAULT_KEY_IN, from: 'the proxy\'s defaults' };
}

type Mount = NonNullable<NonNullable<KubeState['pods']>[number]['secretMounts']>[number];

/** The Secret and key behind a path inside the mcp-proxy container, through its Secret volume mounts. */
export function secretBehind(mounts: readonly Mount[], inContainer: string): { secret: string; key: string; mount: string } | undefined {
  const sorted = [...mounts].sort((a, b) => b.mountPath.length - a.mountPath.length);
  for (const m of sorted) {
    const base = m.mountPath.replace(/\/+$/, '');
    let rel: string | undefined;
    if (m.subPath) rel = inContainer === base ? m.subPath : undefined;
    else if (inContainer.startsWith(`${base}/`)) rel = inContainer.slice(base.length + 1);
    if (rel === undefined) continue;
    const key = m.items ? m.items.find((i) => i.path === rel)?.key : rel.includes('/') ? undefined : rel;
    if (key) return { secret: m.secret, key, mount: m.mountPath };
  }
  return undefined;
}

/**
 * Which Secret keys to read for the TLS checks and the tunnel domain, and why each. Pure: from the pods'
 * mounts, the config, the release values and the Secrets' key names gathered before.
 */
export function planTlsReads(kube: KubeState, release: string): { reads: TlsRead[]; notes: string[] } {
  const fullname = fullnameOf(release);
  const notes: string[] = [];
  const keysOf = (secret: string) => kube.secretKeys?.[secret];
  /** Where key names are known, only keys that exist are asked for. */
  const has = (secret: string, key: string) => keysOf(secret) === undefined ? kube.secretKeys === undefined : keysOf(secret)!.includes(key);
  const mounts = dedupe((kube.pods ?? []).flatMap((p) => p.secretMounts ?? []).filter((m) => m.container === 'mcp-proxy'));
  const paths = proxyTlsPaths(kube);
  const wanted: { secret: string; key: string; role: TlsRole; why: string }[] = [];

  const named = text(at(kube.computedValues ?? kube.values, ['external', 'serverCertSecretName']));
  const locate = (inContainer: string, defaultKey: string, role: TlsRole) => {
    const viaMount = secretBehind(mounts, inContainer);
    if (viaMount) return { ...viaMount, role, why: `${inContainer} (${paths.from}) is key ${viaMount.key} of Secret ${viaMount.secret}, mounted at ${viaMount.mount} in mcp-proxy` };
    if (named && has(named, defaultKey)) return { secret: named, key: defaultKey, role, why: `the release values name Secret ${named} (external.serverCertSecretName)` };
    if (has(fullname, defaultKey)) return { secret: fullname, key: defaultKey, role, why: `the chart's Secret ${fullname}` };
    return undefined;
  };
  const cert = locate(paths.cert, 'tls.crt', 'tlsCert');
  const key = locate(paths.key, 'tls.key', 'tlsKey');
  if (cert) wanted.push(cert);
  else notes.push(`the server certificate: no Secret of mcp-proxy holds ${paths.cert}${kube.pods?.length ? '' : ' (no pod to follow its mounts)'}, and ${named ? `neither ${named} nor ${fullname} has` : `${fullname} has no`} a tls.crt key`);
  // The key only matters beside its certificate (key-pair compares the two).
  if (key && cert) wanted.push(key);
  // The CA registered for the tunnel: beside the certificate, else in the chart's Secret.
  const caSecret = [cert?.secret, named, fullname].find((s): s is string => s !== undefined && has(s, 'ca.crt'));
  if (caSecret) wanted.push({ secret: caSecret, key: 'ca.crt', role: 'caCert', why: caSecret === cert?.secret ? `beside the certificate in Secret ${caSecret}` : `the chart's Secret ${caSecret}` });
  if (keysOf(fullname)?.includes('tunnel-domain')) wanted.push({ secret: fullname, key: 'tunnel-domain', role: 'tunnelDomain', why: `written by setup into Secret ${fullname}` });

  const reads: TlsRead[] = [];
  for (const w of wanted) {
    let read = reads.find((r) => r.secret === w.secret);
    if (!read) reads.push((read = { secret: w.secret, keys: [] }));
    if (!read.keys.some((k) => k.key === w.key)) read.keys.push({ key: w.key, role: w.role, why: w.why });
  }
  return { reads, notes };
}

function dedupe(mounts: Mount[]): Mount[] {
  const seen = new Set<string>();
  return mounts.filter((m) => {
    const id = JSON.stringify(m);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The snapshot path of a Secret's key: not a file on this host, a name for the report and the bundle. */
export function secretPath(secret: string, key: string): string {
  return `secret/${secret}/${key}`;
}

export interface TlsFiles {
  files: Record<string, SnapshotFile>;
  paths: Partial<Record<TlsRole, string>>;
  sources: NonNullable<KubeState['tlsSources']>;
  missing: string[];
}

/**
 * The `key<TAB>base64` lines of one read, as snapshot files. The private key is turned into its public facts
 * and its bytes overwritten at once; nothing of it is returned but `{withheld, keyInfo}`.
 */
export function tlsFilesOf(read: TlsRead, output: string): TlsFiles {
  const out: TlsFiles = { files: {}, paths: {}, sources: {}, missing: [] };
  const got = new Map<string, string>();
  for (const line of output.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) got.set(line.slice(0, tab), line.slice(tab + 1).trim());
  }
  for (const k of read.keys) {
    const b64 = got.get(k.key);
    if (b64 === undefined) {
      out.missing.push(`${read.secret} has no key ${k.key}`);
      continue;
    }
    const path = secretPath(read.secret, k.key);
    const bytes = Buffer.from(b64, 'base64');
    let file: SnapshotFile;
    if (k.role === 'tlsKey') {
      file = fileFromBytes(bytes, true, { privateKey: true });
      bytes.fill(0);
    } else {
      file = fileFromBytes(bytes, false);
    }
    file.virtual = `key ${k.key} of Secret ${read.secret}`;
    out.files[path] = file;
    out.paths[k.role] = path;
    out.sources[path] = { secret: read.secret, key: k.key, why: k.why };
  }
  return out;
}

/** `gateway.config.tunnel_domain` in the release values (set by the operator when setup is off). */
export function valuesTunnelDomain(kube: KubeState | undefined): string | undefined {
  for (const tree of [kube?.values, kube?.computedValues]) {
    const v = text(at(tree, ['gateway', 'config', 'tunnel_domain']));
    if (v) return v.toLowerCase().replace(/\.$/, '');
  }
  return undefined;
}
