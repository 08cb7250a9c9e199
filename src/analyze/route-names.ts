// The route names the proxy config declares, in file order, for the report's drawn path. A list-shaped
// `routes` (which the proxy rejects) still names its routes, so the path can show what would be served.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { proxyConfigViews, routeEntries, routesNode } from './proxy-config.js';

export interface RouteName {
  name: string;
  url: string;
}

function listItemRoute(item: unknown): RouteName | undefined {
  if (isMap(item)) {
    const pairs = item.items.filter(isPair);
    const get = (key: string) => {
      const p = pairs.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
      return p && isScalar(p.value) ? String(p.value.value) : undefined;
    };
    const name = get('name') ?? get('host');
    const url = get('url') ?? get('upstream') ?? '';
    if (name) return { name, url };
    const only = pairs[0];
    if (pairs.length === 1 && only && isScalar(only.key)) return { name: String(only.key.value), url: isScalar(only.value) ? String(only.value.value) : '' };
  }
  return undefined;
}

/** Routes of the first readable proxy config view; undefined when no config was gathered. */
export function routeNames(s: Snapshot): RouteName[] | undefined {
  const view = proxyConfigViews(s).find((v) => v.yaml.error === undefined && v.root !== undefined);
  if (!view) return undefined;
  const node = routesNode(view);
  if (isSeq(node)) return node.items.map(listItemRoute).filter((r): r is RouteName => r !== undefined);
  return routeEntries(view).map(({ name, url }) => ({ name, url }));
}
