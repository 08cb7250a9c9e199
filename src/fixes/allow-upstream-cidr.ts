// `upstream.allowed_ips`, as the guide says: add the narrowest CIDR that covers a legitimate upstream, and
// since the list *replaces* the RFC1918 default, write out the private ranges too. The fix only widens what
// the upstreams need; it never adds 0.0.0.0/0 (nor anything wider than a /8).
//
// SSRF protection off (`0.0.0.0/0`, `disable_ip_validation: true`): the same fix takes it out and writes
// the ranges the upstreams need, but only when every upstream's address is known here. Otherwise narrowing
// could cut off a working route, so the plan is manual and names the upstreams to check first.
import { Scalar, isMap, isSeq, type Node } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { readableProxyConfigs, scalarValue, stringList, viewKeyName, type ProxyConfigView } from '../analyze/proxy-config.js';
import { upstreamsOf, type Upstream } from '../analyze/upstreams.js';
import { RFC1918, blockListOf, coversCidr, isIPv4, isOpenCidr, narrowestCoveringCidr, parseCidr, rfc1918RangeOf } from '../analyze/net.js';
import { restartProxySteps } from './restart-proxy.js';
import { dataString, manualPlan, nothingToDo, planOf, yamlEdit } from './plan-kit.js';
import type { YamlPatch } from './yaml-patch.js';
import { seqOf } from './yaml-patch.js';
import type { Fix, PlanStep } from './types.js';

/** Wider than this is not "narrowest covering" of anything an upstream needs: refuse it. */
const WIDEST_PREFIX = 8;

interface Entry {
  cidr: string;
  why: string;
}

export interface AllowedIpsChange {
  /** The list after the fix, in order. */
  list: string[];
  added: Entry[];
  removed: string[];
  dropDisable: boolean;
  /** Upstreams whose address is not known here. */
  unknown: Upstream[];
}

function covers(list: readonly string[], ip: string): boolean {
  return blockListOf(list).check(ip, 'ipv4');
}

function acceptable(cidr: string | undefined): cidr is string {
  const parsed = cidr ? parseCidr(cidr) : undefined;
  return parsed !== undefined && parsed.prefix >= WIDEST_PREFIX;
}

/** Pure: what `allowed_ips` must become for this view's upstreams (and the address a finding names). */
export function allowedIpsChange(s: Snapshot, view: ProxyConfigView, data?: Record<string, unknown>): AllowedIpsChange {
  const current = stringList(view, ['upstream', 'allowed_ips'])?.map((e) => e.value) ?? [];
  const dropDisable = scalarValue(view, ['upstream', 'disable_ip_validation']) === true;
  const removed = current.filter(isOpenCidr);
  const kept = current.filter((c) => !isOpenCidr(c));
  const added: Entry[] = [];
  const list = [...kept];
  const add = (cidr: string, why: string) => {
    if (!acceptable(cidr) || list.includes(cidr)) return;
    list.push(cidr);
    added.push({ cidr, why });
  };
  const upstreams = upstreamsOf(s, view);
  const routesIn = (range: string) => upstreams.filter((u) => u.addresses.some((a) => isIPv4(a) && rfc1918RangeOf(a) === range)).map((u) => u.route);
  // Unset (or open) means the proxy dialled the RFC1918 ranges before: an explicit list keeps them.
  if (current.length === 0 || removed.length > 0) {
    for (const range of RFC1918) add(range, routesIn(range).length ? `route ${routesIn(range).join(', ')}` : 'RFC1918 default, kept');
  }
  // The cluster's Service range as gather learnt it (ServiceCIDR objects or the API server's own answer):
  // the whole range, so a Service created later is allowed too. First: it covers the Service
  // addresses the upstreams resolve to.
  const rangeSource = dataString(data, 'rangeSource');
  const serviceRanges = Array.isArray(data?.serviceRanges) ? (data.serviceRanges as unknown[]).filter((x): x is string => typeof x === 'string' && parseCidr(x) !== undefined) : [];
  for (const range of serviceRanges) if (!coversCidr(list, range)) add(range, `the cluster's Service range${rangeSource ? ` (from ${rangeSource})` : ''}`);
  for (const u of upstreams) {
    const v4 = u.addresses.filter((a) => isIPv4(a));
    const privateOut = v4.filter((ip) => !covers(list, ip) && rfc1918RangeOf(ip));
    for (const ip of privateOut) add(rfc1918RangeOf(ip)!, `route ${routesIn(rfc1918RangeOf(ip)!).join(', ')}`);
    const publicOut = v4.filter((ip) => !covers(list, ip) && !rfc1918RangeOf(ip));
    const cidr = narrowestCoveringCidr(publicOut);
    if (cidr) add(cidr, `${u.host} (route ${u.route})`);
  }
  // What the finding saw that the config alone does not show: a refused address in the log, the Service CIDR.
  const ips = Array.isArray(data?.ips) ? (data.ips as unknown[]).filter((x): x is string => typeof x === 'string' && isIPv4(x)) : [];
  const ip = dataString(data, 'ip');
  if (ip && isIPv4(ip) && !ips.includes(ip)) ips.push(ip);
  const outside = ips.filter((a) => !covers(list, a));
  if (outside.length) {
    const given = dataString(data, 'cidr');
    const cidr = acceptable(given) && outside.every((a) => covers([given], a)) && !rfc1918RangeOf(outside[0]!) ? given : undefined;
    const host = dataString(data, 'host');
    const route = dataString(data, 'route');
    const why = host ? `${host}${route ? ` (route ${route})` : ''}` : data?.from === 'log' ? 'refused in the proxy log' : 'the Kubernetes Service IPs seen (the cluster\'s Service range could not be read and may be wider)';
    for (const a of outside.filter((x) => rfc1918RangeOf(x))) add(rfc1918RangeOf(a)!, why);
    const pub = outside.filter((x) => !rfc1918RangeOf(x));
    if (pub.length) add(cidr ?? narrowestCoveringCidr(pub)!, why);
  }
  const unknown = upstreams.filter((u) => u.addresses.filter((a) => isIPv4(a)).length === 0 && !u.resolveError?.match(/IPv6/));
  return { list, added, removed, dropDisable, unknown };
}

function editOf(prefix: readonly string[], change: AllowedIpsChange) {
  return (p: YamlPatch) => {
    const path = [...prefix, 'upstream', 'allowed_ips'];
    const node = p.get(path);
    const items = change.added.map((e) => {
      const scalar = new Scalar(e.cidr);
      scalar.comment = ` ${e.why}`;
      return scalar;
    });
    if (isSeq(node) && node.items.length > 0) {
      // Append first: the list is never empty in between, so it keeps its block style.
      const open = node.items.filter((item) => item instanceof Scalar && isOpenCidr(String(item.value)));
      if (items.length) p.appendItems(node, items);
      for (const item of open) p.removeItem(node, item as Node);
    } else if (items.length) {
      p.setIn(path, seqOf(items));
    }
    if (change.dropDisable) {
      const upstream = p.get([...prefix, 'upstream']);
      if (isMap(upstream)) p.removePair(upstream, 'disable_ip_validation');
    }
  };
}

function viewFor(s: Snapshot, data?: Record<string, unknown>): ProxyConfigView | undefined {
  const views = readableProxyConfigs(s).filter((v) => v.root !== undefined);
  const file = dataString(data, 'file');
  return views.find((v) => v.file === file) ?? views[0];
}

export const allowUpstreamCidr: Fix = {
  id: 'allow-upstream-cidr',
  title: 'Allow the upstreams\' addresses in upstream.allowed_ips (narrowest CIDRs, private ranges kept)',
  kind: 'edit',
  findings: ['routing.ip-not-private', 'routing.allowed-ips-dropped-defaults', 'routing.allowed-ips-open', 'routing.service-cidr-public'],
  plan(s, data) {
    const view = viewFor(s, data);
    if (!view) return undefined;
    const change = allowedIpsChange(s, view, data);
    const key = viewKeyName(view, ['upstream', 'allowed_ips']);
    const opening = change.removed.length > 0 || change.dropDisable;
    if (opening && change.unknown.length > 0) {
      const names = change.unknown.map((u) => `${u.host} (route ${u.route})`).join(', ');
      return manualPlan(this, [
        `${change.removed.length ? `\`${change.removed.join('`, `')}\` in \`${key}\`` : `\`${viewKeyName(view, ['upstream', 'disable_ip_validation'])}: true\``} turns SSRF protection off, but the address of ${names} is not known here, so narrowing the list could cut ${change.unknown.length === 1 ? 'it' : 'them'} off. Check where ${change.unknown.length === 1 ? 'it resolves' : 'they resolve'} from the proxy's network, then write \`${key}\` as: ${change.list.map((c) => `\`${c}\``).join(', ')} plus the narrowest CIDR of ${change.unknown.length === 1 ? 'that address' : 'those addresses'}${change.dropDisable ? `, remove \`disable_ip_validation\`` : ''}, and restart the proxy.`,
      ]);
    }
    if (change.added.length === 0 && !opening) return nothingToDo(this, `\`${key}\` already covers every upstream`);
    const whyParts = [
      change.added.length ? `adds ${change.added.map((e) => e.cidr).join(', ')}` : '',
      change.removed.length ? `removes ${change.removed.join(', ')} (SSRF protection back on)` : '',
      change.dropDisable ? 'removes disable_ip_validation (SSRF protection back on)' : '',
      'allowed_ips replaces the RFC1918 default, so the private ranges in use are written out',
    ].filter(Boolean);
    const edit = yamlEdit(s, view.file, whyParts.join('; '), editOf(view.prefix, change));
    if ('unchanged' in edit) return nothingToDo(this, `\`${key}\` already covers every upstream`);
    if ('problem' in edit) return undefined;
    const steps: PlanStep[] = [edit.step];
    steps.push(...restartProxySteps(s));
    return planOf(this, steps);
  },
};
