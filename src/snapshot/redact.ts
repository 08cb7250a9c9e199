// One redaction function for everything that leaves the tool: evidence, reports, bundles (SPEC section 6).
// It errs on the side of hiding: a long opaque value after a secret-looking key is replaced too.

export const REDACTED = '[REDACTED]';

const RULES: { pattern: RegExp; replace: string | ((...m: string[]) => string) }[] = [
  // PEM private keys of any flavour, whole block (also when cut off before its END line).
  { pattern: /-----BEGIN ((?:[A-Z]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, replace: REDACTED },
  // JSON Web Tokens: three base64url parts, the first two starting with `{"` encoded.
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: REDACTED },
  // Authorization headers.
  { pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: (_m, kind) => `${kind} ${REDACTED}` },
  // TUNNEL_TOKEN=value / TUNNEL_TOKEN: value, quoted (straight or curly quotes, closed or not) or not. Never
  // across a line end (YAML's `- TUNNEL_TOKEN` is followed by the next key), never a `${VAR}` reference,
  // which is not a secret, and never an object or list (`"data/tunnel-token": {` in a bundle's
  // state/files.json is a file's metadata). The quotes stay, so a reader still sees how it was written.
  {
    pattern: /(?<!\$\{|\$)\b(TUNNEL_TOKEN|tunnel[-_]token)(["']?[ \t]*[=:][ \t]*)(?:(["'\u201c\u2018])(?!\$)([^\n]*?)(["'\u201d\u2019])(?=[\s,}#]|$)|(["'\u201c\u2018])(?!\$)([^\n]*)|(?![$[{"'\u201c\u2018])([^\s"',}]+))/gim,
    replace: (_m, key, sep, open, _v, close, openOnly) => `${key}${sep}${open ?? openOnly ?? ''}${REDACTED}${close ?? ''}`,
  },
  // cloudflared's `--token value` / `--token=value`.
  {
    pattern: /(?<![\w-])(--token)([ \t]+|=)(["']?)(?!\$)([^\s"',}]+)\3/gi,
    replace: (_m, key, sep, quote) => `${key}${sep}${quote}${REDACTED}${quote}`,
  },
  // Generic secret-looking keys with a value: password, secret, api_key, client_secret, access_token...
  {
    pattern: /\b((?:[A-Za-z_]*_)?(?:password|passwd|secret|api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret))(["']?[ \t]*[=:][ \t]*)(["']?)(?!\$)([^\s"',}]{4,})\3/gi,
    replace: (_m, key, sep, quote) => `${key}${sep}${quote}${REDACTED}${quote}`,
  },
  // A bare tunnel token: base64 of `{"a":"` starts with eyJhIjoi; long enough to be one.
  { pattern: /\beyJhIjoi[A-Za-z0-9+/=_-]{20,}/g, replace: REDACTED },
];

export function redact(text: string): string {
  let out = text;
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace as string);
  return out;
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
        return REDACTED;
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
