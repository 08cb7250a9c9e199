// Live gathering for a Compose deployment: which Compose (v2 plugin or v1 docker-compose), the project's
// containers (state, exit code, restarts, user, mounts, network, start time, IP, ports) and the logs of
// cloudflared, mcp-proxy and setup within the --tail / --since bounds. Independent commands run at once.
import type { ContainerState, LogSource, Snapshot, SnapshotLog } from '../snapshot/types.js';
import { LOG_SOURCES } from '../snapshot/types.js';
import { composeModel, serviceFor } from '../analyze/compose-model.js';
import { isScalar, isSeq } from 'yaml';
import { redact } from '../snapshot/redact.js';
import { composeCommands, type ComposeTarget, type LogBounds } from './compose-commands.js';
import { composeProjectName } from './compose-project.js';
import { mergeContainer, mergeTimestamped, parseInspect, parsePs, type PsRow } from './compose-parse.js';
import { displayArgv, runStep, type GatherContext } from './context.js';
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

function logOf(argv: string[], r: RunResult, text: string): SnapshotLog {
  const clean = redact(text);
  const log: SnapshotLog = { text: clean, origin: displayArgv(argv) };
  if (clean !== text) log.redacted = true;
  if (r.truncated) log.truncated = true;
  if (r.exitCode !== 0 && !r.truncated) log.error = r.error ?? `exited with code ${r.exitCode}`;
  return log;
}

/** Role of a container: the Compose service it belongs to, matched against the file's roles. */
function roleOf(service: string | undefined, target: ComposeTarget): LogSource | undefined {
  return LOG_SOURCES.find((role) => target.services[role] === service);
}

export async function gatherCompose(ctx: GatherContext, s: Snapshot, dir: string): Promise<void> {
  const target = composeTarget(s, ctx.notes);
  const bounds: LogBounds = { tail: ctx.tail, ...(ctx.opts.since ? { since: ctx.opts.since } : {}) };
  const tools = (s.state.tools ??= {});

  // Round 1: the docker CLI and daemon, and which Compose answers (both asked at once: v1 hosts save a round).
  const [docker, v2, v1] = await Promise.all([
    runStep(ctx, composeCommands.dockerVersion(), { id: 'docker version', tool: 'docker' }),
    runStep(ctx, composeCommands.composeV2Version(), { id: 'docker compose version', expected: () => true }),
    runStep(ctx, composeCommands.composeV1Version(), { id: 'docker-compose version', expected: () => true }),
  ]);
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
  if (isBlocking(dockerProblem)) {
    ctx.notes.push(`docker: ${dockerProblem!.message}; container states and logs were not gathered`);
    return;
  }

  // Round 2: the project's containers (and, on v2, the logs, which need only the service names).
  const pluginV2 = s.deployment.composeFlavor === 'v2';
  const v2Logs: Partial<Record<LogSource, SnapshotLog>> = {};
  const labelLogs: Partial<Record<LogSource, SnapshotLog>> = {};
  const logRuns: Promise<void>[] = [];
  const collectV2Log = async (role: LogSource, service: string) => {
    const argv = composeCommands.logsV2(target, service, bounds);
    const r = await runStep(ctx, argv, { id: `logs ${role}`, cwd: dir, tool: 'compose', expected: minorFailure });
    if (r.stdout.trim() || r.exitCode !== 0) v2Logs[role] = logOf(argv, r, r.stdout);
  };
  if (pluginV2) for (const role of LOG_SOURCES) if (target.services[role]) logRuns.push(collectV2Log(role, target.services[role]!));

  let rows: PsRow[] = [];
  // Whether the project's containers were really listed: a list that hung or failed is unknown, not empty.
  let listed = false;
  let byLabel = !pluginV2;
  if (pluginV2) {
    const argv = composeCommands.psV2(target);
    const r = await runStep(ctx, argv, { id: 'compose ps', cwd: dir, tool: 'compose' });
    const parsed = parsePs(r.stdout);
    rows = parsed.rows;
    listed = answered(r);
    if (parsed.bad) ctx.notes.push(`\`${displayArgv(argv)}\`: ${parsed.bad} line(s) were not JSON and were skipped`);
    s.deployment.project = rows.find((row) => row.project)?.project ?? composeProjectName(s, dir, ctx.env, 'v2').name;
    // Compose refuses a file it cannot load; docker still knows the containers by their labels.
    if (r.exitCode !== 0 && !r.timedOut && !isBlocking(classifyFailure('compose', r))) {
      byLabel = true;
      ctx.notes.push(`\`${displayArgv(argv)}\` failed (${firstLine(r.stderr) || `exit code ${r.exitCode}`}); the containers were listed by their Compose label instead`);
    }
  }
  if (byLabel) {
    const project = composeProjectName(s, dir, ctx.env, s.deployment.composeFlavor ?? 'v1');
    const problem = nameProblem('project', project.name);
    if (problem) {
      ctx.notes.push(`the Compose project name from ${project.source} is not usable (${problem}); containers were not listed`);
      await Promise.all(logRuns);
      Object.assign(s.logs, v2Logs);
      return;
    }
    s.deployment.project = project.name;
    ctx.notes.push(`Compose project ${project.name} (from ${project.source})`);
    const r = await runStep(ctx, composeCommands.psByLabel(project.name), { id: 'docker ps', tool: 'docker' });
    rows = parsePs(r.stdout).rows;
    listed = answered(r);
  }

  // Round 3: inspect every container at once; by label, each role's containers' logs come from `docker logs`.
  const ids = rows.map((row) => row.id).filter((id) => !nameProblem('container', id));
  const inspectRun = ids.length
    ? runStep(ctx, composeCommands.inspect(ids), { id: 'docker inspect', tool: 'docker', expected: minorFailure })
    : Promise.resolve(undefined);
  if (byLabel) {
    for (const role of LOG_SOURCES) {
      const service = target.services[role];
      const mine = rows.filter((row) => row.service === service && !nameProblem('container', row.name)).sort(byOwnThenName);
      if (!service || mine.length === 0) continue;
      logRuns.push(
        (async () => {
          const parts = await Promise.all(
            mine.map(async (row) => {
              const argv = composeCommands.dockerLogs(row.name, bounds);
              const r = await runStep(ctx, argv, { id: `logs ${row.name}`, tool: 'docker', expected: minorFailure });
              return { argv, r };
            }),
          );
          const text = parts.map(({ r }) => mergeTimestamped(r.stdout, r.stderr)).join('');
          const failed = parts.find(({ r }) => r.exitCode !== 0);
          const log = logOf(parts[0]!.argv, failed?.r ?? parts[0]!.r, text);
          if (parts.length > 1) log.origin = parts.map(({ argv }) => displayArgv(argv)).join(' + ');
          if (log.text.trim() || log.error) labelLogs[role] = log;
        })(),
      );
    }
  }
  const inspected = parseInspect((await inspectRun)?.stdout ?? '');
  if (inspected.length) ctx.redactions.push({ path: 'state/state.json#containers', what: 'docker inspect: environment variable names only (their values, the tunnel token among them, are dropped when gathered); the command line is not kept' });
  await Promise.all(logRuns);
  for (const role of LOG_SOURCES) {
    const log = labelLogs[role]?.text.trim() ? labelLogs[role] : (v2Logs[role] ?? labelLogs[role]);
    if (log) s.logs[role] = log;
  }

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

function byOwnThenName(a: PsRow, b: PsRow): number {
  return Number(a.oneOff ?? false) - Number(b.oneOff ?? false) || a.name.localeCompare(b.name);
}

const answered = (r: RunResult) => r.exitCode === 0 && !r.timedOut;

/** Log and inspect failures count against the tool only when they would stop every call. */
const minorFailure = (r: RunResult): boolean => !isBlocking(classifyFailure('docker', r));
