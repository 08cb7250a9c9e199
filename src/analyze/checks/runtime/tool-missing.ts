import type { CommandRecord, Snapshot, ToolName, ToolStatus } from '../../../snapshot/types.js';
import type { Check, Observation, Severity } from '../../types.js';
import { evidence } from '../../evidence.js';
import { commandLine } from '../../../fixes/describe.js';

const TOOLS: ToolName[] = ['docker', 'compose', 'kubectl', 'helm'];
const TOOL_OF: Record<string, ToolName> = { docker: 'docker', 'docker-compose': 'compose', kubectl: 'kubectl', helm: 'helm' };

function toolOf(argv: string[]): ToolName {
  if (argv[0] === 'docker' && argv[1] === 'compose') return 'compose';
  return TOOL_OF[argv[0] ?? ''] ?? 'docker';
}

function observe(s: Snapshot, tool: ToolName, t: ToolStatus): Observation | undefined {
  const command = t.argv ? commandLine(t.argv) : tool;
  const kube = s.state.kube;
  const vars = {
    tool,
    command,
    message: t.message ?? t.problem ?? 'failed',
    what: t.neededFor ?? 'the deployment',
    context: kube?.context ?? s.deployment.context ?? 'the current one',
    namespace: kube?.namespace ?? s.deployment.namespace ?? '?',
    release: kube?.release ?? s.deployment.release ?? '?',
    seconds: Math.round((s.state.bounds?.timeoutMs ?? 15_000) / 1000),
  };
  const ev = [evidence(command, t.message ?? t.problem ?? 'failed')];
  const data = { tool, problem: t.problem, ...(t.argv ? { argv: t.argv } : {}) };
  if (tool === 'compose' && t.problem === 'not-found') return { id: 'runtime.tool-missing', variant: 'compose-missing', vars, evidence: ev, data };
  const variant = t.problem ?? 'failed'; // `failed` has no detail variant: the default one speaks for it
  const severity: Severity | undefined = t.problem === 'daemon-down' ? 'error' : undefined; // nothing runs without it
  return { id: 'runtime.tool-missing', variant, ...(severity ? { severity } : {}), vars, evidence: ev, data };
}

function timeoutObservation(s: Snapshot, c: CommandRecord): Observation {
  const command = commandLine(c.argv);
  const tool = toolOf(c.argv);
  return {
    id: 'runtime.tool-missing',
    variant: 'timeout',
    vars: { tool, command, message: c.error ?? 'timed out', seconds: Math.round((s.state.bounds?.timeoutMs ?? 15_000) / 1000), what: 'it', context: '?', namespace: '?', release: '?' },
    evidence: [evidence(command, c.error ?? 'timed out and was killed')],
    data: { tool, problem: 'timeout', argv: c.argv },
  };
}

export const toolMissing: Check = {
  id: 'runtime.tool-missing',
  layer: 'runtime',
  title: 'docker, Compose, kubectl and helm answer',
  needs: ['state:tools', 'state:commands'],
  emits: ['runtime.tool-missing'],
  run(s) {
    const out: Observation[] = [];
    const tools = s.state.tools ?? {};
    for (const tool of TOOLS) {
      const t = tools[tool];
      // A tool the examined deployment does not need is a note, not a finding.
      if (!t?.problem || !t.neededFor || t.problem === 'timeout') continue;
      // Without docker there is no `docker compose` either: one finding says it.
      if (tool === 'compose' && tools.docker?.problem === 'not-found') continue;
      const obs = observe(s, tool, t);
      if (obs) out.push(obs);
    }
    for (const c of s.state.commands ?? []) if (c.timedOut) out.push(timeoutObservation(s, c));
    return out;
  },
};
