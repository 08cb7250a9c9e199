// Live gathering for a Helm deployment: the release (helm status, values), every pod of the Deployment and
// the logs of every replica's mcp-proxy and cloudflared (kubectl --prefix names the pod on each line), the
// setup Job and its log, Services, the `kubernetes` service IP, ConfigMaps and the Secret's key names.
import type { KubeState, LogSource, Snapshot, SnapshotLog } from '../snapshot/types.js';
import { redact } from '../snapshot/redact.js';
import type { LogBounds } from './compose-commands.js';
import { displayArgv, runStep, type GatherContext } from './context.js';
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

function joinLogs(parts: { argv: string[]; r: RunResult }[]): SnapshotLog | undefined {
  const text = parts.map(({ r }) => r.stdout).filter((t) => t.trim() !== '').map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('');
  const failed = parts.filter(({ r }) => r.exitCode !== 0 && !r.truncated);
  if (!text && failed.length === 0) return undefined;
  const clean = redact(text);
  const log: SnapshotLog = { text: clean, origin: parts.map(({ argv }) => displayArgv(argv)).join(' + ') };
  if (clean !== text) log.redacted = true;
  if (parts.some(({ r }) => r.truncated)) log.truncated = true;
  if (failed.length && !text) log.error = failed[0]!.r.error ?? 'kubectl logs failed';
  return log;
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
  const k = (argv: string[], id: string, expected?: (r: RunResult) => boolean) => runStep(ctx, argv, { id, tool: 'kubectl', expected });
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
    k(kubeCommands.setupLogs(target, bounds), 'logs setup', notFoundAnswer),
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
  const setup = joinLogs([{ argv: setupLog.argv, r: setupLog }]);
  if (setup && !(setupLog.exitCode !== 0 && notFoundAnswer(setupLog))) s.logs.setup = setup;

  // Round 2: every replica's logs; a restarted container's previous instance too (it holds the crash).
  const logRuns = Object.entries(POD_CONTAINERS).map(async ([source, container]) => {
    const parts = await Promise.all(
      (mine ?? [])
        .filter((p) => !nameProblem('pod', p.name) && p.containers.some((c) => c.name === container))
        .flatMap((p) => {
          const c = p.containers.find((x) => x.name === container)!;
          const previous = (c.restartCount ?? 0) > 0 && c.state === 'running';
          const argvs = [kubeCommands.podLogs(target, p.name, container, bounds)];
          if (previous) argvs.unshift(kubeCommands.podLogs(target, p.name, container, bounds, true));
          return argvs.map(async (argv) => ({ argv, r: await k(argv, `logs ${p.name} ${container}${argv.includes('--previous') ? ' (previous)' : ''}`, notFoundAnswer) }));
        }),
    );
    const log = joinLogs(parts);
    if (log) s.logs[source as LogSource] = log;
  });
  await Promise.all(logRuns);
  const shown = (mine ?? []).map((p) => `${p.name} ${p.phase ?? '?'}${p.ready ? '' : ' (not ready)'}`);
  if (mine) ctx.notes.push(mine.length ? `pods: ${shown.join(', ')}` : `no pods with mcp-proxy or cloudflared in namespace ${target.namespace}`);
}
