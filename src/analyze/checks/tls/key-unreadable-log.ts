import type { Check } from '../../types.js';
import { logObservation } from '../../log-evidence.js';

// Recovered once the proxy logs `route configured` after the last permission denied (it started cleanly).
export const keyUnreadableLog: Check = {
  id: 'tls.key-unreadable-log',
  layer: 'tls',
  title: 'the proxy can read its TLS key (logs)',
  needs: ['logs:mcp-proxy'],
  emits: ['tls.key-unreadable'],
  run(s) {
    const obs = logObservation(s, {
      id: 'tls.key-unreadable',
      signatures: ['proxy.key-permission-denied'],
      variant: 'log',
      vars: (hits) => ({ path: hits[hits.length - 1]!.captures.path ?? '/data/tls.key' }),
      data: (hits) => ({ containerPath: hits[hits.length - 1]!.captures.path }),
    });
    return obs ? [obs] : [];
  },
};
