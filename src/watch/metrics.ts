// cloudflared's own view, parsed: /metrics is Prometheus text (`name{label="v"} value`), /ready is JSON
// `{"status":200,"readyConnections":N,"connectorId":"…"}` (503 with 0 connections when none is up). Pure.
import type { MetricsSample } from './types.js';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    if (eq < 0 || text[eq + 1] !== '"') return undefined;
    const key = text.slice(i, eq).trim();
    let value = '';
    let k = eq + 2;
    for (; k < text.length && text[k] !== '"'; k++) {
      if (text[k] === '\\' && k + 1 < text.length) {
        const n = text[++k];
        value += n === 'n' ? '\n' : n;
      } else value += text[k];
    }
    if (k >= text.length) return undefined;
    labels[key] = value;
    i = k + 1;
  }
  return labels;
}

/** The samples of a Prometheus text exposition; lines that do not parse are skipped. */
export function parsePrometheus(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    let name: string;
    let labels: Record<string, string> | undefined = {};
    let rest: string;
    if (brace >= 0 && (space < 0 || brace < space)) {
      const close = line.lastIndexOf('}');
      if (close < brace) continue;
      name = line.slice(0, brace);
      labels = parseLabels(line.slice(brace + 1, close));
      rest = line.slice(close + 1).trim();
    } else {
      if (space < 0) continue;
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    const value = Number(rest.split(/\s+/)[0]);
    if (!labels || !/^[A-Za-z_:][A-Za-z0-9_:]*$/.test(name) || Number.isNaN(value)) continue;
    out.push({ name, labels, value });
  }
  return out;
}

export interface ReadyAnswer {
  status: number;
  body: string;
}

/** A sample from what /metrics and /ready answered (either may be missing). */
export function metricsSample(at: string, metricsText: string | undefined, ready: ReadyAnswer | undefined): MetricsSample {
  const sample: MetricsSample = { at, responses: {} };
  if (metricsText !== undefined) {
    for (const s of parsePrometheus(metricsText)) {
      switch (s.name) {
        case 'cloudflared_tunnel_ha_connections':
          sample.haConnections = s.value;
          break;
        case 'cloudflared_tunnel_total_requests':
          sample.totalRequests = s.value;
          break;
        case 'cloudflared_tunnel_request_errors':
          sample.requestErrors = s.value;
          break;
        case 'cloudflared_tunnel_concurrent_requests_per_tunnel':
          sample.concurrentRequests = s.value;
          break;
        case 'cloudflared_tunnel_response_by_code':
          if (s.labels.status_code) sample.responses[s.labels.status_code] = (sample.responses[s.labels.status_code] ?? 0) + s.value;
          break;
      }
    }
  }
  if (ready) {
    const r: NonNullable<MetricsSample['ready']> = { status: ready.status };
    try {
      const body = JSON.parse(ready.body) as { status?: unknown; readyConnections?: unknown; connectorId?: unknown };
      if (typeof body.readyConnections === 'number') r.readyConnections = body.readyConnections;
      if (typeof body.connectorId === 'string') r.connectorId = body.connectorId;
    } catch {
      // Not cloudflared's JSON: the status alone.
    }
    sample.ready = r;
  }
  return sample;
}

/** Whether what answered looks like cloudflared's metrics at all (another server on the port would not). */
export function looksLikeCloudflared(metricsText: string): boolean {
  return parsePrometheus(metricsText).some((s) => s.name.startsWith('cloudflared_'));
}
