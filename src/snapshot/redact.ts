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
  // TUNNEL_TOKEN=value / TUNNEL_TOKEN: value / --token value, quoted or not.
  {
    pattern: /\b(TUNNEL_TOKEN|tunnel[-_]token|--token)(["']?\s*[=:]\s*|\s+)(["']?)([^\s"',}]+)\3/gi,
    replace: (_m, key, sep, quote) => `${key}${sep}${quote}${REDACTED}${quote}`,
  },
  // Generic secret-looking keys with a value: password, secret, api_key, client_secret, access_token...
  {
    pattern: /\b((?:[A-Za-z_]*_)?(?:password|passwd|secret|api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret))(["']?\s*[=:]\s*)(["']?)([^\s"',}]{4,})\3/gi,
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
