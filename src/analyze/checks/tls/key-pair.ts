import { createHash, createPublicKey } from 'node:crypto';
import type { Check } from '../../types.js';
import { CheckInputError } from '../../check-input.js';
import { evidence } from '../../evidence.js';
import { certEvidence, serverCertOf } from '../../tls-inputs.js';
import { describeKey } from '../../x509/rules.js';

function spkiDigest(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

// The private key is never in the snapshot: gather kept its public half, which must equal the certificate's.
export const keyPair: Check = {
  id: 'tls.key-pair',
  layer: 'tls',
  title: 'the private key belongs to the server certificate',
  needs: ['file:tlsKey'],
  emits: ['tls.key-mismatch'],
  run(s) {
    const keyPath = s.deployment.paths.tlsKey!;
    const key = s.files[keyPath]!;
    const cert = serverCertOf(s);
    if (!cert) return [];
    const vars = { cert: cert.file.path, key: keyPath };
    if (key.error) throw new CheckInputError(`cannot read ${keyPath} (${key.error}); run as its owner or root to compare it with the certificate`);
    const info = key.keyInfo;
    if (!info) throw new CheckInputError(`nothing is known about the key in ${keyPath} (no key facts were gathered)`);
    if (info.encrypted || info.parseError) {
      const problem = info.encrypted ? 'the key is encrypted with a passphrase, and the proxy cannot ask for one; write it unencrypted (openssl pkey -in key -out tls.key)' : `it does not parse as a private key (${info.parseError})`;
      return [{ id: 'tls.key-mismatch', variant: 'key-unusable', vars: { ...vars, problem }, evidence: [evidence(keyPath, problem)], data: vars }];
    }
    if (!info.publicKeyPem) throw new CheckInputError(`the public half of ${keyPath} was not recorded`);
    const certDigest = spkiDigest(cert.leaf.publicKey.spkiPem);
    const keyDigest = spkiDigest(info.publicKeyPem);
    if (certDigest === keyDigest) return [];
    const keyDesc = info.type === 'rsa' ? `RSA-${info.bits}` : info.type === 'ec' ? `ECDSA ${info.curve}` : (info.type ?? 'unknown');
    return [{
      id: 'tls.key-mismatch',
      vars,
      evidence: [
        certEvidence(cert.file, cert.leaf, `certificate public key ${describeKey(cert.leaf.publicKey)}, SPKI sha256 ${certDigest}…`),
        evidence(keyPath, `private key ${keyDesc}, public half SPKI sha256 ${keyDigest}…`),
      ],
      data: vars,
    }];
  },
};
