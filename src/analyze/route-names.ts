// The route names the proxy config declares, in file order, for the report's drawn path. A list-shaped
// `routes` (which the proxy rejects) still names its routes, so the path can show what would be served.
import { isMap, isPair, isScalar, isSeq, type Scalar } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { routeEntries, routesNode, readableProxyConfigs } from './proxy-config.js';

export interface RouteName {
  name: string;
  url: string;
}

/** One item of a list-shaped `routes`, read as a route, with the nodes it came from (so an edit keeps comments). */
export interface ListedRoute extends RouteName {
  keyNode?: Scalar;
  valueNode?: Scalar;
  comment?: string;
  commentBefore?: string;
}

/** Reads one list item as a route: `- name: url`, `- {name: x, url: y}`, or a bare `- http://host:port` (url '' when absent). */
export function listItemRoute(item: unknown): ListedRoute | undefined {
  if (isMap(item)) {
    const pairs = item.items.filter(isPair);
    const get = (key: string) => {
      const p = pairs.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
      return p && isScalar(p.value) ? String(p.value.value) : undefined;
    };
    const notes = { comment: item.comment ?? undefined, commentBefore: item.commentBefore ?? undefined };
    const name = get('name') ?? get('host');
    if (name) return { name, url: get('url') ?? get('upstream') ?? get('target') ?? '', ...notes };
    const only = pairs[0];
    if (pairs.length === 1 && only && isScalar(only.key)) {
      const value = isScalar(only.value) ? only.value : undefined;
      return { name: String(only.key.value), url: value ? String(value.value) : '', keyNode: only.key, valueNode: value, ...notes };
    }
    return undefined;
  }
  if (isScalar(item) && typeof item.value === 'string') {
    const m = /^[a-z]+:\/\/([A-Za-z0-9-]+)/i.exec(item.value);
    if (m) return { name: m[1]!.toLowerCase(), url: item.value, valueNode: item };
  }
  return undefined;
}

/** Routes of the first readable proxy config view; undefined when no config was gathered. */
export function routeNames(s: Snapshot): RouteName[] | undefined {
  const view = readableProxyConfigs(s).find((v) => v.root !== undefined);
  if (!view) return undefined;
  const node = routesNode(view);
  if (isSeq(node)) return node.items.map(listItemRoute).filter((r) => r !== undefined).map(({ name, url }) => ({ name, url }));
  return routeEntries(view).map(({ name, url }) => ({ name, url }));
}
