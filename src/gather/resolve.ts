// Each route's host as the proxy would see it: an IP literal as written; a Compose service name -> that
// container's address (gathered state); a Kubernetes Service -> its clusterIP; else the host's resolver.
// Never dials an upstream. The resolver is injected so tests never send a DNS query off the machine.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Snapshot } from '../snapshot/types.js';
import { proxyConfigViews, routeEntries } from '../analyze/proxy-config.js';
import { parseUpstream } from '../analyze/upstream-url.js';
import { composeModel } from '../analyze/compose-model.js';

export type Resolver = (host: string) => Promise<string[]>;
export type Resolved = NonNullable<Snapshot['state']['resolved']>;

export const RESOLVE_TIMEOUT_MS = 5_000;

/** The host's resolver (getaddrinfo, as the proxy's Go resolver would mostly see it), every address. */
export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Route hosts that are names (IP literals need no resolving). */
export function routeHosts(s: Snapshot): string[] {
  const hosts = new Set<string>();
  for (const view of proxyConfigViews(s)) {
    if (view.yaml.error) continue;
    for (const route of routeEntries(view)) {
      const parsed = parseUpstream(route.url);
      if (parsed.ok && !isIP(parsed.url.host)) hosts.add(parsed.url.host.toLowerCase());
    }
  }
  return [...hosts];
}

function kubeService(s: Snapshot, host: string): { name: string; clusterIP?: string; namespace: string } | undefined {
  const kube = s.state.kube;
  if (!kube?.services) return undefined;
  const ns = kube.namespace ?? s.deployment.namespace ?? 'default';
  const parts = host.replace(/\.$/, '').split('.');
  const [name, second] = parts;
  const rest = parts.slice(2).join('.');
  // name | name.ns | name.ns.svc | name.ns.svc.cluster.local (or another cluster domain after .svc)
  const wantNs = second ?? ns;
  if (parts.length > 2 && !rest.startsWith('svc')) return undefined;
  const svc = name ? kube.services[name] : undefined;
  if (!svc || (svc.namespace ?? ns) !== wantNs) return undefined;
  return { name: name!, clusterIP: svc.clusterIP, namespace: wantNs };
}

function looksLikeClusterName(host: string): boolean {
  return !host.includes('.') || /\.svc(\.|$)/.test(host) || host.endsWith('.cluster.local');
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves every route host; `resolver` undefined means no host lookups (the demo, or --no-network). */
export async function resolveUpstreams(s: Snapshot, resolver: Resolver | undefined, timeoutMs = RESOLVE_TIMEOUT_MS): Promise<Resolved> {
  const out: Resolved = {};
  const services = new Set((composeModel(s)?.services ?? []).map((svc) => svc.name.toLowerCase()));
  const containers = s.state.containers ?? [];
  await Promise.all(
    routeHosts(s).map(async (host) => {
      const container = containers.find((c) => c.service.toLowerCase() === host || c.name.toLowerCase() === host);
      if (container?.ip) {
        out[host] = { addresses: [container.ip], via: `Compose service ${container.service} (container ${container.name})` };
        return;
      }
      if (services.has(host)) {
        out[host] = { addresses: [], via: `Compose service ${host}`, error: container ? `container ${container.name} is ${container.state} and has no address` : 'its container is not running, or docker was not asked' };
        return;
      }
      const svc = kubeService(s, host);
      if (svc) {
        out[host] = svc.clusterIP && svc.clusterIP !== 'None'
          ? { addresses: [svc.clusterIP], via: `Kubernetes Service ${svc.namespace}/${svc.name} (clusterIP)` }
          : { addresses: [], via: `Kubernetes Service ${svc.namespace}/${svc.name}`, error: 'it is headless (clusterIP None): the proxy dials pod addresses' };
        return;
      }
      if (s.deployment.kind === 'helm' && looksLikeClusterName(host)) {
        out[host] = { addresses: [], via: 'cluster DNS', error: s.state.kube?.services ? `no Service of that name in namespace ${s.state.kube.namespace ?? s.deployment.namespace ?? '?'}` : 'cluster Services were not gathered' };
        return;
      }
      if (!resolver) {
        out[host] = { addresses: [], via: "this host's resolver", error: 'not looked up (no network lookups in this run)' };
        return;
      }
      try {
        const addresses = await withTimeout(resolver(host), timeoutMs);
        out[host] = { addresses: [...new Set(addresses)], via: "this host's resolver (the proxy's container may see other answers)" };
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        out[host] = { addresses: [], via: "this host's resolver", error: e.code === 'ENOTFOUND' ? 'no such host here' : (e.code ?? e.message ?? String(err)).split('\n')[0]! };
      }
    }),
  );
  return out;
}
