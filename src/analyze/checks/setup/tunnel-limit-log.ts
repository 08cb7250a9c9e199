import type { Check } from '../../types.js';
import { logObservation } from '../../log-evidence.js';

export const tunnelLimitLog: Check = {
  id: 'setup.tunnel-limit-log',
  layer: 'setup',
  title: 'the organization has room for another tunnel (logs)',
  needs: ['logs:setup'],
  emits: ['setup.tunnel-limit'],
  run(s) {
    const obs = logObservation(s, {
      id: 'setup.tunnel-limit',
      signatures: ['setup.tunnel-limit'],
      data: (hits) => ({ limit: Number(hits[hits.length - 1]!.captures.limit ?? 10) }),
    });
    return obs ? [obs] : [];
  },
};
