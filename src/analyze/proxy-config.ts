// The proxy's configuration as the checks see it: from `config/mcp-proxy.yaml` (Compose) or from
// `gateway.config` in Helm values. Each view knows its file and where in the file the config starts,
// so evidence can point at file and line either way.
import { isMap, isSeq, isScalar, isPair, type Node } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { parsedYaml, nodeAt, keyNodeAt, lineOf, type ParsedYaml } from './yaml-source.js';

export interface ProxyConfigView {
  file: string;
  /** Keys leading to the config inside the file: [] for the proxy config, ['gateway','config'] for values. */
  prefix: readonly string[];
  yaml: ParsedYaml;
  /** The config map itself (undefined when the file has no such map). */
  root: Node | undefined;
}

export interface RouteEntry {
  name: string;
  url: string;
  line?: number;
}

export function proxyConfigViews(s: Snapshot): ProxyConfigView[] {
  const views: ProxyConfigView[] = [];
  const config = parsedYaml(s, s.deployment.paths.config);
  if (config) views.push({ file: config.path, prefix: [], yaml: config, root: config.doc.contents ?? undefined });
  const values = parsedYaml(s, s.deployment.paths.values);
  if (values) {
    const root = nodeAt(values.doc.contents, ['gateway', 'config']);
    if (root) views.push({ file: values.path, prefix: ['gateway', 'config'], yaml: values, root });
  }
  return views;
}

/** The views whose file parsed: what checks and fixes read when a broken file is someone else's finding. */
export function readableProxyConfigs(s: Snapshot): ProxyConfigView[] {
  return proxyConfigViews(s).filter((v) => v.yaml.error === undefined);
}

export function viewNode(view: ProxyConfigView, keys: readonly string[]): Node | undefined {
  return nodeAt(view.root, keys);
}

export function viewKeyLine(view: ProxyConfigView, keys: readonly string[]): number | undefined {
  return lineOf(view.yaml, keyNodeAt(view.root, keys) ?? nodeAt(view.root, keys));
}

/** Dotted name of a key as the user would write it for this view (`gateway.config.routes` in values). */
export function viewKeyName(view: ProxyConfigView, keys: readonly string[]): string {
  return [...view.prefix, ...keys].join('.');
}

/** Routes as a map (the only shape the proxy accepts); a list yields no entries. */
export function routeEntries(view: ProxyConfigView): RouteEntry[] {
  const routes = viewNode(view, ['routes']);
  if (!isMap(routes)) return [];
  const out: RouteEntry[] = [];
  for (const item of routes.items) {
    if (!isPair(item) || !isScalar(item.key)) continue;
    const value = isScalar(item.value) ? item.value.value : undefined;
    out.push({ name: String(item.key.value), url: value === null || value === undefined ? '' : String(value), line: lineOf(view.yaml, item.key) });
  }
  return out;
}

export function routesNode(view: ProxyConfigView): Node | undefined {
  return viewNode(view, ['routes']);
}

/** Scalar strings of a sequence at `keys`, with their lines. */
export function stringList(view: ProxyConfigView, keys: readonly string[]): { value: string; line?: number }[] | undefined {
  const node = viewNode(view, keys);
  if (!isSeq(node)) return undefined;
  return node.items.map((item) => ({ value: isScalar(item) ? String(item.value) : '', line: lineOf(view.yaml, item) }));
}

export function scalarValue(view: ProxyConfigView, keys: readonly string[]): unknown {
  const node = viewNode(view, keys);
  return isScalar(node) ? node.value : undefined;
}
