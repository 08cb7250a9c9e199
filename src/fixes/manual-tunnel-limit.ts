// Each setup run without a tunnel id creates a tunnel; the organization stops at 10 non-archived ones.
import { manualPlan } from './plan-kit.js';
import type { Fix } from './types.js';

export const manualTunnelLimit: Fix = {
  id: 'manual-tunnel-limit',
  title: 'Archive unused tunnels and reuse this one\'s id (in the Console)',
  kind: 'manual',
  findings: ['setup.tunnel-limit'],
  plan(s, data) {
    const limit = typeof data?.limit === 'number' ? data.limit : 10;
    return manualPlan(this, [
      `In the Console, archive the tunnels you no longer use: the organization has the maximum of ${limit} non-archived tunnels, and earlier setup runs that failed may each have created one.`,
      s.deployment.kind === 'helm'
        ? 'Set `tunnel.id` in the values to the tunnel you keep, so that a retry reuses it instead of creating another.'
        : 'Give the setup service the id of the tunnel you keep, so that a retry reuses it instead of creating another.',
    ]);
  },
};
