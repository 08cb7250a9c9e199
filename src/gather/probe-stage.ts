// Where the probes dial and when: the edge probe needs nothing gathered and starts at once; the listener
// probe needs the proxy container's published port or address, and dials loopback or a private container
// address only, never anything public.
import { isIPv4 } from 'node:net';
import { parseDocument, isMap } from 'yaml';
import type { ContainerState, ProbeResult, Snapshot } from '../snapshot/types.js';
import { composeModel, serviceFor } from '../analyze/compose-model.js';
import { isPrivateIpv4 } from '../analyze/net.js';
import { step } from './events.js';
import type { GatherContext } from './context.js';
import { isDomainName } from '../snapshot/tunnel-domain.js';
import { probeHost } from '../snapshot/probe-marker.js';
import { DEFAULT_EDGE, parseHostPort, probeListener, probeTcp, type HostPort } from './probes.js';

/** A probe waits at most this long: an edge that answers does so well within it. */
const PROBE_TIMEOUT_CAP_MS = 5_000;

export function probeTimeout(ctx: GatherContext): number {
  return Math.min(ctx.opts.timeoutMs, PROBE_TIMEOUT_CAP_MS);
}

export function startEdgeProbe(ctx: GatherContext): Promise<ProbeResult> | undefined {
  const target = parseHostPort(ctx.opts.edge ?? DEFAULT_EDGE);
  if (!target) return undefined; // argv has validated --edge; nothing to dial otherwise
  return step(ctx.onEvent, 'probe edge', `TCP connect to the tunnel edge ${ctx.opts.edge ?? DEFAULT_EDGE}`, () => probeTcp(target, probeTimeout(ctx)), (r) => r.ok);
}

/** The domain the proxy strips (its config's `tunnel_domain`), else the tunnel's: the probe's Host goes under it. */
function probeDomain(s: Snapshot): string | undefined {
  const text = s.files[s.deployment.paths.config ?? '']?.text;
  try {
    const doc = text === undefined ? undefined : parseDocument(text);
    const domain = doc && isMap(doc.contents) ? doc.get('tunnel_domain') : undefined;
    if (typeof domain === 'string' && isDomainName(domain.trim())) return domain.trim().toLowerCase();
  } catch {
    // an unreadable config names no domain
  }
  return s.tunnelDomain?.value;
}

function listenPort(s: Snapshot): number {
  const text = s.files[s.deployment.paths.config ?? '']?.text;
  if (text === undefined) return 8080;
  try {
    const doc = parseDocument(text);
    const addr = isMap(doc.contents) ? doc.get('listen_addr') : undefined;
    const port = typeof addr === 'string' ? Number(/:(\d+)$/.exec(addr)?.[1]) : NaN;
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : 8080;
  } catch {
    return 8080;
  }
}

const isLoopback = (ip: string) => isIPv4(ip) && ip.startsWith('127.');

/** The proxy's listener as this host can reach it: a published loopback/any port, else the container's private IP. */
export function listenerTarget(s: Snapshot): { target?: HostPort; why: string } {
  if (s.deployment.kind !== 'compose') return { why: 'the listener probe runs for Compose deployments only (pod addresses may not be reachable from here)' };
  const name = serviceFor(composeModel(s), 'mcp-proxy')?.name ?? 'mcp-proxy';
  const proxy: ContainerState | undefined = s.state.containers?.find((c) => c.service === name && !c.oneOff);
  if (!proxy) return { why: 'no mcp-proxy container' };
  if (proxy.state !== 'running') return { why: `mcp-proxy is ${proxy.state}` };
  const port = listenPort(s);
  const published = proxy.ports?.find((p) => p.containerPort === port && p.protocol === 'tcp' && p.hostPort);
  if (published) {
    const ip = published.hostIp ?? '';
    if (ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '::1') return { target: { host: '127.0.0.1', port: published.hostPort! }, why: `published on ${ip || '0.0.0.0'}:${published.hostPort}` };
    if (isLoopback(ip)) return { target: { host: ip, port: published.hostPort! }, why: `published on ${ip}:${published.hostPort}` };
  }
  if (proxy.ip && (isLoopback(proxy.ip) || isPrivateIpv4(proxy.ip))) return { target: { host: proxy.ip, port }, why: `container address ${proxy.ip}` };
  return { why: 'the proxy has no published port or private container address to dial' };
}

export async function runProbes(ctx: GatherContext, s: Snapshot, edge: Promise<ProbeResult> | undefined): Promise<void> {
  const probes: NonNullable<Snapshot['state']['probes']> = {};
  const { target, why } = listenerTarget(s);
  const listener = target
    ? step(ctx.onEvent, 'probe listener', `plaintext WebSocket check of the proxy listener ${target.host}:${target.port}`, () => probeListener(target, probeHost(probeDomain(s)), probeTimeout(ctx)), (r) => r.ok)
    : undefined;
  if (!target) ctx.notes.push(`listener probe skipped: ${why}`);
  const [e, l] = await Promise.all([edge, listener]);
  if (e) probes.edge = e;
  if (l) probes.listener = l;
  if (Object.keys(probes).length) s.state.probes = probes;
}
