// One redaction function for everything that leaves the tool: evidence, reports, bundles (SPEC section 6).
// It errs on the side of hiding: a long opaque value after a secret-looking key is replaced too. Three
// passes: rules by the key or armour that marks a secret; structure (base64 that decodes to a tunnel token
// or to key material, secret-structure.ts); and every value a rule hid, or gathering saw, wherever it turns
// up again (known-secrets.ts: in memory only).
import { insideBlock, maskKnownSecrets, publicBlocks, rememberSecret } from './known-secrets.js';
import type { Snapshot } from './types.js';
import { printable } from './printable.js';
import { isKeyMaterial, tokenObject, tokenOffset } from './secret-structure.js';

export { forgetSecrets, rememberSecret } from './known-secrets.js';

export const REDACTED = '[REDACTED]';

/** Remembers a TUNNEL_TOKEN value as found (quotes, spaces and all) and the secret `s` inside it. */
export function rememberTunnelToken(raw: string | undefined): void {
  const value = raw?.trim().replace(/^["'\u201c\u2018]+|["'\u201d\u2019]+$/g, '').replace(/\s+/g, '');
  if (!value) return;
  rememberSecret(value);
  const s = tokenObject(value)?.s;
  if (typeof s === 'string') rememberSecret(s);
}

/** A value a rule hides is remembered, so the same value without its key is hidden too. */
function hidden(value: string | undefined): string {
  rememberSecret(value);
  return REDACTED;
}

const RULES: { pattern: RegExp; replace: string | ((...m: string[]) => string) }[] = [
  // PEM private keys of any flavour and PGP private key blocks, whole (also when cut off before the END line).
  { pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g, replace: REDACTED },
  // JSON Web Tokens: three base64url parts, the first two starting with `{"` encoded.
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: (m) => hidden(m) },
  // Authorization headers.
  { pattern: /\b(Bearer|Basic)\s+([A-Za-z0-9._~+/=-]{8,})/gi, replace: (_m, kind, value) => `${kind} ${hidden(value)}` },
  // Userinfo in any URL (`scheme://user:password@host`): all of it, user too.
  {
    pattern: /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/?#@"'<>[\]]+)@(?=[^\s@])/gi,
    replace: (_m, scheme, userinfo) => {
      const colon = userinfo.indexOf(':');
      rememberSecret(colon < 0 ? userinfo : userinfo.slice(colon + 1));
      return `${scheme}${REDACTED}@`;
    },
  },
  // TUNNEL_TOKEN=value / TUNNEL_TOKEN: value, quoted (straight or curly quotes, closed or not) or not. Never
  // across a line end (YAML's `- TUNNEL_TOKEN` is followed by the next key), never a `${VAR}` reference,
  // which is not a secret, and never an object or list (`"data/tunnel-token": {` in a bundle's
  // state/files.json is a file's metadata). The quotes stay, so a reader still sees how it was written.
  {
    pattern: /(?<!\$\{|\$)\b(TUNNEL_TOKEN|tunnel[-_]token)(["']?[ \t]*[=:][ \t]*)(?:(["'\u201c\u2018])(?!\$)([^\n]*?)(["'\u201d\u2019])(?=[\s,}#]|$)|(["'\u201c\u2018])(?!\$)([^\n]*)|(?![$[{"'\u201c\u2018])([^\s"',}]+))/gim,
    replace: (_m, key, sep, open, quoted, close, openOnly, openValue, bare) => {
      rememberTunnelToken(quoted ?? openValue ?? bare);
      return `${key}${sep}${open ?? openOnly ?? ''}${REDACTED}${close ?? ''}`;
    },
  },
  // cloudflared's `--token value` / `--token=value`.
  {
    pattern: /(?<![\w-])(--token)([ \t]+|=)(["']?)(?!\$)([^\s"',}]+)\3/gi,
    replace: (_m, key, sep, quote, value) => {
      rememberTunnelToken(value);
      return `${key}${sep}${quote}${REDACTED}${quote}`;
    },
  },
  // Generic secret-looking keys with a value: password, secret, api_key, client_secret, access_token...
  {
    pattern: /\b((?:[A-Za-z_]*_)?(?:password|passwd|secret|api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret))(["']?[ \t]*[=:][ \t]*)(["']?)(?!\$)([^\s"',}]{4,})\3/gi,
    replace: (_m, key, sep, quote, value) => `${key}${sep}${quote}${hidden(value)}${quote}`,
  },
];

/**
 * A base64 run, and the base64 lines right after it (a PEM body logged without its armour), checked by what
 * it decodes to: a tunnel token (from where it starts in the run) or private key material.
 */
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}(?:\r?\n[ \t]*[A-Za-z0-9+/]{16,}={0,2})*/g;

function redactStructure(block: string): string {
  if (!block.includes('\n')) return redactRun(block);
  if (isKeyMaterial(block)) {
    for (const line of block.split(/\s+/)) rememberSecret(line);
    return REDACTED;
  }
  return block.replace(/[A-Za-z0-9+/_-]{32,}={0,2}/g, redactRun);
}

function redactRun(run: string): string {
  const at = tokenOffset(run);
  if (at < 0) return isKeyMaterial(run) ? hidden(run) : run;
  rememberTunnelToken(run.slice(at));
  return `${run.slice(0, at)}${REDACTED}`;
}

export function redact(text: string): string {
  let out = text;
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace as string);
  // The body of a certificate or public key is base64 too: never read as a token or a key.
  const blocks = publicBlocks(out);
  out = out.replace(BASE64_RUN, (run: string, at: number) => (insideBlock(blocks, at) ? run : redactStructure(run)));
  return maskKnownSecrets(out, REDACTED);
}

/** True when the text holds something redact() would hide. */
export function containsSecret(text: string): boolean {
  return redact(text) !== text;
}

/** Keys whose string values are secrets in Helm values, ConfigMaps and similar trees (names of files or Secrets are not). */
const SECRET_KEY = /(token|secret|password|passwd|private[-_]?key|credential|api[-_]?key|^key$|\.key$|tls[-_.]?key|client[-_]?key)/i;
const NOT_SECRET_KEY = /(file|path|name|version|enabled|ref|id|audience|url|mount|type)$/i;

/**
 * A JSON tree with the value of every secret-looking key replaced by [REDACTED], and every other string
 * passed through redact(). Returns the paths it replaced (`tunnel.token`), for the bundle's manifest.
 */
export function redactValues(value: unknown): { values: unknown; redacted: string[] } {
  const redacted: string[] = [];
  const walk = (v: unknown, path: string[]): unknown => {
    if (typeof v === 'string') {
      const key = path[path.length - 1] ?? '';
      if (v !== '' && SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key)) {
        redacted.push(path.join('.'));
        return hidden(v);
      }
      const clean = redact(v);
      if (clean !== v) redacted.push(path.join('.'));
      return clean;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)]));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    return v;
  };
  return { values: walk(value, []), redacted };
}

/** A note quotes at most this much (a tool's words in it are bounded where they are read, too). */
const MAX_NOTE = 1000;
const capped = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text);

/** An environment variable whose name says it holds a secret: its value is remembered (never kept). */
export function rememberEnvSecret(name: string, value: string | undefined): void {
  if (name === 'TUNNEL_TOKEN') rememberTunnelToken(value);
  else if (value && SECRET_KEY.test(name) && !NOT_SECRET_KEY.test(name)) rememberSecret(value);
}

/** Every string in a JSON tree through redact() (keys too: a value can sit where a name belongs). */
export function redactStrings(value: unknown, then: (text: string) => string = (t) => t): unknown {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return then(redact(v));
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [then(redact(k)), walk(x)]));
    return v;
  };
  return walk(value);
}

/**
 * The last pass over a gathered (or read) snapshot, once every secret of the run is known: a value seen
 * late (the token in .env, read after a log that printed its `s` alone) is hidden everywhere. Files and
 * logs were redacted as they came in, so they only need the known values; the rest goes through redact().
 */
export function redactSnapshot(s: Snapshot): Snapshot {
  for (const file of Object.values(s.files)) {
    if (file.text === undefined) continue;
    const clean = maskKnownSecrets(file.text, REDACTED);
    if (clean !== file.text) Object.assign(file, { text: clean, redacted: true });
  }
  for (const log of Object.values(s.logs)) {
    if (!log) continue;
    const clean = maskKnownSecrets(log.text, REDACTED);
    if (clean !== log.text) Object.assign(log, { text: clean, redacted: true });
  }
  // What the tools said (versions, messages, a pod's reason) and the notes are shown as they are: printable.
  s.state = redactStrings(s.state, printable) as Snapshot['state'];
  s.notes = s.notes.map((n) => capped(printable(redact(n)), MAX_NOTE));
  s.deployment.how = printable(redact(s.deployment.how));
  return s;
}
