import type { Check } from '../../types.js';
import { evidence } from '../../evidence.js';
import { caFileOf, certEvidence } from '../../tls-inputs.js';
import { domainFacts } from '../../domain-facts.js';
import { hitsOf } from '../../../signatures/log-index.js';

// The picker's causes live in the Console (the session's workspace; a CA registered and active): this host
// cannot see them, so the symptom never ends in "no problems". It ends with what to check there, and the
// values from this host to compare with: the CA's SHA-256 fingerprint, the tunnel's domain, its id.
export const pickerChecklist: Check = {
  id: 'tls.picker-checklist',
  layer: 'tls',
  title: 'what only the Console can show for the picker (a checklist)',
  needs: ['always'],
  emits: ['tls.not-in-picker'],
  onlyFor: 'not-in-picker',
  run(s) {
    const caFile = caFileOf(s);
    const ca = caFile?.certs[0];
    const facts = domainFacts(s);
    const domain = facts.settled ?? s.tunnelDomain;
    const started = hitsOf(s, ['cloudflared.starting']).at(-1);
    const tunnelId = started?.captures.tunnelID;
    const ev = [];
    if (caFile && ca) ev.push(certEvidence(caFile, ca, `SHA-256 fingerprint ${ca.fingerprint256}; subject ${ca.subject}`));
    if (domain) ev.push(evidence(domain.source, `tunnel domain ${domain.value}${domain.confidence === 'inferred' ? ' (a guess)' : ''}`));
    if (started && tunnelId) ev.push(evidence(`logs/${started.log}`, started.record.display, { line: started.record.line }));
    return [{
      id: 'tls.not-in-picker',
      variant: 'checklist',
      vars: {
        domain: domain ? `\`${domain.value}\`${domain.confidence === 'inferred' ? ` (guessed from ${domain.source}; the Console shows the real one)` : ''}` : 'yours (its domain was not found here: the Console shows it)',
        id: tunnelId ? ` (id \`${tunnelId}\`, as cloudflared runs it)` : '',
        ca: ca && caFile
          ? `a CA with SHA-256 fingerprint \`${ca.fingerprint256}\` (${caFile.path}, the one that signs the server certificate; \`openssl x509 -in ${caFile.path} -noout -fingerprint -sha256\` prints the same)`
          : 'the CA that signed the server certificate (not found on this host: pass --ca FILE to get its fingerprint)',
      },
      evidence: ev,
      data: { ...(ca ? { fingerprint256: ca.fingerprint256, ca: caFile!.path } : {}), ...(domain ? { domain: domain.value } : {}), ...(tunnelId ? { tunnelId } : {}) },
      fixes: [],
    }];
  },
};
