// What watch follows for a deployment, from a time on: one process per service (Compose v2), per container
// (v1: `docker logs`), or per pod and container (Kubernetes). The argv come from compose-commands.ts and
// kube-commands.ts like every other command; only cloudflared and mcp-proxy are followed. Bounded in count.
import type { LogSource, Snapshot } from '../snapshot/types.js';
import { composeTarget } from './compose.js';
import { composeCommands } from './compose-commands.js';
import { kubeCommands, type KubeTarget } from './kube-commands.js';
import { nameProblem } from './names.js';

/** At most this many followers run at once (a Deployment with many replicas: the first pods by name). */
export const MAX_FOLLOWERS = 12;
const FOLLOWED: readonly LogSource[] = ['cloudflared', 'mcp-proxy'];

export interface FollowSpec {
  /** Stable, for notes: `cloudflared`, `project_mcp-proxy_1`, `pod/x cloudflared`. */
  id: string;
  argv: string[];
  source: LogSource;
  cwd?: string;
}

export function kubeTargetOf(s: Snapshot): KubeTarget {
  const d = s.deployment;
  return { namespace: d.namespace ?? 'mcp-tunnel', release: d.release ?? 'mcp-tunnel', ...(d.context ? { context: d.context } : {}) };
}

/** What to follow for this deployment, from `since` (RFC 3339) on; notes say what was left out and why. */
export function followSpecs(s: Snapshot, since: string): { specs: FollowSpec[]; notes: string[] } {
  const notes: string[] = [];
  const specs: FollowSpec[] = [];
  const d = s.deployment;
  if (d.kind === 'compose') {
    const target = composeTarget(s, notes);
    if (d.composeFlavor === 'v2') {
      for (const role of FOLLOWED) {
        const service = target.services[role];
        if (service) specs.push({ id: role, argv: composeCommands.followV2(target, service, since), source: role, ...(d.dir ? { cwd: d.dir } : {}) });
      }
    } else {
      const containers = (s.state.containers ?? []).filter((c) => !c.oneOff).sort((a, b) => a.name.localeCompare(b.name));
      for (const role of FOLLOWED) {
        for (const c of containers.filter((x) => x.service === target.services[role])) {
          const problem = nameProblem('container', c.name);
          if (problem) notes.push(`not followed: ${problem}`);
          else specs.push({ id: c.name, argv: composeCommands.followContainer(c.name, since), source: role });
        }
      }
    }
  } else if (d.kind === 'helm') {
    const t = kubeTargetOf(s);
    const pods = [...(s.state.kube?.pods ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    for (const pod of pods) {
      if (nameProblem('pod', pod.name)) continue;
      for (const role of FOLLOWED) {
        if (pod.containers.some((c) => c.name === role)) specs.push({ id: `pod/${pod.name} ${role}`, argv: kubeCommands.followPod(t, pod.name, role, since), source: role });
      }
    }
  }
  if (specs.length > MAX_FOLLOWERS) {
    notes.push(`following ${MAX_FOLLOWERS} of ${specs.length} log streams (the first pods by name); the others are not watched`);
    specs.length = MAX_FOLLOWERS;
  }
  return { specs, notes };
}

/** The same follower from another time on (it is started again after it ended). */
export function withSince(argv: readonly string[], since: string): string[] {
  return argv.map((a, i) => (argv[i - 1] === '--since' ? since : a.startsWith('--since-time=') ? `--since-time=${since}` : a));
}

/** RFC 3339 to the second, as docker and kubectl take it. */
export function sinceStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
