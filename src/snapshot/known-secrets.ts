// Secrets this run has seen (a tunnel token and its `s`, a URL's password, a value a redaction rule hid),
// held in memory only: never in a snapshot, a bundle or a report. redact() hides every later occurrence
// of one, whole or any 12-character piece of it, wherever it turns up without the key that marked it.

/** Values shorter than this are not remembered: `pass` would hide every "tests pass". */
export const MIN_REMEMBERED = 8;
/** A piece of a secret this long is as good as the secret (a token cut across two log lines). */
export const PIECE = 12;
/** A token is a few hundred characters; anything much longer is not a value but a file's worth of text. */
const MAX_REMEMBERED = 8 * 1024;
const ALPHABET = /[A-Za-z0-9+/=_-]/;

const whole = new Set<string>();
/** Rolling hashes of every PIECE-long window of every remembered secret at least PIECE long. */
const windows = new Map<number, Set<string>>();
/** The low 16 bits of those hashes, as a filter that rejects almost every window of a text at once. */
const filter = new Uint8Array(1 << 16);

function hashOf(text: string, from: number): number {
  let h = 0;
  for (let i = from; i < from + PIECE; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/** 31^(PIECE-1), to take the leaving character out of a rolling hash. */
const OUT = (() => {
  let p = 1;
  for (let i = 1; i < PIECE; i++) p = Math.imul(p, 31);
  return p;
})();

export function rememberSecret(value: string | undefined): void {
  const v = value?.trim();
  if (!v || v.length < MIN_REMEMBERED || v.length > MAX_REMEMBERED || v === '[REDACTED]' || v.includes('[REDACTED]') || whole.has(v)) return;
  whole.add(v);
  for (let i = 0; i + PIECE <= v.length; i++) {
    const h = hashOf(v, i);
    filter[h & 0xffff] = 1;
    let set = windows.get(h);
    if (!set) windows.set(h, (set = new Set()));
    set.add(v.slice(i, i + PIECE));
  }
}

/** Forgets everything (tests; a long-lived process that moves to another deployment). */
export function forgetSecrets(): void {
  whole.clear();
  windows.clear();
  filter.fill(0);
}

export function knowsSecrets(): boolean {
  return whole.size > 0;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);

/** Every remembered secret, and every 12-character piece of one, replaced by `mask` (linear in the text). */
export function maskKnownSecrets(text: string, mask: string): string {
  if (whole.size === 0 || text.length < MIN_REMEMBERED) return text;
  const spans: [number, number][] = [];
  // Short secrets (8-11 characters): exact, standing alone.
  for (const v of whole) {
    if (v.length >= PIECE) continue;
    for (let at = text.indexOf(v); at >= 0; at = text.indexOf(v, at + 1)) {
      if (!isWordChar(text[at - 1]) && !isWordChar(text[at + v.length])) spans.push([at, at + v.length]);
    }
  }
  // Pieces: a rolling hash over the text, checked against the secrets' windows.
  if (windows.size && text.length >= PIECE) {
    let h = hashOf(text, 0);
    for (let i = 0; ; i++) {
      if (filter[h & 0xffff] === 1 && windows.get(h)?.has(text.slice(i, i + PIECE))) spans.push(widen(text, i, i + PIECE));
      if (i + PIECE >= text.length) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), OUT), 31) + text.charCodeAt(i + PIECE)) | 0;
    }
  }
  if (!spans.length) return text;
  const kept = outsidePublicBlocks(text, spans);
  if (!kept.length) return text;
  kept.sort((x, y) => x[0] - y[0]);
  let out = '';
  let at = 0;
  let open: [number, number] | undefined;
  for (const span of kept) {
    if (open && span[0] <= open[1]) open[1] = Math.max(open[1], span[1]);
    else {
      if (open) (out += text.slice(at, open[0]) + mask), (at = open[1]);
      open = [...span];
    }
  }
  if (open) (out += text.slice(at, open[0]) + mask), (at = open[1]);
  return out + text.slice(at);
}

/**
 * Armoured public material: certificates, public keys, requests, CRLs. An RSA key's body shares long runs with
 * its certificate's (the algorithm identifier, the modulus) whenever both put them at the same offset mod 3,
 * so a remembered private key would otherwise mask pieces of the certificate, which then reads as broken.
 */
const PUBLIC_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*(?:CERTIFICATE|PUBLIC KEY|PUBLIC KEY BLOCK|CERTIFICATE REQUEST|X509 CRL))-----[\s\S]*?-----END \1-----/g;

/** Where armoured public blocks (certificates, public keys...) are in a text: nothing in them is a secret. */
export function publicBlocks(text: string): [number, number][] {
  if (!text.includes('-----BEGIN ')) return [];
  const blocks: [number, number][] = [];
  for (const m of text.matchAll(PUBLIC_BLOCK)) blocks.push([m.index, m.index + m[0].length]);
  return blocks;
}

export const insideBlock = (blocks: readonly [number, number][], at: number): boolean => blocks.some(([a, b]) => at >= a && at < b);

/** The spans that do not start inside a public block (a secret is never part of one). */
function outsidePublicBlocks(text: string, spans: [number, number][]): [number, number][] {
  const blocks = publicBlocks(text);
  if (!blocks.length) return spans;
  return spans.filter(([from]) => !insideBlock(blocks, from));
}

/** A matched piece grows to the whole token-like run it sits in (the rest of the value goes too). */
function widen(text: string, from: number, to: number): [number, number] {
  while (from > 0 && ALPHABET.test(text[from - 1]!)) from--;
  // Never half of an escape (`\n` in JSON text): the character after a backslash stays with it.
  if (text[from - 1] === '\\') from++;
  while (to < text.length && ALPHABET.test(text[to]!)) to++;
  return [from, to];
}
