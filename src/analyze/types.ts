import type { Snapshot } from '../snapshot/types.js';
import type { FindingId } from './catalog.js';

export type Severity = 'error' | 'warning' | 'info' | 'ok';
export type Layer = 'edge' | 'tls' | 'routing' | 'oauth' | 'setup' | 'runtime';

/** The guide's order: the three layers first, then the two areas, then the runtime. */
export const LAYER_ORDER: readonly Layer[] = ['edge', 'tls', 'routing', 'oauth', 'setup', 'runtime'];
export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info', 'ok'];

export const LAYER_TITLES: Record<Layer, string> = {
  edge: 'Edge: the outbound connection to the tunnel edge',
  tls: 'TLS: the inner handshake from Anthropic to the proxy',
  routing: 'Routing: upstream routing and IP validation',
  oauth: 'OAuth: split-endpoint OAuth through the tunnel',
  setup: 'Setup: the setup Job / service and its token exchange',
  runtime: 'Runtime: containers, pods and tools',
};

export interface Evidence {
  /** Where it was seen: `config/mcp-proxy.yaml`, `logs/cloudflared`, `docker compose ps`, `probe`. */
  source: string;
  /** The line or fact, already redacted. */
  text: string;
  line?: number;
  /** Log evidence: how many lines matched, and when the first and last were logged (when lines carry a time). */
  count?: number;
  firstSeen?: string;
  lastSeen?: string;
  /** Which pods or containers showed it (Helm with several replicas). */
  seenIn?: string[];
  /** Logged before its container's current run began: history, not the present state. */
  history?: boolean;
}

export type FixKind = 'command' | 'edit' | 'manual';

/** A fix as a finding lists it: exactly what would run or change. */
export interface FixRef {
  id: string;
  title: string;
  kind: FixKind;
  /** Commands exactly as they will run, shell-quoted for display. */
  commands?: string[];
  /** Unified diff of each file an edit changes. */
  diff?: string;
  /** Steps for a person to take (manual fixes: outside this host). */
  steps?: string[];
  destructive?: boolean;
}

/** What a check emits: an id, variables and evidence. The catalog supplies the words. */
export interface Observation {
  id: FindingId;
  /** Overrides the catalog's default severity (a warning variant, a recovered failure...). */
  severity?: Severity;
  /** Picks one of the catalog entry's detail variants. */
  variant?: string;
  /** Values for the catalog's {placeholders}. */
  vars?: Record<string, string | number>;
  evidence: Evidence[];
  /** Fix ids to offer instead of the catalog's defaults. */
  fixes?: string[];
  /** Structured facts for fixes and for --json consumers (host, ip, cidr, path...). */
  data?: Record<string, unknown>;
}

export interface Finding {
  id: FindingId;
  severity: Severity;
  layer: Layer;
  title: string;
  detail: string;
  evidence: Evidence[];
  fixes: FixRef[];
  data?: Record<string, unknown>;
}

/**
 * What a check needs from the snapshot. A check runs when at least one of its needs is present and is
 * reported as skipped otherwise. `file:<role>`, `logs:<source>`, `state:<section>`, `input:<name>`.
 */
export type Need = `file:${string}` | `logs:${string}` | `state:${string}` | `input:${string}` | 'always';

export interface Check {
  id: string;
  layer: Layer;
  /** What it looks at, for the progress list ("routes is a map"). */
  title: string;
  needs: Need[];
  /** Finding ids it can emit (the registry test checks that together they cover the catalog). */
  emits: FindingId[];
  /** Runs only when this symptom is chosen (guidance that would be noise in every report). */
  onlyFor?: string;
  run: (s: Snapshot) => Observation[];
}

export type CheckStatus = 'ok' | 'problem' | 'skipped' | 'error';

export interface CheckResult {
  id: string;
  layer: Layer;
  status: CheckStatus;
  ms: number;
  /** Why it was skipped, or the one-line error it crashed with. */
  reason?: string;
}

export interface Report {
  version: 1;
  tool: { name: string; version: string };
  createdAt: string;
  origin: Snapshot['origin'];
  demo?: boolean;
  deployment: Snapshot['deployment'] & { tunnelDomain?: Snapshot['tunnelDomain'] };
  notes: string[];
  symptom?: string;
  /** The proxy's routes (names in file order), for the drawn path; absent when no config was read. */
  routes?: { name: string; url: string }[];
  findings: Finding[];
  checks: CheckResult[];
  summary: Record<Severity, number>;
  /** One line when the deployment could not be examined (exit code 2): what could not be seen, why, what to do. */
  blocked?: string;
  /** Parts that could not be seen (a tool that hung, a log that could not be read), one line each. */
  unseen?: string[];
}
