import type { Check, Observation } from '../../types.js';
import { hitsOf, type LogHit } from '../../../signatures/log-index.js';
import { groupBy, hitEvidence, historyObservation, latestState, recoveryText, whenOf } from '../../log-evidence.js';
import { splitByRun } from '../../log-runs.js';
import { readableProxyConfigs } from '../../proxy-config.js';
import { upstreamsOf } from '../../upstreams.js';
import { narrowestCoveringCidr } from '../../net.js';
import { evidence } from '../../evidence.js';

// One finding per upstream host (or per address, when the proxy did not name the host), with the
// narrowest CIDR covering every address it was refused for.
export const ipNotPrivateLog: Check = {
  id: 'routing.ip-not-private-log',
  layer: 'routing',
  title: 'upstreams resolve inside the allowed ranges (logs)',
  needs: ['logs:mcp-proxy'],
  emits: ['routing.ip-not-private'],
  run(s) {
    const all = hitsOf(s, ['proxy.ip-not-private']);
    if (!all.length) return [];
    const { current: hits, history, runs } = splitByRun(s, all);
    const restarts = hitsOf(s, ['proxy.route-configured']);
    const upstreams = readableProxyConfigs(s).flatMap((v) => upstreamsOf(s, v).map((u) => ({ ...u, file: v.file })));
    // A proxy may log the host it was asked for (`mcp.<tunnel domain>`) rather than the upstream it dialled:
    // the finding names the upstream, found through the route that host selects.
    const upstreamHost = (named: string) =>
      upstreams.find((u) => u.host.toLowerCase() === named)?.host ?? upstreams.find((u) => named === u.route.toLowerCase() || named.startsWith(`${u.route.toLowerCase()}.`))?.host ?? named;
    const hostFor = (h: LogHit) => {
      const named = h.captures.host?.toLowerCase();
      return named ? upstreamHost(named) : upstreams.find((u) => u.addresses.includes(h.captures.ip!))?.host;
    };
    if (!hits.length) {
      const vars = (h: LogHit[]) => ({ ip: [...new Set(h.map((x) => x.captures.ip!))].join(', '), host: hostFor(h[h.length - 1]!) ?? '(not named)', cidr: '?' });
      return [historyObservation({ id: 'routing.ip-not-private', vars }, history, runs.values())];
    }
    const out: Observation[] = [];
    for (const [key, group] of groupBy(hits, (h) => hostFor(h) ?? `ip:${h.captures.ip}`)) {
      const host = key.startsWith('ip:') ? undefined : key;
      const ips = [...new Set(group.map((h) => h.captures.ip!))];
      const cidr = narrowestCoveringCidr(ips) ?? ips[0]!;
      const upstream = upstreams.find((u) => u.host === host || u.addresses.some((a) => ips.includes(a)));
      const vars = { host: host ?? '(not named)', ip: ips.join(', '), cidr, count: group.length };
      const data = { from: 'log', ip: ips[ips.length - 1], ips, cidr, ...(host ? { host } : {}), ...(upstream ? { route: upstream.route, file: upstream.file } : {}) };
      const state = latestState(group, restarts);
      if (state.current.length) {
        out.push({ id: 'routing.ip-not-private', variant: host ? 'log' : 'log-no-host', vars, evidence: hitEvidence(state.current), data });
      } else {
        const recovery = state.recovery!;
        out.push({
          id: 'routing.ip-not-private',
          variant: 'recovered',
          severity: 'warning',
          vars: { ...vars, last: whenOf(group[group.length - 1]!), recovery: recoveryText(recovery) },
          evidence: [...hitEvidence(group), evidence(`logs/${recovery.log}`, recovery.record.display, { line: recovery.record.line })],
          data: { ...data, recovered: true },
        });
      }
    }
    return out;
  },
};
