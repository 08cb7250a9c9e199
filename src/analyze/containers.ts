// The gathered containers as the runtime checks see them: which one plays which role (by the Compose file's
// services, or the pod's container names), and the last lines each one logged.
import type { ContainerState, LogSource, Snapshot } from '../snapshot/types.js';
import { composeModel, serviceFor } from './compose-model.js';
import { logIndex } from '../signatures/log-index.js';
import { TAIL_LINES } from '../signatures/tails.js';

/** Compose service name of a role, from the Compose file; the role's own name otherwise. */
export function serviceNameOf(s: Snapshot, role: LogSource): string {
  return serviceFor(composeModel(s), role)?.name ?? role;
}

/** The containers playing a role (Compose: the service's own, not `run` ones; Kubernetes: by container name). */
export function roleContainers(s: Snapshot, role: LogSource): ContainerState[] {
  const all = s.state.containers ?? [];
  if (s.deployment.kind === 'helm') return all.filter((c) => c.name === role && c.pod);
  const service = serviceNameOf(s, role);
  return all.filter((c) => c.service === service && !c.oneOff);
}

export function roleOfContainer(s: Snapshot, c: ContainerState): LogSource | undefined {
  const roles: LogSource[] = ['cloudflared', 'mcp-proxy', 'setup'];
  if (c.pod) return roles.find((r) => r === c.name);
  return roles.find((r) => serviceNameOf(s, r) === c.service);
}

/**
 * The last `n` non-empty lines of a role's log (n at most TAIL_LINES); for a pod, only the lines that pod
 * wrote (kubectl --prefix: `[pod/<pod>/<container>] `). Kept for every log and pod in the one pass that
 * indexes the log (cached per snapshot), so 200 down pods cost one read of the log, not 200.
 */
export function lastLogLines(s: Snapshot, role: LogSource, n: number, pod?: string): string[] {
  if (!s.logs[role]) return [];
  return logIndex(s).tails[role]?.last(Math.min(n, TAIL_LINES), pod || undefined) ?? [];
}

/**
 * A crash loop is mostly `restarting`, but gathering can land in the moment between a restart and the
 * next crash, when the container is `running`. Docker restarts a container by its restart policy only
 * after it exits, and its back-off resets once a run lasts 10 s; so a container restarted this many times
 * whose current run began this recently is most likely between two crashes (it may also have just recovered).
 */
const FLAPPING_RESTARTS = 2;
const FLAPPING_UP_MS = 30_000;

/**
 * Seconds the running container had been up when the snapshot was taken, when it looks like a crash loop
 * (`minRestarts` restarts by its policy: a manual restart resets Docker's count).
 */
export function crashLoopUpSeconds(s: Snapshot, c: ContainerState, minRestarts = FLAPPING_RESTARTS): number | undefined {
  if (c.state !== 'running' || (c.restartCount ?? 0) < minRestarts || !c.startedAt) return undefined;
  const up = Date.parse(s.createdAt) - Date.parse(c.startedAt);
  // A run that began after the gather did (it takes a while on a busy host) is up only moments.
  if (!Number.isFinite(up) || up > FLAPPING_UP_MS) return undefined;
  return Math.max(0, Math.round(up / 1000));
}
