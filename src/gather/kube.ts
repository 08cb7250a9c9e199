// Live gathering for a Helm deployment: the release (helm status, values), every pod of the Deployment and
// the logs of every replica's mcp-proxy and cloudflared (kubectl --prefix names the pod on each line), the
// setup Job and its log, Services, the `kubernetes` service IP, ConfigMaps and the Secret's key names.
import { LOG_SOURCES, type KubeState, type LogSource, type Snapshot } from '../snapshot/types.js';
import type { LogBounds } from './compose-commands.js';
import { runStep, type GatherContext, type RunStepOptions } from './context.js';
import { ProgressGroup } from './events.js';
import { keepLog, logOfParts, logReadNote, stdoutOf, type GatheredPart } from './gathered-log.js';
import { kubeCommands, type KubeTarget } from './kube-commands.js';
import { parseConfigMaps, parseHelmStatus, parseHelmValues, parseJobs, parsePods, parseSecretKeys, parseServices, tunnelPods } from './kube-parse.js';
import { classifyFailure, isBlocking } from './tool-errors.js';
import { nameProblem } from './names.js';
import type { RunResult } from './run.js';

const POD_CONTAINERS: Partial<Record<LogSource, string>> = { cloudflared: 'cloudflared', 'mcp-proxy': 'mcp-proxy' };

/** `helm status` found no release: an answer, not a problem of the tool. */
export const releaseMissing = (r: RunResult) => /Error: release: not found/.test(r.stderr);

/** Not-found answers of kubectl (no setup Job, no such pod any more) are answers too. */
const notFoundAnswer = (r: RunResult) => /\(NotFound\)|not found/.test(r.stderr) && !isBlocking(classifyFailure('kubectl', r));

export function applyHelmStatus(kube: KubeState, r: RunResult): boolean {
  if (r.exitCode !== 0) return false;
  const parsed = parseHelmStatus(r.stdout);
  if (!parsed) return false;
  kube.helm = parsed.helm;
  return true;
}

/**
 * Everything about the release. `status` is the `helm status` answer already read by detection, if any;
 * otherwise it is asked here, at the same time as everything else.
 */
export async function gatherKube(ctx: GatherContext, s: Snapshot, target: KubeTarget, status?: RunResult): Promise<void> {
  const kube: KubeState = (s.state.kube ??= {});
  kube.namespace = target.namespace;
  kube.release = target.release;
  const bounds: LogBounds = { tail: ctx.tail, ...(ctx.opts.since ? { since: ctx.opts.since } : {}) };
  const k = (argv: string[], id: string, expected?: (r: RunResult) => boolean, more: RunStepOptions = {}) => runStep(ctx, argv, { id, tool: 'kubectl', expected, ...more });
  const h = (argv: string[], id: string, expected?: (r: RunResult) => boolean) => runStep(ctx, argv, { id, tool: 'helm', expected });

  const [statusRun, values, allValues, pods, jobs, services, kubeIP, secrets, configMaps, setupLog] = await Promise.all([
    status ? Promise.resolve(status) : h(kubeCommands.helmStatus(target), 'helm status'),
    h(kubeCommands.helmValues(target), 'helm get values', releaseMissing),
    h(kubeCommands.helmValuesAll(target), 'helm get values --all', releaseMissing),
    k(kubeCommands.pods(target), 'kubectl get pods'),
    k(kubeCommands.jobs(target), 'kubectl get jobs'),
    k(kubeCommands.services(target), 'kubectl get services'),
    k(kubeCommands.kubernetesServiceIP(target), 'kubectl get service kubernetes', notFoundAnswer),
    k(kubeCommands.secretKeys(target), 'kubectl get secrets (key names)'),
    k(kubeCommands.configMaps(target), 'kubectl get configmaps'),
    k(kubeCommands.setupLogs(target, bounds), 'logs setup', notFoundAnswer, { log: true }),
  ]);

  if (!applyHelmStatus(kube, statusRun) && releaseMissing(statusRun)) {
    ctx.notes.push(`helm: no release ${target.release} in namespace ${target.namespace}`);
  }
  for (const [run, key, path] of [
    [values, 'values', 'kube.values'],
    [allValues, 'computedValues', 'kube.computedValues'],
  ] as const) {
    if (run.exitCode !== 0) continue;
    const parsed = parseHelmValues(run.stdout);
    if (!parsed) continue;
    kube[key] = parsed.values;
    for (const p of parsed.redacted) ctx.redactions.push({ path: `state/state.json#${path}.${p}`, what: 'secret value replaced by [REDACTED] when gathered' });
  }
  const allPods = pods.exitCode === 0 ? parsePods(pods.stdout) : undefined;
  const mine = allPods ? tunnelPods(allPods, target.release) : undefined;
  if (mine) {
    kube.pods = mine;
    s.state.containers = mine.flatMap((p) => p.containers);
  }
  if (jobs.exitCode === 0) kube.jobs = parseJobs(jobs.stdout);
  if (services.exitCode === 0) kube.services = parseServices(services.stdout);
  if (kubeIP.exitCode === 0 && kubeIP.stdout.trim()) kube.kubernetesServiceIP = kubeIP.stdout.trim();
  if (secrets.exitCode === 0) {
    const dropped = { count: 0 };
    kube.secretKeys = parseSecretKeys(secrets.stdout, dropped);
    // A value printed where a key name belongs was seen: say so rather than "never read".
    const what = dropped.count
      ? `Secrets: key names only; kubectl printed ${dropped.count} thing(s) where a key name belongs that were not key names (values?): left out`
      : 'Secrets: key names only; their values were never read';
    ctx.redactions.push({ path: 'state/state.json#kube.secretKeys', what });
  }
  if (configMaps.exitCode === 0) kube.configMaps = parseConfigMaps(configMaps.stdout);
  const parts: Partial<Record<LogSource, GatheredPart[]>> = {};
  // A setup Job that is not there any more is an answer: no log.
  if (!(setupLog.exitCode !== 0 && notFoundAnswer(setupLog))) parts.setup = [keepLog(ctx.logs, setupLog.argv, setupLog, stdoutOf(setupLog))];

  // Round 2: every replica's logs; a restarted container's previous instance too (it holds the crash).
  // One progress step for all of them (`logs 57/200 pods`), counted by pod.
  const readable = (mine ?? []).filter((p) => !nameProblem('pod', p.name));
  const group = readable.length ? new ProgressGroup(ctx.onEvent, 'logs', 'logs', readable.length, 'pods') : undefined;
  const byPod = await Promise.all(
    readable.map(async (p) => {
      const runs = Object.entries(POD_CONTAINERS).flatMap(([source, container]) => {
        const c = p.containers.find((x) => x.name === container);
        if (!c) return [];
        const argvs = [kubeCommands.podLogs(target, p.name, container, bounds)];
        if ((c.restartCount ?? 0) > 0 && c.state === 'running') argvs.unshift(kubeCommands.podLogs(target, p.name, container, bounds, true));
        return argvs.map(async (argv) => {
          const r = await k(argv, `logs ${p.name} ${container}${argv.includes('--previous') ? ' (previous)' : ''}`, notFoundAnswer, { log: true, group });
          return { source: source as LogSource, ok: r.exitCode === 0 || notFoundAnswer(r), part: keepLog(ctx.logs, argv, r, stdoutOf(r)) };
        });
      });
      const done = await Promise.all(runs);
      group?.tick(done.every((d) => d.ok));
      return done;
    }),
  );
  group?.end(`${byPod.reduce((n, d) => n + d.length, 0)} kubectl logs`);
  // In pod order, a previous instance before the current one, as each source's log.
  for (const { source, part } of byPod.flat()) (parts[source] ??= []).push(part);
  ctx.logs.finish();
  for (const source of LOG_SOURCES) {
    const log = logOfParts(parts[source] ?? [], 'when-empty');
    if (!log) continue;
    s.logs[source] = log;
    const note = logReadNote(source, log, ctx.logs);
    if (note) ctx.notes.push(note);
  }
  const shown = (mine ?? []).map((p) => `${p.name} ${p.phase ?? '?'}${p.ready ? '' : ' (not ready)'}`);
  if (mine) ctx.notes.push(mine.length ? `pods: ${shown.join(', ')}` : `no pods with mcp-proxy or cloudflared in namespace ${target.namespace}`);
}
