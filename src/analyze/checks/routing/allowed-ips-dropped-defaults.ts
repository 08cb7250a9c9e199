import type { Check, Observation } from '../../types.js';
import { usableProxyConfigs, lineEvidence } from '../../check-input.js';
import { stringList, viewKeyLine } from '../../proxy-config.js';
import { blockListOf, isIPv4, rfc1918RangeOf } from '../../net.js';
import { upstreamsOf } from '../../upstreams.js';

// Setting allowed_ips replaces the RFC1918 default: a private upstream outside the new list is refused.
export const allowedIpsDroppedDefaults: Check = {
  id: 'routing.allowed-ips-dropped-defaults',
  layer: 'routing',
  title: '`allowed_ips` keeps the private ranges upstreams use',
  needs: ['file:config', 'file:values'],
  emits: ['routing.allowed-ips-dropped-defaults'],
  run(s) {
    const out: Observation[] = [];
    for (const view of usableProxyConfigs(s)) {
      const entries = stringList(view, ['upstream', 'allowed_ips']);
      if (!entries || entries.length === 0) continue; // unset: the RFC1918 default applies
      const allowed = blockListOf(entries.map((e) => e.value));
      for (const upstream of upstreamsOf(s, view)) {
        for (const ip of upstream.addresses.filter((a) => isIPv4(a))) {
          const range = rfc1918RangeOf(ip);
          if (!range || allowed.check(ip, 'ipv4')) continue;
          out.push({
            id: 'routing.allowed-ips-dropped-defaults',
            vars: { range, route: upstream.route, host: upstream.host, ip },
            evidence: [lineEvidence(s, view.file, viewKeyLine(view, ['upstream', 'allowed_ips'])), lineEvidence(s, view.file, upstream.line)],
            data: { file: view.file, route: upstream.route, host: upstream.host, ip, range, cidr: range },
          });
          break; // one finding per route is enough
        }
      }
    }
    return out;
  },
};
