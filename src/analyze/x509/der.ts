// DER in and out on node-forge's ASN.1 codec, with Buffers at the edges. Only the ASN.1 module is loaded:
// forge's x509 cannot read ECDSA certificates (the setup component's CA is P-256), so we walk the structure.
import asn1 from 'node-forge/lib/asn1.js';
import type forge from 'node-forge';

export type Asn1 = forge.asn1.Asn1;
export const { Class, Type } = asn1;

export function fromDer(der: Buffer): Asn1 {
  return asn1.fromDer(der.toString('binary'), { strict: true, parseAllBytes: true, decodeBitStrings: false } as unknown as boolean);
}

export function toDer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

export function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

export function bytesOf(node: Asn1 | undefined): Buffer {
  return node && typeof node.value === 'string' ? Buffer.from(node.value, 'binary') : Buffer.alloc(0);
}

export function oidOf(node: Asn1 | undefined): string | undefined {
  return node && node.type === Type.OID && typeof node.value === 'string' ? asn1.derToOid(node.value) : undefined;
}

export function timeOf(node: Asn1 | undefined): Date | undefined {
  if (!node || typeof node.value !== 'string') return undefined;
  if (node.type === Type.UTCTIME) return asn1.utcTimeToDate(node.value);
  if (node.type === Type.GENERALIZEDTIME) return asn1.generalizedTimeToDate(node.value);
  return undefined;
}

export function isContext(node: Asn1 | undefined, tag: number): boolean {
  return node?.tagClass === Class.CONTEXT_SPECIFIC && node.type === tag;
}

// ── building (certificates for the demo and the tests) ──────────────────────────────────────────────
const U = Class.UNIVERSAL;

export const der = {
  seq: (items: Asn1[]) => asn1.create(U, Type.SEQUENCE, true, items),
  set: (items: Asn1[]) => asn1.create(U, Type.SET, true, items),
  oid: (oid: string) => asn1.create(U, Type.OID, false, asn1.oidToDer(oid).getBytes()),
  bool: (value: boolean) => asn1.create(U, Type.BOOLEAN, false, value ? '\xff' : '\x00'),
  int: (bytes: Buffer) => asn1.create(U, Type.INTEGER, false, bytes.toString('binary')),
  smallInt: (n: number) => asn1.create(U, Type.INTEGER, false, asn1.integerToDer(n).getBytes()),
  null: () => asn1.create(U, Type.NULL, false, ''),
  utf8: (text: string) => asn1.create(U, Type.UTF8, false, Buffer.from(text, 'utf8').toString('binary')),
  ia5: (text: string) => asn1.create(U, Type.IA5STRING, false, text),
  octets: (bytes: Buffer) => asn1.create(U, Type.OCTETSTRING, false, bytes.toString('binary')),
  bits: (bytes: Buffer, unused = 0) => asn1.create(U, Type.BITSTRING, false, String.fromCharCode(unused) + bytes.toString('binary')),
  time: (date: Date) =>
    date.getUTCFullYear() < 2050
      ? asn1.create(U, Type.UTCTIME, false, asn1.dateToUtcTime(date))
      : asn1.create(U, Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date)),
  explicit: (tag: number, inner: Asn1) => asn1.create(Class.CONTEXT_SPECIFIC, tag, true, [inner]),
  implicit: (tag: number, bytes: string) => asn1.create(Class.CONTEXT_SPECIFIC, tag, false, bytes),
  raw: (bytes: Buffer) => fromDer(bytes),
};
