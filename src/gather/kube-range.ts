// The cluster's Service IP range, where kubectl can show it. Two sources, best first:
// - networking.k8s.io ServiceCIDR objects (1.31+; `kubectl get servicecidrs`): the ranges themselves.
// - The API server's answer to a Service create with a clusterIP outside its range, made as a server-side
//   dry run (nothing is created): 422 `... failed to allocate IP X: the provided IP (X) is not in the valid
//   range. The range of valid IPs is 10.96.0.0/12` (pkg/registry/core/service/ipallocator ErrNotInRange;
//   releases before 1.24 say `provided IP is not in the valid range`; the ServiceCIDR allocator lists every
//   range, space-separated).
import { isIP } from 'node:net';
import { parseJson } from './kube-parse.js';

/** TEST-NET-3 (RFC 5737): never a real Service range; TEST-NET-2 if the cluster's own IP is in it. */
export function probeIpFor(kubernetesServiceIP: string | undefined): string {
  return kubernetesServiceIP?.startsWith('203.0.113.') ? '198.51.100.1' : '203.0.113.1';
}

const CIDR = /^([0-9a-fA-F.:]+)\/(\d{1,3})$/;

function validCidr(text: string): boolean {
  const m = CIDR.exec(text);
  if (!m) return false;
  const family = isIP(m[1]!);
  return family !== 0 && Number(m[2]) <= (family === 4 ? 32 : 128);
}

/** `kubectl get servicecidrs -o json`: every range of every ServiceCIDR (IPv4 and IPv6). */
export function parseServiceCIDRs(text: string): string[] {
  const v = parseJson(text) as { items?: { spec?: { cidrs?: unknown } }[] } | undefined;
  const cidrs = (v?.items ?? []).flatMap((i) => (Array.isArray(i?.spec?.cidrs) ? i.spec.cidrs : [])).filter((c): c is string => typeof c === 'string' && validCidr(c));
  return [...new Set(cidrs)];
}

/** The ranges named by the API server's refusal of an out-of-range clusterIP; [] when it said something else. */
export function parseRangeRefusal(stderr: string): string[] {
  const m = /The range of valid IPs is ((?:[0-9a-fA-F.:]+\/\d{1,3}[\s,]*)+)/.exec(stderr);
  if (!m) return [];
  return [...new Set(m[1]!.split(/[\s,]+/).filter((c) => c && validCidr(c)))];
}

/** kubectl's answer when the API has no ServiceCIDR resource (before 1.31, or the beta API off). */
export function noServiceCIDRResource(stderr: string): boolean {
  return /the server doesn't have a resource type "servicecidrs"/.test(stderr);
}
