import type { Check, Observation } from '../../types.js';
import type { Snapshot } from '../../../snapshot/types.js';
import { hitsOf, type LogHit } from '../../../signatures/log-index.js';
import { roleContainers } from '../../containers.js';
import { groupBy, hitEvidence, logObservation } from '../../log-evidence.js';
import { splitByRun } from '../../log-runs.js';
import { isIP } from 'node:net';
import { askForDomain, hostOf, impliedTunnelDomain, namesAHost } from '../../domain-facts.js';
import { routeEntries, scalarValue, viewKeyName, readableProxyConfigs } from '../../proxy-config.js';

export { impliedTunnelDomain };

/** Compose: every proxy container runs and started after its config file last changed (2 s of clock slack). */
function runsCurrentConfig(s: Snapshot, file: string | undefined): boolean {
  const mtime = file ? s.files[file]?.meta?.mtimeMs : undefined;
  const proxies = roleContainers(s, 'mcp-proxy');
  if (s.deployment.kind !== 'compose' || mtime === undefined || proxies.length === 0) return false;
  return proxies.every((p) => p.state === 'running' && p.startedAt !== undefined && Date.parse(p.startedAt) + 2_000 >= mtime);
}

export const noRouteLog: Check = {
  id: 'routing.no-route-log',
  layer: 'routing',
  title: 'the proxy has a route for the hosts it receives (logs)',
  needs: ['logs:mcp-proxy'],
  emits: ['routing.no-route-for-host'],
  run(s) {
    const all = hitsOf(s, ['proxy.no-route']);
    if (!all.length) return [];
    const { current, history } = splitByRun(s, all);
    if (current.length && !current.some(namesAHost)) return [notAName(current)];
    // The hosts that speak for now: the current run's, else (all history) the earlier runs'.
    const hits = (current.length ? current : history).filter(namesAHost);
    const hosts = [...groupBy(hits, (h) => hostOf(h)!)].map(([host, group]) => ({ host, count: group.length })).sort((a, b) => b.count - a.count);
    const host = hits.length ? hostOf(hits[hits.length - 1]!) : undefined;
    const view = readableProxyConfigs(s)[0];
    const configured = view ? scalarValue(view, ['tunnel_domain']) : undefined;
    const configuredDomain = typeof configured === 'string' && configured.trim() ? configured.trim().toLowerCase().replace(/\.$/, '') : undefined;
    const routeNames = view ? routeEntries(view).map((r) => r.name) : [];
    const implied = host ? impliedTunnelDomain(host, routeNames) : undefined;

    let variant = 'log-no-config';
    let route = implied?.route;
    if (host && configuredDomain && host.endsWith(`.${configuredDomain}`)) {
      route = host.slice(0, -configuredDomain.length - 1);
      variant = routeNames.includes(route) ? 'log-stale' : 'log-route-missing';
    } else if (view && implied) {
      variant = 'log';
    }
    // `docker compose restart` keeps the log: after a fix the old misses stay in it. When the proxy restarted
    // since, runs the config on disk, and that config routes the host, it is fixed (info), not just quiet.
    const routed = variant === 'log-stale' && runsCurrentConfig(s, view?.file);
    const obs = logObservation(s, {
      id: 'routing.no-route-for-host',
      signatures: ['proxy.no-route'],
      variant,
      softRecovery: !routed,
      vars: () => ({
        host: host ?? '(host not logged)',
        implied: implied?.implied ?? '?',
        configured: configuredDomain ?? '(not set)',
        route: route ?? '?',
        routes: routeNames.length ? routeNames.map((r) => `\`${r}\``).join(', ') : 'none',
      }),
      data: () => ({
        ...(host ? { host } : {}),
        hosts: hosts.slice(0, 10),
        ...(implied ? { implied: implied.implied, impliedSure: implied.sure } : {}),
        ...(configuredDomain ? { configuredTunnelDomain: configuredDomain } : {}),
        ...(route ? { route } : {}),
        ...(view ? { file: view.file, key: viewKeyName(view, ['tunnel_domain']) } : {}),
      }),
    });
    if (obs && routed && obs.variant === 'recovered') obs.variant = 'recovered-routed';
    // All before the proxy's current run, which runs a config that routes the host: say so, not just "history".
    if (obs && routed && obs.variant === 'history') obs.variant = 'history-routed';
    // The cure is setting tunnel_domain: when the domain is not settled, ask for it instead of guessing.
    const ask = obs && (obs.variant === 'log' || obs.variant === 'log-no-config') ? askForDomain(s) : undefined;
    if (obs && ask) {
      obs.vars = { ...obs.vars, ...ask.vars };
      obs.data = { ...obs.data, ...ask.data };
    }
    return obs ? ([obs] as Observation[]) : [];
  },
};

/** `no route for host` only for addresses or no host: not Anthropic's requests, and no word on tunnel_domain. */
function notAName(hits: LogHit[]): Observation {
  const shown = [...new Set(hits.map((h) => hostOf(h) || '(no host)'))];
  const addresses = hits.some((h) => { const host = hostOf(h); return host !== undefined && host !== '' && isIP(host) !== 0; });
  return {
    id: 'routing.no-route-for-host',
    variant: 'log-not-a-name',
    severity: 'info',
    vars: { host: shown.slice(0, 3).join('`, `'), count: hits.length, what: addresses ? 'an address, not a name under the tunnel domain' : 'no name under the tunnel domain' },
    evidence: hitEvidence(hits),
    data: { from: 'log', hosts: shown.slice(0, 10), notAName: true },
    fixes: [],
  };
}
