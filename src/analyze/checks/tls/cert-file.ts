import type { Check, Observation } from '../../types.js';
import { certFileAt } from '../../x509/parse.js';
import { serverCertProblems } from '../../x509/rules.js';
import { evidence } from '../../evidence.js';
import { certEvidence, certSummary } from '../../tls-inputs.js';

// The proxy must be able to load the certificate, and Anthropic must accept its key, signature and EKU.
export const certFile: Check = {
  id: 'tls.cert-file',
  layer: 'tls',
  title: 'the server certificate loads and meets the key, signature and EKU rules',
  needs: ['file:tlsCert'],
  emits: ['tls.handshake-failed'],
  run(s) {
    const path = s.deployment.paths.tlsCert!;
    const stored = s.files[path];
    const file = certFileAt(s, path);
    if (!file) {
      const why = stored?.error ? `it cannot be read (${stored.error})` : stored?.withheld ? 'it holds a private key and no certificate' : 'it is empty';
      return [{ id: 'tls.handshake-failed', variant: 'cert-unreadable', vars: { file: path, problem: why }, evidence: [evidence(path, why)], data: { file: path } }];
    }
    const out: Observation[] = [];
    const leaf = file.certs[0];
    if (!leaf || file.problem || file.format === 'der') {
      const problem = !leaf
        ? (file.problem ?? 'it holds no certificate')
        : file.format === 'der'
          ? `it is DER (binary), and the proxy reads PEM; convert it: openssl x509 -inform der -in ${path} -out ${path}.pem`
          : `${file.problem}; the certificate before it is usable, but the chain sent to Anthropic is not what the file says`;
      out.push({
        id: 'tls.handshake-failed',
        variant: 'cert-unreadable',
        ...(leaf && file.format === 'pem' ? { severity: 'warning' as const } : {}),
        vars: { file: path, problem },
        evidence: [evidence(path, problem)],
        data: { file: path },
      });
    }
    if (leaf) {
      const problems = serverCertProblems(leaf);
      if (problems.length) {
        out.push({
          id: 'tls.handshake-failed',
          variant: 'cert-rules',
          vars: { file: path, problem: problems.join('; ') },
          evidence: [certEvidence(file, leaf, certSummary(leaf))],
          data: { file: path, problems },
        });
      }
    }
    return out;
  },
};
