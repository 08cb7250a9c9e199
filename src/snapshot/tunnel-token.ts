// What is wrong with a TUNNEL_TOKEN value, without keeping it. cloudflared decodes the token with Go's
// base64.StdEncoding (padding required, no URL-safe alphabet) into JSON {"a": account, "t": tunnel UUID,
// "s": base64 secret}; anything else ends in `Provided Tunnel token is not valid.`. Pure: used at gather
// time, so only the verdict reaches the snapshot.
import type { TokenInfo } from './types.js';

export type TokenVerdict = Pick<TokenInfo, 'problem' | 'detail'>;

const QUOTES = /["'\u201c\u201d\u2018\u2019`]/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const STD_B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function whereWhitespace(v: string): string {
  if (/^\s/.test(v) && /\s$/.test(v)) return 'spaces or line breaks at both ends';
  if (/[\r\n]\s*$/.test(v)) return 'a line break at the end';
  if (/\s$/.test(v)) return 'a space at the end';
  if (/^\s/.test(v)) return 'a space at the start';
  return /[\r\n]/.test(v) ? 'a line break in the middle (it was wrapped when copied)' : 'a space in the middle';
}

export function inspectTunnelToken(value: string): TokenVerdict {
  if (value.trim() === '') return { problem: 'empty', detail: 'the value is empty' };
  const first = value.trim()[0]!;
  const last = value.trim().slice(-1);
  if (QUOTES.test(first) || QUOTES.test(last)) {
    const curly = /[\u201c\u201d\u2018\u2019]/.test(first + last);
    return { problem: 'quoted', detail: curly ? 'curly quotes (“…”) around it, probably from pasting it out of a document' : `${first === "'" ? 'single' : 'double'} quotes around it that reach cloudflared as part of the value` };
  }
  if (/\s/.test(value)) return { problem: 'whitespace', detail: whereWhitespace(value) };
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value)) return { problem: 'not-base64', detail: 'it has three dot-separated parts, like a JWT or API token, not a tunnel token' };
  if (!STD_B64.test(value)) {
    if (/^[A-Za-z0-9_-]+=*$/.test(value)) return { problem: 'not-base64', detail: 'it uses the URL-safe base64 alphabet (- and _); cloudflared expects standard base64' };
    const bad = [...value].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
    return { problem: 'not-base64', detail: `it has a character that is not base64 at position ${bad + 1} of ${value.length}` };
  }
  const padded = value.length % 4 !== 0;
  let json: string;
  try {
    json = Buffer.from(value + '='.repeat((4 - (value.length % 4)) % 4), 'base64').toString('utf8');
  } catch {
    return { problem: 'not-base64', detail: 'it does not decode as base64' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    if (json.trimStart().startsWith('{') && !json.trimEnd().endsWith('}')) {
      return { problem: 'truncated', detail: `it is ${value.length} characters and its JSON stops before the closing brace: the end was lost when it was copied` };
    }
    return { problem: 'not-json', detail: 'it decodes from base64, but not to JSON' };
  }
  if (padded) return { problem: 'truncated', detail: `it is ${value.length} characters, not a multiple of 4: the base64 padding (=) at the end is missing` };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { problem: 'not-json', detail: 'it decodes to JSON that is not an object' };
  const obj = parsed as Record<string, unknown>;
  const missing = ['a', 't', 's'].filter((k) => typeof obj[k] !== 'string' || obj[k] === '');
  if (missing.length) return { problem: 'missing-fields', detail: `its JSON lacks ${missing.map((k) => `"${k}"`).join(', ')} (a tunnel token has "a", "t" and "s")` };
  if (!UUID.test(String(obj.t))) return { problem: 'bad-fields', detail: 'its "t" is not a tunnel UUID' };
  if (!STD_B64.test(String(obj.s)) || String(obj.s).length % 4 !== 0) return { problem: 'bad-fields', detail: 'its "s" (the secret) is not base64' };
  return {};
}
