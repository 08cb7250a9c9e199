// Sees through the ways a log line reaches us: prefixes added on the way (journald, `kubectl logs
// --prefix`, `docker compose logs` v1/v2, `docker logs -t` / `kubectl logs --timestamps`), then the
// program's own format (cloudflared console, JSON from cloudflared or slog, slog text / logfmt, Go
// log.Printf, plain). Pure string work on one physical line.
import type { LogSource } from '../snapshot/types.js';
import type { Level } from './types.js';

export interface NormalLine {
  time?: string;
  level?: Level;
  origin?: string;
  source?: LogSource;
  text: string;
  display: string;
  fields: Record<string, string>;
  /** An indented line with no format of its own: the next line of a Go multi-line error. */
  continuation: boolean;
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const JOURNALD_SHORT = /^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) (\S+) ([^\s[:]+)(?:\[\d+\])?: /;
const JOURNALD_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) (?!(?:TRC|DBG|INF|WRN|ERR|FTL|PNC) )(\S+) ([^\s[:]+)\[\d+\]: /;
const KUBECTL_PREFIX = /^\[pod\/([^/\]\s]+)\/([^\]\s]+)\] /;
// Compose names its containers `service-N` (v2) or `project_service_N` (v1): always an index at the end.
const COMPOSE_PREFIX = /^([A-Za-z0-9][A-Za-z0-9_.-]*[-_]\d+)\s+\| ?/;
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) /;
const CONSOLE = /^(?:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) )?(TRC|DBG|INF|WRN|ERR|FTL|PNC) (.*)$/s;
const LOGFMT = /^(?:(?:time|ts|t)=("[^"]*"|\S+) )?(?:level|lvl)=("?)([A-Za-z]+)\2 (?:msg|message)=("(?:[^"\\]|\\.)*"|\S*)(.*)$/s;
const GO_LOG = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) (?:[\w./-]+\.go:\d+: )?(.*)$/s;
const FIELD = /(?:^|\s)([A-Za-z_][\w.\-/]*)=("(?:[^"\\]|\\.)*"|[^\s"]*)/g;

const LEVELS: Record<string, Level> = {
  trc: 'debug', trace: 'debug', dbg: 'debug', debug: 'debug',
  inf: 'info', info: 'info', notice: 'info',
  wrn: 'warn', warn: 'warn', warning: 'warn',
  err: 'error', error: 'error',
  ftl: 'fatal', fatal: 'fatal', pnc: 'fatal', panic: 'fatal', crit: 'fatal', critical: 'fatal',
};

export function levelOf(word: string | undefined): Level | undefined {
  return word ? LEVELS[word.toLowerCase()] : undefined;
}

/** Which of the deployment's services a container, pod, or syslog name belongs to. */
export function sourceOfName(name: string): LogSource | undefined {
  const n = name.toLowerCase();
  if (n.includes('cloudflared')) return 'cloudflared';
  if (n.includes('setup')) return 'setup';
  if (n.includes('proxy') || n.includes('gateway')) return 'mcp-proxy';
  return undefined;
}

/** `2026-11-28T03:58:01.123456789Z` -> `2026-11-28T03:58:01.123Z`; Go's `2026/11/28 03:58:01` -> `2026-11-28T03:58:01`. */
export function normalizeTime(raw: string): string {
  const t = raw.replace(/^"|"$/g, '');
  const go = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(t);
  if (go) return `${go[1]}-${go[2]}-${go[3]}T${go[4]}${go[5] ? go[5].slice(0, 4) : ''}`;
  return t.replace(/(\.\d{3})\d+/, '$1');
}

export function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  try {
    return JSON.parse(value) as string;
  } catch {
    return value.slice(1, -1);
  }
}

/** key=value pairs of a console or logfmt line, unquoted. */
export function parseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of text.matchAll(FIELD)) fields[m[1]!] ??= unquote(m[2]!);
  return fields;
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

function fromJson(body: string): Omit<NormalLine, 'display' | 'continuation' | 'origin' | 'source'> | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const record = obj as Record<string, unknown>;
  const pick = (...keys: string[]): string | undefined => {
    for (const k of keys) if (typeof record[k] === 'string' || typeof record[k] === 'number') return String(record[k]);
    return undefined;
  };
  const message = pick('message', 'msg') ?? '';
  const level = levelOf(pick('level', 'lvl', 'severity'));
  const time = pick('time', 'ts', 'timestamp', '@timestamp');
  const skip = new Set(['message', 'msg', 'level', 'lvl', 'severity', 'time', 'ts', 'timestamp', '@timestamp']);
  const fields: Record<string, string> = {};
  const parts: string[] = [message];
  for (const [k, v] of Object.entries(record)) {
    if (skip.has(k)) continue;
    fields[k] = typeof v === 'string' ? v : renderValue(v);
    parts.push(`${k}=${renderValue(v)}`);
  }
  return { ...(time ? { time: normalizeTime(time) } : {}), ...(level ? { level } : {}), text: parts.join(' '), fields };
}

/** One physical line (no newline) -> its time, level, origin and the text signatures are tested against. */
export function normalizeLine(raw: string): NormalLine {
  let rest = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (rest.includes('\u001b')) rest = rest.replace(ANSI, '');
  let origin: string | undefined;
  let source: LogSource | undefined;
  let outerTime: string | undefined;

  let m = JOURNALD_SHORT.exec(rest) ?? JOURNALD_ISO.exec(rest);
  if (m) {
    outerTime = m[1];
    source = sourceOfName(m[3]!);
    rest = rest.slice(m[0].length);
  }
  if ((m = KUBECTL_PREFIX.exec(rest))) {
    origin = m[1];
    source = sourceOfName(m[2]!) ?? source;
    rest = rest.slice(m[0].length);
  } else if ((m = COMPOSE_PREFIX.exec(rest))) {
    origin = m[1];
    source = sourceOfName(m[1]!) ?? source;
    rest = rest.slice(m[0].length);
  }
  const display = rest;
  if ((m = RFC3339.exec(rest))) {
    outerTime = m[1];
    rest = rest.slice(m[0].length);
  }
  const where = { ...(origin ? { origin } : {}), ...(source ? { source } : {}) };
  const withTime = (time: string | undefined) => (time ?? outerTime ? { time: normalizeTime((time ?? outerTime)!) } : {});

  const trimmed = rest.trimEnd();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    const json = fromJson(trimmed);
    if (json) return { ...json, ...(json.time ? {} : withTime(undefined)), ...where, display, continuation: false };
  }
  if ((m = CONSOLE.exec(rest))) {
    const text = m[3]!;
    return { ...withTime(m[1]), level: levelOf(m[2]), ...where, text, display, fields: parseFields(text), continuation: false };
  }
  if ((m = LOGFMT.exec(rest))) {
    const text = `${unquote(m[4]!)}${m[5]!}`;
    const level = levelOf(m[3]);
    return { ...withTime(m[1]), ...(level ? { level } : {}), ...where, text, display, fields: parseFields(m[5]!), continuation: false };
  }
  if ((m = GO_LOG.exec(rest))) {
    return { ...withTime(m[1]), ...where, text: m[2]!, display, fields: parseFields(m[2]!), continuation: false };
  }
  return { ...withTime(undefined), ...where, text: rest, display, fields: {}, continuation: /^[ \t]+\S/.test(rest) };
}

/** Whether a line can start a multi-line error: Go prints `yaml: unmarshal errors:` and indents the rest. */
export function opensBlock(line: NormalLine): boolean {
  return !line.continuation && line.text.trimEnd().endsWith(':');
}
