// The demo's recorded container state, made to look recorded just now (so the copied files, written a day
// "earlier", predate the containers as on a real host), and the commands a live run would have used.
import type { Snapshot } from '../snapshot/types.js';
import type { TriageOptions } from '../options.js';
import { LOG_SOURCES } from '../snapshot/types.js';
import { composeCommands } from './compose-commands.js';
import { composeTarget } from './compose.js';
import { DEFAULT_TAIL } from './context.js';

export const DEMO_PROJECT = 'mcp-tunnel';

const shift = (iso: string | undefined, by: number) => (iso && !Number.isNaN(Date.parse(iso)) ? new Date(Date.parse(iso) + by).toISOString() : iso);

/** How far the recording is moved so that `recordedAt` is now, in whole seconds (times in seconds stay whole). */
export function demoShiftMs(state: Snapshot['state'] | undefined, now = Date.now()): number {
  const recordedAt = typeof state?.recordedAt === 'string' ? Date.parse(state.recordedAt) : NaN;
  return Number.isNaN(recordedAt) ? 0 : Math.round((now - recordedAt) / 1000) * 1000;
}

const ISO_TIME = /\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z\b/g;
const GO_TIME = /\b(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2})\b/g;

/** A recorded log with every time in it moved by `by` (whole seconds): the runtime's stamps and the programs' own. */
export function shiftLogTimes(text: string, by: number): string {
  if (by === 0) return text;
  const move = (seconds: string) => new Date(Date.parse(`${seconds}Z`) + by).toISOString().slice(0, 19);
  return text
    .replace(ISO_TIME, (_m, seconds: string, frac: string | undefined) => `${move(seconds)}${frac ?? ''}Z`)
    .replace(GO_TIME, (_m, y: string, mo: string, d: string, t: string) => move(`${y}-${mo}-${d}T${t}`).replace(/^(\d{4})-(\d{2})-(\d{2})T/, '$1/$2/$3 '));
}

/** The recorded state with its times moved so that `recordedAt` is now. */
export function demoRecordedNow(state: Snapshot['state'], now = Date.now()): Snapshot['state'] {
  const recordedAt = typeof state.recordedAt === 'string' ? Date.parse(state.recordedAt) : NaN;
  if (Number.isNaN(recordedAt)) return state;
  const by = demoShiftMs(state, now);
  const out: Snapshot['state'] = { ...state, recordedAt: new Date(recordedAt + by).toISOString() };
  if (state.containers) {
    out.containers = state.containers.map((c) => {
      const moved = { ...c };
      if (c.startedAt) moved.startedAt = shift(c.startedAt, by);
      if (c.finishedAt) moved.finishedAt = shift(c.finishedAt, by);
      return moved;
    });
  }
  if (state.probes?.edge?.at) out.probes = { ...state.probes, edge: { ...state.probes.edge, at: shift(state.probes.edge.at, by) } };
  return out;
}

/** What a live run on this deployment would have run, from the same builders live gathering uses. */
export function demoCommands(s: Snapshot, opts: TriageOptions): string[][] {
  const target = composeTarget(s, []);
  const bounds = { tail: opts.tail ?? DEFAULT_TAIL, ...(opts.since ? { since: opts.since } : {}) };
  const names = (s.state.containers ?? []).map((c) => c.name);
  return [
    composeCommands.dockerVersion(),
    composeCommands.composeV2Version(),
    composeCommands.psV2(target),
    ...LOG_SOURCES.filter((role) => target.services[role]).map((role) => composeCommands.logsV2(target, target.services[role]!, bounds)),
    ...(names.length ? [composeCommands.inspect(names)] : []),
  ];
}
