// Who can read the TLS key: the proxy runs as a non-root user (65532 in the documented Compose file), so a
// 0600 key owned by someone else is unreadable to it. The same rules as the check (analyze/container-user),
// so a fix is offered exactly when the finding is. Shared by key-chown, key-chmod and data-dir-chmod.
import type { FileMeta, Snapshot } from '../snapshot/types.js';
import type { Touch } from './types.js';
import { composeModel, serviceFor } from '../analyze/compose-model.js';
import { containerUserOf, permits, type ContainerUser } from '../analyze/container-user.js';

export interface KeyTarget {
  path: string;
  meta: FileMeta;
  dirMeta?: FileMeta;
  user: ContainerUser;
  dir?: string;
  /** The key file as a path the fix changes (checked by path-guard). */
  touch: Touch;
  /** Its folder, as project-relative path and as a path the fix changes. */
  folder: string;
  folderTouch?: Touch;
}

export function keyTarget(s: Snapshot): KeyTarget | undefined {
  if (s.deployment.kind !== 'compose') return undefined; // on Kubernetes the key comes from a Secret
  const path = s.deployment.paths.tlsKey;
  const file = path ? s.files[path] : undefined;
  const user = containerUserOf(serviceFor(composeModel(s), 'mcp-proxy'));
  if (!path || !file?.meta || !user || path.startsWith('-')) return undefined;
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
  const touch: Touch = { path, type: 'file', mode: file.meta.mode, ...(file.realPath !== undefined ? { real: file.realPath } : {}) };
  const folderTouch: Touch | undefined = file.dirMeta ? { path: folder, type: 'dir', mode: file.dirMeta.mode, ...(file.dirRealPath !== undefined ? { real: file.dirRealPath } : {}) } : undefined;
  return { path, meta: file.meta, ...(file.dirMeta ? { dirMeta: file.dirMeta } : {}), user, dir: s.deployment.dir, touch, folder, ...(folderTouch ? { folderTouch } : {}) };
}

export function proxyCanRead(meta: FileMeta, user: ContainerUser): boolean {
  return permits(user, meta, 4);
}

export function ownerText(user: ContainerUser): string {
  return `${user.uid}:${user.gid}`;
}

export function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
