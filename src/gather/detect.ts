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
import { kubeCommands, type KubeTarget } from './kube-commands.js';
import { isValidName, nameProblem } from './names.js';
import { quote, type RunResult } from './run.js';

export const DEFAULT_RELEASE = 'mcp-tunnel';
export const DEFAULT_NAMESPACE = 'mcp-tunnel';

/** The release to look at; undefined (with a note) when a name would not be safe to pass on. */
function kubeTargetOf(ctx: GatherContext): KubeTarget | undefined {
  const { namespace = DEFAULT_NAMESPACE, release = DEFAULT_RELEASE, context } = ctx.opts;
  // The command line checks these already; the wizard and other callers pass them here directly.
  const problem = nameProblem('namespace', namespace) ?? nameProblem('release', release) ?? (context ? nameProblem('context', context) : undefined);
  if (problem) {
    ctx.notes.push(`Kubernetes was not examined: ${problem}`);
    return undefined;
  }
  return { namespace, release, ...(context ? { context } : {}) };
}

function explicitKube(ctx: GatherContext): string | undefined {
  const o = ctx.opts;
  const named = [o.kube && '--kube', o.release && '--release', o.namespace && '--namespace', o.context && '--context'].filter(Boolean);
  return named.length ? named.join(', ') : undefined;
}

/** kubectl / helm versions and the context in use, concurrently with whatever else runs. */
async function kubeTools(ctx: GatherContext, s: Snapshot, target: KubeTarget): Promise<void> {
  const [helm, kubectl, current] = await Promise.all([
    runStep(ctx, kubeCommands.helmVersion(), { id: 'helm version', tool: 'helm' }),
    runStep(ctx, kubeCommands.kubectlVersion(), { id: 'kubectl version', tool: 'kubectl' }),
    target.context ? Promise.resolve(undefined) : runStep(ctx, kubeCommands.currentContext(), { id: 'kubectl config current-context', expected: () => true }),
  ]);
  const tools = (s.state.tools ??= {});
  if (helm.exitCode === 0) tools.helm = { present: true, version: quote(helm.stdout) };
  if (kubectl.exitCode === 0) {
    try {
      const v = JSON.parse(kubectl.stdout) as { clientVersion?: { gitVersion?: string } };
      tools.kubectl = { present: true, version: quote(v.clientVersion?.gitVersion ?? '?') };
    } catch {
      tools.kubectl = { present: true };
    }
  }
  const kube = (s.state.kube ??= {});
  const ctxName = target.context ?? (current?.exitCode === 0 ? current.stdout.trim() : undefined);
  if (ctxName && isValidName('context', ctxName)) kube.context = ctxName;
  kube.kubeconfig = ctx.env.KUBECONFIG || join(homedir(), '.kube', 'config');
}

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
    await Promise.all([kubeTools(ctx, s, target), gatherKube(ctx, s, target)]);
    setHelm(s, target, `named with ${named}`);
    markNeeded(s, ['kubectl', 'helm'], 'the Helm release');
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
  // Nothing named and no Compose file: look for the documented release.
  if (!target) return;
  let status: RunResult | undefined;
  await Promise.all([
    kubeTools(ctx, s, target),
    runStep(ctx, kubeCommands.helmStatus(target), { id: 'helm status', tool: 'helm', expected: releaseMissing }).then((r) => (status = r)),
  ]);
  const found = status !== undefined && applyHelmStatus((s.state.kube ??= {}), status);
  if (found) {
    await gatherKube(ctx, s, target, status);
    setHelm(s, target, `found with \`helm status ${target.release} -n ${target.namespace}\``);
    markNeeded(s, ['kubectl', 'helm'], 'the Helm release');
    return;
  }
  const why = status && releaseMissing(status) ? `no release ${target.release} in namespace ${target.namespace}` : ctx.problems.helm?.message ?? 'helm did not answer';
  if (s.deployment.kind === 'helm') {
    // values.yaml in the folder but the release could not be read: the tools are the problem.
    s.deployment.how = `${s.deployment.paths.values} in ${dir}; the release could not be read (${why})`;
    markNeeded(s, ['kubectl', 'helm'], 'the Helm release');
    if (status && releaseMissing(status)) ctx.problems.helm ??= { present: true, problem: 'release-not-found', message: `Error: release: not found (${target.release} in namespace ${target.namespace})`, argv: status.argv };
    return;
  }
  s.deployment.how = `no Compose file in ${dir}, and no Helm release found (${why})`;
}

function setHelm(s: Snapshot, target: KubeTarget, how: string): void {
  s.deployment.kind = 'helm';
  s.deployment.release = target.release;
  s.deployment.namespace = target.namespace;
  const context = s.state.kube?.context;
  if (context) s.deployment.context = context;
  s.deployment.how = describeKube(target, s.state.kube, how);
}

function markNeeded(s: Snapshot, tools: ('docker' | 'compose' | 'kubectl' | 'helm')[], what: string): void {
  const all = (s.state.tools ??= {});
  for (const t of tools) all[t] = { ...(all[t] ?? ({ present: true } as ToolStatus)), neededFor: what };
}
