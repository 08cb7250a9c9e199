// `routes` as a YAML list -> a map of name: url, through the yaml Document API so comments and the rest
// of the file stay as they were; then the restart the proxy needs to read it.
import { isMap, isScalar, isSeq, isPair, Pair, Scalar, YAMLMap, type Document, type Node } from 'yaml';
import { parseDocument } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { proxyConfigViews } from '../analyze/proxy-config.js';
import { unifiedDiff } from './describe.js';
import { restartProxyStep } from './restart-proxy.js';
import type { Fix, PlanStep } from './types.js';

interface RoutePair {
  name: string;
  url: string;
  /** The original nodes, reused so their comments survive the rewrite. */
  keyNode?: Scalar;
  valueNode?: Scalar;
  comment?: string;
  commentBefore?: string;
}

/** Reads one list item as a route: `- name: url`, `- {name: x, url: y}`, or a bare `- http://host:port`. */
function routeOfItem(item: unknown): RoutePair | undefined {
  if (isMap(item)) {
    const pairs = item.items.filter(isPair);
    const get = (key: string) => {
      const p = pairs.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
      return p && isScalar(p.value) ? String(p.value.value) : undefined;
    };
    const name = get('name') ?? get('host');
    const url = get('url') ?? get('upstream') ?? get('target');
    const notes = { comment: item.comment ?? undefined, commentBefore: item.commentBefore ?? undefined };
    if (name && url) return { name, url, ...notes };
    const only = pairs[0];
    if (pairs.length === 1 && only && isScalar(only.key) && isScalar(only.value)) {
      return { name: String(only.key.value), url: String(only.value.value), keyNode: only.key, valueNode: only.value, ...notes };
    }
    return undefined;
  }
  if (isScalar(item) && typeof item.value === 'string') {
    const m = /^[a-z]+:\/\/([A-Za-z0-9-]+)/i.exec(item.value);
    if (m) return { name: m[1]!.toLowerCase(), url: item.value, valueNode: item };
  }
  return undefined;
}

export function rewriteRoutesAsMap(text: string, prefix: readonly string[]): { after: string } | { problem: string } | { nothingToDo: string } {
  const doc: Document.Parsed = parseDocument(text);
  if (doc.errors.length) return { problem: `the file is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})` };
  const path = [...prefix, 'routes'];
  const routes = doc.getIn(path, true) as Node | undefined;
  if (isMap(routes)) return { nothingToDo: '`routes` is already a map' };
  if (!isSeq(routes)) return { problem: '`routes` is neither a list nor a map' };
  const map = new YAMLMap();
  for (const item of routes.items) {
    const route = routeOfItem(item);
    if (!route) return { problem: `a list item of routes has no name and url (${String(item)})` };
    if (map.has(route.name)) return { problem: `two routes are named \`${route.name}\`` };
    const key = route.keyNode ?? new Scalar(route.name);
    const value = route.valueNode ?? new Scalar(route.url);
    if (route.commentBefore) key.commentBefore = route.commentBefore;
    if (route.comment && !value.comment) value.comment = route.comment;
    map.items.push(new Pair(key, value));
  }
  map.commentBefore = routes.commentBefore;
  map.comment = routes.comment;
  doc.setIn(path, map);
  return { after: doc.toString() };
}

export const routesToMap: Fix = {
  id: 'routes-to-map',
  title: 'Rewrite routes from a list to a map',
  kind: 'edit',
  findings: ['routing.routes-is-list'],
  plan(s: Snapshot) {
    const view = proxyConfigViews(s).find((v) => v.yaml.error === undefined);
    if (!view) return undefined;
    const before = s.files[view.file]?.text ?? '';
    const result = rewriteRoutesAsMap(before, view.prefix);
    const base = { fixId: this.id, title: this.title, kind: this.kind };
    if ('nothingToDo' in result) return { ...base, steps: [], nothingToDo: result.nothingToDo };
    if ('problem' in result) {
      return { ...base, kind: 'manual', steps: [{ kind: 'manual', text: `Edit ${view.file} by hand: ${result.problem}. Write routes as a map: \`routes: { name: http://host:port }\`.` }] };
    }
    const steps: PlanStep[] = [{ kind: 'edit', path: view.file, before, after: result.after, diff: unifiedDiff(view.file, before, result.after), why: 'the proxy accepts only a map of name: url' }];
    const restart = restartProxyStep(s);
    if (restart) steps.push(restart);
    return { ...base, steps };
  },
};
