// Pure parsers for what docker and Compose print: `docker compose ps --format json` (a JSON array before
// Compose 2.21, one object per line since), `docker ps --format '{{json .}}'` (Compose v1 projects, by
// label) and `docker inspect`. Environment values in inspect output are never kept, only their names.
import type { ContainerState } from '../snapshot/types.js';
import { rememberEnvSecret } from '../snapshot/redact.js';

export interface PsRow {
  id: string;
  name: string;
  service?: string;
  project?: string;
  state?: string;
  status?: string;
  exitCode?: number;
  health?: string;
  oneOff?: boolean;
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `k=v,k=v` as docker prints labels; a value may itself hold commas (config_files=a.yml,b.yml). */
export function parseLabelString(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/,(?=[A-Za-z0-9._/-]+=)/)) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

function labelsOf(v: unknown): Record<string, string> {
  if (typeof v === 'string') return parseLabelString(v);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Json).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
  return {};
}

/** Objects from JSON output in either shape: one array, or one object per line. Bad lines are skipped. */
export function parseJsonObjects(text: string): { rows: Json[]; bad: number } {
  const trimmed = text.trim();
  if (trimmed === '') return { rows: [], bad: 0 };
  if (trimmed.startsWith('[')) {
    try {
      const arr = JSON.parse(trimmed) as unknown;
      if (Array.isArray(arr)) return { rows: arr.filter((x): x is Json => !!x && typeof x === 'object'), bad: 0 };
    } catch {
      // fall through: maybe several arrays or lines
    }
  }
  const rows: Json[] = [];
  let bad = 0;
  for (const line of trimmed.split('\n')) {
    const l = line.trim();
    if (!l) continue;
    try {
      const v = JSON.parse(l) as unknown;
      if (Array.isArray(v)) rows.push(...v.filter((x): x is Json => !!x && typeof x === 'object'));
      else if (v && typeof v === 'object') rows.push(v as Json);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { rows, bad };
}

function exitCodeFromStatus(status: string | undefined): number | undefined {
  const m = /^(?:Exited|Restarting) \((-?\d+)\)/.exec(status ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Rows of `docker compose ps --all --format json` (v2, both shapes) or `docker ps -a --format '{{json .}}'`. */
export function parsePs(text: string): { rows: PsRow[]; bad: number } {
  const { rows, bad } = parseJsonObjects(text);
  const out: PsRow[] = [];
  for (const r of rows) {
    const labels = labelsOf(r.Labels);
    const id = str(r.ID);
    const name = str(r.Name) ?? str(r.Names)?.split(',')[0];
    if (!id && !name) continue;
    const status = str(r.Status);
    const row: PsRow = { id: id ?? name!, name: name ?? id! };
    const service = str(r.Service) ?? labels['com.docker.compose.service'];
    if (service) row.service = service;
    const project = str(r.Project) ?? labels['com.docker.compose.project'];
    if (project) row.project = project;
    const state = str(r.State)?.toLowerCase();
    if (state) row.state = state;
    if (status) row.status = status;
    const exitCode = num(r.ExitCode) ?? exitCodeFromStatus(status);
    if (exitCode !== undefined) row.exitCode = exitCode;
    const health = str(r.Health);
    if (health) row.health = health;
    if (labels['com.docker.compose.oneoff'] === 'True') row.oneOff = true;
    out.push(row);
  }
  return { rows: out, bad };
}

export interface InspectedContainer extends ContainerState {
  labels: Record<string, string>;
}

function userOf(config: Json): string | undefined {
  return str(config.User);
}

/** `docker inspect <id>...`: the facts the checks need. Env values and the command line are dropped. */
export function parseInspect(text: string): InspectedContainer[] {
  let arr: unknown;
  try {
    arr = JSON.parse(text.trim() || '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(arr)) return [];
  const out: InspectedContainer[] = [];
  for (const c of arr as Json[]) {
    if (!c || typeof c !== 'object') continue;
    const state = (c.State ?? {}) as Json;
    const config = (c.Config ?? {}) as Json;
    const host = (c.HostConfig ?? {}) as Json;
    const net = (c.NetworkSettings ?? {}) as Json;
    const labels = labelsOf(config.Labels);
    const name = (str(c.Name) ?? '').replace(/^\//, '');
    const status = str(state.Status) ?? 'unknown';
    const ic: InspectedContainer = {
      service: labels['com.docker.compose.service'] ?? name,
      name,
      state: state.Restarting === true ? 'restarting' : status,
      labels,
    };
    const id = str(c.Id);
    if (id) ic.id = id;
    const image = str(config.Image);
    if (image) ic.image = image;
    const exitCode = num(state.ExitCode);
    if (exitCode !== undefined) ic.exitCode = exitCode;
    const restarts = num(c.RestartCount);
    if (restarts !== undefined) ic.restartCount = restarts;
    const started = str(state.StartedAt);
    if (started && !started.startsWith('0001-')) ic.startedAt = started;
    const finished = str(state.FinishedAt);
    if (finished && !finished.startsWith('0001-')) ic.finishedAt = finished;
    const error = str(state.Error);
    if (error) ic.reason = error;
    const health = str((state.Health as Json | undefined)?.Status);
    if (health) ic.health = health;
    const user = userOf(config);
    if (user) ic.user = user;
    const networkMode = str(host.NetworkMode);
    if (networkMode) ic.networkMode = networkMode;
    const networks = (net.Networks ?? {}) as Record<string, Json>;
    const ip = Object.values(networks).map((n) => str(n?.IPAddress)).find(Boolean) ?? str(net.IPAddress);
    if (ip) ic.ip = ip;
    const ports: NonNullable<ContainerState['ports']> = [];
    for (const [key, bindings] of Object.entries((net.Ports ?? {}) as Record<string, unknown>)) {
      const [portText, protocol = 'tcp'] = key.split('/');
      const containerPort = Number(portText);
      if (!Number.isInteger(containerPort)) continue;
      if (!Array.isArray(bindings) || bindings.length === 0) ports.push({ containerPort, protocol });
      for (const b of Array.isArray(bindings) ? (bindings as Json[]) : []) {
        const hostPort = Number(b?.HostPort);
        ports.push({ containerPort, protocol, ...(str(b?.HostIp) !== undefined ? { hostIp: str(b.HostIp) } : {}), ...(Number.isInteger(hostPort) && hostPort > 0 ? { hostPort } : {}) });
      }
    }
    if (ports.length) ic.ports = ports;
    const mounts = Array.isArray(c.Mounts) ? (c.Mounts as Json[]) : [];
    if (mounts.length) {
      ic.mounts = mounts
        .filter((m) => str(m?.Destination))
        .map((m) => ({ source: str(m.Source) ?? str(m.Name) ?? '', destination: str(m.Destination)!, readOnly: m.RW === false }));
    }
    if (Array.isArray(config.Env)) {
      const env = (config.Env as unknown[]).filter((e): e is string => typeof e === 'string');
      // Values are dropped; a secret's value is remembered (in memory) so it is hidden wherever it turns up.
      for (const e of env) if (e.includes('=')) rememberEnvSecret(e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1));
      ic.envNames = env.map((e) => e.split('=')[0]!).filter(Boolean);
    }
    if (labels['com.docker.compose.oneoff'] === 'True') ic.oneOff = true;
    out.push(ic);
  }
  return out;
}

/** ps row + inspect = one container state; inspect wins where both speak. */
export function mergeContainer(row: PsRow | undefined, inspected: InspectedContainer | undefined): ContainerState {
  const base: ContainerState = { service: row?.service ?? inspected?.service ?? row?.name ?? 'unknown', name: row?.name ?? inspected?.name ?? 'unknown', state: row?.state ?? 'unknown' };
  if (row?.status) base.status = row.status;
  if (row?.exitCode !== undefined) base.exitCode = row.exitCode;
  if (row?.health) base.health = row.health;
  if (row?.oneOff) base.oneOff = true;
  if (row?.id) base.id = row.id;
  if (!inspected) return base;
  const { labels: _labels, ...rest } = inspected;
  return { ...base, ...rest, service: row?.service ?? inspected.service, name: inspected.name || base.name, status: base.status ?? statusLine(inspected) };
}

/** A status line in docker's words when ps gave none. */
function statusLine(c: ContainerState): string {
  if (c.state === 'exited') return `Exited (${c.exitCode ?? '?'})`;
  if (c.state === 'restarting') return `Restarting (${c.exitCode ?? '?'})`;
  if (c.state === 'running') return 'Up';
  return c.state;
}

/** Merges `docker logs -t` stdout and stderr into one stream in time order (both lines start with RFC 3339). */
export function mergeTimestamped(stdout: string, stderr: string): string {
  // One stream (cloudflared logs to stderr only): its lines as they are, without splitting 2,000 of them.
  const one = stderr === '' ? stdout : stdout === '' ? stderr : undefined;
  if (one !== undefined && !one.startsWith('\n') && !one.includes('\n\n')) return one === '' || one.endsWith('\n') ? one : `${one}\n`;
  const split = (t: string) => t.split('\n').filter((l) => l !== '');
  const a = split(stdout);
  const b = split(stderr);
  if (b.length === 0) return a.length ? `${a.join('\n')}\n` : '';
  if (a.length === 0) return `${b.join('\n')}\n`;
  const ts = (l: string) => /^\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(l)?.[0] ?? '';
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && ts(a[i]!) <= ts(b[j]!))) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return `${out.join('\n')}\n`;
}
