import type { Check } from '../../types.js';
import { logObservation } from '../../log-evidence.js';

export const originLog: Check = {
  id: 'edge.origin-log',
  layer: 'edge',
  title: 'cloudflared reaches the proxy at its --url (logs)',
  needs: ['logs:cloudflared'],
  emits: ['edge.origin-unreachable'],
  run(s) {
    const obs = logObservation(s, {
      id: 'edge.origin-unreachable',
      signatures: ['cloudflared.origin-unreachable'],
      vars: (hits) => {
        const last = hits[hits.length - 1]!.captures;
        return { origin: last.origin ?? 'its --url', error: last.error ?? 'no reason logged' };
      },
      data: (hits) => {
        const last = hits[hits.length - 1]!.captures;
        return { origin: last.origin, error: last.error, errors: [...new Set(hits.map((h) => h.captures.error).filter(Boolean))].slice(0, 5) };
      },
    });
    return obs ? [obs] : [];
  },
};
