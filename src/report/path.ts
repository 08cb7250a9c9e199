// The request's path drawn as one row of boxes: Claude -> tunnel edge -> cloudflared -> mcp-proxy (inner
// TLS) -> each upstream route, each hop marked from the findings, with the failing hop's finding named
// under it. Pure over a Report; the text report and the wizard both draw it from here.
import type { FindingId } from '../analyze/catalog.js';
import type { Check, CheckResult, Finding, Report } from '../analyze/types.js';
import { CHECKS } from '../analyze/registry.js';
import { paint, type Paint, type Style } from './style.js';

export type HopId = 'claude' | 'edge' | 'cloudflared' | 'proxy' | 'routes';
export type HopStatus = 'ok' | 'warn' | 'failing' | 'unknown';

export interface Hop {
  /** `claude`, `edge`, `cloudflared`, `proxy`, or `route:<name>` (`routes` when no route is known). */
  key: string;
  label: string;
  /** A shorter label for narrow terminals. */
  short: string;
  status: HopStatus;
  /** Error findings placed on this hop, most important first. */
  failing: Finding[];
}

export interface PathModel {
  hops: Hop[];
  /** The route hops (also the tail of `hops`). */
  routes: Hop[];
}

/** Where each finding puts the break. Routing and OAuth findings land on a route when they name one. */
const HOP_OF: Partial<Record<FindingId, HopId>> = {
  'tls.not-in-picker': 'claude',
  'setup.wif-audience-mismatch': 'claude',
  'setup.wif-exchange-failed': 'claude',
  'setup.forbidden': 'claude',
  'setup.tunnel-limit': 'claude',
  'setup.job-left-behind': 'claude',
  'edge.token-missing': 'edge',
  'edge.token-malformed': 'edge',
  'edge.token-rejected': 'edge',
  'edge.unreachable': 'edge',
  'edge.udp-buffer-hint': 'edge',
  'edge.connected': 'edge',
  'edge.no-ingress': 'cloudflared',
  'edge.origin-unreachable': 'cloudflared',
  'tls.handshake-failed': 'proxy',
  'tls.cert-expired': 'proxy',
  'tls.san-mismatch': 'proxy',
  'tls.ca-mismatch': 'proxy',
  'tls.key-mismatch': 'proxy',
  'tls.key-unreadable': 'proxy',
  'tls.plaintext-listener': 'proxy',
  'routing.no-route-for-host': 'routes',
  'routing.config-not-reloaded': 'routes',
  'routing.routes-is-list': 'routes',
  'routing.invalid-upstream': 'routes',
  'routing.ip-not-private': 'routes',
  'routing.allowed-ips-dropped-defaults': 'routes',
  'routing.allowed-ips-open': 'routes',
  'routing.ipv6-upstream': 'routes',
  'routing.service-cidr-public': 'routes',
  'oauth.no-auth-route': 'routes',
  'oauth.metadata-split-wrong': 'routes',
  'oauth.resource-wrong-issuer': 'routes',
};

/** A container finding lands on the hop that runs in that container. */
function containerHop(f: Finding): HopId | undefined {
  const name = String(f.data?.service ?? f.data?.name ?? f.data?.container ?? f.title).toLowerCase();
  if (name.includes('cloudflared')) return 'cloudflared';
  if (name.includes('proxy') || name.includes('gateway')) return 'proxy';
  if (name.includes('setup')) return 'claude';
  return undefined;
}

/** The hop a finding id lands on (a container finding depends on the container: see hopOfFinding). */
export function hopOfFindingId(id: FindingId): HopId | undefined {
  return HOP_OF[id];
}

export function hopOfFinding(f: Finding): HopId | undefined {
  return f.id === 'runtime.container-down' ? containerHop(f) : HOP_OF[f.id];
}

/** Hops a check can speak for (a check that ran and found nothing there marks them ok). */
function hopsOfCheck(check: Check | undefined): HopId[] {
  // A symptom's guidance (the picker's Console checklist) looks at nothing: it marks no hop as seen.
  if (!check || check.onlyFor) return [];
  const hops = new Set<HopId>();
  for (const id of check.emits) {
    // Whether the picker lists the tunnel is the Console's to say: no check here can mark Claude's side fine.
    if (id === 'tls.not-in-picker') continue;
    if (id === 'runtime.container-down') ['cloudflared', 'proxy'].forEach((h) => hops.add(h as HopId));
    const hop = HOP_OF[id];
    if (hop) hops.add(hop);
  }
  return [...hops];
}

const BASE: { id: HopId; label: string; short: string }[] = [
  { id: 'claude', label: 'Claude', short: 'Claude' },
  { id: 'edge', label: 'tunnel edge', short: 'edge' },
  { id: 'cloudflared', label: 'cloudflared', short: 'cloudflared' },
  { id: 'proxy', label: 'mcp-proxy (inner TLS)', short: 'proxy' },
];

function statusOf(findings: Finding[], covered: boolean): HopStatus {
  if (findings.some((f) => f.severity === 'error')) return 'failing';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  return covered || findings.some((f) => f.severity === 'ok') ? 'ok' : 'unknown';
}

export function pathModel(report: Pick<Report, 'checks' | 'findings' | 'routes' | 'blocked'>, checks: readonly Check[] = CHECKS): PathModel {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const ran = (r: CheckResult) => r.status === 'ok' || r.status === 'problem';
  // A deployment that could not be examined has no healthy hop: only findings mark one.
  const covered = new Set(report.blocked ? [] : report.checks.filter(ran).flatMap((r) => hopsOfCheck(byId.get(r.id))));
  const routeNames = (report.routes ?? []).map((r) => r.name);
  const onHop = new Map<string, Finding[]>();
  const put = (key: string, f: Finding) => onHop.set(key, [...(onHop.get(key) ?? []), f]);
  for (const f of report.findings) {
    const hop = hopOfFinding(f);
    if (!hop) continue;
    if (hop !== 'routes') put(hop, f);
    else if (typeof f.data?.route === 'string' && routeNames.includes(f.data.route)) put(`route:${f.data.route}`, f);
    else if (routeNames.length) routeNames.forEach((name) => put(`route:${name}`, f));
    else put('routes', f);
  }
  const hop = (key: string, label: string, short: string, isCovered: boolean): Hop => {
    const findings = onHop.get(key) ?? [];
    return { key, label, short, status: statusOf(findings, isCovered), failing: findings.filter((f) => f.severity === 'error') };
  };
  const base = BASE.map((b) => hop(b.id, b.label, b.short, covered.has(b.id)));
  const routes = routeNames.length
    ? routeNames.map((name) => hop(`route:${name}`, name, name, covered.has('routes')))
    : [hop('routes', 'routes', 'routes', covered.has('routes'))];
  return { hops: [...base, ...routes], routes };
}

// ── Drawing ────────────────────────────────────────────────────────────────────────────────────────

export interface Segment {
  text: string;
  paint?: Paint;
}
export type PathLine = Segment[];

const MARKS = {
  unicode: { ok: '✓', warn: '!', failing: '✗', unknown: '?' },
  ascii: { ok: '+', warn: '!', failing: 'x', unknown: '?' },
} as const;
const COLOURS: Record<HopStatus, Paint> = { ok: 'green', warn: 'yellow', failing: 'red', unknown: 'dim' };

interface Glyphs {
  tl: string; tr: string; bl: string; br: string; h: string; v: string; arrow: string; chain: string; under: string; back: string; ellipsis: string;
}
const UNICODE: Glyphs = { tl: '┌', tr: '┐', bl: '└', br: '┘', h: '─', v: '│', arrow: '─▶', chain: ' → ', under: '└─ ', back: ' ─┘', ellipsis: '…' };
const ASCII: Glyphs = { tl: '+', tr: '+', bl: '+', br: '+', h: '-', v: '|', arrow: '->', chain: ' > ', under: '`- ', back: " -'", ellipsis: '...' };

interface Cell {
  /** Marked content of the box, e.g. `✗ cloudflared` or `✓ mcp ✗ wiki`. */
  parts: { mark: string; label: string; status: HopStatus }[];
  status: HopStatus;
  /** Hops in this box, for the lines under it. */
  hops: Hop[];
}

function worst(statuses: HopStatus[]): HopStatus {
  for (const s of ['failing', 'warn', 'unknown', 'ok'] as const) if (statuses.includes(s)) return s;
  return 'unknown';
}

function cellWidth(c: Cell): number {
  return c.parts.reduce((n, p, i) => n + (i ? 1 : 0) + p.mark.length + 1 + p.label.length, 0) + 4;
}

type LabelSet = 'full' | 'medium' | 'short';
type RouteMode = 'merged' | 'summary';
/** Label sets and route modes from the roomiest to the tightest; the first layout that fits is drawn. */
const PREFERENCE: [LabelSet, RouteMode][] = [['full', 'merged'], ['medium', 'merged'], ['short', 'merged'], ['medium', 'summary'], ['short', 'summary']];

function candidates(model: PathModel, marks: Record<HopStatus, string>): Cell[][] {
  const base = model.hops.slice(0, BASE.length);
  const cell = (hops: Hop[], label: (h: Hop) => string): Cell => ({
    parts: hops.map((h) => ({ mark: marks[h.status], label: label(h), status: h.status })),
    status: worst(hops.map((h) => h.status)),
    hops,
  });
  const summary = (): Cell => {
    const n = model.routes.length;
    const failing = model.routes.filter((r) => r.status === 'failing').length;
    const status = worst(model.routes.map((r) => r.status));
    const label = failing ? `${failing}/${n} routes` : `${n} route${n === 1 ? '' : 's'}`;
    return { parts: [{ mark: marks[status], label, status }], status, hops: model.routes };
  };
  const labels: Record<LabelSet, (h: Hop) => string> = {
    full: (h) => h.label,
    medium: (h) => (h.key === 'proxy' ? 'mcp-proxy' : h.short),
    short: (h) => h.short,
  };
  return PREFERENCE.map(([set, mode]) => {
    const head = base.map((h) => cell([h], labels[set]));
    if (mode === 'merged') return [...head, cell(model.routes, labels.full)];
    return [...head, summary()];
  });
}

function truncate(text: string, width: number, g: Glyphs): string {
  if (text.length <= width) return text;
  return width <= g.ellipsis.length ? text.slice(0, width) : text.slice(0, width - g.ellipsis.length) + g.ellipsis;
}

/** The drawing as lines of painted segments, at most `width` columns wide. */
export function pathLayout(model: PathModel, width: number, unicode: boolean): PathLine[] {
  const g = unicode ? UNICODE : ASCII;
  const marks = unicode ? MARKS.unicode : MARKS.ascii;
  const options = candidates(model, marks);
  const total = (cells: Cell[]) => cells.reduce((n, c) => n + cellWidth(c), 0) + (cells.length - 1) * g.arrow.length;
  const cells = options.find((c) => total(c) <= width);
  if (!cells) return chainLayout(model, width, marks, g);
  const top: PathLine = [];
  const mid: PathLine = [];
  const bottom: PathLine = [];
  const starts: number[] = [];
  let col = 0;
  cells.forEach((c, i) => {
    if (i) {
      top.push({ text: ' '.repeat(g.arrow.length) });
      mid.push({ text: g.arrow, paint: 'dim' });
      bottom.push({ text: ' '.repeat(g.arrow.length) });
      col += g.arrow.length;
    }
    starts.push(col);
    const inner = cellWidth(c) - 2;
    const border: Paint | undefined = c.status === 'failing' ? 'red' : 'dim';
    top.push({ text: g.tl + g.h.repeat(inner) + g.tr, paint: border });
    bottom.push({ text: g.bl + g.h.repeat(inner) + g.br, paint: border });
    mid.push({ text: `${g.v} `, paint: border });
    c.parts.forEach((p, j) => {
      if (j) mid.push({ text: ' ' });
      mid.push({ text: p.mark, paint: COLOURS[p.status] });
      mid.push({ text: ` ${p.label}`, paint: p.status === 'failing' ? 'bold' : undefined });
    });
    mid.push({ text: ` ${g.v}`, paint: border });
    col += cellWidth(c);
  });
  return [top, mid, bottom, ...underLines(cells, starts, width, g)];
}

/** What the marks mean, one dim line. */
export function legendLine(unicode: boolean): PathLine {
  const m = unicode ? MARKS.unicode : MARKS.ascii;
  return [{ text: `${m.ok} ok  ${m.failing} failing  ${m.warn} warning  ${m.unknown} not checked`, paint: 'dim' }];
}

/** One line per failing box, its corner under the box's middle: the finding that breaks it. */
function underLines(cells: Cell[], starts: number[], width: number, g: Glyphs): PathLine[] {
  const lines: PathLine[] = [];
  cells.forEach((c, i) => {
    const unique = new Map<string, { finding: Finding; hops: Hop[] }>();
    for (const hop of c.hops) {
      for (const f of hop.failing) {
        const key = `${f.id}\u0000${f.title}`;
        const seen = unique.get(key) ?? { finding: f, hops: [] };
        seen.hops.push(hop);
        unique.set(key, seen);
      }
    }
    const [first, ...rest] = unique.values();
    if (!first) return;
    const named = c.hops.length > 1 && first.hops.length < c.hops.length ? `${first.hops.map((h) => h.label).join(', ')}: ` : '';
    const more = rest.length ? ` (+${rest.length} more)` : '';
    // Cut the title, never the count of the others: the operator should know there is more.
    const fit = (room: number) => `${truncate(`${named}${first.finding.title}`, Math.max(0, room - more.length), g)}${more}`;
    const full = `${named}${first.finding.title}${more}`;
    const middle = starts[i]! + Math.floor(cellWidth(c) / 2);
    if (middle + g.under.length + full.length <= width || middle < width / 2) {
      lines.push([{ text: ' '.repeat(middle) }, { text: g.under, paint: 'red' }, { text: fit(width - middle - g.under.length), paint: 'red' }]);
    } else {
      const shown = fit(middle - g.back.length + 1);
      const pad = Math.max(0, middle + 1 - g.back.length - shown.length);
      lines.push([{ text: ' '.repeat(pad) }, { text: shown, paint: 'red' }, { text: g.back, paint: 'red' }]);
    }
  });
  return lines;
}

/** The last resort for very narrow terminals: marks and names on one line, no boxes. */
function chainLayout(model: PathModel, width: number, marks: Record<HopStatus, string>, g: Glyphs): PathLine[] {
  const base = model.hops.slice(0, BASE.length);
  const failing = model.routes.filter((r) => r.status === 'failing').length;
  const routeStatus = worst(model.routes.map((r) => r.status));
  const parts = [
    ...base.map((h) => ({ mark: marks[h.status], label: h.short, status: h.status })),
    { mark: marks[routeStatus], label: failing ? `${failing}/${model.routes.length} routes` : 'routes', status: routeStatus },
  ];
  const line: PathLine = [];
  parts.forEach((p, i) => {
    if (i) line.push({ text: g.chain, paint: 'dim' });
    line.push({ text: p.mark, paint: COLOURS[p.status] }, { text: ` ${p.label}` });
  });
  const first = model.hops.find((h) => h.failing.length);
  const out: PathLine[] = [clip(line, width)];
  if (first) out.push([{ text: g.under, paint: 'red' }, { text: truncate(`${first.short}: ${first.failing[0]!.title}`, width - g.under.length, g), paint: 'red' }]);
  return out;
}

/** The line cut to `width` columns, segments kept. */
export function clip(line: PathLine, width: number): PathLine {
  const out: PathLine = [];
  let used = 0;
  for (const seg of line) {
    if (used >= width) break;
    const text = seg.text.slice(0, width - used);
    out.push({ ...seg, text });
    used += text.length;
  }
  return out;
}

export function lineText(line: PathLine, style?: Style): string {
  return line.map((s) => (style && s.paint ? paint(style, s.paint, s.text) : s.text)).join('').trimEnd();
}

/** The drawn path as text lines, painted for the style, at most `width` columns. */
export function pathLines(report: Report, style: Style, width = 80): string[] {
  return [...pathLayout(pathModel(report), width, style.unicode), clip(legendLine(style.unicode), width)].map((l) => lineText(l, style));
}
