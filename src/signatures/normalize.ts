// Sees through the ways a log line reaches us: prefixes added on the way (journald, `kubectl logs
// --prefix`, `docker compose logs` v1/v2, `docker logs -t` / `kubectl logs --timestamps`), then the
// program's own format (cloudflared console, JSON from cloudflared or slog, slog text / logfmt, Go
// log.Printf, plain). Pure string work on one physical line.
import type { LogSource } from '../snapshot/types.js';
import type { Level, LogRecord } from './types.js';

/** One physical line seen through its formats: a LogRecord before it is numbered and joined. */
export interface NormalLine extends Omit<LogRecord, 'line' | 'span'> {
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
// A cloudflared console line behind a prefix no rule above knows (syslog with a year and facility, pm2,
// `stderr: `, a timestamp glued on by a NAS UI): found within the first characters of the line.
const CONSOLE_INSIDE = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) (?:TRC|DBG|INF|WRN|ERR|FTL|PNC) /;
const PREFIX_NAME = /([A-Za-z][\w.-]*)\[\d+\]:|([A-Za-z][\w.-]*)\s+\|/;
const GO_LOG = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) (?:[\w./-]+\.go:\d+: )?(.*)$/s;

const LEVELS: Record<string, Level> = {
  TRC: 'debug', DBG: 'debug', INF: 'info', WRN: 'warn', ERR: 'error', FTL: 'fatal', PNC: 'fatal',
  trc: 'debug', trace: 'debug', dbg: 'debug', debug: 'debug',
  inf: 'info', info: 'info', notice: 'info',
  wrn: 'warn', warn: 'warn', warning: 'warn',
  err: 'error', error: 'error',
  ftl: 'fatal', fatal: 'fatal', pnc: 'fatal', panic: 'fatal', crit: 'fatal', critical: 'fatal',
};

export function levelOf(word: string | undefined): Level | undefined {
  return word ? (LEVELS[word] ?? LEVELS[word.toLowerCase()]) : undefined;
}

/** Which of the deployment's services a container, pod, or syslog name belongs to. */
const sourceCache = new Map<string, LogSource | undefined>();

export function sourceOfName(name: string): LogSource | undefined {
  let source = sourceCache.get(name);
  if (source === undefined && !sourceCache.has(name)) {
    source = sourceOf(name);
    if (sourceCache.size < 4096) sourceCache.set(name, source); // a log names few containers
  }
  return source;
}

function sourceOf(name: string): LogSource | undefined {
  const n = name.toLowerCase();
  if (n.includes('cloudflared')) return 'cloudflared';
  if (n.includes('setup')) return 'setup';
  if (n.includes('proxy') || n.includes('gateway')) return 'mcp-proxy';
  return undefined;
}

/** `2026-11-28T03:58:01.123456789Z` -> `2026-11-28T03:58:01.123Z`; Go's `2026/11/28 03:58:01` -> `2026-11-28T03:58:01`. */
export function normalizeTime(raw: string): string {
  const t = raw.charCodeAt(0) === 34 ? raw.replace(/^"|"$/g, '') : raw;
  if (t.charCodeAt(4) === 47) {
    const go = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(t);
    if (go) return `${go[1]}-${go[2]}-${go[3]}T${go[4]}${go[5] ? go[5].slice(0, 4) : ''}`;
  }
  const dot = t.indexOf('.');
  return dot === -1 || !/\d{4}/.test(t.slice(dot + 1, dot + 5)) ? t : t.replace(/(\.\d{3})\d+/, '$1');
}

export function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  try {
    return JSON.parse(value) as string;
  } catch {
    return value.slice(1, -1);
  }
}

const isKeyStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isKeyChar = (c: number) => isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 47;
const isSpace = (c: number) => c === 32 || c === 9;

/** The end of a quoted value that starts at `i` (the opening quote): the index after the closing one. */
function skipQuoted(text: string, i: number): number {
  for (let k = i + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 92) k++;
    else if (c === 34) return k + 1;
  }
  return text.length;
}

/** key=value pairs of a console or logfmt line, unquoted (a hand-written scan: it runs per matched line). */
export function parseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const start = i;
    if (isKeyStart(text.charCodeAt(i))) while (i < n && isKeyChar(text.charCodeAt(i))) i++;
    if (i > start && text.charCodeAt(i) === 61) {
      const key = text.slice(start, i);
      const from = ++i;
      if (text.charCodeAt(i) === 34) i = skipQuoted(text, i);
      else while (i < n && !isSpace(text.charCodeAt(i)) && text.charCodeAt(i) !== 34) i++;
      fields[key] ??= unquote(text.slice(from, i));
      continue;
    }
    // Not a key=value: skip the word, quoted parts included.
    while (i < n && !isSpace(text.charCodeAt(i))) i = text.charCodeAt(i) === 34 ? skipQuoted(text, i) : i + 1;
  }
  return fields;
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

/** A normalised line; its fields are parsed only when a signature asks for them (most lines never). */
class Normal implements NormalLine {
  time: string | undefined;
  stamp: string | undefined;
  level: Level | undefined;
  origin: string | undefined;
  source: LogSource | undefined;
  private parsed: Record<string, string> | undefined;

  constructor(
    readonly text: string,
    public display: string,
    private readonly fieldsFrom: string | Record<string, string>,
    readonly continuation: boolean,
  ) {}

  get fields(): Record<string, string> {
    return (this.parsed ??= typeof this.fieldsFrom === 'string' ? parseFields(this.fieldsFrom) : this.fieldsFrom);
  }
}

function fromJson(body: string, display: string): Normal | undefined {
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
  const fields: Record<string, string> = {};
  const parts: string[] = [message];
  for (const [k, v] of Object.entries(record)) {
    if (JSON_META.has(k)) continue;
    fields[k] = typeof v === 'string' ? v : renderValue(v);
    parts.push(`${k}=${renderValue(v)}`);
  }
  const line = new Normal(parts.join(' '), display, fields, false);
  line.level = levelOf(pick('level', 'lvl', 'severity'));
  line.time = pick('time', 'ts', 'timestamp', '@timestamp');
  return line;
}

const JSON_META = new Set(['message', 'msg', 'level', 'lvl', 'severity', 'time', 'ts', 'timestamp', '@timestamp']);

/** A physical line with the transport prefixes (journald, kubectl, compose) taken off: the cheap first stage. */
export interface Prefixed {
  /** The line after the prefixes: what the program printed (a runtime timestamp may still lead it). */
  rest: string;
  origin?: string;
  source?: LogSource;
  outerTime?: string;
}

/** Takes off the prefixes a line picked up on the way (cheap looks at the first characters decide which apply). */
export function splitPrefix(raw: string): Prefixed {
  let rest = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (rest.includes('\u001b')) rest = rest.replace(ANSI, '');
  let origin: string | undefined;
  let source: LogSource | undefined;
  let outerTime: string | undefined;

  let c0 = rest.charCodeAt(0);
  const isoAt0 = (c0 >= 48 && c0 <= 57 && rest.charCodeAt(10) === 84) || false;
  let m = c0 >= 65 && c0 <= 90 ? JOURNALD_SHORT.exec(rest) : isoAt0 ? JOURNALD_ISO.exec(rest) : null;
  if (m) {
    outerTime = m[1];
    source = sourceOfName(m[3]!);
    rest = rest.slice(m[0].length);
  }
  c0 = rest.charCodeAt(0);
  const bar = c0 === 91 ? -1 : rest.indexOf('|');
  if (c0 === 91 && (m = KUBECTL_PREFIX.exec(rest))) {
    origin = m[1];
    source = sourceOfName(m[2]!) ?? source;
    rest = rest.slice(m[0].length);
  } else if (bar > 0 && bar < 160 && (m = COMPOSE_PREFIX.exec(rest))) {
    origin = m[1];
    source = sourceOfName(m[1]!) ?? source;
    rest = rest.slice(m[0].length);
  }
  return { rest, origin, source, outerTime };
}

/** One physical line (no newline) -> its time, level, origin and the text signatures are tested against. */
export function normalizeLine(raw: string): NormalLine {
  return normalizePrefixed(splitPrefix(raw));
}

/** The second stage: the program's own format (JSON, cloudflared console, logfmt, Go log, plain). */
export function normalizePrefixed({ rest: afterPrefix, origin, outerTime, source: prefixSource }: Prefixed): NormalLine {
  let rest = afterPrefix;
  let source = prefixSource;
  let m: RegExpExecArray | null;
  const display = rest;
  let runtimeTime = false;
  const c0 = rest.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57 && rest.charCodeAt(10) === 84 && (m = RFC3339.exec(rest))) {
    outerTime = m[1];
    rest = rest.slice(m[0].length);
    runtimeTime = true;
  }

  let line: Normal | undefined;
  let time: string | undefined;
  const trimmed = rest.charCodeAt(0) === 123 ? rest.trimEnd() : '';
  if (trimmed.endsWith('}') && (line = fromJson(trimmed, display))) {
    time = line.time;
  } else if ((m = CONSOLE.exec(rest))) {
    line = new Normal(m[3]!, display, m[3]!, false);
    line.level = levelOf(m[2]);
    time = m[1];
  } else if ((m = LOGFMT.exec(rest))) {
    line = new Normal(`${unquote(m[4]!)}${m[5]!}`, display, m[5]!, false);
    line.level = levelOf(m[3]);
    time = m[1];
  } else if ((m = GO_LOG.exec(rest))) {
    line = new Normal(m[2]!, display, m[2]!, false);
    time = m[1];
  } else if ((m = CONSOLE_INSIDE.exec(rest.length > 200 ? rest.slice(0, 200) : rest)) && (m = CONSOLE.exec(rest.slice(m.index)))) {
    const prefix = rest.slice(0, rest.length - m[0].length);
    line = new Normal(m[3]!, rest.slice(prefix.length), m[3]!, false);
    line.level = levelOf(m[2]);
    time = m[1];
    const named = PREFIX_NAME.exec(prefix);
    if (named && !source) source = sourceOfName(named[1] ?? named[2]!);
  } else {
    line = new Normal(rest, display, EMPTY, /^[ \t]+\S/.test(rest));
  }
  // `docker logs -t` before a line with its own time, or before the next line of a multi-line message: show
  // the program's text, without the runtime's stamp (a joined message must not carry one in its middle).
  if (runtimeTime && (time !== undefined || line.continuation)) line.display = rest;
  if (runtimeTime) line.stamp = outerTime;
  time ??= outerTime;
  line.time = time === undefined ? undefined : normalizeTime(time);
  line.origin = origin;
  line.source = source;
  return line;
}

/**
 * Whether a line, seen past its prefixes, is surely a record of its own: not indented (a continuation), and
 * not ending in `:` (a Go multi-line error's opener); a JSON object is one record whatever its message says.
 * Such lines can be matched before the second stage runs, if it ever does.
 */
export function standsAlone(rest: string): boolean {
  // Past the runtime's stamp (`docker logs -t`, `kubectl logs --timestamps`): the program's line decides.
  let c0 = rest.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57 && rest.charCodeAt(10) === 84) {
    const m = RFC3339.exec(rest);
    if (m) {
      rest = rest.slice(m[0].length);
      c0 = rest.charCodeAt(0);
    }
  }
  if (c0 === 32 || c0 === 9 || rest.length === 0) return false;
  let k = rest.length - 1;
  while (k >= 0 && (rest.charCodeAt(k) === 32 || rest.charCodeAt(k) === 9)) k--;
  return c0 === 123 ? rest.charCodeAt(k) === 125 : rest.charCodeAt(k) !== 58;
}

const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Whether a line can start a multi-line error: Go prints `yaml: unmarshal errors:` and indents the rest. */
export function opensBlock(line: NormalLine): boolean {
  if (line.continuation) return false;
  const t = line.text;
  let k = t.length - 1;
  while (k >= 0 && (t.charCodeAt(k) === 32 || t.charCodeAt(k) === 9)) k--;
  return k >= 0 && t.charCodeAt(k) === 58;
}
