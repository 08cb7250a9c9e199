import type { ContainerState, LogSource, Snapshot } from '../../../snapshot/types.js';
import type { Check, Evidence, Observation } from '../../types.js';
import { evidence } from '../../evidence.js';
import { composeArgv, composeModel } from '../../compose-model.js';
import { crashLoopUpSeconds, lastLogLines, roleOfContainer, serviceNameOf } from '../../containers.js';
import { commandLine } from '../../../fixes/describe.js';

const LAST_LINES = 5;
/** Waiting reasons that are a normal moment of a rollout, not a failure. */
const TRANSIENT = new Set(['ContainerCreating', 'PodInitializing']);

function stateWords(c: ContainerState): string {
  if (c.reason === 'CrashLoopBackOff') return 'crash-looping (CrashLoopBackOff)';
  if (c.state === 'restarting') return `restarting${c.exitCode !== undefined ? ` (exit code ${c.exitCode})` : ''}`;
  if (c.state === 'exited' || c.state === 'terminated') return `${c.state}${c.exitCode !== undefined ? ` (exit code ${c.exitCode})` : ''}`;
  if (c.state === 'waiting') return `waiting (${c.reason ?? 'not started'})`;
  if (c.state === 'created') return 'created but never started';
  return c.state;
}

function facts(c: ContainerState): string {
  const parts = [c.status ?? c.state];
  if (c.exitCode !== undefined && !(c.status ?? '').includes(String(c.exitCode))) parts.push(`exit code ${c.exitCode}`);
  if (c.restartCount) parts.push(`restarted ${c.restartCount} time(s)`);
  if (c.lastTermination?.reason) parts.push(`last ended: ${c.lastTermination.reason}${c.lastTermination.exitCode !== undefined ? ` (exit code ${c.exitCode ?? c.lastTermination.exitCode})` : ''}`);
  if (c.finishedAt && c.state !== 'running') parts.push(`stopped at ${c.finishedAt}`);
  return parts.join(', ');
}

function logEvidence(s: Snapshot, role: LogSource | undefined, pod?: string): Evidence[] {
  if (!role) return [];
  return lastLogLines(s, role, LAST_LINES, pod).map((line) => evidence(`logs/${role}`, line, pod ? { seenIn: [pod] } : {}));
}

/** Why Docker could not start it (inspect's State.Error), e.g. `Container … is restarting, wait until the container is running`. */
function dockerError(c: ContainerState): string {
  return c.reason ? `; docker: ${c.reason}` : '';
}

function isDownCompose(s: Snapshot, c: ContainerState): boolean {
  const oneShot = c.oneOff || roleOfContainer(s, c) === 'setup';
  if (oneShot) return (c.state === 'exited' && (c.exitCode ?? 0) !== 0) || c.state === 'dead';
  return ['exited', 'restarting', 'dead', 'created', 'paused'].includes(c.state);
}

function composeFlapping(s: Snapshot, containers: ContainerState[]): Observation[] {
  const out: Observation[] = [];
  for (const c of containers) {
    const up = crashLoopUpSeconds(s, c);
    if (up === undefined || c.oneOff) continue;
    const role = roleOfContainer(s, c);
    out.push({
      id: 'runtime.container-down',
      variant: 'flapping',
      severity: 'warning',
      vars: { name: c.service, restarts: c.restartCount ?? 0, up },
      evidence: [evidence('docker inspect', `${c.name}: ${facts(c)}, started at ${c.startedAt}`), ...logEvidence(s, role)],
      data: { container: c.name, service: c.service, state: 'flapping', restartCount: c.restartCount, startedAt: c.startedAt },
      fixes: [],
    });
  }
  return out;
}

function composeDown(s: Snapshot): Observation[] {
  const containers = s.state.containers ?? [];
  const out: Observation[] = composeFlapping(s, containers);
  for (const c of containers.filter((x) => isDownCompose(s, x))) {
    const role = roleOfContainer(s, c);
    const restartable = role === 'mcp-proxy' && c.state !== 'restarting'; // a restart loop has its cause elsewhere
    out.push({
      id: 'runtime.container-down',
      vars: { name: c.service, state: stateWords(c), status: `${facts(c)}${dockerError(c)}` },
      evidence: [evidence('docker inspect', `${c.name}: ${facts(c)}${dockerError(c)}`), ...logEvidence(s, role)],
      data: { container: c.name, service: c.service, state: c.state, ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}) },
      ...(restartable ? {} : { fixes: [] }),
    });
  }
  // A tunnel service with no container at all: never started, or removed.
  const model = composeModel(s);
  for (const role of ['mcp-proxy', 'cloudflared'] as const) {
    const service = serviceNameOf(s, role);
    if (!model?.services.some((svc) => svc.name === service)) continue;
    if (containers.some((c) => c.service === service && !c.oneOff)) continue;
    out.push({
      id: 'runtime.container-down',
      variant: 'missing',
      vars: { name: service, state: 'missing', project: s.deployment.project ?? '?', up: commandLine(composeArgv(s, ['up', '-d'])) },
      evidence: [evidence('docker compose ps', `no container for service ${service} in project ${s.deployment.project ?? '?'}`)],
      data: { service, state: 'missing' },
      fixes: [],
    });
  }
  return out;
}

function isDownPod(c: ContainerState): boolean {
  if (c.state === 'running') return false;
  if (c.state === 'waiting') return !TRANSIENT.has(c.reason ?? '') || (c.restartCount ?? 0) > 0;
  return true;
}

function podsDown(s: Snapshot): Observation[] {
  const out: Observation[] = [];
  const pods = s.state.kube?.pods ?? [];
  const names = [...new Set(pods.flatMap((p) => p.containers.map((c) => c.name)))];
  for (const name of names) {
    const withIt = pods.filter((p) => p.containers.some((c) => c.name === name));
    const down = withIt.filter((p) => isDownPod(p.containers.find((c) => c.name === name)!));
    if (down.length === 0) continue;
    const role = (['cloudflared', 'mcp-proxy'] as const).find((r) => r === name);
    const first = down[0]!.containers.find((c) => c.name === name)!;
    const ev: Evidence[] = [];
    for (const pod of down) {
      const c = pod.containers.find((x) => x.name === name)!;
      ev.push(evidence('kubectl get pods', `${pod.name}/${name}: ${facts(c)}`, { seenIn: [pod.name] }));
      ev.push(...logEvidence(s, role, pod.name));
    }
    out.push({
      id: 'runtime.container-down',
      variant: 'pods',
      vars: { name, state: stateWords(first), status: facts(first), count: down.length, total: withIt.length },
      evidence: ev,
      data: { container: name, pods: down.map((p) => p.name) },
      fixes: [],
    });
  }
  return out;
}

export const containerDown: Check = {
  id: 'runtime.container-down',
  layer: 'runtime',
  title: 'the tunnel containers and pods are running',
  needs: ['state:containers', 'state:kube.pods'],
  emits: ['runtime.container-down'],
  run(s) {
    return s.deployment.kind === 'helm' ? podsDown(s) : composeDown(s);
  },
};
