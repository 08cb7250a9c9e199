import type { Check, Observation } from '../../types.js';
import { evidence } from '../../evidence.js';
import { caFileOf, certEvidence, certSummary, nowOf, serverCertOf } from '../../tls-inputs.js';
import { caProblems, chainProblems } from '../../x509/rules.js';

// The CA must be registrable, and the server certificate signed directly by it (AKI = the CA's SKI).
export const certChain: Check = {
  id: 'tls.cert-chain',
  layer: 'tls',
  title: 'the CA can be registered and signed the server certificate directly',
  needs: ['file:caCert'],
  emits: ['tls.ca-mismatch', 'tls.not-in-picker'],
  run(s) {
    const caFile = caFileOf(s);
    if (!caFile) return [];
    const ca = caFile.certs[0];
    const out: Observation[] = [];
    const caProblemList = caProblems(caFile, nowOf(s));
    const caEvidence = ca ? certEvidence(caFile, ca, certSummary(ca)) : evidence(caFile.path, caFile.problem ?? 'no certificate');
    if (caProblemList.length) {
      out.push({
        id: 'tls.ca-mismatch', variant: 'ca-rules',
        vars: { ca: caFile.path, problem: caProblemList.join('; ') },
        evidence: [caEvidence],
        data: { ca: caFile.path, problems: caProblemList },
      });
      out.push({
        id: 'tls.not-in-picker',
        vars: { state: `The CA ${caFile.path} cannot be registered (see the TLS findings); if the tunnel has no other active CA certificate, it is not listed. Register a CA that meets the rules.` },
        evidence: [caEvidence],
        data: { ca: caFile.path },
      });
    }
    if (!ca) return out;
    const server = serverCertOf(s);
    if (!server) return out;
    const problems = chainProblems(server.file, ca);
    if (problems.length) {
      out.push({
        id: 'tls.ca-mismatch',
        vars: { file: server.file.path, ca: caFile.path, problem: problems.join('; ') },
        evidence: [
          certEvidence(server.file, server.leaf, `issuer ${server.leaf.issuer}; AKI ${server.leaf.aki ?? '(none)'}`),
          certEvidence(caFile, ca, `subject ${ca.subject}; SKI ${ca.ski ?? '(none)'}`),
        ],
        data: { file: server.file.path, ca: caFile.path, problems },
      });
    }
    return out;
  },
};
