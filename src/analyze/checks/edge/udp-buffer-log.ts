import type { Check } from '../../types.js';
import { logObservation } from '../../log-evidence.js';

// The guide: a QUIC tuning hint, not an error. Said once, so nobody chases it.
export const udpBufferLog: Check = {
  id: 'edge.udp-buffer-log',
  layer: 'edge',
  title: 'the UDP buffer warning is only a hint (logs)',
  needs: ['logs:cloudflared'],
  emits: ['edge.udp-buffer-hint'],
  run(s) {
    const obs = logObservation(s, {
      id: 'edge.udp-buffer-hint',
      signatures: ['cloudflared.udp-buffer'],
      data: (hits) => {
        const c = hits[hits.length - 1]!.captures;
        return { buffer: c.buffer, wantedKiB: Number(c.wanted), gotKiB: Number(c.got) };
      },
    });
    return obs ? [obs] : [];
  },
};
