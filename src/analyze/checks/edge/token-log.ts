import type { Check, Observation } from '../../types.js';
import { logObservation } from '../../log-evidence.js';

// cloudflared's own word on its token: started without one, could not decode it, or the edge refused it.
export const tokenLog: Check = {
  id: 'edge.token-log',
  layer: 'edge',
  title: 'cloudflared starts with a token the edge accepts (logs)',
  needs: ['logs:cloudflared'],
  emits: ['edge.token-missing', 'edge.token-malformed', 'edge.token-rejected'],
  run(s) {
    const out: (Observation | undefined)[] = [
      logObservation(s, { id: 'edge.token-missing', signatures: ['cloudflared.token-missing'], variant: 'usage', data: () => ({ problem: 'missing' }) }),
      logObservation(s, {
        id: 'edge.token-malformed',
        signatures: ['cloudflared.token-not-valid'],
        variant: 'log',
        vars: () => ({ problem: 'cloudflared: `Provided Tunnel token is not valid.`' }),
        data: () => ({ problem: 'not-valid' }),
      }),
      logObservation(s, {
        id: 'edge.token-rejected',
        signatures: ['cloudflared.token-rejected'],
        vars: (hits) => ({ reason: `Unauthorized: ${hits[hits.length - 1]!.captures.reason ?? 'the token was refused'}` }),
        data: (hits) => ({ reason: hits[hits.length - 1]!.captures.reason }),
      }),
    ];
    return out.filter((o): o is Observation => o !== undefined);
  },
};
