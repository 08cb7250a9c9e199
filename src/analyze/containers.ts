// The gathered containers as the runtime checks see them: which one plays which role (by the Compose file's
// services, or the pod's container names), and the last lines each one logged.
import type { ContainerState, LogSource, Snapshot } from '../snapshot/types.js';
import { composeModel, serviceFor } from './compose-model.js';

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

/** kubectl --prefix: `[pod/<pod>/<container>] ` before each line. */
const KUBE_PREFIX = /^\[pod\/([^/\]]+)\/([^\]]+)\] /;

/** The last `n` non-empty lines of a role's log; for a pod, only the lines that pod's container wrote. */
export function lastLogLines(s: Snapshot, role: LogSource, n: number, pod?: string): string[] {
  const text = s.logs[role]?.text ?? '';
  let lines = text.split('\n').filter((l) => l.trim() !== '');
  if (pod) lines = lines.filter((l) => KUBE_PREFIX.exec(l)?.[1] === pod);
  return lines.slice(-n);
}
