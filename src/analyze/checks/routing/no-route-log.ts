import type { Check, Observation } from '../../types.js';
import { hitsOf, type LogHit } from '../../../signatures/log-index.js';
import { groupBy, logObservation } from '../../log-evidence.js';
import { proxyConfigViews, routeEntries, scalarValue, viewKeyName } from '../../proxy-config.js';

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
    const view = proxyConfigViews(s).find((v) => !v.yaml.error);
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
    const obs = logObservation(s, {
      id: 'routing.no-route-for-host',
      signatures: ['proxy.no-route'],
      variant,
      softRecovery: true,
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
    return obs ? ([obs] as Observation[]) : [];
  },
};
