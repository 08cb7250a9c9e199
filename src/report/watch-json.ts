// `watch --json`: one JSON object per line (NDJSON), as things happen: `start`, then `event`, `metrics` and
// `note` lines, then `end` with the counts and the exit code. Scripts read it line by line.
import type { Snapshot } from '../snapshot/types.js';
import type { FollowerInfo, MetricsSample, MetricsTarget, WatchEvent, WatchState } from '../watch/types.js';
import { metricsDelta } from '../watch/reduce.js';

const line = (o: unknown) => `${JSON.stringify(o)}\n`;

export function watchStartJson(s: Snapshot, since: string, followers: FollowerInfo[], target: MetricsTarget): string {
  const d = s.deployment;
  const deployment = { kind: d.kind, ...(d.project ? { project: d.project } : {}), ...(d.release ? { release: d.release } : {}), ...(d.namespace ? { namespace: d.namespace } : {}), ...(d.dir ? { dir: d.dir } : {}) };
  return line({
    type: 'start',
    version: 1,
    since,
    ...(s.origin === 'demo' ? { demo: true } : {}),
    deployment,
    followers: followers.map((f) => ({ id: f.id, source: f.source, argv: f.argv, ...(f.pid !== undefined ? { pid: f.pid } : {}) })),
    metrics: target.kind === 'none' ? { reachable: false, why: target.why } : { reachable: true, via: target.via },
  });
}

export function eventJson(e: WatchEvent): string {
  return line({ type: 'event', ...e });
}

export function metricsJson(sample: MetricsSample): string {
  return line({ type: 'metrics', ...sample });
}

export function noteJson(text: string, kind: 'note' | 'metrics-unavailable' = 'note'): string {
  return line({ type: kind, text });
}

export function followersJson(followers: FollowerInfo[]): string {
  return line({ type: 'followers', followers: followers.map((f) => ({ id: f.id, source: f.source, ...(f.pid !== undefined ? { pid: f.pid } : {}) })) });
}

export function watchEndJson(state: WatchState, reason: string, exitCode: number): string {
  return line({
    type: 'end',
    reason,
    events: state.total,
    severities: state.bySeverity,
    findings: state.byFinding,
    hops: state.hops,
    routes: state.routes,
    logged: state.logged,
    ...(state.metrics ? { metrics: { ...metricsDelta(state), ...(state.metrics.ready ? { ready: state.metrics.ready } : {}) } } : {}),
    exitCode,
  });
}
