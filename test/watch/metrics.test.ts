// cloudflared's /metrics and /ready as the real binary served them (test/watch/recorded/capture.sh), and
// where watch looks for them on Compose and Kubernetes.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { looksLikeCloudflared, metricsSample, parsePrometheus } from '../../src/watch/metrics.js';
import { metricsTarget } from '../../src/watch/metrics-target.js';
import { addMetrics, initialWatch, metricsDelta } from '../../src/watch/reduce.js';
import type { ContainerState } from '../../src/snapshot/types.js';
import { DOCUMENTED_COMPOSE, snapshotOf } from '../helpers/snapshot.js';

const RECORDED = fileURLToPath(new URL('./recorded/', import.meta.url));
const recorded = (name: string) => readFileSync(`${RECORDED}${name}`, 'utf8');

describe('cloudflared metrics, parsed', () => {
  it('the real /metrics and /ready: connections, requests, errors, responses by code, readiness', () => {
    const text = recorded('cloudflared-metrics.txt');
    expect(looksLikeCloudflared(text)).toBe(true);
    const sample = metricsSample('2026-12-04T01:16:48Z', text, { status: Number(recorded('cloudflared-ready.status').trim()), body: recorded('cloudflared-ready.json') });
    expect(sample).toMatchObject({ haConnections: 1, totalRequests: 3, requestErrors: 1, concurrentRequests: 0, responses: { '200': 1, '404': 1 } });
    // The fake edge never registers the connection: cloudflared says it is not ready.
    expect(sample.ready).toMatchObject({ status: 503, readyConnections: 0 });
    expect(sample.ready?.connectorId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the text format: labels with escapes, timestamps, comments, and lines that do not parse skipped', () => {
    const samples = parsePrometheus('# HELP x y\nx{a="q\\"uote",b="n\\nl"} 3 1700000000\ny 4.5\nbroken{ 1\nz{a="1"} NaNish\ncloudflared_tunnel_total_requests 7\n');
    expect(samples).toEqual([
      { name: 'x', labels: { a: 'q"uote', b: 'n\nl' }, value: 3 },
      { name: 'y', labels: {}, value: 4.5 },
      { name: 'cloudflared_tunnel_total_requests', labels: {}, value: 7 },
    ]);
    expect(looksLikeCloudflared('go_goroutines 12\n')).toBe(false);
  });

  it('counts shown as changes since watch began; a restarted cloudflared (counters back to 0) counts from there', () => {
    let s = addMetrics(initialWatch('t'), metricsSample('a', 'cloudflared_tunnel_total_requests 10\ncloudflared_tunnel_response_by_code{status_code="200"} 9\n', undefined));
    s = addMetrics(s, metricsSample('b', 'cloudflared_tunnel_total_requests 13\ncloudflared_tunnel_response_by_code{status_code="200"} 10\ncloudflared_tunnel_response_by_code{status_code="502"} 2\n', undefined));
    expect(metricsDelta(s)).toEqual({ requests: 3, responses: { '200': 1, '502': 2 } });
    s = addMetrics(s, metricsSample('c', 'cloudflared_tunnel_total_requests 2\n', undefined));
    expect(metricsDelta(s).requests).toBe(2);
  });
});

const container = (over: Partial<ContainerState>): ContainerState => ({ service: 'mcp-proxy', name: 'p-mcp-proxy-1', state: 'running', ...over });

describe('where the metrics are, and how to reach them', () => {
  const compose = (containers: ContainerState[], log = '', file = DOCUMENTED_COMPOSE) =>
    snapshotOf({ files: { 'docker-compose.yaml': file }, logs: { cloudflared: log }, state: { containers } });
  const proxy = container({ id: 'aaaa1111', ip: '172.18.0.5', networkMode: 'p_default' });
  const cf = container({ service: 'cloudflared', name: 'p-cloudflared-1', networkMode: 'container:aaaa1111' });

  it("Compose: the address its start line names, at the address of the container whose namespace it shares", () => {
    const t = metricsTarget(compose([proxy, cf], 'cloudflared-1  | 2026-12-04T01:16:41Z INF Starting metrics server on [::]:20241/metrics\n'));
    expect(t).toMatchObject({ kind: 'http', host: '172.18.0.5', port: 20241 });
  });

  it("Compose without the start line: --metrics from the command, else the container build's default", () => {
    const withFlag = DOCUMENTED_COMPOSE.replace('run --url', '--metrics 0.0.0.0:2000 run --url');
    expect(metricsTarget(compose([proxy, cf], '', withFlag))).toMatchObject({ kind: 'http', host: '172.18.0.5', port: 2000 });
    expect(metricsTarget(compose([proxy, cf]))).toMatchObject({ kind: 'http', host: '172.18.0.5', port: 20241 });
  });

  it('says why once it cannot: bound to loopback inside the container, network_mode none, not running, --no-network', () => {
    const loop = metricsTarget(compose([proxy, cf], 'cloudflared-1  | 2026-12-04T01:16:41Z INF Starting metrics server on 127.0.0.1:20241/metrics\n'));
    expect(loop).toMatchObject({ kind: 'none' });
    expect(loop.kind === 'none' && loop.why).toMatch(/127\.0\.0\.1:20241.*--metrics 0\.0\.0\.0:20241/);
    const none = metricsTarget(compose([{ ...proxy, networkMode: 'none', ip: undefined }, cf]));
    expect(none.kind === 'none' && none.why).toMatch(/network_mode none/);
    const stopped = metricsTarget(compose([proxy, { ...cf, state: 'exited' }]));
    expect(stopped.kind === 'none' && stopped.why).toMatch(/exited/);
    expect(metricsTarget(compose([proxy, cf]), false)).toMatchObject({ kind: 'none', why: expect.stringMatching(/--no-network/) });
  });

  it("Kubernetes: the API server's pod proxy to a running pod's cloudflared", () => {
    const s = snapshotOf({ kind: 'helm', state: { kube: { namespace: 'mcp-tunnel', pods: [{ name: 'mcp-tunnel-abc', containers: [container({ service: 'cloudflared', name: 'cloudflared', pod: 'mcp-tunnel-abc' })] }] } } });
    s.deployment.namespace = 'mcp-tunnel';
    s.deployment.context = 'kind-dev';
    expect(metricsTarget(s)).toMatchObject({ kind: 'pod', namespace: 'mcp-tunnel', pod: 'mcp-tunnel-abc', port: 20241, context: 'kind-dev' });
  });
});
