// What watch sees while it follows the deployment's logs: one event per log line that names something on
// the request's path, the state the events add up to, and cloudflared's own view (/ready, /metrics).
// Plain data: the gatherers produce events, src/watch reduces them, reporters and the wizard draw them.
import type { FindingId } from '../analyze/catalog.js';
import type { Severity } from '../analyze/types.js';
import type { HopId } from '../report/path.js';
import type { LogSource } from '../snapshot/types.js';

/** What a line says about the hop it lands on. */
export type Outcome = 'ok' | 'failed' | 'warn' | 'info';

export interface WatchEvent {
  /** 1, 2, 3… in the order the lines arrived. */
  seq: number;
  /** When it was logged (the line's own time), else when it arrived; ISO. */
  time: string;
  source: LogSource;
  /** The container or pod that printed it. */
  origin?: string;
  /** The catalog signature that matched it. */
  signature: string;
  finding?: FindingId;
  severity: Severity;
  /** The hop of the drawn path it lands on. */
  hop: HopId;
  /** A route name when the line names or implies one; NO_ROUTE when the proxy had none for the host. */
  route?: string;
  host?: string;
  /** An HTTP status the line gives (the origin's answer, cloudflared's 502/503 to the edge). */
  status?: number;
  /** About one request (counted per hop), not about the tunnel's state (a connection, a start, a crash). */
  request: boolean;
  outcome: Outcome;
  /** The line as its program printed it: redacted, control characters removed, bounded. */
  line: string;
}

export const NO_ROUTE = '(no route)';

/** cloudflared's own view: /ready and the counters of /metrics. */
export interface MetricsSample {
  /** When it was read (ISO). */
  at: string;
  ready?: { status: number; readyConnections?: number; connectorId?: string };
  haConnections?: number;
  totalRequests?: number;
  requestErrors?: number;
  concurrentRequests?: number;
  /** cloudflared_tunnel_response_by_code: status code -> count. */
  responses: Record<string, number>;
}

/** Where cloudflared's metrics server is and how to reach it from here, or why it cannot be reached. */
export type MetricsTarget =
  | { kind: 'http'; host: string; port: number; via: string }
  | { kind: 'pod'; namespace: string; pod: string; port: number; context?: string; via: string }
  | { kind: 'none'; why: string };

/** One follower process as the reports name it. */
export interface FollowerInfo {
  id: string;
  argv: string[];
  pid?: number;
  source: LogSource;
}

export interface HopTally {
  ok: number;
  failed: number;
}

export interface WatchState {
  /** When following began (ISO). */
  since: string;
  /** The last events, oldest first (bounded: TIMELINE_KEPT). */
  events: WatchEvent[];
  /** Every event seen, counted. */
  total: number;
  /** Per hop: request events seen at it, ok and failed. */
  hops: Record<HopId, HopTally>;
  /** Per route name (and NO_ROUTE). */
  routes: Record<string, HopTally>;
  /** Per log: the request lines each program logged (each is one request it saw). */
  logged: Partial<Record<LogSource, HopTally>>;
  /** Per hop: the last event at or past it, the sequence number it came with and whether it passed. */
  reached: Partial<Record<HopId, { seq: number; outcome: Outcome; event: WatchEvent }>>;
  /** Failures of the tunnel's state (a crash, no edge connection) not recovered since, per hop. */
  standing: Partial<Record<HopId, WatchEvent>>;
  /** The last failed request event: hops after it that nothing reached since are drawn as not reached. */
  lastFailure?: WatchEvent;
  bySeverity: Record<Severity, number>;
  byFinding: Partial<Record<FindingId, number>>;
  metrics?: MetricsSample;
  /** The first sample: counts are shown as changes since watch began. */
  metricsBase?: MetricsSample;
  /** Why cloudflared's metrics cannot be read (said once). */
  metricsNote?: string;
  followers: FollowerInfo[];
  notes: string[];
  ended?: { reason: string; at: string };
}

export const TIMELINE_KEPT = 200;

/** What a watch session tells whoever drew it: the headless reporters, or the wizard. */
export interface WatchListener {
  events(events: WatchEvent[]): void;
  metrics(sample: MetricsSample): void;
  /** Why cloudflared's own view cannot be read (called when the reason changes, not on every poll). */
  metricsUnavailable(why: string): void;
  note(text: string): void;
  followers(infos: FollowerInfo[]): void;
}

/** A running watch (live followers, or the demo's replay). */
export interface WatchSession {
  /** When following began (RFC 3339). */
  since: string;
  followers(): FollowerInfo[];
  target: MetricsTarget;
  /** Resolves, with why, when nothing is left to follow (every follower ended for good; a replay finished). */
  ended: Promise<string>;
  /** Stops every follower and timer; resolves when all have exited. */
  stop(): Promise<void>;
}
