// Live gathering for a Helm deployment, in rounds of concurrent calls (each one a runStep, so bounded like
// Compose's):
//   1. the release (helm status, values), whether the namespace exists, pods, jobs, Services, the
//      `kubernetes` Service IP, ConfigMaps, every Secret's key names (and the release records' labels), the
//      setup Job's log;
//   2. every replica's mcp-proxy and cloudflared logs (a restarted container's previous instance too); the
//      release record from its Secret when helm is missing or failed; then the TLS Secret's certificate, CA
//      and key (its public half only) and the tunnel domain; the Service range when the Service IPs are
//      public; which local Helm repository serves the chart.
import { stringify } from 'yaml';
import { LOG_SOURCES, type KubeState, type LogSource, type Snapshot } from '../snapshot/types.js';
import { isIPv4, isPrivateIpv4 } from '../analyze/net.js';
import type { LogBounds } from './compose-commands.js';
import { displayArgv, runStep, type GatherContext, type RunStepOptions } from './context.js';
import { ProgressGroup } from './events.js';
import { keepLog, logOfParts, logReadNote, stdoutOf, type GatheredPart } from './gathered-log.js';
import { kubeCommands, podLogLineMin, type KubeTarget } from './kube-commands.js';
import { parseConfigMaps, parseHelmStatus, parseHelmValues, parseJobs, parsePods, parseReleaseSecrets, parseSecretKeys, parseServices, tunnelPods } from './kube-parse.js';
import { decodeReleaseData, releaseFromJson, ReleaseDecodeError, reposServing } from './kube-release.js';
import { planTlsReads, tlsFilesOf } from './kube-tls.js';
import { noServiceCIDRResource, parseRangeRefusal, parseServiceCIDRs, probeIpFor } from './kube-range.js';
import { classifyFailure, isBlocking } from './tool-errors.js';
import { nameProblem } from './names.js';
import { runCommand, warmLogRunner, type RunResult } from './run.js';

const POD_CONTAINERS: Partial<Record<LogSource, string>> = { cloudflared: 'cloudflared', 'mcp-proxy': 'mcp-proxy' };

/** `helm status` found no release: an answer, not a problem of the tool. */
export const releaseMissing = (r: RunResult) => /Error: release: not found/.test(r.stderr);

/** Not-found answers of kubectl (no setup Job, no such pod any more) are answers too. */
const notFoundAnswer = (r: RunResult) => /\(NotFound\)|not found/.test(r.stderr) && !isBlocking(classifyFailure('kubectl', r));
const forbiddenAnswer = (r: RunResult) => /\(Forbidden\)|is forbidden: User/.test(r.stderr);

export function applyHelmStatus(kube: KubeState, r: RunResult): boolean {
  if (r.exitCode !== 0) return false;
  const parsed = parseHelmStatus(r.stdout);
  if (!parsed) return false;
  kube.helm = { ...parsed.helm, source: 'helm' };
  return true;
}

/** What detection already asked (so it is not asked twice). */
export interface KubePrefetched {
  /** `helm status`. */
  status?: RunResult;
  /** `kubectl get secrets` with the key-name template (release records' labels included). */
  secrets?: RunResult;
}

type Runner = (argv: string[], id: string, expected?: (r: RunResult) => boolean, more?: RunStepOptions) => Promise<RunResult>;

/** Why helm could not give the release, in words (for the note that says the Secret was read instead). */
function helmUnavailable(ctx: GatherContext, status: RunResult): string {
  if (status.notFound) return 'helm is not on PATH';
  return `helm failed: ${ctx.problems.helm?.message ?? status.error ?? `exit ${status.exitCode}`}`;
}

/** Round 2: the newest release record, from its Secret; only that Secret's value is read. */
async function releaseFromSecret(ctx: GatherContext, s: Snapshot, target: KubeTarget, k: Runner, why: string): Promise<void> {
  const kube = s.state.kube!;
  const latest = kube.history?.[kube.history.length - 1];
  if (!latest) return;
  const r = await k(kubeCommands.releaseSecret(target, latest.secret), 'kubectl get secret (release record)', forbiddenAnswer);
  if (r.exitCode !== 0) {
    ctx.notes.push(`the release record ${latest.secret} could not be read (${r.error ?? 'failed'}), and ${why}: the release's status and values are unknown`);
    return;
  }
  let record;
  try {
    record = releaseFromJson(decodeReleaseData(r.stdout));
  } catch (err) {
    if (!(err instanceof ReleaseDecodeError)) throw err;
    ctx.notes.push(`the release record ${latest.secret} could not be decoded: ${err.message}`);
    return;
  }
  if (!record) {
    ctx.notes.push(`the release record ${latest.secret} is not a Helm release (no revision in it)`);
    return;
  }
  kube.helm = { ...record.helm, source: 'secret', secret: latest.secret };
  if (!kube.helm.status && latest.status) kube.helm.status = latest.status;
  kube.values = record.values;
  kube.computedValues = record.computedValues;
  for (const p of record.redacted) ctx.redactions.push({ path: `state/state.json#kube.values.${p}`, what: 'secret value replaced by [REDACTED] when gathered' });
  for (const p of record.redactedComputed) ctx.redactions.push({ path: `state/state.json#kube.computedValues.${p}`, what: 'secret value replaced by [REDACTED] when gathered' });
  ctx.redactions.push({ path: 'state/state.json#kube.helm', what: `the release record read from Secret ${latest.secret}, reduced (chart files, manifest and hook manifests dropped)` });
  ctx.notes.push(`helm: release ${target.release} revision ${kube.helm.revision ?? latest.revision} (${kube.helm.status ?? '?'}) read from its Secret ${latest.secret}, because ${why}`);
}

/** Round 2: the certificate, CA, the key's public half and the tunnel domain, from the Secrets the proxy mounts. */
async function tlsFromSecrets(ctx: GatherContext, s: Snapshot, target: KubeTarget, k: Runner): Promise<void> {
  const kube = s.state.kube!;
  const { reads, notes } = planTlsReads(kube, target.release);
  ctx.notes.push(...notes.map((n) => `TLS from the cluster: ${n}`));
  const results = await Promise.all(reads.map(async (read) => ({ read, r: await k(kubeCommands.secretValues(target, read.secret, read.keys.map((x) => x.key)), `kubectl get secret ${read.secret} (${read.keys.map((x) => x.key).join(', ')})`, forbiddenAnswer) })));
  for (const { read, r } of results) {
    if (r.exitCode !== 0) {
      ctx.notes.push(`TLS from the cluster: Secret ${read.secret} could not be read (${r.error ?? 'failed'}); the checks that need ${read.keys.map((x) => x.key).join(', ')} were skipped`);
      continue;
    }
    const got = tlsFilesOf(read, r.stdout);
    Object.assign(s.files, got.files);
    for (const [role, path] of Object.entries(got.paths)) {
      // A CA given with --ca is the one the user registered: it stays.
      if (role === 'caCert' && s.inputs.caFile) continue;
      s.deployment.paths[role as keyof typeof got.paths] = path;
    }
    kube.tlsSources = { ...kube.tlsSources, ...got.sources };
    for (const [path, src] of Object.entries(got.sources)) {
      const file = got.files[path]!;
      if (file.withheld) ctx.redactions.push({ path, what: `the private key in Secret ${src.secret} (key ${src.key}): only its public half was kept; its bytes were dropped when read` });
      ctx.notes.push(`TLS from the cluster: ${path} is Secret ${src.secret} key ${src.key} (${src.why})`);
    }
    for (const m of got.missing) ctx.notes.push(`TLS from the cluster: ${m}`);
  }
}

/** Round 2: the real Service range when the Service IPs seen are public (what the service-cidr check is about). */
async function serviceRange(ctx: GatherContext, s: Snapshot, target: KubeTarget, k: Runner): Promise<void> {
  const kube = s.state.kube!;
  const seen = [kube.kubernetesServiceIP, ...Object.values(kube.services ?? {}).map((x) => x.clusterIP)].filter((ip): ip is string => !!ip && isIPv4(ip));
  // Loopback cannot be a Service range (the API server refuses one), and tests use it for their fixtures.
  if (!seen.some((ip) => !isPrivateIpv4(ip) && !ip.startsWith('127.'))) return;
  const objects = await k(kubeCommands.serviceCIDRs(target), 'kubectl get servicecidrs', (r) => noServiceCIDRResource(r.stderr) || forbiddenAnswer(r));
  const cidrs = objects.exitCode === 0 ? parseServiceCIDRs(objects.stdout) : [];
  if (cidrs.length) {
    kube.serviceCIDR = { cidrs, source: 'servicecidr', how: '`kubectl get servicecidrs` (networking.k8s.io ServiceCIDR objects)' };
    return;
  }
  const ip = probeIpFor(kube.kubernetesServiceIP);
  const argv = kubeCommands.serviceRangeProbe(target, ip);
  const probe = await k(argv, 'kubectl create service --dry-run=server (Service range)', () => true);
  const refused = parseRangeRefusal(`${probe.stderr}\n${probe.stdout}`);
  ctx.notes.push(`Service range: a server-side dry run of a Service with clusterIP ${ip} was sent to learn the cluster's range (\`${displayArgv(argv)}\`); a dry run creates nothing`);
  if (refused.length) {
    kube.serviceCIDR = { cidrs: refused, source: 'dry-run', how: `the API server's refusal of a dry-run Service with clusterIP ${ip}` };
    return;
  }
  const why = probe.exitCode === 0 ? `the API server accepted clusterIP ${ip}` : (probe.error ?? 'no answer');
  ctx.notes.push(`Service range: not learnt (${objects.exitCode === 0 ? 'no ServiceCIDR objects' : 'no ServiceCIDR API'}; the dry run said: ${why}); the Service IPs seen are used instead`);
}

/** Round 2: which local Helm repository serves the deployed chart (for `helm upgrade`; no network). */
async function chartRepo(ctx: GatherContext, s: Snapshot, h: Runner): Promise<void> {
  const helm = s.state.kube?.helm;
  if (!helm?.chart || helm.source !== 'helm' || ctx.opts.chart) return;
  const r = await h(kubeCommands.helmSearchRepo(helm.chart), 'helm search repo', () => true);
  if (r.exitCode !== 0) return;
  const repos = reposServing(r.stdout, helm.chart, helm.version);
  if (repos.length === 1) helm.repoChart = repos[0]!;
  else if (repos.length > 1) ctx.notes.push(`helm: ${repos.join(', ')} all serve ${helm.chart} ${helm.version ?? ''}; pass --chart to say which one the release came from`);
}

/** Where the checks read the release's values from when there is no values file here. */
export function releaseValuesPath(release: string): string {
  return `helm-release/${release}/values.yaml`;
}

/**
 * No values file here: the release's own values (with the chart's defaults, as it renders them; redacted)
 * become the values the checks read, as YAML, under a name that says where they came from. Never edited.
 */
function releaseValuesFile(ctx: GatherContext, s: Snapshot, target: KubeTarget): void {
  const kube = s.state.kube!;
  const values = kube.computedValues ?? kube.values;
  if (s.deployment.paths.values || !values || typeof values !== 'object' || Array.isArray(values)) return;
  const path = releaseValuesPath(target.release);
  const all = kube.computedValues !== undefined;
  s.files[path] = { text: stringify(values), redacted: true, virtual: `the values of release ${target.release} as the cluster holds them (${all ? 'the chart\'s defaults with the user\'s over them' : 'the user\'s'}; secrets redacted)` };
  s.deployment.paths.values = path;
  ctx.notes.push(`Helm values: no values file here, so the checks read release ${target.release}'s own values (${path}, ${kube.helm?.source === 'secret' ? 'from its Secret' : `helm get values${all ? ' --all' : ''}`}); a fix that edits values needs the file you install with`);
}

/**
 * Everything about the release. `pre` holds what detection already asked (`helm status`, the Secrets'
 * key names); the rest is asked here.
 */
export async function gatherKube(ctx: GatherContext, s: Snapshot, target: KubeTarget, pre: KubePrefetched = {}): Promise<void> {
  if (ctx.exec === runCommand) warmLogRunner(); // the logs start after one round: the spawner is ready by then
  const kube: KubeState = (s.state.kube ??= {});
  kube.namespace = target.namespace;
  kube.release = target.release;
  const bounds: LogBounds = { tail: ctx.tail, ...(ctx.opts.since ? { since: ctx.opts.since } : {}) };
  const k: Runner = (argv, id, expected, more = {}) => runStep(ctx, argv, { id, tool: 'kubectl', expected, ...more });
  const h: Runner = (argv, id, expected) => runStep(ctx, argv, { id, tool: 'helm', expected });

  const [statusRun, values, allValues, namespace, pods, jobs, services, kubeIP, secrets, configMaps, setupLog] = await Promise.all([
    // Named with --kube, a missing release is the finding; detection asked before and passes its answer in.
    pre.status ? Promise.resolve(pre.status) : h(kubeCommands.helmStatus(target), 'helm status'),
    h(kubeCommands.helmValues(target), 'helm get values', releaseMissing),
    h(kubeCommands.helmValuesAll(target), 'helm get values --all', releaseMissing),
    // Namespace-scoped credentials often may not get namespaces: forbidden says nothing about it.
    k(kubeCommands.namespace(target), 'kubectl get namespace', forbiddenAnswer),
    k(kubeCommands.pods(target), 'kubectl get pods'),
    k(kubeCommands.jobs(target), 'kubectl get jobs'),
    k(kubeCommands.services(target), 'kubectl get services'),
    k(kubeCommands.kubernetesServiceIP(target), 'kubectl get service kubernetes', notFoundAnswer),
    pre.secrets ? Promise.resolve(pre.secrets) : k(kubeCommands.secretKeys(target), 'kubectl get secrets (key names)'),
    k(kubeCommands.configMaps(target), 'kubectl get configmaps'),
    k(kubeCommands.setupLogs(target, bounds), 'logs setup', notFoundAnswer, { log: true }),
  ]);

  if (ctx.problems.kubectl?.problem === 'namespace-not-found' || (namespace.exitCode !== 0 && /\(NotFound\): namespaces /.test(namespace.stderr))) {
    kube.namespaceMissing = true;
    // No namespace, no release: helm's "release: not found" says the same thing less well.
    if (ctx.problems.helm?.problem === 'release-not-found') delete ctx.problems.helm;
    ctx.notes.push(`namespace ${target.namespace} does not exist${kube.context ? ` in context ${kube.context}` : ''}`);
    return;
  }
  const fromHelm = applyHelmStatus(kube, statusRun);
  if (!fromHelm && releaseMissing(statusRun)) {
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
    const history = parseReleaseSecrets(secrets.stdout, target.release);
    if (history.length) kube.history = history;
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
  const logRuns = (async () => {
    const byPod = await Promise.all(
      readable.map(async (p) => {
        const runs = Object.entries(POD_CONTAINERS).flatMap(([source, container]) => {
          const c = p.containers.find((x) => x.name === container);
          if (!c) return [];
          const argvs = [kubeCommands.podLogs(target, p.name, container, bounds)];
          if ((c.restartCount ?? 0) > 0 && c.state === 'running') argvs.unshift(kubeCommands.podLogs(target, p.name, container, bounds, true));
          return argvs.map(async (argv) => {
            const r = await k(argv, `logs ${p.name} ${container}${argv.includes('--previous') ? ' (previous)' : ''}`, notFoundAnswer, { log: true, group, tail: { minLineBytes: podLogLineMin(p.name, container) } });
            return { source: source as LogSource, ok: r.exitCode === 0 || notFoundAnswer(r), part: keepLog(ctx.logs, r.argv, r, stdoutOf(r)) };
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
    const lowered = ctx.tailLowered;
    if (lowered) {
      ctx.notes.push(`logs: ${lowered.commands} kubectl logs asked for fewer than ${lowered.requested} lines (--tail down to ${lowered.lowest}): the log budget could keep no more of them, so no line it keeps was left unread`);
    }
  })();
  const releaseAndTls = (async () => {
    // Helm missing or failing (not "no such release"): the release's own Secret holds the same record.
    if (!fromHelm && !releaseMissing(statusRun)) await releaseFromSecret(ctx, s, target, k, helmUnavailable(ctx, statusRun));
    await tlsFromSecrets(ctx, s, target, k);
  })();
  await Promise.all([logRuns, releaseAndTls, serviceRange(ctx, s, target, k), chartRepo(ctx, s, h)]);
  releaseValuesFile(ctx, s, target);
  const shown = (mine ?? []).map((p) => `${p.name} ${p.phase ?? '?'}${p.ready ? '' : ' (not ready)'}`);
  if (mine) ctx.notes.push(mine.length ? `pods: ${shown.join(', ')}` : `no pods with mcp-proxy or cloudflared in namespace ${target.namespace}`);
}
