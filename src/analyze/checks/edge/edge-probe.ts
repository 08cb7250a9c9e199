import type { Check } from '../../types.js';
import { evidence } from '../../evidence.js';

export const edgeProbe: Check = {
  id: 'edge.probe',
  layer: 'edge',
  title: 'this host reaches the tunnel edge on TCP 7844',
  needs: ['state:probes.edge'],
  emits: ['edge.unreachable'],
  run(s) {
    const probe = s.state.probes?.edge;
    if (!probe || probe.ok) return [];
    return [
      {
        id: 'edge.unreachable',
        variant: 'probe',
        vars: { target: probe.target, error: probe.detail ?? 'no connection' },
        evidence: [evidence('probe', `TCP connect to ${probe.target}: ${probe.detail ?? 'failed'}${probe.ms !== undefined ? ` after ${probe.ms} ms` : ''}`)],
        data: { target: probe.target },
      },
    ];
  },
};
