import type { Check } from '../../types.js';
import { certEvidence, nowOf, serverCertOf } from '../../tls-inputs.js';
import { iso, validityOf } from '../../x509/rules.js';

// Valid now (the snapshot's clock), with a warning two weeks before the end.
export const certValidity: Check = {
  id: 'tls.cert-validity',
  layer: 'tls',
  title: 'the server certificate is within its validity period',
  needs: ['file:tlsCert'],
  emits: ['tls.cert-expired'],
  run(s) {
    const cert = serverCertOf(s);
    if (!cert) return [];
    const { file, leaf } = cert;
    const now = nowOf(s);
    const v = validityOf(leaf, now);
    if (v.state === 'valid') return [];
    const base = { file: file.path, notBefore: iso(leaf.notBefore), notAfter: iso(leaf.notAfter) };
    const data = { file: file.path, notBefore: base.notBefore, notAfter: base.notAfter, now: iso(now) };
    if (v.state === 'expiring') {
      return [{
        id: 'tls.cert-expired', variant: 'expiring', severity: 'warning',
        vars: { ...base, days: v.daysLeft, state: `it expires in ${v.daysLeft} day(s); renew it before then (the setup component's \`renew-cert\` or the chart's cert-renew CronJob does it)` },
        evidence: [certEvidence(file, leaf, `notAfter ${base.notAfter} (${v.daysLeft} day(s) after ${iso(now)})`)],
        data,
      }];
    }
    if (v.state === 'expired') {
      return [{
        id: 'tls.cert-expired',
        vars: { ...base, state: `it expired ${v.daysAgo === 0 ? 'today' : `${v.daysAgo} day(s) ago`}, so Anthropic rejects it in the handshake` },
        evidence: [certEvidence(file, leaf, `notAfter ${base.notAfter}, before ${iso(now)}`)],
        data,
      }];
    }
    return [{
      id: 'tls.cert-expired', variant: 'not-yet-valid',
      vars: { ...base, state: `it is not valid for another ${v.daysUntil} day(s): check this host's clock, or the clock of the machine that made it` },
      evidence: [certEvidence(file, leaf, `notBefore ${base.notBefore}, after ${iso(now)}`)],
      data,
    }];
  },
};
