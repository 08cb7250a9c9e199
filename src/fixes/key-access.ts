// Who can read the TLS key: the proxy runs as a non-root user (65532 in the documented Compose file), so a
// 0600 key owned by someone else is unreadable to it. Shared by key-chown and key-chmod.
import type { FileMeta, Snapshot } from '../snapshot/types.js';
import { proxyUser, type ProxyUser } from './plan-kit.js';

export interface KeyTarget {
  path: string;
  meta: FileMeta;
  user: ProxyUser;
  dir?: string;
}

export function keyTarget(s: Snapshot): KeyTarget | undefined {
  if (s.deployment.kind !== 'compose') return undefined; // on Kubernetes the key comes from a Secret
  const path = s.deployment.paths.tlsKey;
  const meta = path ? s.files[path]?.meta : undefined;
  const user = proxyUser(s);
  if (!path || !meta || !user || path.startsWith('-')) return undefined;
  return { path, meta, user, dir: s.deployment.dir };
}

export function proxyCanRead(meta: FileMeta, user: ProxyUser): boolean {
  if (user.uid === 0) return true;
  if (meta.uid === user.uid) return (meta.mode & 0o400) !== 0;
  if (user.gid !== undefined && meta.gid === user.gid) return (meta.mode & 0o040) !== 0;
  return (meta.mode & 0o004) !== 0;
}

export function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
