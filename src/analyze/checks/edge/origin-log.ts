import type { Check, Observation } from '../../types.js';
import type { Snapshot } from '../../../snapshot/types.js';
import { hitsOf, type LogHit } from '../../../signatures/log-index.js';
import { logObservation } from '../../log-evidence.js';
import { currentRunOf, instantOf, splitByRun, type RunStart } from '../../log-runs.js';
import { roleContainers } from '../../containers.js';

/** The run of the proxy a cloudflared line was about: the one in its pod, else the deployment's only proxy. */
function proxyRunFor(s: Snapshot, hit: LogHit): RunStart | undefined {
  const proxies = roleContainers(s, 'mcp-proxy').filter((c) => c.state === 'running');
  const proxy = proxies.find((c) => c.pod !== undefined && c.pod === hit.record.origin) ?? (proxies.length === 1 ? proxies[0] : undefined);
  return currentRunOf(s, proxy);
}

/** Every failure came before the proxy's current run began, and none since: the proxy was restarting. */
function proxyRestartedSince(s: Snapshot, hits: LogHit[]): RunStart | undefined {
  let latest: RunStart | undefined;
  for (const h of hits) {
    const run = proxyRunFor(s, h);
    const at = instantOf(h.record.stamp ?? h.record.time);
    if (!run || run.loop || !at || at.ms + at.precision > run.ms) return undefined;
    if (!latest || run.ms > latest.ms) latest = run;
  }
  return latest;
}

export const originLog: Check = {
  id: 'edge.origin-log',
  layer: 'edge',
  title: 'cloudflared reaches the proxy at its --url (logs)',
  needs: ['logs:cloudflared'],
  emits: ['edge.origin-unreachable'],
  run(s) {
    const obs: Observation | undefined = logObservation(s, {
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
    if (!obs) return [];
    // A failure followed by the origin coming back: the proxy's current run began after the last of them.
    if (obs.variant === undefined) {
      const { current } = splitByRun(s, hitsOf(s, ['cloudflared.origin-unreachable']));
      const run = proxyRestartedSince(s, current);
      if (run) {
        obs.variant = 'recovered-proxy';
        obs.severity = 'info';
        obs.vars = { ...obs.vars, recovery: `${run.container.pod ? `${run.container.pod}/` : ''}${run.container.service} started its current run at ${run.startedAt}` };
        obs.data = { ...obs.data, recovered: true };
        obs.fixes = [];
      }
    }
    return [obs];
  },
};
