// What the command line (or the wizard) decided, in one typed shape that gather, analyze and fix read.
export interface TriageOptions {
  dir: string;
  composeFile?: string;
  config?: string;
  values?: string;
  kube?: boolean;
  namespace?: string;
  release?: string;
  context?: string;
  tunnelDomain?: string;
  ca?: string;
  audience?: string;
  /** OAuth discovery documents to check: a URL to fetch, or a file. */
  oauthMetadata?: string;
  resourceMetadata?: string;
  /** The chart reference for `helm upgrade` (helm status names the chart but not where it came from). */
  chart?: string;
  fromBundle?: string;
  edge?: string;
  network: boolean;
  symptom?: string;
  json: boolean;
  yes: boolean;
  dryRun: boolean;
  /** Per-command timeout for docker / kubectl / helm. */
  timeoutMs: number;
  /** Log bounds for live gathering: lines per container, and how far back. */
  tail?: number;
  since?: string;
  demo: boolean;
  debug: boolean;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

export function defaultOptions(over: Partial<TriageOptions> = {}): TriageOptions {
  return { dir: process.cwd(), network: true, json: false, yes: false, dryRun: false, timeoutMs: DEFAULT_TIMEOUT_MS, demo: false, debug: false, ...over };
}
