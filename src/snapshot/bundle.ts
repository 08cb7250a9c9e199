// Bundles (SPEC section 5): a snapshot on disk, to send to someone or to analyze later.
//   manifest.json  logs/<source>.log  files/<path>  state/state.json  state/files.json
// The reader accepts partial, hand-made bundles; the writer redacts and writes atomically.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, mkdtemp } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { LOG_SOURCES, emptySnapshot, type FileRole, type LogSource, type Snapshot, type SnapshotFile } from './types.js';
import { redact, redactSnapshot, redactStrings, REDACTED } from './redact.js';
import { resolveRoles } from './roles.js';
import { resolveTunnelDomain } from './tunnel-domain.js';
import { decodeText } from './text.js';

export const BUNDLE_FORMAT = 'mcp-tunnel-triage-bundle/1';
/** Files larger than this are noted, not read (a deployment file is a few kB; a log is tailed). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** A bundled log is read up to this size, keeping its end, which holds the latest state. */
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

async function readJson<T>(path: string, what: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw new BundleError(`cannot read ${what} (${errCode(err)}); check the bundle's permissions`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : 'invalid JSON';
    throw new BundleError(`${what} is not valid JSON (${why}); fix it, or delete it to read the bundle without it`);
  }
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return out;
    throw new BundleError(`cannot list ${dir} (${errCode(err)})`);
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

async function readBundleFile(full: string): Promise<SnapshotFile> {
  try {
    const info = await stat(full);
    if (info.size > MAX_FILE_BYTES) return { error: `too large to read (${info.size} bytes)` };
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

async function readLogTail(full: string): Promise<{ text: string; truncated: boolean }> {
  const info = await stat(full);
  if (info.size <= MAX_LOG_BYTES) return { text: (await readFile(full)).toString('utf8'), truncated: false };
  const { open } = await import('node:fs/promises');
  const handle = await open(full, 'r');
  try {
    const buffer = Buffer.alloc(MAX_LOG_BYTES);
    await handle.read(buffer, 0, MAX_LOG_BYTES, info.size - MAX_LOG_BYTES);
    const text = buffer.toString('utf8');
    return { text: text.slice(text.indexOf('\n') + 1), truncated: true };
  } finally {
    await handle.close();
  }
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

  const manifest = await readJson<Partial<Manifest>>(join(root, 'manifest.json'), 'manifest.json');
  if (manifest !== undefined && (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))) {
    throw new BundleError('manifest.json is not a JSON object; fix it, or delete it to read the bundle without it');
  }
  if (manifest?.format !== undefined && manifest.format !== BUNDLE_FORMAT) {
    throw new BundleError(`manifest.json has format ${JSON.stringify(manifest.format)}, not ${BUNDLE_FORMAT}; this tool reads only its own bundles`);
  }

  const s = emptySnapshot({ origin: 'bundle', inputs: { ...(manifest?.inputs ?? {}), ...(opts.inputs ?? {}) } });
  if (typeof manifest?.created === 'string' && !Number.isNaN(Date.parse(manifest.created))) s.createdAt = manifest.created;
  const notes: string[] = [];

  const filesDir = join(root, 'files');
  for (const full of await walk(filesDir)) {
    const rel = relative(filesDir, full).split(sep).join('/');
    s.files[rel] = await readBundleFile(full);
  }
  const facts = (await readJson<FileFacts>(join(root, 'state', 'files.json'), 'state/files.json')) ?? {};
  for (const [path, fact] of Object.entries(facts)) {
    if (fact && typeof fact === 'object') s.files[path] = { ...fact, ...(s.files[path] ?? {}) };
  }

  for (const full of await walk(join(root, 'logs'))) {
    const name = basename(full).replace(/\.(log|txt)$/, '');
    const source = LOG_ALIASES[name];
    if (!source) {
      notes.push(`ignored logs/${basename(full)}: log files are named ${LOG_SOURCES.map((l) => `${l}.log`).join(', ')}`);
      continue;
    }
    try {
      const { text, truncated } = await readLogTail(full);
      const existing = s.logs[source];
      s.logs[source] = { text: existing ? `${existing.text}\n${text}` : text, origin: `logs/${basename(full)}`, ...(truncated ? { truncated } : {}) };
      if (truncated) notes.push(`logs/${basename(full)} is larger than ${MAX_LOG_BYTES / 1024 / 1024} MB: read its last part only`);
    } catch (err) {
      notes.push(`cannot read logs/${basename(full)} (${errCode(err)})`);
    }
  }

  const state = await readJson<Snapshot['state']>(join(root, 'state', 'state.json'), 'state/state.json');
  if (state && typeof state === 'object') s.state = state;

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
      const clean = redact(log.text);
      if (clean !== log.text || log.redacted) redacted.push({ path: `logs/${source}.log`, what: `secrets replaced by ${REDACTED}` });
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
      // A domain guessed from the certificate stays a guess: the reader guesses it again from the same file.
      ...(s.tunnelDomain && !s.tunnelDomain.source.startsWith('certificate') ? { tunnelDomain: s.tunnelDomain.value } : {}),
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
