// Who the proxy runs as inside its container, from the Compose service: `user:` (default 65532:65532, the
// image's user), `group_add:`, and whether root keeps CAP_DAC_OVERRIDE (gone with `cap_drop: [ALL]`).
import { isScalar, isSeq } from 'yaml';
import type { ComposeService } from './compose-model.js';

export interface ContainerUser {
  uid: number;
  gid: number;
  groups: number[];
  /** Root that may read any file regardless of its mode. */
  bypassesPermissions: boolean;
  /** As written (or the default), for the report. */
  text: string;
  defaulted: boolean;
}

export const DEFAULT_PROXY_USER = { uid: 65532, gid: 65532 };
const NAMED: Record<string, number> = { root: 0, nonroot: 65532, nobody: 65534 };

function idOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  return NAMED[text];
}

function scalarList(node: unknown): string[] {
  return isSeq(node) ? node.items.map((i) => (isScalar(i) ? String(i.value) : '')).filter(Boolean) : [];
}

/** Undefined when `user:` names a user this tool cannot map to a number. */
export function containerUserOf(svc: ComposeService | undefined): ContainerUser | undefined {
  const raw = svc?.node.get('user');
  const text = raw === undefined || raw === null ? undefined : String(raw);
  const [u, g] = (text ?? '').split(':');
  const uid = text === undefined ? DEFAULT_PROXY_USER.uid : idOf(u);
  if (uid === undefined) return undefined;
  const gid = text === undefined ? DEFAULT_PROXY_USER.gid : g !== undefined ? idOf(g) : uid === 0 ? 0 : uid;
  if (gid === undefined) return undefined;
  const groups = scalarList(svc?.node.get('group_add', true)).map(idOf).filter((n): n is number => n !== undefined);
  const dropped = scalarList(svc?.node.get('cap_drop', true)).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  const added = scalarList(svc?.node.get('cap_add', true)).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
  const keepsDac = !(dropped.includes('ALL') || dropped.includes('DAC_OVERRIDE')) || added.includes('DAC_OVERRIDE') || added.includes('ALL');
  return { uid, gid, groups, bypassesPermissions: uid === 0 && keepsDac, text: text ?? `${DEFAULT_PROXY_USER.uid}:${DEFAULT_PROXY_USER.gid}`, defaulted: text === undefined };
}

/** Whether `user` has `want` (4 read, 1 search/execute) on a file or folder with this mode and owner. */
export function permits(user: ContainerUser, meta: { mode: number; uid: number; gid: number }, want: 4 | 1): boolean {
  if (user.bypassesPermissions) return true; // root with CAP_DAC_OVERRIDE reads and enters anything
  if (meta.uid === user.uid) return ((meta.mode >> 6) & want) !== 0;
  if (meta.gid === user.gid || user.groups.includes(meta.gid)) return ((meta.mode >> 3) & want) !== 0;
  return (meta.mode & want) !== 0;
}

export function modeText(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
