// Live gathering for a Compose deployment: which Compose (v2 plugin or v1 docker-compose), the project's
// containers (state, exit code, restarts, user, mounts, network, start time, IP, ports) and the logs of
// cloudflared, mcp-proxy and setup within the --tail / --since bounds. Independent commands run at once
// (through the context's pool); each log keeps its newest lines, within the log budget.
import type { ContainerState, LogSource, Snapshot } from '../snapshot/types.js';
import { LOG_SOURCES } from '../snapshot/types.js';
import { composeModel, serviceFor } from '../analyze/compose-model.js';
import { isScalar, isSeq } from 'yaml';
import { composeCommands, type ComposeTarget, type LogBounds } from './compose-commands.js';
import { composeProjectName } from './compose-project.js';
import { mergeContainer, mergeTimestamped, parseInspect, parsePs, type PsRow } from './compose-parse.js';
import { displayArgv, noteProblem, runStep, type GatherContext } from './context.js';
import { ProgressGroup } from './events.js';
import { hasText, keepLog, logOfParts, logReadNote, stdoutOf, type GatheredPart } from './gathered-log.js';
import { classifyFailure, isBlocking } from './tool-errors.js';
import { nameProblem } from './names.js';
import { firstLine, quote, type RunResult } from './run.js';

/** The Compose file's view of the deployment: role -> service, the setup service's profiles. */
export function composeTarget(s: Snapshot, notes: string[]): ComposeTarget {
  const model = composeModel(s);
  const services: ComposeTarget['services'] = {};
  for (const role of LOG_SOURCES) {
    const svc = serviceFor(model, role);
    if (!svc) continue;
    const problem = nameProblem('service', svc.name);
    if (problem) notes.push(`skipped the ${role} service: ${problem}`);
    else services[role] = svc.name;
  }
  const profiles: string[] = [];
  const setup = serviceFor(model, 'setup');
  const node = setup?.node.get('profiles', true);
  if (isSeq(node)) {
    for (const item of node.items) {
      const p = isScalar(item) ? String(item.value) : '';
      if (p && !nameProblem('service', p)) profiles.push(p);
    }
  }
  return { composeFile: s.deployment.paths.compose, profiles, services };
}

function versionOf(r: RunResult): { client?: string; server?: string } {
  try {
    const v = JSON.parse(r.stdout) as { Client?: { Version?: string }; Server?: { Version?: string; Components?: { Name?: string; Version?: string }[] } | null };
    const engine = v.Server?.Components?.find((c) => c.Name === 'Engine')?.Version ?? v.Server?.Version;
    return { client: v.Client?.Version === undefined ? undefined : quote(String(v.Client.Version)), server: engine === undefined ? undefined : quote(String(engine)) };
  } catch {
    return {};
  }
}

/** Role of a container: the Compose service it belongs to, matched against the file's roles. */
function roleOf(service: string | undefined, target: ComposeTarget): LogSource | undefined {
  return LOG_SOURCES.find((role) => target.services[role] === service);
}

export async function gatherCompose(ctx: GatherContext, s: Snapshot, dir: string): Promise<void> {
  const target = composeTarget(s, ctx.notes);
  const bounds: LogBounds = { tail: ctx.tail, ...(ctx.opts.since ? { since: ctx.opts.since } : {}) };
  const tools = (s.state.tools ??= {});

  // Round 1, all at once: the docker CLI and daemon, which Compose answers, and, betting on the v2 plugin
  // (most hosts have it), the project's containers and logs through it: none of them waits on another's
  // answer. They are judged once the version says v2; a v1-only host answers them at once with an error,
  // which is dropped. The versions are started first: they decide what the rest means.
  const versions = Promise.all([
    runStep(ctx, composeCommands.composeV2Version(), { id: 'docker compose version', expected: () => true }),
    runStep(ctx, composeCommands.dockerVersion(), { id: 'docker version', tool: 'docker' }),
    runStep(ctx, composeCommands.composeV1Version(), { id: 'docker-compose version', expected: () => true }),
  ]);
  const psV2Argv = composeCommands.psV2(target);
  const psV2 = runStep(ctx, psV2Argv, { id: 'compose ps', cwd: dir });
  const logsV2 = LOG_SOURCES.flatMap((role) => {
    const service = target.services[role];
    if (!service) return [];
    const argv = composeCommands.logsV2(target, service, bounds);
    return [runStep(ctx, argv, { id: `logs ${role}`, cwd: dir, log: true }).then((r) => ({ role, argv, r }))];
  });
  const [v2, docker, v1] = await versions;
  const dv = versionOf(docker);
  const dockerProblem = ctx.problems.docker;
  tools.docker = dockerProblem
    ? { ...dockerProblem, neededFor: 'the Compose deployment', ...(dv.client ? { version: dv.client } : {}) }
    : { present: true, version: `${dv.client ?? '?'}${dv.server ? ` (daemon ${dv.server})` : ''}`, neededFor: 'the Compose deployment' };

  const alsoV1 = v1.exitCode === 0 ? `; docker-compose ${quote(v1.stdout)} is installed too` : '';
  if (v2.exitCode === 0) {
    s.deployment.composeFlavor = 'v2';
    tools.compose = { present: true, version: `docker compose ${quote(v2.stdout)}${alsoV1}` };
  } else if (v1.exitCode === 0) {
    s.deployment.composeFlavor = 'v1';
    tools.compose = { present: true, version: `docker-compose ${quote(v1.stdout)}` };
  } else {
    tools.compose = { present: false, problem: 'not-found', message: 'neither `docker compose` (v2 plugin) nor `docker-compose` (v1) answered', argv: v1.argv };
  }
  const pluginV2 = s.deployment.composeFlavor === 'v2';
  const v2Parts: Partial<Record<LogSource, GatheredPart>> = {};
  const v2Done = Promise.all(logsV2).then((runs) => {
    for (const { role, argv, r } of runs) {
      if (!pluginV2) continue;
      if (!minorFailure(r)) noteProblem(ctx, 'compose', r);
      const out = stdoutOf(r);
      if (hasText(out) || r.exitCode !== 0) v2Parts[role] = keepLog(ctx.logs, argv, r, out);
    }
  });
  if (isBlocking(dockerProblem)) {
    ctx.notes.push(`docker: ${dockerProblem!.message}; container states and logs were not gathered`);
    await Promise.all([psV2, v2Done]);
    return;
  }

  // Round 2: the project's containers (v2: already asked; v1: by their Compose label).
  let rows: PsRow[] = [];
  // Whether the project's containers were really listed: a list that hung or failed is unknown, not empty.
  let listed = false;
  let byLabel = !pluginV2;
  if (pluginV2) {
    const r = await psV2;
    noteProblem(ctx, 'compose', r);
    const parsed = parsePs(r.stdout);
    rows = parsed.rows;
    listed = answered(r);
    if (parsed.bad) ctx.notes.push(`\`${displayArgv(psV2Argv)}\`: ${parsed.bad} line(s) were not JSON and were skipped`);
    s.deployment.project = rows.find((row) => row.project)?.project ?? composeProjectName(s, dir, ctx.env, 'v2').name;
    // Compose refuses a file it cannot load; docker still knows the containers by their labels.
    if (r.exitCode !== 0 && !r.timedOut && !isBlocking(classifyFailure('compose', r))) {
      byLabel = true;
      ctx.notes.push(`\`${displayArgv(psV2Argv)}\` failed (${firstLine(r.stderr) || `exit code ${r.exitCode}`}); the containers were listed by their Compose label instead`);
    }
  } else {
    await psV2; // a v1 host's answer to the bet: not used
  }
  if (byLabel) {
    const project = composeProjectName(s, dir, ctx.env, s.deployment.composeFlavor ?? 'v1');
    const problem = nameProblem('project', project.name);
    if (problem) {
      ctx.notes.push(`the Compose project name from ${project.source} is not usable (${problem}); containers were not listed`);
      await v2Done;
      setLogs(ctx, s, (role) => (v2Parts[role] ? [v2Parts[role]!] : []));
      return;
    }
    s.deployment.project = project.name;
    ctx.notes.push(`Compose project ${project.name} (from ${project.source})`);
    const r = await runStep(ctx, composeCommands.psByLabel(project.name), { id: 'docker ps', tool: 'docker' });
    rows = parsePs(r.stdout).rows;
    listed = answered(r);
  }

  // Round 3: inspect every container at once; by label, each container's log comes from `docker logs`.
  const ids = rows.map((row) => row.id).filter((id) => !nameProblem('container', id));
  const inspectRun = ids.length
    ? runStep(ctx, composeCommands.inspect(ids), { id: 'docker inspect', tool: 'docker', expected: minorFailure })
    : Promise.resolve(undefined);
  const labelParts: Partial<Record<LogSource, GatheredPart[]>> = {};
  let labelLogs: Promise<unknown> = Promise.resolve();
  if (byLabel) {
    const mine = LOG_SOURCES.flatMap((role) => {
      const service = target.services[role];
      if (!service) return [];
      return rows.filter((row) => row.service === service && !nameProblem('container', row.name)).sort(byOwnThenName).map((row) => ({ role, row }));
    });
    const group = mine.length ? new ProgressGroup(ctx.onEvent, 'logs', 'logs', mine.length, 'containers') : undefined;
    const parts = mine.map(async ({ row }) => {
      const argv = composeCommands.dockerLogs(row.name, bounds);
      const r = await runStep(ctx, argv, { id: `logs ${row.name}`, tool: 'docker', expected: minorFailure, log: true, group });
      group?.tick(r.exitCode === 0);
      return keepLog(ctx.logs, argv, r, dockerLogOf(r));
    });
    labelLogs = Promise.all(parts).then((done) => {
      done.forEach((part, i) => (labelParts[mine[i]!.role] ??= []).push(part));
      group?.end(`${done.length} docker logs`);
    });
  }
  const inspected = parseInspect((await inspectRun)?.stdout ?? '');
  if (inspected.length) ctx.redactions.push({ path: 'state/state.json#containers', what: 'docker inspect: environment variable names only (their values, the tunnel token among them, are dropped when gathered); the command line is not kept' });
  await Promise.all([labelLogs, v2Done]);
  // By label, `docker logs` speaks for a role when it printed anything; else Compose's own answer does.
  setLogs(ctx, s, (role) => {
    const byDocker = labelParts[role] ?? [];
    if (byDocker.some((p) => hasText(p.part.data))) return byDocker;
    return v2Parts[role] ? [v2Parts[role]!] : byDocker;
  });

  const byId = new Map(inspected.map((c) => [c.id ?? '', c]));
  const byName = new Map(inspected.map((c) => [c.name, c]));
  const containers: ContainerState[] = rows.map((row) => mergeContainer(row, [...byId.entries()].find(([id]) => id.startsWith(row.id))?.[1] ?? byName.get(row.name)));
  if (!listed) {
    ctx.notes.push(`the containers of Compose project ${s.deployment.project ?? '?'} could not be listed: their states are unknown`);
    return;
  }
  s.state.containers = containers;
  const summary = containers.map((c) => `${c.name} ${c.state}${roleOf(c.service, target) ? '' : ' (not a tunnel service)'}`);
  ctx.notes.push(containers.length ? `containers: ${summary.join(', ')}` : `no containers found for Compose project ${s.deployment.project ?? '?'}`);
}

/** `docker logs` keeps a container's stdout and stderr apart: one of them as it is, or both in time order. */
function dockerLogOf(r: RunResult): Buffer | string {
  const b = r.bytes;
  if (b && b.stderr.length === 0) return b.stdout;
  if (b && b.stdout.length === 0) return b.stderr;
  return mergeTimestamped(r.stdout, r.stderr);
}

/** Every log's parts are in: cut them to the budget, then make each role's log and say what was read. */
function setLogs(ctx: GatherContext, s: Snapshot, partsOf: (role: LogSource) => GatheredPart[]): void {
  ctx.logs.finish();
  for (const role of LOG_SOURCES) {
    const log = logOfParts(partsOf(role), 'any');
    if (!log) continue;
    s.logs[role] = log;
    const note = logReadNote(role, log, ctx.logs);
    if (note) ctx.notes.push(note);
  }
}

function byOwnThenName(a: PsRow, b: PsRow): number {
  return Number(a.oneOff ?? false) - Number(b.oneOff ?? false) || a.name.localeCompare(b.name);
}

const answered = (r: RunResult) => r.exitCode === 0 && !r.timedOut;

/** Log and inspect failures count against the tool only when they would stop every call. */
const minorFailure = (r: RunResult): boolean => !isBlocking(classifyFailure('docker', r));
