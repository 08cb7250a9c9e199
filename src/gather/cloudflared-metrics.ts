// Reads cloudflared's /ready and /metrics where watch found them (src/watch/metrics-target.ts): over HTTP
// at the container's address, or through the API server's pod proxy with kubectl. Read-only GETs, each
// bounded in time and size; a failure is one line of why, never a throw.
import { request } from 'node:http';
import type { MetricsTarget } from '../watch/types.js';
import type { ReadyAnswer } from '../watch/metrics.js';
import { kubeCommands } from './kube-commands.js';
import type { Exec } from './context.js';

const MAX_BODY = 1024 * 1024;

export interface MetricsRead {
  metrics?: string;
  ready?: ReadyAnswer;
  /** Why neither could be read. */
  problem?: string;
}

function httpGet(host: string, port: number, path: string, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', timeout: timeoutMs, ...(signal ? { signal } : {}), headers: { accept: 'text/plain, application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (b: Buffer) => {
        size += b.length;
        if (size > MAX_BODY) return req.destroy(new Error(`answered more than ${MAX_BODY / 1024} kB`));
        chunks.push(b);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', reject);
    req.end();
  });
}

const why = (err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ''}` : (e.message ?? String(err)).split('\n')[0]!;
};

/** kubectl's error for a non-2xx answer through the pod proxy: the status it names. */
function kubeStatusOf(stderr: string): number | undefined {
  if (/\(ServiceUnavailable\)/.test(stderr)) return 503;
  if (/\(NotFound\)/.test(stderr)) return 404;
  return undefined;
}

export async function readMetrics(target: MetricsTarget, o: { timeoutMs: number; exec: Exec; env: Record<string, string | undefined>; signal?: AbortSignal }): Promise<MetricsRead> {
  if (target.kind === 'none') return { problem: target.why };
  if (target.kind === 'http') {
    const [metrics, ready] = await Promise.allSettled([httpGet(target.host, target.port, '/metrics', o.timeoutMs, o.signal), httpGet(target.host, target.port, '/ready', o.timeoutMs, o.signal)]);
    const out: MetricsRead = {};
    if (metrics.status === 'fulfilled' && metrics.value.status === 200) out.metrics = metrics.value.body;
    if (ready.status === 'fulfilled') out.ready = { status: ready.value.status, body: ready.value.body };
    if (!out.metrics && !out.ready) out.problem = `${target.host}:${target.port} did not answer: ${metrics.status === 'rejected' ? why(metrics.reason) : `/metrics answered ${metrics.value.status}`}`;
    return out;
  }
  const t = { namespace: target.namespace, release: '', ...(target.context ? { context: target.context } : {}) };
  const seconds = Math.max(1, Math.round(o.timeoutMs / 1000));
  const get = (path: string) => o.exec(kubeCommands.podProxyGet(t, target.pod, target.port, path, seconds), { timeoutMs: o.timeoutMs + 2_000, maxBytes: MAX_BODY, env: o.env, ...(o.signal ? { signal: o.signal } : {}) });
  const [metrics, ready] = await Promise.all([get('/metrics'), get('/ready')]);
  const out: MetricsRead = {};
  if (metrics.exitCode === 0) out.metrics = metrics.stdout;
  if (ready.exitCode === 0) out.ready = { status: 200, body: ready.stdout };
  else if (out.metrics !== undefined && kubeStatusOf(ready.stderr) === 503) out.ready = { status: 503, body: '' };
  if (!out.metrics && !out.ready) out.problem = `the pod proxy to ${target.pod}:${target.port} failed: ${metrics.error ?? (metrics.stderr.trim().split('\n')[0] || `exit code ${metrics.exitCode}`)}`;
  return out;
}
