// Bundles (SPEC section 5): a snapshot on disk, to send to someone or to analyze later.
//   manifest.json  logs/<source>.log  files/<path>  state/state.json  state/files.json
// The reader accepts partial, hand-made bundles; the writer redacts and writes atomically.
import { lstat, mkdir, mkdtemp, open, readdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { LOG_SOURCES, emptySnapshot, type FileRole, type LogFilePart, type LogSource, type Snapshot, type SnapshotFile } from './types.js';
import { redact, redactSnapshot, redactStrings, REDACTED } from './redact.js';
import { COMPOSE_NAMES, DEFAULT_CONFIG, VALUES_NAMES, resolveRoles } from './roles.js';
import { resolveTunnelDomain } from './tunnel-domain.js';
import { decodeText, keepNewest } from './text.js';
import { errnoText } from '../errors.js';

export const BUNDLE_FORMAT = 'mcp-tunnel-triage-bundle/1';
/** Files larger than this are noted, not read (a deployment file is a few kB; a log is tailed). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/**
 * A bundled log is read up to this size per source, keeping its end, which holds the latest state. It is
 * streamed (never held whole), so this bounds the time it takes, not the memory.
 */
export const MAX_LOG_BYTES = 64 * 1024 * 1024;

/** Something the user must fix about the bundle: one line, exit 2. */
export class BundleError extends Error {
  override name = 'BundleError';
}

export interface Manifest {
  format: string;
  created: string;
  tool?: string;
  deployment: Snapshot['deployment'];
  tunnelDomain?: string;
  inputs?: Snapshot['inputs'];
  notes?: string[];
  /** What was collected, by bundle path. */
  collected?: string[];
  /** What was redacted or withheld, by bundle path, with why. */
  redacted?: { path: string; what: string }[];
  /** The commands live gathering ran, as run (read-only: version, ps, inspect, logs, get, status). */
  commands?: string[];
  /** Where each log came from (the command and its bounds). */
  logs?: Record<string, string>;
}

/** Per-file facts kept beside the copies: the host's metadata and the withheld key's public facts. */
type FileFacts = Record<string, Omit<SnapshotFile, 'text' | 'base64'>>;

const LOG_ALIASES: Record<string, LogSource> = {
  cloudflared: 'cloudflared',
  'mcp-proxy': 'mcp-proxy',
  'mcp-gateway': 'mcp-proxy',
  proxy: 'mcp-proxy',
  setup: 'setup',
  'mcp-tunnel-setup': 'setup',
};

function errCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? (e instanceof Error ? e.message : String(err));
}

/** Largest JSON file read from a bundle (state.json of a big Helm release is well under 1 MB). */
const MAX_JSON_BYTES = 32 * 1024 * 1024;
/** Most bytes of files/ read in all; the deployment's own files come first, the rest is listed as not read. */
export const FILES_BUDGET = 48 * 1024 * 1024;
/** Most entries listed under files/ or logs/ (a deployment has a dozen). */
const MAX_ENTRIES = 5000;

/**
 * A bundle path that must be its own (a folder or a regular file, not a link out of the bundle); false when
 * it is absent. A symlink is refused: `files -> /usr` would read the host.
 */
async function ownEntry(root: string, dir: string, rel: string, kind: 'folder' | 'file'): Promise<boolean> {
  let info;
  try {
    info = await lstat(join(root, rel));
  } catch (err) {
    if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return false;
    throw new BundleError(`cannot read ${rel} in bundle ${dir} (${errCode(err)})`);
  }
  const shown = kind === 'folder' ? `${rel}/` : rel;
  if (info.isSymbolicLink()) {
    const to = await readlink(join(root, rel)).catch(() => '?');
    throw new BundleError(`bundle ${dir}: ${shown} is a symlink (to ${to}); a bundle holds its own files, so it is not read (copy the file in instead)`);
  }
  if (kind === 'folder' ? !info.isDirectory() : !info.isFile()) throw new BundleError(`bundle ${dir}: ${shown} is not a ${kind === 'folder' ? 'folder' : 'regular file'}`);
  return true;
}

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } };

/** A bundle's JSON file: its own, not too large, not too deep, and of the shape its schema says; else one line. */
async function readJson<T>(root: string, dir: string, rel: string, schema: (s: typeof import('./bundle-schema.js')) => Schema<T>): Promise<T | undefined> {
  if (!(await ownEntry(root, dir, rel, 'file'))) return undefined;
  const full = join(root, rel);
  const again = `fix it, or delete the file to read the bundle without it`;
  let text: string;
  try {
    const size = (await stat(full)).size;
    if (size > MAX_JSON_BYTES) throw new BundleError(`${rel} is ${Math.round(size / 1024 / 1024)} MB, larger than a bundle's ${rel} ever is; ${again}`);
    text = await readFile(full, 'utf8');
  } catch (err) {
    if (err instanceof BundleError) throw err;
    throw new BundleError(`cannot read ${rel} (${errCode(err)}); check the bundle's permissions`);
  }
  const checks = await import('./bundle-schema.js');
  if (checks.jsonDepth(text) > checks.MAX_JSON_DEPTH) throw new BundleError(`${rel}: nested more than ${checks.MAX_JSON_DEPTH} levels deep, which no bundle is; ${again}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : 'invalid JSON';
    throw new BundleError(`${rel} is not valid JSON (${why}); ${again}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BundleError(`${rel} is not a JSON object; ${again}`);
  const result = schema(checks).safeParse(parsed);
  if (!result.success) throw new BundleError(`${rel}: ${checks.schemaProblem(result.error)}; ${again}`);
  return result.data;
}

interface Listed {
  rel: string;
  full: string;
  size: number;
}

/** Regular files under `rel` (a folder of the bundle), refusing symlinks; at most MAX_ENTRIES. */
async function listFiles(root: string, dir: string, rel: string, notes: string[]): Promise<Listed[]> {
  const out: Listed[] = [];
  if (!(await ownEntry(root, dir, rel, 'folder'))) return out;
  const folders = [rel];
  let listed = 0;
  while (folders.length) {
    const folder = folders.shift()!;
    let entries;
    try {
      entries = await readdir(join(root, folder), { withFileTypes: true });
    } catch (err) {
      throw new BundleError(`cannot list ${folder} in bundle ${dir} (${errCode(err)})`);
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = `${folder}/${entry.name}`;
      if (++listed > MAX_ENTRIES) {
        notes.push(`stopped listing ${rel}/ after ${MAX_ENTRIES} entries: a deployment has a few dozen files`);
        return out.sort((a, b) => (a.rel < b.rel ? -1 : 1));
      }
      if (entry.isSymbolicLink()) {
        const to = await readlink(join(root, child)).catch(() => '?');
        throw new BundleError(`bundle ${dir}: ${child} is a symlink (to ${to}); a bundle holds its own files, so it is not read (copy the file in instead)`);
      }
      if (entry.isDirectory()) folders.push(child);
      else if (entry.isFile()) {
        const size = await lstat(join(root, child)).then((i) => i.size, () => 0);
        out.push({ rel: child, full: join(root, child), size });
      } else notes.push(`ignored ${child}: not a regular file`);
    }
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

/** The deployment's own files first (named by the manifest or by their usual names), then the smallest. */
function readingOrder(files: Listed[], named: string[]): Listed[] {
  const usual = new Set<string>([...named, ...COMPOSE_NAMES, DEFAULT_CONFIG, ...VALUES_NAMES, '.env'].map((p) => `files/${p}`));
  const rank = (f: Listed) => (usual.has(f.rel) ? 0 : f.rel.startsWith('files/data/') || f.rel.startsWith('files/config/') ? 1 : 2);
  return [...files].sort((a, b) => rank(a) - rank(b) || a.size - b.size || (a.rel < b.rel ? -1 : 1));
}

async function readBundleFile(full: string, size: number): Promise<SnapshotFile> {
  try {
    if (size > MAX_FILE_BYTES) return { error: `too large to read (${size} bytes)` };
    const bytes = await readFile(full);
    const text = decodeText(bytes);
    if (text === undefined) return { base64: bytes.toString('base64') };
    // A hand-made bundle may hold what ours never would: hide it before it reaches a diff or a report.
    const clean = redact(text);
    return clean === text ? { text } : { text: clean, redacted: true };
  } catch (err) {
    return { error: errCode(err) };
  }
}

/** Bytes of a bundle log kept as its `text` (its last lines): the log itself stays on disk and is streamed. */
const LOG_TEXT_BYTES = 64 * 1024;
const LOG_CHUNK = 1024 * 1024;

/** The last bytes of a file (at most `max`), read now. */
async function fileTail(full: string, size: number, max: number): Promise<Buffer> {
  const handle = await open(full, 'r');
  try {
    const tail = Buffer.alloc(Math.min(size, max));
    const { bytesRead } = await handle.read(tail, 0, tail.length, size - tail.length);
    return tail.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The parts of one source's log files that are read: the newest MAX_LOG_BYTES of them together (the
 * last file's end first); true when something older was left out.
 */
export function newestParts(parts: LogFilePart[], max = MAX_LOG_BYTES): { parts: LogFilePart[]; cut: boolean } {
  let left = max;
  const kept: LogFilePart[] = [];
  for (const p of [...parts].reverse()) {
    if (left <= 0) break;
    const from = Math.max(p.from, p.to - left);
    kept.unshift({ ...p, from });
    left -= p.to - from;
  }
  const size = (list: LogFilePart[]) => list.reduce((n, p) => n + p.to - p.from, 0);
  return { parts: kept, cut: size(kept) < size(parts) };
}

/**
 * Streams a bundle log's part in chunks (one buffer, reused: a chunk is valid until the next is asked
 * for). A part that starts inside the file starts after the first newline at or after its offset.
 */
export async function* readLogFile(part: LogFilePart): AsyncIterable<Buffer> {
  const handle = await open(part.path, 'r');
  try {
    const buf = Buffer.allocUnsafe(LOG_CHUNK);
    let pos = part.from;
    let skipping = part.from > 0;
    while (pos < part.to) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(LOG_CHUNK, part.to - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      let chunk = buf.subarray(0, bytesRead);
      if (skipping) {
        const nl = chunk.indexOf(10);
        if (nl === -1) continue;
        chunk = chunk.subarray(nl + 1);
        skipping = false;
      }
      if (chunk.length) yield chunk;
    }
  } finally {
    await handle.close();
  }
}

/** The whole text of a log on disk (writing a bundle read from a bundle): its parts joined by a newline. */
async function readLogText(parts: LogFilePart[]): Promise<string> {
  const texts: string[] = [];
  for (const part of parts) {
    const chunks: Buffer[] = [];
    for await (const chunk of readLogFile(part)) chunks.push(Buffer.from(chunk));
    texts.push(Buffer.concat(chunks).toString('utf8'));
  }
  return texts.join('\n');
}

export interface ReadBundleOptions {
  inputs?: Snapshot['inputs'];
}

export async function readBundle(dir: string, opts: ReadBundleOptions = {}): Promise<Snapshot> {
  const root = resolve(dir);
  let info;
  try {
    info = await stat(root);
  } catch (err) {
    throw new BundleError(errCode(err) === 'ENOENT' ? `bundle ${dir} does not exist; pass the folder that \`bundle -o\` wrote` : `cannot open bundle ${dir} (${errCode(err)})`);
  }
  if (!info.isDirectory()) throw new BundleError(`bundle ${dir} is not a folder; pass the folder that \`bundle -o\` wrote (unpack an archive first)`);

  const notes: string[] = [];
  const manifest = (await readJson(root, dir, 'manifest.json', (c) => c.manifestSchema)) as Partial<Manifest> | undefined;
  if (manifest?.format !== undefined && manifest.format !== BUNDLE_FORMAT) {
    throw new BundleError(`manifest.json has format ${JSON.stringify(manifest.format)}, not ${BUNDLE_FORMAT}; this tool reads only its own bundles`);
  }
  await ownEntry(root, dir, 'state', 'folder');

  const s = emptySnapshot({ origin: 'bundle', inputs: { ...(manifest?.inputs ?? {}), ...(opts.inputs ?? {}) } });
  if (typeof manifest?.created === 'string' && !Number.isNaN(Date.parse(manifest.created))) s.createdAt = manifest.created;

  // files/: the deployment's own files first, within a budget, so memory stays bounded whatever the bundle holds.
  const named = Object.values(manifest?.deployment?.paths ?? {}).filter((p): p is string => typeof p === 'string');
  let budget = FILES_BUDGET;
  const unread: string[] = [];
  for (const f of readingOrder(await listFiles(root, dir, 'files', notes), named)) {
    const rel = f.rel.slice('files/'.length);
    if (f.size > budget) {
      unread.push(f.rel);
      s.files[rel] = { error: `not read: the bundle's files exceed ${FILES_BUDGET / 1024 / 1024} MB` };
      continue;
    }
    budget -= Math.min(f.size, MAX_FILE_BYTES);
    s.files[rel] = await readBundleFile(f.full, f.size);
  }
  if (unread.length) notes.push(`${unread[0]}${unread.length > 1 ? ` and ${unread.length - 1} more` : ''} were not read: the bundle's files exceed ${FILES_BUDGET / 1024 / 1024} MB (the deployment's own files were read first)`);
  const facts = (await readJson(root, dir, 'state/files.json', (c) => c.fileFactsSchema)) ?? {};
  for (const [path, fact] of Object.entries(facts)) s.files[path] = { ...fact, ...(s.files[path] ?? {}) };

  // logs/: they stay on disk and are streamed when the log index is built (prepareLogIndex); each source
  // reads at most MAX_LOG_BYTES, its latest part, however many files feed it. Only their last lines are read now.
  const logFiles: Partial<Record<LogSource, { parts: LogFilePart[]; tails: Buffer[]; origins: string[] }>> = {};
  for (const f of await listFiles(root, dir, 'logs', notes)) {
    const name = basename(f.rel);
    const source = LOG_ALIASES[name.replace(/\.(log|txt)$/, '')];
    if (!source) {
      notes.push(`ignored logs/${name}: log files are named ${LOG_SOURCES.map((l) => `${l}.log`).join(', ')}`);
      continue;
    }
    try {
      const size = (await stat(f.full)).size;
      const entry = (logFiles[source] ??= { parts: [], tails: [], origins: [] });
      entry.parts.push({ path: f.full, from: 0, to: size });
      entry.tails.push(await fileTail(f.full, size, LOG_TEXT_BYTES));
      entry.origins.push(f.rel);
    } catch (err) {
      notes.push(`cannot read ${f.rel} (${errCode(err)})`);
    }
  }
  for (const source of LOG_SOURCES) {
    const entry = logFiles[source];
    if (!entry) continue;
    const { parts, cut } = newestParts(entry.parts);
    const joined = Buffer.concat(entry.tails.flatMap((t, i) => (i > 0 ? [Buffer.from('\n'), t] : [t])));
    const text = keepNewest(joined, LOG_TEXT_BYTES).toString('utf8');
    s.logs[source] = { text, origin: entry.origins.join(', '), files: parts, ...(cut ? { truncated: true } : {}) };
    if (cut) notes.push(`${entry.origins.at(-1)}: the ${source} log is larger than ${MAX_LOG_BYTES / 1024 / 1024} MB: read its last part only`);
  }

  const state = await readJson(root, dir, 'state/state.json', (c) => c.stateSchema);
  if (state) s.state = state as Snapshot['state'];

  const paths = { ...resolveRoles(s.files, (manifest?.deployment?.paths ?? {}) as Partial<Record<FileRole, string>>) };
  const kind = manifest?.deployment?.kind ?? (paths.compose ? 'compose' : paths.values ? 'helm' : 'unknown');
  s.deployment = {
    ...(manifest?.deployment ?? {}),
    kind,
    how: `bundle ${dir}${manifest ? '' : ' (no manifest.json: roles guessed from file names)'}`,
    paths,
  };
  if (manifest?.deployment?.dir) s.deployment.dir = manifest.deployment.dir;
  s.tunnelDomain = resolveTunnelDomain(s, manifest?.tunnelDomain);
  const counted = [`${Object.keys(s.files).length} file(s)`, `${Object.keys(s.logs).length} log(s)`];
  s.notes = [...(manifest?.notes ?? []), `read bundle ${dir}: ${counted.join(', ')}${state ? ', gathered state' : ''}`, ...notes];
  if (Object.keys(s.files).length === 0 && Object.keys(s.logs).length === 0 && !state) {
    throw new BundleError(`bundle ${dir} holds nothing to analyze: expected logs/<source>.log, files/<path> or manifest.json`);
  }
  return redactSnapshot(s);
}

/** Writes the snapshot as a bundle, redacted, into a new folder (atomically: a temp folder, then rename). */
export async function writeBundle(s: Snapshot, dir: string): Promise<Manifest> {
  try {
    return await writeBundleFiles(s, dir);
  } catch (err) {
    if (err instanceof BundleError) throw err;
    // A full disk, a read-only mount, no permission: one line with what to do, never an internal error.
    const why = errnoText(err);
    if (why) throw new BundleError(`cannot write the bundle to ${dir}: ${why}; ${/ENOSPC|EDQUOT/.test(why) ? 'free some space or choose another folder' : 'choose another folder'}`);
    throw err;
  }
}

async function writeBundleFiles(s: Snapshot, dir: string): Promise<Manifest> {
  const target = resolve(dir);
  try {
    const existing = await readdir(target);
    if (existing.length > 0) throw new BundleError(`${dir} already exists and is not empty; choose a new folder for the bundle`);
  } catch (err) {
    if (err instanceof BundleError) throw err;
    if (errCode(err) !== 'ENOENT') throw new BundleError(`cannot write the bundle to ${dir} (${errCode(err)})`);
  }
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.partial-`));
  const collected: string[] = [];
  const redacted: { path: string; what: string }[] = [];
  const put = async (rel: string, content: string | Buffer) => {
    const full = join(tmp, rel);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content, { mode: 0o600 });
    collected.push(rel);
  };
  try {
    const facts: FileFacts = {};
    for (const [path, file] of Object.entries(s.files)) {
      const { text, base64, ...rest } = file;
      if (Object.keys(rest).length) facts[path] = rest;
      if (file.withheld) {
        redacted.push({ path: `files/${path}`, what: 'withheld: private key or token file (metadata kept in state/files.json)' });
        continue;
      }
      if (text !== undefined) {
        const clean = redact(text);
        if (clean !== text || file.redacted) redacted.push({ path: `files/${path}`, what: `secrets replaced by ${REDACTED}` });
        await put(`files/${path}`, clean);
      } else if (base64 !== undefined) {
        await put(`files/${path}`, Buffer.from(base64, 'base64'));
      }
    }
    for (const [source, log] of Object.entries(s.logs)) {
      if (!log) continue;
      const text = log.files?.length ? await readLogText(log.files) : log.text;
      const clean = redact(text);
      if (clean !== text || log.redacted) redacted.push({ path: `logs/${source}.log`, what: `secrets replaced by ${REDACTED}` });
      await put(`logs/${source}.log`, clean);
    }
    await put('state/files.json', jsonText(facts));
    const stateText = JSON.stringify(s.state, null, 2);
    const cleanState = jsonText(s.state).trimEnd();
    if (cleanState !== stateText) redacted.push({ path: 'state/state.json', what: `secrets replaced by ${REDACTED}` });
    redacted.push(...(s.state.redactions ?? []));
    await put('state/state.json', cleanState + '\n');
    const logOrigins = Object.fromEntries(Object.entries(s.logs).filter(([, l]) => l?.origin).map(([k, l]) => [k, redact(l!.origin!)]));
    const manifest: Manifest = {
      format: BUNDLE_FORMAT,
      created: s.createdAt,
      tool: 'mcp-tunnel-triage',
      deployment: s.deployment,
      // A guessed domain stays a guess: the reader guesses it again from the same file.
      ...(s.tunnelDomain?.confidence === 'authoritative' ? { tunnelDomain: s.tunnelDomain.value } : {}),
      inputs: s.inputs,
      notes: s.notes.map(redact),
      collected: [...collected, 'manifest.json'],
      redacted,
      ...(s.state.commands?.length ? { commands: s.state.commands.map((c) => redact(c.argv.map(quoteArg).join(' '))) } : {}),
      ...(Object.keys(logOrigins).length ? { logs: logOrigins } : {}),
    };
    await writeFile(join(tmp, 'manifest.json'), jsonText(manifest), { mode: 0o600 });
    await rm(target, { recursive: true, force: true }); // only ever an empty folder here (checked above)
    await rename(tmp, target);
    return manifest;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** JSON with every string (and key) redacted before it is written: a rule never cuts through an escape. */
function jsonText(value: unknown): string {
  return `${JSON.stringify(redactStrings(value), null, 2)}\n`;
}

/** An argument as a shell would need it, for the manifest's list of commands. */
function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
