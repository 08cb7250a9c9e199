import type { Check, Observation } from '../../types.js';
import { usableProxyConfigs, lineEvidence } from '../../check-input.js';
import { scalarValue, stringList, viewKeyLine, viewKeyName } from '../../proxy-config.js';
import { RFC1918, blockListOf, isIPv4, isOpenCidr, isPrivateIpv4, narrowestCoveringCidr, rfc1918RangeOf } from '../../net.js';
import { upstreamsOf } from '../../upstreams.js';
import { evidence } from '../../evidence.js';

// The proxy dials only IPv4 addresses in `allowed_ips` (default: RFC1918), as each route's host resolves.
export const upstreamAddresses: Check = {
  id: 'routing.upstream-addresses',
  layer: 'routing',
  title: 'every upstream resolves to an allowed IPv4 address',
  needs: ['file:config', 'file:values'],
  emits: ['routing.ip-not-private', 'routing.ipv6-upstream'],
  run(s) {
    const out: Observation[] = [];
    for (const view of usableProxyConfigs(s)) {
      if (scalarValue(view, ['upstream', 'disable_ip_validation']) === true) continue;
      const list = stringList(view, ['upstream', 'allowed_ips']);
      const custom = list !== undefined && list.length > 0;
      const cidrs = custom ? list.map((e) => e.value) : [...RFC1918];
      if (cidrs.some(isOpenCidr)) continue;
      const allowed = blockListOf(cidrs);
      const allowedText = custom ? `\`${viewKeyName(view, ['upstream', 'allowed_ips'])}\` (${cidrs.join(', ')})` : `the RFC1918 ranges ${RFC1918.join(', ')} (the default; \`allowed_ips\` is not set)`;
      const upstreams = upstreamsOf(s, view);
      const rangesInUse = [...new Set(upstreams.flatMap((u) => u.addresses.filter(isIPv4).map(rfc1918RangeOf)).filter((r): r is string => r !== undefined))];
      for (const u of upstreams) {
        if (u.addresses.length === 0) continue;
        const v4 = u.addresses.filter((a) => isIPv4(a));
        const routeEv = lineEvidence(s, view.file, u.line);
        const resolvedEv = evidence(view.file, `${u.host} -> ${u.addresses.join(', ')} (${u.via ?? 'resolved'})`, u.line ? { line: u.line } : {});
        if (v4.length === 0) {
          out.push({ id: 'routing.ipv6-upstream', vars: { host: u.host, addresses: u.addresses.join(', ') }, evidence: [routeEv, resolvedEv], data: { file: view.file, route: u.route, host: u.host, addresses: u.addresses } });
          continue;
        }
        // A private address left out of a custom list is allowed-ips-dropped-defaults; here: the rest.
        const outside = v4.filter((ip) => !allowed.check(ip, 'ipv4') && !(custom && isPrivateIpv4(ip)));
        if (outside.length === 0) continue;
        const cidr = narrowestCoveringCidr(outside)!;
        out.push({
          id: 'routing.ip-not-private',
          vars: { host: u.host, ip: outside.join(', '), allowed: allowedText, cidr },
          evidence: [routeEv, resolvedEv, ...(custom ? [lineEvidence(s, view.file, viewKeyLine(view, ['upstream', 'allowed_ips']))] : [])],
          data: { file: view.file, key: viewKeyName(view, ['upstream', 'allowed_ips']), route: u.route, host: u.host, ip: outside[0], ips: outside, cidr, allowedIps: custom ? cidrs : null, keepRanges: custom ? cidrs : rangesInUse.length ? rangesInUse : [...RFC1918] },
        });
      }
    }
    return out;
  },
};
