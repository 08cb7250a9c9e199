// What the classifier needs to know about the deployment: the proxy's route names, and the domain the proxy
// strips from a host before it looks the route up (its own tunnel_domain first: that is what it routes by).
import { routeNames } from '../analyze/route-names.js';
import { readableProxyConfigs, scalarValue } from '../analyze/proxy-config.js';
import type { Snapshot } from '../snapshot/types.js';
import type { ClassifyContext } from './classify.js';

export function classifyContext(s: Snapshot): ClassifyContext {
  const configured = readableProxyConfigs(s).map((v) => scalarValue(v, ['tunnel_domain'])).find((d): d is string => typeof d === 'string' && d !== '');
  const tunnelDomain = configured ?? s.tunnelDomain?.value;
  return { routes: (routeNames(s) ?? []).map((r) => r.name), ...(tunnelDomain ? { tunnelDomain } : {}) };
}
