// A key defined twice in one map of the proxy config. The yaml library is told to keep both (so every other
// check still reads the file), but the proxy loads its config with Go's yaml.v3, which refuses the file:
// `mapping key "mcp" already defined at line 5`. Each duplicate is named with both of its lines.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Check, Observation } from '../../types.js';
import { usableProxyConfigs, lineEvidence } from '../../check-input.js';
import { lineOf, type ParsedYaml } from '../../yaml-source.js';
import type { ProxyConfigView } from '../../proxy-config.js';
import type { Snapshot } from '../../../snapshot/types.js';

interface Duplicate {
  path: string[];
  name: string;
  first?: number;
  second?: number;
}

function duplicatesIn(node: unknown, path: string[], yaml: ParsedYaml, out: Duplicate[]): void {
  if (isMap(node)) {
    const seen = new Map<string, unknown>();
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      const before = seen.get(name);
      if (before) out.push({ path: [...path, name], name, first: lineOf(yaml, before), second: lineOf(yaml, pair.key) });
      else seen.set(name, pair.key);
      duplicatesIn(pair.value, [...path, name], yaml, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => duplicatesIn(item, [...path, String(i)], yaml, out));
  }
}

function observationsOf(s: Snapshot, view: ProxyConfigView): Observation[] {
  const found: Duplicate[] = [];
  duplicatesIn(view.root, [...view.prefix], view.yaml, found);
  return found.map((d) => ({
    id: 'routing.duplicate-key',
    vars: { key: d.path.join('.'), name: d.name, file: view.file, first: d.first ?? '?', second: d.second ?? '?' },
    evidence: [lineEvidence(s, view.file, d.first), lineEvidence(s, view.file, d.second)],
    data: { file: view.file, key: d.path.join('.') },
  }));
}

export const duplicateKey: Check = {
  id: 'routing.duplicate-key',
  layer: 'routing',
  title: 'every key is defined once in the proxy config (the proxy refuses a duplicate)',
  needs: ['file:config', 'file:values'],
  emits: ['routing.duplicate-key'],
  run: (s) => usableProxyConfigs(s).flatMap((view) => observationsOf(s, view)),
};
