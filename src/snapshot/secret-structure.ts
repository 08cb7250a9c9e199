// Secrets known by what they decode to, not by a prefix: base64 that decodes to a tunnel-token object
// (`{"a": …}` with any spacing or key order), and key material without its armour: a DER private key
// (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8), an OpenSSH key, a PGP secret-key packet. Certificates and
// public keys decode to other shapes and are kept.

/** A token-object start: `{`, spaces, then one of the token's keys. */
const TOKEN_START = /^\{\s*"[ats]"\s*:/;
/** Where a token's base64 may start inside a run: `{"` / `{ ` give "ey", `{\n` gives "ew". */
const TOKEN_AT = /e[yw]/g;
const MAX_TRIES = 8;

function decodeHead(b64: string, chars: number): Buffer {
  const head = b64.slice(0, chars - (chars % 4));
  return Buffer.from(head.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** The offset in `run` where a tunnel token's base64 starts, or -1. */
export function tokenOffset(run: string): number {
  if (!run.includes('ey') && !run.includes('ew')) return -1;
  let tries = 0;
  TOKEN_AT.lastIndex = 0;
  for (let m = TOKEN_AT.exec(run); m && tries < MAX_TRIES; m = TOKEN_AT.exec(run), tries++) {
    if (run.length - m.index < 24) break;
    if (TOKEN_START.test(decodeHead(run.slice(m.index), 32).toString('latin1'))) return m.index;
  }
  return -1;
}

/** The token's JSON, when the base64 decodes whole (for its `s`). */
export function tokenObject(b64: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(b64.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Skips a DER length at `i`; returns the index after it, or -1. */
function afterLength(b: Buffer, i: number): number {
  const first = b[i];
  if (first === undefined) return -1;
  if (first < 0x80) return i + 1;
  const n = first & 0x7f;
  return n >= 1 && n <= 3 ? i + 1 + n : -1;
}

const PKCS5 = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05]); // PBES1 / PBES2
const PKCS12_PBE = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01]);

/** DER of a private key: SEQUENCE { INTEGER 0|1, ... }, or encrypted PKCS#8: SEQUENCE { SEQUENCE { pbe OID ... } ... }. */
function isDerPrivateKey(b: Buffer): boolean {
  if (b[0] !== 0x30) return false;
  const i = afterLength(b, 1);
  if (i < 0) return false;
  if (b[i] === 0x02 && b[i + 1] === 0x01 && (b[i + 2] === 0x00 || b[i + 2] === 0x01)) {
    // PKCS#8 goes on with the algorithm SEQUENCE; PKCS#1 with the modulus INTEGER; SEC1 with the OCTET STRING.
    const next = b[i + 3];
    return next === 0x30 || next === 0x02 || next === 0x04;
  }
  if (b[i] === 0x30) {
    const inner = afterLength(b, i + 1);
    if (inner < 0 || b[inner] !== 0x06) return false;
    const oid = b.subarray(inner + 2, inner + 2 + (b[inner + 1] ?? 0));
    return oid.subarray(0, PKCS5.length).equals(PKCS5) || oid.subarray(0, PKCS12_PBE.length).equals(PKCS12_PBE);
  }
  return false;
}

/** OpenPGP public-key algorithm ids (RFC 9580 9.1): RSA, Elgamal, DSA, ECDH, ECDSA, EdDSA, X/Ed25519 and 448. */
const PGP_ALGORITHMS = new Set([1, 2, 3, 16, 17, 18, 19, 20, 22, 25, 26, 27, 28]);

/**
 * An OpenPGP secret-key packet (tag 5), old or new format, version 4 to 6, then a creation time and a known
 * algorithm. Two bytes alone (tag, version) matched one line in about 5,000 of any base64: a certificate's
 * line that started `lwYd` (0x97 0x06) read as a PGP key.
 */
function isPgpSecretKey(b: Buffer): boolean {
  const tag = b[0];
  if (tag === undefined) return false;
  let at: number;
  if ((tag & 0xfc) === 0x94) at = 1 + [1, 2, 4, 0][tag & 0x03]!;
  else if (tag === 0xc5) at = b[1]! < 192 ? 2 : b[1]! < 224 ? 3 : b[1] === 0xff ? 6 : -1;
  else return false;
  return at > 0 && b[at] !== undefined && b[at]! >= 4 && b[at]! <= 6 && PGP_ALGORITHMS.has(b[at + 5] ?? -1);
}

/** True when a base64 run (from its start) is private key material. */
export function isKeyMaterial(run: string): boolean {
  // DER starts 0x30 ("M"), OpenSSH "openssh-key-v1" ("b3Bl"), a PGP secret-key packet 0x94-0x97 ("l") or 0xC5 ("x").
  if (run.length < 32 || !'Mblx'.includes(run[0]!)) return false;
  const head = decodeHead(run, 48);
  return isDerPrivateKey(head) || head.subarray(0, 14).toString('latin1') === 'openssh-key-v1' || isPgpSecretKey(head);
}
