// What the run could not see, and whether it saw the deployment at all (SPEC section 3: "could not see" is
// never reported as healthy). Pure over the snapshot: a deployment that was not found, a daemon or cluster
// that did not answer, a tool that hung. `blocked` means nothing of the deployment's runtime could be
// examined (exit code 2); `unseen` lists the parts that are missing, one line each.
import type { Snapshot, ToolName, ToolStatus } from '../snapshot/types.js';
import { LOG_SOURCES } from '../snapshot/types.js';

export interface Visibility {
  /** One line: what could not be examined and why, with what to do. Set when the deployment could not be examined. */
  blocked?: string;
  /** Parts that could not be seen, one line each ("container states: `docker ps` timed out after 15 s"). */
  unseen: string[];
}

/** A tool problem that leaves the deployment unseen through that tool (every call unanswered, or nothing there to ask about). */
const BLOCKING: ReadonlySet<NonNullable<ToolStatus['problem']>> = new Set(['not-found', 'daemon-down', 'permission-denied', 'cluster-unreachable', 'unauthorized', 'forbidden', 'timeout', 'release-not-found', 'namespace-not-found']);

const NEXT_STEP: Partial<Record<NonNullable<ToolStatus['problem']>, string>> = {
  'not-found': 'install it, or run this where the deployment runs',
  'daemon-down': 'start the daemon, or set DOCKER_HOST to the one that runs the tunnel',
  'permission-denied': 'run with sudo, or as a member of the docker group',
  'cluster-unreachable': 'check the kube context, KUBECONFIG and your VPN, or pass --context',
  unauthorized: 'log in to the cluster again (the credentials in KUBECONFIG were refused), or pass --context',
  forbidden: 'use credentials that may read the namespace, or pass --context',
  timeout: 'the daemon or API server does not answer; try again, or give it longer with --timeout SECONDS',
  'release-not-found': 'list the releases with `helm list -A`, then pass --release and --namespace',
  'namespace-not-found': 'list the namespaces with `kubectl get namespaces`, then pass --namespace',
};

function toolLine(name: ToolName, t: ToolStatus): string {
  const said = (t.message ?? t.problem ?? 'failed').replace(/\s+/g, ' ').slice(0, 200);
  return `${name}: ${said}`;
}

/** The needed tools whose problem stops every call (the deployment's own tools only). */
function blockingTools(s: Snapshot): [ToolName, ToolStatus][] {
  const tools = Object.entries(s.state.tools ?? {}) as [ToolName, ToolStatus][];
  return tools.filter(([, t]) => t.neededFor && t.problem && BLOCKING.has(t.problem));
}

function anyLog(s: Snapshot): boolean {
  return LOG_SOURCES.some((src) => (s.logs[src]?.text ?? '').trim() !== '');
}

function hasDeploymentFiles(s: Snapshot): boolean {
  return Object.values(s.deployment.paths).some((p) => p !== undefined && s.files[p] !== undefined && !s.files[p]!.error);
}

/** `could not examine <what> (<the tool's words>); <next step>`: the first blocking tool of `prefer`, else any. */
function couldNotExamine(what: string, tools: [ToolName, ToolStatus][], prefer: ToolName, fallback: string): string {
  const why = tools.find(([n]) => n === prefer) ?? tools[0];
  const reason = why ? toolLine(why[0], why[1]) : fallback;
  const next = why ? NEXT_STEP[why[1].problem!] : undefined;
  return `could not examine ${what} (${reason})${next ? `; ${next}` : ''}`;
}

function unseenParts(s: Snapshot): string[] {
  const out: string[] = [];
  for (const src of LOG_SOURCES) {
    const log = s.logs[src];
    if (log?.error && !log.text.trim()) out.push(`logs of ${src}: ${log.error}`);
  }
  const hung = (s.state.commands ?? []).filter((c) => c.timedOut);
  if (hung.length) out.push(`${hung.length} command(s) did not answer and were killed: ${hung.slice(0, 3).map((c) => `\`${c.argv.slice(0, 4).join(' ')}\``).join(', ')}${hung.length > 3 ? ', …' : ''}`);
  return out;
}

export function visibilityOf(s: Snapshot): Visibility {
  if (s.origin === 'demo') return { unseen: [] };
  const unseen = unseenParts(s);
  const live = s.origin === 'live';
  const d = s.deployment;
  if (d.kind === 'unknown' && !hasDeploymentFiles(s) && !anyLog(s)) {
    return {
      blocked: `no MCP tunnel deployment found (${d.how}); run it in the deployment's folder (where docker-compose.yaml is), pass --dir DIR, or --kube for the Helm release`,
      unseen,
    };
  }
  // Tools were asked (a live gather records them); a snapshot made without asking them (a hand-made one) says nothing here.
  if (!live || s.state.tools === undefined) return { unseen };
  const tools = blockingTools(s);
  for (const [name, t] of tools) unseen.unshift(`${name === 'kubectl' || name === 'helm' ? 'the release' : 'the containers'}: ${toolLine(name, t)}`);
  if (d.kind === 'compose') {
    // Without the container list nothing about the runtime is known: states, logs, restarts.
    if (s.state.containers === undefined && !anyLog(s)) {
      return { blocked: couldNotExamine(`the containers of ${d.project ? `Compose project ${d.project}` : 'the Compose project'}`, tools, 'docker', 'the container list could not be read'), unseen };
    }
  }
  if (d.kind === 'helm') {
    const noNamespace = tools.find(([, t]) => t.problem === 'namespace-not-found');
    if (noNamespace) return { blocked: `the namespace was not found (${toolLine(noNamespace[0], noNamespace[1])}); ${NEXT_STEP['namespace-not-found']}`, unseen };
    const missing = tools.find(([, t]) => t.problem === 'release-not-found');
    if (missing) return { blocked: `the Helm release was not found (${toolLine(missing[0], missing[1])}); ${NEXT_STEP['release-not-found']}`, unseen };
    if (s.state.kube?.pods === undefined && !anyLog(s)) {
      return { blocked: couldNotExamine("the release's pods", tools, 'kubectl', 'the pods could not be listed'), unseen };
    }
  }
  return { unseen };
}
