// watch without a terminal UI: one line per event as it arrives (time, mark, hop, finding, the line), a line
// when cloudflared's numbers change, notes, and at the end the path as the last requests left it, the
// counts per hop and why it stopped. Pure functions of the watch state and events.
import type { Snapshot } from '../snapshot/types.js';
import { countParts, watchPathModel } from '../watch/path.js';
import { metricsDelta } from '../watch/reduce.js';
import { NO_ROUTE, type FollowerInfo, type MetricsSample, type MetricsTarget, type WatchEvent, type WatchState } from '../watch/types.js';
import { clip, lineText, pathLayout, type PathLine } from './path.js';
import { paint, type Paint, type Style } from './style.js';
import { commandLine } from '../fixes/describe.js';

export const WATCH_HINT = 'add the server from the + MCP Server picker, or send a request through a Managed Agent';

const MARK: Record<WatchEvent['outcome'], [string, string, Paint]> = {
  ok: ['✓', '+', 'green'],
  failed: ['✗', 'x', 'red'],
  warn: ['!', '!', 'yellow'],
  info: ['·', '-', 'dim'],
};

/** What the marks mean on the live path. */
export function watchLegend(unicode: boolean): PathLine {
  return [{ text: unicode ? '✓ passed  ✗ failed there  ! warning  ? nothing seen there yet' : '+ passed  x failed there  ! warning  ? nothing seen there yet', paint: 'dim' }];
}

export function clock(iso: string): string {
  const m = /T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? m[1]! : iso.slice(0, 8);
}

export function hopLabel(e: WatchEvent): string {
  if (e.hop === 'routes') return e.route === NO_ROUTE ? 'no route' : e.route ? `route ${e.route}` : 'routes';
  return { claude: 'Claude', edge: 'edge', cloudflared: 'cloudflared', proxy: 'mcp-proxy' }[e.hop];
}

export function eventMark(e: WatchEvent, unicode: boolean): { mark: string; paint: Paint } {
  const [u, a, p] = MARK[e.outcome];
  return { mark: unicode ? u : a, paint: p };
}

export function eventText(e: WatchEvent, style: Style): string {
  const { mark, paint: p } = eventMark(e, style.unicode);
  const id = e.finding ?? e.signature;
  const status = e.status !== undefined ? `${e.status} ` : '';
  return `${clock(e.time)}  ${paint(style, p, mark)} ${hopLabel(e).padEnd(13)} ${paint(style, 'dim', id.padEnd(27))} ${status}${e.line}`;
}

export function deploymentName(s: Snapshot): string {
  const d = s.deployment;
  if (d.kind === 'compose') return `Compose project ${d.project ?? '?'}`;
  if (d.kind === 'helm') return `Helm release ${d.release ?? 'mcp-tunnel'} in namespace ${d.namespace ?? 'mcp-tunnel'}`;
  return 'no deployment';
}

export function watchStartText(s: Snapshot, since: string, followers: FollowerInfo[], target: MetricsTarget, style: Style, stopHint: string): string {
  const lines = [
    `${paint(style, 'bold', `Watching ${deploymentName(s)}`)} (cloudflared and mcp-proxy) from ${clock(since)} UTC${s.origin === 'demo' ? paint(style, 'magenta', '  DEMO: a recorded sequence') : ''}.`,
    `Now reproduce it: ${WATCH_HINT}.`,
  ];
  for (const f of followers) lines.push(paint(style, 'dim', `  following: ${commandLine(f.argv)}`));
  if (target.kind !== 'none') lines.push(paint(style, 'dim', `  cloudflared's own view: /ready and /metrics via ${target.via}`));
  lines.push(paint(style, 'dim', `  ${stopHint}`), '');
  return `${lines.join('\n')}\n`;
}

export function metricsText(state: WatchState, sample: MetricsSample, style: Style): string {
  return `${clock(sample.at)}  ${paint(style, 'cyan', style.unicode ? '◆' : '*')} ${metricsSummary(state, style.unicode)}\n`;
}

/** cloudflared's numbers in a line: readiness, connections, and requests since watch began. */
export function metricsSummary(state: WatchState, unicode = true): string {
  const m = state.metrics;
  if (!m) return state.metricsNote ? `cloudflared's own view: ${state.metricsNote}` : "cloudflared's own view: reading…";
  const parts: string[] = [];
  if (m.ready) parts.push(`/ready ${m.ready.status}${m.ready.readyConnections !== undefined ? ` (${m.ready.readyConnections} edge connection${m.ready.readyConnections === 1 ? '' : 's'})` : ''}`);
  else if (m.haConnections !== undefined) parts.push(`${m.haConnections} edge connection${m.haConnections === 1 ? '' : 's'}`);
  const d = metricsDelta(state);
  if (d.requests !== undefined) parts.push(`requests +${d.requests}${m.totalRequests !== undefined ? ` (${m.totalRequests} in all)` : ''}`);
  if (d.errors !== undefined) parts.push(`errors +${d.errors}`);
  const codes = Object.entries(d.responses).sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => `${c}${unicode ? '×' : 'x'}${n}`);
  if (codes.length) parts.push(codes.join(' '));
  return `cloudflared: ${parts.join(' · ') || 'no numbers yet'}`;
}

export function countsText(state: WatchState, routeNames: readonly string[], unicode = true): string {
  const fail = unicode ? '✗' : 'x';
  const one = (p: { label: string; ok: number; failed: number }) => `${p.label} ${p.ok + p.failed}${p.failed ? ` (${p.failed} ${fail})` : ''}`;
  const parts = countParts(state, routeNames);
  const routes = parts.filter((p) => p.route).map(one);
  const [cf, proxy] = parts.filter((p) => !p.route);
  return `${one(cf!)} · ${one(proxy!)}${routes.length ? `: ${routes.join(', ')}` : ''}`;
}

export function noteText(text: string, style: Style): string {
  return `${paint(style, 'dim', `· ${text}`)}\n`;
}

export function watchEndText(state: WatchState, routeNames: readonly string[], style: Style, reason: string, width = 100): string {
  const path = [...pathLayout(watchPathModel(state, routeNames), width, style.unicode), clip(watchLegend(style.unicode), width)].map((l) => lineText(l, style));
  const { error, warning } = state.bySeverity;
  const lines = [
    '',
    paint(style, 'bold', `Stopped: ${reason}.`),
    ...path,
    `Requests logged: ${countsText(state, routeNames, style.unicode)}`,
    metricsSummary(state, style.unicode),
    `${state.total} event${state.total === 1 ? '' : 's'}: ${paint(style, error ? 'red' : 'dim', `${error} error${error === 1 ? '' : 's'}`)}, ${paint(style, warning ? 'yellow' : 'dim', `${warning} warning${warning === 1 ? '' : 's'}`)}`,
  ];
  return `${lines.join('\n')}\n`;
}
