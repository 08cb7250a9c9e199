// Which deployment to examine, and how it was found: a Helm release named on the command line (--kube,
// --release, --namespace, --context), else a Compose project in --dir, else a release found with
// `helm status mcp-tunnel -n mcp-tunnel`. Then the tools it needs, gathered concurrently.
import { composeProjectName } from './compose-project.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot, ToolStatus } from '../snapshot/types.js';
import { runStep, type GatherContext } from './context.js';
import { gatherCompose } from './compose.js';
import { applyHelmStatus, gatherKube, releaseMissing } from './kube.js';
import { parseReleaseSecrets } from './kube-parse.js';
import { isBlocking } from './tool-errors.js';
import { kubeCommands, type KubeTarget } from './kube-commands.js';
import { isValidName, nameProblem } from './names.js';
import { quote, type RunResult } from './run.js';

export const DEFAULT_RELEASE = 'mcp-tunnel';
export const DEFAULT_NAMESPACE = 'mcp-tunnel';

/**
 * kubectl's per-request limit, so kubectl names a dead API server itself before the command is killed: for
 * the first call (`share` 2) the gcloud dispatcher's own /version and kubectl's request each get half of
 * `--timeout` less 3 s of slack for starting two processes; later calls get `--timeout` less 1 s.
 */
export function requestTimeoutFor(timeoutMs: number, share = 1): string {
  const slack = share > 1 ? 3 : 1;
  return `${Math.max(1, Math.floor((timeoutMs / 1000 - slack) / share))}s`;
}

/** The release to look at; undefined (with a note) when a name would not be safe to pass on. */
function kubeTargetOf(ctx: GatherContext): KubeTarget | undefined {
  const { namespace = DEFAULT_NAMESPACE, release = DEFAULT_RELEASE, context } = ctx.opts;
  // The command line checks these already; the wizard and other callers pass them here directly.
  const problem = nameProblem('namespace', namespace) ?? nameProblem('release', release) ?? (context ? nameProblem('context', context) : undefined);
  if (problem) {
    ctx.notes.push(`Kubernetes was not examined: ${problem}`);
    return undefined;
  }
  return { namespace, release, ...(context ? { context } : {}), requestTimeout: requestTimeoutFor(ctx.opts.timeoutMs) };
}

function explicitKube(ctx: GatherContext): string | undefined {
  const o = ctx.opts;
  const named = [o.kube && '--kube', o.release && '--release', o.namespace && '--namespace', o.context && '--context'].filter(Boolean);
  return named.length ? named.join(', ') : undefined;
}

/**
 * kubectl (client and API server) and helm versions and the context in use, concurrently with `also`. The
 * version call is the first to reach the API server, with half the time each for the dispatcher's own
 * /version and kubectl's, so a dead server is named by kubectl before the call is killed.
 */
async function kubeTools(ctx: GatherContext, s: Snapshot, target: KubeTarget): Promise<void> {
  const versionTarget = { ...target, requestTimeout: requestTimeoutFor(ctx.opts.timeoutMs, 2) };
  const [helm, kubectl, current] = await Promise.all([
    runStep(ctx, kubeCommands.helmVersion(), { id: 'helm version', tool: 'helm' }),
    runStep(ctx, kubeCommands.kubectlVersion(versionTarget), { id: 'kubectl version', tool: 'kubectl' }),
    target.context ? Promise.resolve(undefined) : runStep(ctx, kubeCommands.currentContext(), { id: 'kubectl config current-context', expected: () => true }),
  ]);
  const tools = (s.state.tools ??= {});
  if (helm.exitCode === 0) tools.helm = { present: true, version: quote(helm.stdout) };
  // kubectl prints its own version even when the server does not answer.
  let v: { clientVersion?: { gitVersion?: string }; serverVersion?: { gitVersion?: string } } | undefined;
  try {
    v = JSON.parse(kubectl.stdout) as typeof v;
  } catch {
    v = undefined;
  }
  if (!kubectl.notFound) tools.kubectl = { ...tools.kubectl, present: true, ...(v?.clientVersion?.gitVersion ? { version: quote(v.clientVersion.gitVersion) } : {}) };
  const kube = (s.state.kube ??= {});
  if (v?.serverVersion?.gitVersion) kube.serverVersion = v.serverVersion.gitVersion;
  const ctxName = target.context ?? (current?.exitCode === 0 ? current.stdout.trim() : undefined);
  if (ctxName && isValidName('context', ctxName)) kube.context = ctxName;
  kube.kubeconfig = ctx.env.KUBECONFIG || join(homedir(), '.kube', 'config');
}

/** kubectl cannot reach the cluster at all: every later kubectl call would fail the same way. */
const kubectlBlocked = (ctx: GatherContext) => isBlocking(ctx.problems.kubectl);

function describeKube(target: KubeTarget, kube: Snapshot['state']['kube'], how: string): string {
  const context = kube?.context ? `context ${kube.context}; ` : '';
  return `Helm release ${target.release} in namespace ${target.namespace}, ${how} (${context}KUBECONFIG ${kube?.kubeconfig ?? '~/.kube/config'})`;
}

/** Live gathering after the files: detect, then gather what the deployment's tools can show. */
export async function gatherLive(ctx: GatherContext, s: Snapshot, dir: string): Promise<void> {
  const named = explicitKube(ctx);
  const target = kubeTargetOf(ctx);
  if (named && !target) return;
  if (named && target) {
    if (s.deployment.paths.compose) ctx.notes.push(`${s.deployment.paths.compose} in ${dir} was not examined: ${named} asks for the Helm release`);
    await kubeTools(ctx, s, target);
    if (!kubectlBlocked(ctx)) await gatherKube(ctx, s, target);
    else ctx.notes.push(`Kubernetes: nothing more was asked (kubectl: ${ctx.problems.kubectl?.message ?? ctx.problems.kubectl?.problem})`);
    setHelm(s, target, `named with ${named}`);
    markNeeded(s, helmNeeded(ctx, s) ? ['kubectl', 'helm'] : ['kubectl'], 'the Helm release');
    return;
  }
  if (s.deployment.paths.compose) {
    await gatherCompose(ctx, s, dir);
    // Without a Compose CLI the name is still Compose's own rule (COMPOSE_PROJECT_NAME, `name:`, the folder).
    s.deployment.project ??= composeProjectName(s, dir, ctx.env, s.deployment.composeFlavor ?? 'v2').name;
    const flavor = s.deployment.composeFlavor === 'v2' ? 'docker compose (v2)' : s.deployment.composeFlavor === 'v1' ? 'docker-compose (v1)' : 'no Compose CLI found';
    s.deployment.how = `Compose project ${s.deployment.project ?? '?'}: ${s.deployment.paths.compose} in ${dir}, examined with ${flavor}`;
    markNeeded(s, ['docker', 'compose'], 'the Compose deployment');
    return;
  }
  // Nothing named and no Compose file: look for the documented release, with helm, else by its Secrets.
  if (!target) return;
  let status: RunResult | undefined;
  await Promise.all([
    kubeTools(ctx, s, target),
    runStep(ctx, kubeCommands.helmStatus(target), { id: 'helm status', tool: 'helm', expected: releaseMissing }).then((r) => (status = r)),
  ]);
  const found = status !== undefined && applyHelmStatus((s.state.kube ??= {}), status);
  if (found) {
    await gatherKube(ctx, s, target, { status });
    setHelm(s, target, `found with \`helm status ${target.release} -n ${target.namespace}\``);
    markNeeded(s, ['kubectl', 'helm'], 'the Helm release');
    return;
  }
  // helm missing or failing: the release's Secrets say whether there is one (their labels; no value read).
  let secrets: RunResult | undefined;
  if (status && !releaseMissing(status) && !kubectlBlocked(ctx)) {
    secrets = await runStep(ctx, kubeCommands.secretKeys(target), { id: 'kubectl get secrets (key names)', tool: 'kubectl' });
    if (secrets.exitCode === 0 && parseReleaseSecrets(secrets.stdout, target.release).length) {
      await gatherKube(ctx, s, target, { status, secrets });
      setHelm(s, target, `found by its release Secrets in namespace ${target.namespace} (${status.notFound ? 'helm is not on PATH' : 'helm failed'})`);
      markNeeded(s, helmNeeded(ctx, s) ? ['kubectl', 'helm'] : ['kubectl'], 'the Helm release');
      return;
    }
  }
  const why = status && releaseMissing(status)
    ? `no release ${target.release} in namespace ${target.namespace}`
    : secrets?.exitCode === 0
      ? `no release Secret sh.helm.release.v1.${target.release}.v* in namespace ${target.namespace}${status?.notFound ? '; helm is not on PATH' : ''}`
      : ctx.problems.helm?.message ?? 'helm did not answer';
  if (s.deployment.kind === 'helm') {
    // values.yaml in the folder but the release could not be read: the tools are the problem.
    s.deployment.how = `${s.deployment.paths.values} in ${dir}; the release could not be read (${why})`;
    markNeeded(s, ['kubectl', 'helm'], 'the Helm release');
    if (status && releaseMissing(status)) ctx.problems.helm ??= { present: true, problem: 'release-not-found', message: `Error: release: not found (${target.release} in namespace ${target.namespace})`, argv: status.argv };
    return;
  }
  s.deployment.how = `no Compose file in ${dir}, and no Helm release found (${why})`;
}

/**
 * helm is needed unless it is not installed and the release was read without it (then its absence is a note:
 * only the fixes need it). An installed helm that fails stays a finding: the fixes that run it would fail too.
 */
function helmNeeded(ctx: GatherContext, s: Snapshot): boolean {
  return !(s.state.kube?.helm?.source === 'secret' && ctx.problems.helm?.problem === 'not-found');
}

function setHelm(s: Snapshot, target: KubeTarget, how: string): void {
  s.deployment.kind = 'helm';
  s.deployment.release = target.release;
  s.deployment.namespace = target.namespace;
  const context = s.state.kube?.context;
  if (context) s.deployment.context = context;
  s.deployment.how = describeKube(target, s.state.kube, how);
  const helm = s.state.kube?.helm;
  if (helm?.source === 'secret') s.deployment.how += `; release record read from its Secret ${helm.secret} with kubectl (no working helm)`;
}

function markNeeded(s: Snapshot, tools: ('docker' | 'compose' | 'kubectl' | 'helm')[], what: string): void {
  const all = (s.state.tools ??= {});
  for (const t of tools) all[t] = { ...(all[t] ?? ({ present: true } as ToolStatus)), neededFor: what };
}
