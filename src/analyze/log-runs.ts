// Which run of its container a log line belongs to. `docker compose restart` (and a pod's restart) keeps the
// log: lines written before the container's current run started (Docker's State.StartedAt, the pod
// container's startedAt) describe a process that is gone. They are history: shown as such, never an error now.
// A line's time is the runtime's stamp (`--timestamps`, full precision) when there is one, else its own.
import type { ContainerState, Snapshot } from '../snapshot/types.js';
import type { LogSource } from '../snapshot/types.js';
import type { LogHit } from '../signatures/log-index.js';
import { normalizeLine } from '../signatures/normalize.js';
import { crashLoopUpSeconds, roleContainers } from './containers.js';

/** A time with an explicit zone, as milliseconds, and how precise it is (a time in whole seconds spans one). */
export function instantOf(text: string | undefined): { ms: number; precision: number } | undefined {
  if (!text || !/(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined; // a time without a zone cannot be placed
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return undefined;
  return { ms, precision: /T\d{2}:\d{2}:\d{2}\.\d/.test(text) ? 1 : 1000 };
}

/** The container that wrote a line: the pod or container its prefix names, else the role's only one. */
export function containerOfHit(s: Snapshot, hit: LogHit): ContainerState | undefined {
  const candidates = roleContainers(s, hit.log);
  const origin = hit.record.origin;
  if (origin) {
    const byPod = candidates.find((c) => c.pod === origin);
    if (byPod) return byPod;
    const byName = candidates.find((c) => c.name === origin || c.name.endsWith(`-${origin}`) || c.name.endsWith(`_${origin}`));
    if (byName) return byName;
  }
  return candidates.length === 1 ? candidates[0] : undefined;
}

export interface RunStart {
  container: ContainerState;
  /** As Docker or Kubernetes gave it. */
  startedAt: string;
  /** Lines before this are history: the current run's start, or for a crash loop the start of the loop's latest runs. */
  ms: number;
  /** A crash loop: the latest runs, not only the current one, are the present. */
  loop?: boolean;
}

/**
 * How far back a crash loop's present reaches before its current run: Docker's restart back-off doubles up
 * to one minute (the kubelet's to five), so the run before the current one started at most that long
 * before it. Its lines are the present failure too, whichever of the two runs the gather read last.
 */
const LOOP_REACH_MS = { docker: 90_000, kube: 6 * 60_000 };

/** Where the container's present begins in its log, when its start is known. */
export function currentRunOf(s: Snapshot, c: ContainerState | undefined): RunStart | undefined {
  if (!c?.startedAt) return undefined;
  const start = instantOf(c.startedAt);
  if (!start) return undefined;
  // Restarting (or waiting to, in a pod), or restarted by its policy and up only moments (caught between two
  // crashes; a manual restart, as a fix runs, resets Docker's count): the loop is the present.
  const looping = (c.state !== 'running' && c.state !== 'exited' && c.state !== 'terminated') || crashLoopUpSeconds(s, c, 1) !== undefined;
  if (looping) return { container: c, startedAt: c.startedAt, ms: start.ms - (c.pod ? LOOP_REACH_MS.kube : LOOP_REACH_MS.docker), loop: true };
  return { container: c, startedAt: c.startedAt, ms: start.ms };
}

/** The run start a hit was logged before, when it was: the hit is history. */
export function historyOf(s: Snapshot, hit: LogHit): RunStart | undefined {
  const run = currentRunOf(s, containerOfHit(s, hit));
  const at = instantOf(hit.record.stamp ?? hit.record.time);
  if (!run || !at) return undefined;
  return at.ms + at.precision <= run.ms ? run : undefined;
}

export interface RunSplit {
  /** Lines of the containers' current runs (or that cannot be placed). */
  current: LogHit[];
  /** Lines logged before their container's current run began. */
  history: LogHit[];
  /** The current run each history line predates, by hit. */
  runs: Map<LogHit, RunStart>;
}

export function splitByRun(s: Snapshot, hits: readonly LogHit[]): RunSplit {
  const split: RunSplit = { current: [], history: [], runs: new Map() };
  for (const hit of hits) {
    const run = historyOf(s, hit);
    if (run) {
      split.history.push(hit);
      split.runs.set(hit, run);
    } else split.current.push(hit);
  }
  return split;
}

/** `mcp-proxy (started 2026-11-28T03:59:52Z)`: the runs a set of history lines predate, in words. */
export function runWords(runs: Iterable<RunStart>): string {
  const seen = new Map<string, RunStart>();
  for (const r of runs) seen.set(`${r.container.pod ?? ''}/${r.container.name}`, r);
  return [...seen.values()].map((r) => `${r.container.pod ? `${r.container.pod}/` : ''}${r.container.service} (${r.loop ? `crash-looping; its latest run started ${r.startedAt}` : `current run started ${r.startedAt}`})`).join(', ');
}

/**
 * How many lines of a role's log belong to its containers' current runs (all non-empty lines when no run
 * start is known): verify waits for a restarted service to say something in its new run.
 */
export function linesInCurrentRun(s: Snapshot, role: LogSource): number {
  const lines = (s.logs[role]?.text ?? '').split('\n').filter((l) => l.trim() !== '');
  const starts = roleContainers(s, role).map((c) => instantOf(c.startedAt)?.ms).filter((ms): ms is number => ms !== undefined);
  if (starts.length === 0) return lines.length;
  const from = Math.min(...starts);
  return lines.filter((l) => {
    const n = normalizeLine(l);
    const at = instantOf(n.stamp ?? n.time);
    return !at || at.ms + at.precision > from;
  }).length;
}
