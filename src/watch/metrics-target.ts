// Where cloudflared serves /metrics and /ready, and how this host can reach it, from a snapshot. The address
// comes from cloudflared's own start line (`Starting metrics server on ADDR/metrics`), else its `--metrics`
// flag or TUNNEL_METRICS, else the default of its container build (0.0.0.0:20241, the first free port of
// 20241-20245). Compose: the container's address (cloudflared usually runs in mcp-proxy's network
// namespace, so that container's). Kubernetes: the API server's pod proxy. Otherwise: why not, in words.
import { composeModel, serviceFor } from '../analyze/compose-model.js';
import { commandWords, envEntry, flagValue } from '../analyze/compose-command.js';
import { logIndex } from '../signatures/log-index.js';
import type { ContainerState, Snapshot } from '../snapshot/types.js';
import type { MetricsTarget } from './types.js';

export const CONTAINER_DEFAULT = '0.0.0.0:20241';

export interface BindAddress {
  host: string;
  port: number;
  /** Where the address was learnt, for the report. */
  from: string;
}

export function parseBind(text: string, from: string): BindAddress | undefined {
  const m = /^\[([0-9a-fA-F:.]*)\]:(\d{1,5})$/.exec(text) ?? /^([A-Za-z0-9.-]*):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port, from } : undefined;
}

const ANY = new Set(['', '0.0.0.0', '::', '[::]']);
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

/** The address cloudflared bound: its log says it exactly; else what it was told; else its default. */
export function metricsBind(s: Snapshot): BindAddress {
  const hits = logIndex(s).bySignature.get('cloudflared.metrics-server') ?? [];
  const logged = hits.at(-1)?.captures.address;
  const fromLog = logged ? parseBind(logged, 'its start line in the log') : undefined;
  if (fromLog) return fromLog;
  if (s.deployment.kind === 'compose') {
    const svc = serviceFor(composeModel(s), 'cloudflared');
    if (svc) {
      const flag = flagValue(commandWords(svc), '--metrics');
      const fromFlag = flag ? parseBind(flag, 'its --metrics flag') : undefined;
      if (fromFlag) return fromFlag;
      const env = envEntry(svc, 'TUNNEL_METRICS')?.value;
      const fromEnv = env ? parseBind(env, 'TUNNEL_METRICS') : undefined;
      if (fromEnv) return fromEnv;
    }
  }
  return parseBind(CONTAINER_DEFAULT, "the container build's default")!;
}

const label = (b: BindAddress) => `${b.host.includes(':') ? `[${b.host}]` : b.host || '0.0.0.0'}:${b.port}`;

function composeTarget(s: Snapshot, bind: BindAddress): MetricsTarget {
  const containers = s.state.containers ?? [];
  const svc = serviceFor(composeModel(s), 'cloudflared')?.name ?? 'cloudflared';
  const cf = containers.find((c) => c.service === svc && !c.oneOff) ?? containers.find((c) => /cloudflared/.test(c.name));
  if (!cf) return { kind: 'none', why: 'no cloudflared container was found, so there is no metrics server to read' };
  if (cf.state !== 'running') return { kind: 'none', why: `the cloudflared container is ${cf.state}: no metrics server to read` };
  let owner: ContainerState = cf;
  const mode = cf.networkMode ?? '';
  if (mode.startsWith('container:') || mode.startsWith('service:')) {
    const ref = mode.slice(mode.indexOf(':') + 1);
    owner = containers.find((c) => (c.id && c.id.startsWith(ref)) || c.name === ref || c.service === ref) ?? cf;
  }
  const ownerMode = owner.networkMode ?? '';
  if (ownerMode === 'host') return { kind: 'http', host: isLoopback(bind.host) || ANY.has(bind.host) ? '127.0.0.1' : bind.host, port: bind.port, via: `the host's network (${label(bind)}, from ${bind.from})` };
  const where = owner === cf ? 'its container' : `the network namespace it shares with ${owner.name}`;
  if (ownerMode === 'none') return { kind: 'none', why: `cloudflared runs in ${where}, which has network_mode none: its metrics server (${label(bind)}) can only be reached from inside it` };
  if (isLoopback(bind.host)) return { kind: 'none', why: `cloudflared serves its metrics on ${label(bind)} (${bind.from}), inside ${where} only; start it with --metrics 0.0.0.0:${bind.port} to read them from this host` };
  const host = ANY.has(bind.host) ? owner.ip : bind.host;
  if (!host) return { kind: 'none', why: `${owner.name} has no address on a Docker network (${ownerMode || 'no network mode'}), so cloudflared's metrics (${label(bind)}) cannot be reached from this host` };
  return { kind: 'http', host, port: bind.port, via: `${owner.name}'s address ${host} (metrics on ${label(bind)}, from ${bind.from})` };
}

function kubeTarget(s: Snapshot, bind: BindAddress): MetricsTarget {
  const kube = s.state.kube;
  const pods = (kube?.pods ?? []).filter((p) => p.containers.some((c) => c.service === 'cloudflared' || c.name === 'cloudflared'));
  const pod = pods.find((p) => p.containers.some((c) => (c.service === 'cloudflared' || c.name === 'cloudflared') && c.state === 'running')) ?? pods[0];
  if (!pod) return { kind: 'none', why: 'no pod with a cloudflared container was found, so there is no metrics server to read' };
  if (isLoopback(bind.host)) return { kind: 'none', why: `cloudflared serves its metrics on ${label(bind)} (${bind.from}), inside its pod only: the API server's pod proxy dials the pod's address` };
  const namespace = s.deployment.namespace ?? kube?.namespace ?? 'mcp-tunnel';
  const more = pods.length > 1 ? ` (one of ${pods.length} pods)` : '';
  return {
    kind: 'pod',
    namespace,
    pod: pod.name,
    port: bind.port,
    ...(s.deployment.context ? { context: s.deployment.context } : {}),
    via: `the API server's pod proxy to ${pod.name}:${bind.port}${more} (from ${bind.from})`,
  };
}

export function metricsTarget(s: Snapshot, network = true): MetricsTarget {
  if (!network) return { kind: 'none', why: "--no-network: cloudflared's /ready and /metrics were not read" };
  const bind = metricsBind(s);
  if (s.deployment.kind === 'compose') return composeTarget(s, bind);
  if (s.deployment.kind === 'helm') return kubeTarget(s, bind);
  return { kind: 'none', why: 'no deployment was found, so there is no cloudflared to ask' };
}
