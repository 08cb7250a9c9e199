import type { Check } from '../../types.js';
import { logObservation } from '../../log-evidence.js';

export const forbiddenLog: Check = {
  id: 'setup.forbidden-log',
  layer: 'setup',
  title: 'the Tunnels API accepts the setup\'s token (logs)',
  needs: ['logs:setup'],
  emits: ['setup.forbidden'],
  run(s) {
    const obs = logObservation(s, { id: 'setup.forbidden', signatures: ['setup.forbidden'] });
    return obs ? [obs] : [];
  },
};
