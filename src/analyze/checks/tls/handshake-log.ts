import type { Check } from '../../types.js';
import { logObservation } from '../../log-evidence.js';
import { redact } from '../../../snapshot/redact.js';

export const handshakeLog: Check = {
  id: 'tls.handshake-log',
  layer: 'tls',
  title: 'the proxy completes inner TLS handshakes (logs)',
  needs: ['logs:mcp-proxy'],
  emits: ['tls.handshake-failed'],
  run(s) {
    const errorsOf = (hits: { captures: Record<string, string> }[]) => [...new Set(hits.map((h) => h.captures.error).filter((e): e is string => Boolean(e)).map((e) => redact(e).slice(0, 200)))];
    const obs = logObservation(s, {
      id: 'tls.handshake-failed',
      signatures: ['proxy.tls-handshake-failed'],
      vars: (hits) => {
        const errors = errorsOf(hits);
        return { error: errors.length ? errors.slice(-3).map((e) => `\`${e}\``).join('; ') : 'the proxy did not log the TLS error' };
      },
      data: (hits) => ({ errors: errorsOf(hits).slice(-5) }),
    });
    return obs ? [obs] : [];
  },
};
