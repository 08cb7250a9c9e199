// Reads the deployment's files from the project folder. Secrets never enter the snapshot: private keys and
// token files are withheld (only their metadata and, for keys, the public half are kept).
import { readFile, realpath, stat } from 'node:fs/promises';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FileRole, KeyInfo, Snapshot, SnapshotFile } from '../snapshot/types.js';
import { COMPOSE_NAMES, DEFAULT_CONFIG, VALUES_NAMES, proposeRoles, resolveRoles, type RoleHints } from '../snapshot/roles.js';
import { decodeText } from '../snapshot/text.js';
import { redact, rememberTunnelToken } from '../snapshot/redact.js';

const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Files whose contents are secret by nature: kept as metadata only. */
const SECRET_FILES = new Set(['data/tls.key', 'data/ca.key', 'data/tunnel-token']);

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

export function keyInfoOf(pem: Buffer): KeyInfo {
  try {
    const key = createPrivateKey(pem);
    const info: KeyInfo = { type: key.asymmetricKeyType };
    const details = key.asymmetricKeyDetails;
    if (details?.modulusLength) info.bits = details.modulusLength;
    if (details?.namedCurve) info.curve = details.namedCurve;
    info.publicKeyPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    return info;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/passphrase/i.test(message)) return { encrypted: true, parseError: 'the key is encrypted with a passphrase' };
    return { parseError: message.split('\n')[0] };
  }
}

/**
 * A token file's token is remembered in memory (never kept), so a log that prints it, or its secret, without
 * a key name still shows [REDACTED]. A private key's body is not: its public half (the modulus) is in the
 * certificate too, which must stay readable; key bodies are found by their structure instead.
 */
function rememberWithheld(text: string, key: boolean): void {
  if (!key) rememberTunnelToken(text);
}

/** Reads one file: its metadata always, its text unless it is secret. Absent: undefined. */
export async function readDeploymentFile(abs: string, secret: boolean, opts: { privateKey?: boolean } = {}): Promise<SnapshotFile | undefined> {
  let info;
  try {
    info = await stat(abs);
  } catch (err) {
    if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return undefined;
    return { error: errCode(err) };
  }
  const meta = { mode: info.mode, uid: info.uid, gid: info.gid, size: info.size, mtimeMs: info.mtimeMs };
  if (!info.isFile()) return { meta, error: 'not a regular file' };
  if (info.size > MAX_FILE_BYTES) return { meta, error: `too large to read (${info.size} bytes)` };
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (err) {
    return { meta, error: errCode(err) };
  }
  return { meta, ...fileFromBytes(bytes, secret, opts) };
}

/**
 * A file's bytes as the snapshot keeps them: text (redacted), binary as base64, or a private key withheld
 * with only its public facts. Also used for what is read from a Kubernetes Secret (src/gather/kube-tls.ts).
 */
export function fileFromBytes(bytes: Buffer, secret: boolean, opts: { privateKey?: boolean } = {}): SnapshotFile {
  const latin = bytes.toString('latin1');
  const looksLikeKey = /PRIVATE KEY-----/.test(latin);
  // A certificate file that also holds its key keeps the certificates; the key block is redacted below.
  const alsoCertificate = looksLikeKey && /-----BEGIN CERTIFICATE-----/.test(latin);
  if ((secret || looksLikeKey) && !alsoCertificate) {
    rememberWithheld(latin, looksLikeKey);
    // The file the proxy uses as its key gets key facts even when it is not PEM: "does not parse" is a finding.
    return { withheld: true, ...(looksLikeKey || opts.privateKey ? { keyInfo: keyInfoOf(bytes) } : {}) };
  }
  const text = decodeText(bytes);
  if (text === undefined) return { base64: bytes.toString('base64') };
  const clean = redact(text);
  const file: SnapshotFile = clean === text ? { text } : { text: clean, redacted: true };
  if (alsoCertificate) {
    if (/PRIVATE KEY-----\s*[A-Za-z0-9+/]{16}/.test(clean)) return { withheld: true, keyInfo: keyInfoOf(bytes) }; // never keep key material
    file.keyInfo = keyInfoOf(bytes);
  }
  return file;
}

/** The folder's metadata, for whether the container's user may enter it (the key's folder). */
export async function dirMetaOf(absFile: string): Promise<SnapshotFile['meta'] | undefined> {
  try {
    const info = await stat(dirname(absFile));
    return { mode: info.mode, uid: info.uid, gid: info.gid, size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * Where `given` really leads when a symlink is on the way, as SnapshotFile.realPath says it (project-relative
 * inside the project, absolute outside); undefined when nothing was followed or it cannot be resolved.
 */
export async function realPathOf(dir: string, realDir: string, given: string): Promise<string | undefined> {
  const named = isAbsolute(given) ? resolve(given) : resolve(realDir, given);
  const real = await realpath(isAbsolute(given) ? given : join(dir, given)).catch(() => undefined);
  if (real === undefined || real === named) return undefined;
  const rel = relative(realDir, real);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? real : rel.split(sep).join('/');
}

/** A project-relative POSIX path for a user-given path (absolute paths outside the project stay absolute). */
export function projectPath(dir: string, given: string): string {
  const abs = isAbsolute(given) ? given : resolve(dir, given);
  const rel = relative(dir, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

export interface GatheredFiles {
  files: Snapshot['files'];
  paths: Partial<Record<FileRole, string>>;
}

/** Reads what the deployment's files point to, following the chain compose -> config -> TLS files. */
export async function gatherFiles(dir: string, hints: RoleHints = {}): Promise<GatheredFiles> {
  const files: Snapshot['files'] = {};
  const tried = new Set<string>();
  const abs = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  // Fixes refuse paths that lead out of the project: record where each one really leads.
  const realDir = await realpath(dir).catch(() => resolve(dir));
  const readAll = async (paths: string[]) => {
    await Promise.all(
      paths
        .filter((p) => !tried.has(p))
        .map(async (p) => {
          tried.add(p);
          const isKey = p === proposeRoles(files, hints).tlsKey;
          const file = await readDeploymentFile(abs(p), SECRET_FILES.has(p) || isKey, { privateKey: isKey });
          if (!file) return;
          const real = await realPathOf(dir, realDir, p);
          files[p] = real === undefined ? file : { ...file, realPath: real };
        }),
    );
  };
  await readAll([...(hints.compose ? [hints.compose] : COMPOSE_NAMES), hints.config ?? DEFAULT_CONFIG, ...(hints.values ? [] : VALUES_NAMES)]);
  // Two rounds settle the chain: the compose file names the config, the config names the TLS files.
  for (let round = 0; round < 3; round++) {
    const wanted = Object.values(proposeRoles(files, hints)).filter((p): p is string => Boolean(p));
    if (wanted.every((p) => tried.has(p))) break;
    await readAll(wanted);
  }
  await readAll(['data/ca.key', 'data/tunnel-token'].filter((p) => !tried.has(p)));
  const paths = resolveRoles(files, hints);
  const key = paths.tlsKey ? files[paths.tlsKey] : undefined;
  if (key && paths.tlsKey) {
    const dirMeta = await dirMetaOf(abs(paths.tlsKey));
    if (dirMeta) key.dirMeta = dirMeta;
    const folder = dirname(paths.tlsKey);
    const dirReal = await realPathOf(dir, realDir, folder);
    if (dirMeta && dirReal !== undefined) key.dirRealPath = dirReal;
  }
  return { files, paths };
}
