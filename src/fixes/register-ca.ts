// The tunnel trusts only CAs registered for it (at most two active), and is listed in the picker once it
// has one active certificate. Registering is done in the Console: steps, with the CA to upload and its
// fingerprint so the operator can tell it apart from another.
import { X509Certificate, createHash } from 'node:crypto';
import type { Snapshot } from '../snapshot/types.js';
import { manualPlan } from './plan-kit.js';
import type { Fix } from './types.js';

function caFacts(s: Snapshot): { path: string; subject?: string; sha256?: string } | undefined {
  const path = s.deployment.paths.caCert ?? s.inputs.caFile;
  if (!path) return undefined;
  const text = s.files[path]?.text;
  if (!text) return { path };
  try {
    const cert = new X509Certificate(text);
    const der = cert.raw;
    return { path, subject: cert.subject.replace(/\n/g, ', '), sha256: createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':') };
  } catch {
    return { path };
  }
}

export const registerCa: Fix = {
  id: 'register-ca',
  title: 'Register the CA certificate for this tunnel (in the Console)',
  kind: 'manual',
  findings: ['tls.handshake-failed', 'tls.ca-mismatch', 'tls.not-in-picker'],
  plan(s) {
    const ca = caFacts(s);
    const tunnel = s.tunnelDomain ? `the tunnel ${s.tunnelDomain.value}` : 'the tunnel';
    const inSecret = ca ? s.state.kube?.tlsSources?.[ca.path] : undefined;
    const where = inSecret && s.deployment.namespace
      ? `the CA in Secret ${inSecret.secret} (key ${inSecret.key}; save it with \`kubectl -n ${s.deployment.namespace} get secret ${inSecret.secret} -o jsonpath='{.data.${inSecret.key.replace(/\./g, '\\.')}}' | base64 -d > ca.crt\`)`
      : ca?.path;
    const which = ca ? `${where}${ca.subject ? ` (subject ${ca.subject}` : ''}${ca.sha256 ? `, SHA-256 ${ca.sha256})` : ca.subject ? ')' : ''}` : 'the CA certificate that signed data/tls.crt (data/ca.crt when setup made it)';
    return manualPlan(this, [
      `In the Console, open ${tunnel} and register ${which} as one of its CA certificates (PEM, one certificate; a tunnel has at most two active CAs).`,
      'The server certificate must be signed directly by that CA (no intermediates). Once the tunnel has an active certificate it appears in the + MCP Server picker of sessions in its workspace: open the session in the workspace the tunnel was created in.',
    ]);
  },
};
