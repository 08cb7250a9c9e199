// node-forge's ASN.1 module on its own (8 ms to load, against 40-60 ms for the whole library).
declare module 'node-forge/lib/asn1.js' {
  import type forge from 'node-forge';
  const asn1: typeof forge.asn1;
  export default asn1;
}
