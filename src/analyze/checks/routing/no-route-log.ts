import type { Check, Observation } from '../../types.js';
import type { Snapshot } from '../../../snapshot/types.js';
import { hitsOf, type LogHit } from '../../../signatures/log-index.js';
import { roleContainers } from '../../containers.js';
import { groupBy, logObservation } from '../../log-evidence.js';
import { routeEntries, scalarValue, viewKeyName, readableProxyConfigs } from '../../proxy-config.js';

const hostOf = (h: LogHit) => h.captures.host?.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');

/**
 * The host the proxy received names the tunnel domain it expects: with routes keyed by bare names,
 * `<route>.<tunnel_domain>`. Which route name is meant: one of the config's routes that starts the
 * host, else the first label.
 */
export function impliedTunnelDomain(host: string, routeNames: readonly string[]): { route: string; implied: string } | undefined {
  const byRoute = [...routeNames].sort((a, b) => b.length - a.length).find((r) => host.startsWith(`${r.toLowerCase()}.`));
  const route = byRoute ?? host.split('.')[0]!;
  const implied = host.slice(route.length + 1);
  return implied.includes('.') ? { route, implied } : undefined;
}

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
    const hits = hitsOf(s, ['proxy.no-route']);
    if (!hits.length) return [];
    const hosts = [...groupBy(hits.filter((h) => hostOf(h)), (h) => hostOf(h)!)].map(([host, group]) => ({ host, count: group.length })).sort((a, b) => b.count - a.count);
    const host = hostOf(hits[hits.length - 1]!) ?? hosts[0]?.host;
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
        ...(implied ? { implied: implied.implied } : {}),
        ...(configuredDomain ? { configuredTunnelDomain: configuredDomain } : {}),
        ...(route ? { route } : {}),
        ...(view ? { file: view.file, key: viewKeyName(view, ['tunnel_domain']) } : {}),
      }),
    });
    if (obs && routed && obs.variant === 'recovered') obs.variant = 'recovered-routed';
    return obs ? ([obs] as Observation[]) : [];
  },
};
