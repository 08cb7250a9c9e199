import type { Check, Observation } from '../../types.js';
import { hitsOf, type LogHit } from '../../../signatures/log-index.js';
import { logObservation } from '../../log-evidence.js';
import { routeEntries, readableProxyConfigs } from '../../proxy-config.js';
import { parseUpstream } from '../../upstream-url.js';
import { unquote } from '../../../signatures/normalize.js';

const URL_IN_TEXT = /(?:"|\\")?\b([a-z][a-z0-9+.-]*:\/\/[^\s"'),\\]+)/i;
const ROUTE_IN_TEXT = /\broute[=: ]+\\?"?([\w.-]+)/i;

function urlOf(hit: LogHit): string | undefined {
  if (hit.captures.url) return unquote(hit.captures.url);
  const m = URL_IN_TEXT.exec(hit.captures.detail ?? '');
  return m && m[1] !== 'scheme://host:port' ? m[1] : undefined;
}

// The proxy names the bad value at load. When the log does not name the route, the config may: the one
// route whose value is that URL, or the only route that is not scheme://host:port.
export const invalidUpstreamLog: Check = {
  id: 'routing.invalid-upstream-log',
  layer: 'routing',
  title: 'the proxy accepts every route value (logs)',
  needs: ['logs:mcp-proxy'],
  emits: ['routing.invalid-upstream'],
  run(s) {
    const hits = hitsOf(s, ['proxy.invalid-upstream']);
    if (!hits.length) return [];
    const routes = readableProxyConfigs(s).flatMap((v) => routeEntries(v).map((r) => ({ ...r, file: v.file })));
    const invalid = routes.filter((r) => !parseUpstream(r.url).ok);
    const last = hits[hits.length - 1]!;
    const url = urlOf(last);
    const named = last.captures.route ?? ROUTE_IN_TEXT.exec(last.record.text)?.[1];
    const route = named ?? (url ? routes.find((r) => r.url === url)?.name : undefined) ?? (invalid.length === 1 ? invalid[0]!.name : undefined);
    const error = `invalid upstream${last.captures.detail ?? ' '}(must be scheme://host:port)`.replace(/\s+/g, ' ');
    const obs = logObservation(s, {
      id: 'routing.invalid-upstream',
      signatures: ['proxy.invalid-upstream'],
      variant: route ? 'log' : 'log-unnamed',
      vars: () => ({ error, ...(route ? { route } : {}), ...(url ? { url } : {}) }),
      data: () => ({ ...(route ? { route } : {}), ...(url ? { url } : {}), ...(route ? { file: routes.find((r) => r.name === route)?.file } : {}) }),
    });
    return obs ? ([obs] as Observation[]) : [];
  },
};
