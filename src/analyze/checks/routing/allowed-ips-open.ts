import type { Check, Observation } from '../../types.js';
import { usableProxyConfigs, lineEvidence } from '../../check-input.js';
import { scalarValue, stringList, viewKeyLine, viewKeyName } from '../../proxy-config.js';
import { isOpenCidr } from '../../net.js';

export const allowedIpsOpen: Check = {
  id: 'routing.allowed-ips-open',
  layer: 'routing',
  title: 'SSRF protection is on (no 0.0.0.0/0, no disable_ip_validation)',
  needs: ['file:config', 'file:values'],
  emits: ['routing.allowed-ips-open'],
  run(s) {
    const out: Observation[] = [];
    for (const view of usableProxyConfigs(s)) {
      const open = (stringList(view, ['upstream', 'allowed_ips']) ?? []).filter((entry) => isOpenCidr(entry.value));
      for (const entry of open) {
        out.push({
          id: 'routing.allowed-ips-open',
          vars: { what: `\`${entry.value}\` in \`${viewKeyName(view, ['upstream', 'allowed_ips'])}\`` },
          evidence: [lineEvidence(s, view.file, entry.line)],
          data: { file: view.file, cidr: entry.value },
        });
      }
      if (scalarValue(view, ['upstream', 'disable_ip_validation']) === true) {
        out.push({
          id: 'routing.allowed-ips-open',
          vars: { what: `\`${viewKeyName(view, ['upstream', 'disable_ip_validation'])}: true\`` },
          evidence: [lineEvidence(s, view.file, viewKeyLine(view, ['upstream', 'disable_ip_validation']))],
          data: { file: view.file, disableIpValidation: true },
        });
      }
    }
    return out;
  },
};
