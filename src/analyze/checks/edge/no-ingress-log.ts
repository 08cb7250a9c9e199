import type { Check } from '../../types.js';
import { logObservation } from '../../log-evidence.js';

// With a token, `No ingress rules were defined` is logged per request, so only a restart since the last
// one (with no request since) makes it look gone: that is a soft recovery, still a warning.
export const noIngressLog: Check = {
  id: 'edge.no-ingress-log',
  layer: 'edge',
  title: 'cloudflared has a local target (logs)',
  needs: ['logs:cloudflared'],
  emits: ['edge.no-ingress'],
  run(s) {
    const obs = logObservation(s, {
      id: 'edge.no-ingress',
      signatures: ['cloudflared.no-ingress'],
      variant: 'log',
      softRecovery: true,
      data: (hits) => ({ status: hits[hits.length - 1]!.captures.status }),
    });
    return obs ? [obs] : [];
  },
};
