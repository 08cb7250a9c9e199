// A check's input can be unusable (a config that is not YAML). That is not a crash of the check: it is
// reported as the check's status `error` with this one-line reason, and the report shows it.
import type { Snapshot } from '../snapshot/types.js';
import type { ProxyConfigView } from './proxy-config.js';
import { proxyConfigViews } from './proxy-config.js';
import { lineText } from './yaml-source.js';
import { evidence } from './evidence.js';
import type { Evidence } from './types.js';

export class CheckInputError extends Error {
  override name = 'CheckInputError';
}

/** Proxy config views that parsed; throws CheckInputError naming the file and line when one did not. */
export function usableProxyConfigs(s: Snapshot): ProxyConfigView[] {
  const views = proxyConfigViews(s);
  const broken = views.find((v) => v.yaml.error);
  if (broken?.yaml.error) {
    const at = broken.yaml.error.line ? `${broken.file}:${broken.yaml.error.line}` : broken.file;
    throw new CheckInputError(`${at} is not valid YAML (${broken.yaml.error.message}); the proxy will not start with it either`);
  }
  return views;
}

export function lineEvidence(s: Snapshot, file: string, line: number | undefined): Evidence {
  return evidence(file, line ? lineText(s, file, line).trim() : '(whole file)', line ? { line } : {});
}
