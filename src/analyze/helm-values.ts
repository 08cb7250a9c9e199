// Helm values as the setup and routing checks need them: whether the setup Job runs (it hands the proxy
// its tunnel domain as a flag), and the WIF audience (default `api.anthropic.com`).
import { isScalar } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { parsedYaml, nodeAt, keyNodeAt, lineOf, type ParsedYaml } from './yaml-source.js';

export const DEFAULT_WIF_AUDIENCE = 'api.anthropic.com';

export interface HelmValues {
  file: string;
  yaml: ParsedYaml;
}

export function helmValuesOf(s: Snapshot): HelmValues | undefined {
  const yaml = parsedYaml(s, s.deployment.paths.values);
  return yaml && !yaml.error ? { file: yaml.path, yaml } : undefined;
}

export function valueAt(v: HelmValues, keys: readonly string[]): unknown {
  const node = nodeAt(v.yaml.doc.contents, keys);
  return isScalar(node) ? node.value : node;
}

export function lineAt(v: HelmValues, keys: readonly string[]): number | undefined {
  return lineOf(v.yaml, keyNodeAt(v.yaml.doc.contents, keys) ?? nodeAt(v.yaml.doc.contents, keys));
}

/** The chart runs its setup Job unless `setup.enabled: false`. */
export function setupEnabled(v: HelmValues): boolean {
  const enabled = valueAt(v, ['setup', 'enabled']);
  return !(enabled === false || enabled === 'false');
}
