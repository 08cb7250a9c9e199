// Writing a deployment file safely: a backup beside it, then a temp file in the same folder renamed over
// it, with the original's mode and owner. A crash or Ctrl-C at any moment leaves either the old file or the
// new one, never half of either (rename is atomic within a folder).
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, chmod, chown, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Stats } from 'node:fs';

/** The edit cannot be made safely; the message says why and what to do, in one line. */
export class EditRefused extends Error {
  override name = 'EditRefused';
}

export interface FileOnDisk {
  /** The real path (symlinks followed: the link stays, its target is edited). */
  real: string;
  bytes: Buffer;
  stat: Stats;
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? 'error';
}

export async function readOnDisk(abs: string): Promise<FileOnDisk> {
  let real: string;
  try {
    real = await realpath(abs);
  } catch (err) {
    throw new EditRefused(code(err) === 'ENOENT' ? `${abs} no longer exists` : `cannot read ${abs} (${code(err)})`);
  }
  const info = await stat(real);
  if (!info.isFile()) throw new EditRefused(`${abs} is not a regular file`);
  try {
    return { real, bytes: await readFile(real), stat: info };
  } catch (err) {
    throw new EditRefused(`cannot read ${abs} (${code(err)})`);
  }
}

/** `20261128T040102Z`: sortable, and safe in a file name. */
export function backupStamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** Copies the file to `NAME.bak-<stamp>` beside it (never over an existing one), with its mode and owner. */
export async function writeBackup(file: FileOnDisk, date = new Date()): Promise<string> {
  const base = `${file.real}.bak-${backupStamp(date)}`;
  for (let n = 1; n <= 50; n++) {
    const target = n === 1 ? base : `${base}-${n}`;
    try {
      await copyFile(file.real, target, constants.COPYFILE_EXCL);
    } catch (err) {
      if (code(err) === 'EEXIST') continue;
      throw new EditRefused(`cannot write a backup beside ${file.real} (${code(err)}); nothing was changed`);
    }
    await chmod(target, file.stat.mode & 0o7777);
    await chown(target, file.stat.uid, file.stat.gid).catch(() => undefined); // best effort: the copy is ours otherwise
    return target;
  }
  throw new EditRefused(`too many backups of ${file.real} this second; nothing was changed`);
}

/**
 * Replaces `file.real` with `content`: temp file in the same folder (mode and owner of the original),
 * fsync, a last check that the file still holds what was read, rename, fsync of the folder.
 */
export async function replaceAtomically(file: FileOnDisk, content: Buffer, signal?: AbortSignal): Promise<void> {
  const folder = dirname(file.real);
  const temp = join(folder, `.${basename(file.real)}.mtt-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(temp, 'wx', 0o600);
  } catch (err) {
    throw new EditRefused(`cannot write in ${folder} (${code(err)}); nothing was changed`);
  }
  let renamed = false;
  try {
    try {
      await handle.chown(file.stat.uid, file.stat.gid);
    } catch {
      // Not root: fine only when the new file already has the old one's owner and group.
      const mine = await handle.stat();
      if (mine.uid !== file.stat.uid || mine.gid !== file.stat.gid) {
        throw new EditRefused(`cannot keep the owner of ${file.real} (${file.stat.uid}:${file.stat.gid}) as this user; nothing was changed (run as root or as its owner)`);
      }
    }
    await handle.chmod(file.stat.mode & 0o7777);
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (signal?.aborted) throw new EditRefused('cancelled before the file was replaced; nothing was changed');
    const now = await readFile(file.real).catch(() => undefined);
    if (!now || !now.equals(file.bytes)) throw new EditRefused(`${file.real} changed while the fix ran; nothing was changed`);
    await rename(temp, file.real);
    renamed = true;
    await syncFolder(folder);
  } finally {
    await handle?.close().catch(() => undefined);
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

async function syncFolder(folder: string): Promise<void> {
  const dir = await open(folder, 'r').catch(() => undefined);
  await dir?.sync().catch(() => undefined);
  await dir?.close().catch(() => undefined);
}

/** Puts a backup's bytes back over the file it was taken from, atomically, with the original's mode and owner. */
export async function restoreFromBackup(original: FileOnDisk, backup: string): Promise<void> {
  const bytes = await readFile(backup);
  const current = await readOnDisk(original.real);
  await replaceAtomically({ real: original.real, bytes: current.bytes, stat: original.stat }, bytes);
}
