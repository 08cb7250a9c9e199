import type { Check } from '../../types.js';
import { evidence } from '../../evidence.js';

export const plaintextListener: Check = {
  id: 'tls.plaintext-listener-probe',
  layer: 'tls',
  title: "the proxy's listener answers as plaintext WebSocket",
  needs: ['state:probes.listener'],
  emits: ['tls.plaintext-listener'],
  run(s) {
    const probe = s.state.probes?.listener;
    if (!probe?.ok || (probe.answer !== 'websocket' && probe.answer !== 'http')) return [];
    const tls = probe.tlsError ? `; a TLS handshake to it fails with \`${probe.tlsError}\`` : '';
    const ev = [evidence('probe', `${probe.target}: ${probe.statusLine ?? probe.detail ?? 'answered'}`)];
    if (probe.tlsError) ev.push(evidence('probe', `TLS to ${probe.target}: ${probe.tlsError}`));
    return [{ id: 'tls.plaintext-listener', variant: 'probe', vars: { target: probe.target, status: probe.statusLine ?? 'HTTP', tls }, evidence: ev, data: { target: probe.target, answer: probe.answer } }];
  },
};
