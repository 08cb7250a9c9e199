// `routes` as a YAML list -> a map of name: url, through the yaml Document API (YamlPatch) so comments
// and the rest of the file stay as they were; then the restart the proxy needs to read it.
import { isMap, isSeq, Pair, Scalar, YAMLMap } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { readableProxyConfigs } from '../analyze/proxy-config.js';
import { listItemRoute } from '../analyze/route-names.js';
import { restartProxySteps } from './restart-proxy.js';
import { manualPlan, nothingToDo, planOf, yamlEdit } from './plan-kit.js';
import type { YamlPatch } from './yaml-patch.js';
import type { Fix, PlanStep } from './types.js';

class RoutesProblem extends Error {}

/** The edit itself, on a YamlPatch: pure in the text, so it can be re-run on the real file. */
export function routesAsMap(p: YamlPatch, prefix: readonly string[]): void {
  const path = [...prefix, 'routes'];
  const routes = p.get(path);
  if (isMap(routes)) return;
  if (!isSeq(routes)) throw new RoutesProblem('`routes` is neither a list nor a map');
  const map = new YAMLMap();
  const names = new Set<string>(); // YAMLMap.has is a scan: a Set keeps 100,000 routes linear
  for (const item of routes.items) {
    const route = listItemRoute(item);
    if (!route || !route.url) throw new RoutesProblem(`a list item of routes has no name and url (${String(item)})`);
    if (names.has(route.name)) throw new RoutesProblem(`two routes are named \`${route.name}\``);
    names.add(route.name);
    const key = route.keyNode ?? new Scalar(route.name);
    const value = route.valueNode ?? new Scalar(route.url);
    if (route.commentBefore) key.commentBefore = route.commentBefore;
    if (route.comment && !value.comment) value.comment = route.comment;
    map.items.push(new Pair(key, value));
  }
  const parent = p.get(prefix);
  const holder = prefix.length === 0 ? p.doc.contents : parent;
  if (!isMap(holder)) throw new RoutesProblem('the config is not a map');
  p.replaceValue(p.pairOf(holder, 'routes')!, map);
}

export const routesToMap: Fix = {
  id: 'routes-to-map',
  title: 'Rewrite routes from a list to a map',
  kind: 'edit',
  findings: ['routing.routes-is-list'],
  plan(s: Snapshot) {
    const view = readableProxyConfigs(s)[0];
    if (!view) return undefined;
    const routes = view.root && isMap(view.root) ? view.root.get('routes', true) : undefined;
    if (isMap(routes)) return nothingToDo(this, '`routes` is already a map');
    try {
      const edit = yamlEdit(s, view.file, 'the proxy accepts only a map of name: url', (p) => routesAsMap(p, view.prefix));
      if ('unchanged' in edit) return nothingToDo(this, '`routes` is already a map');
      if ('problem' in edit) return undefined;
      const steps: PlanStep[] = [edit.step];
      steps.push(...restartProxySteps(s));
      return planOf(this, steps);
    } catch (err) {
      if (!(err instanceof RoutesProblem)) throw err;
      return manualPlan(this, [`Edit ${view.file} by hand: ${err.message}. Write routes as a map: \`routes: { name: http://host:port }\`, then restart the proxy.`]);
    }
  },
};
