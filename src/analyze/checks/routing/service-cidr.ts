import type { Check } from '../../types.js';
import { evidence } from '../../evidence.js';
import { stringList, readableProxyConfigs } from '../../proxy-config.js';
import { RFC1918, blockListOf, coversCidr, isIPv4, isPrivateIpv4, narrowestCoveringCidr, parseCidr } from '../../net.js';

/** Loopback is never a Service range (the API server refuses one); test fixtures use it. */
const isServiceIp = (ip: string) => isIPv4(ip) && !ip.startsWith('127.');

// Some managed clusters allocate the Service CIDR outside RFC1918: Services then fail IP validation. The range
// itself, where gather could learn it (ServiceCIDR objects, or the API server's answer to a dry-run Service),
// is what must be allowed; otherwise only the Service IPs seen are known, and a later Service may fall outside.
export const serviceCidr: Check = {
  id: 'routing.service-cidr',
  layer: 'routing',
  title: 'the Kubernetes Service CIDR is private, or allowed',
  needs: ['state:kube'],
  emits: ['routing.service-cidr-public'],
  run(s) {
    const kube = s.state.kube;
    const view = readableProxyConfigs(s).find((v) => stringList(v, ['upstream', 'allowed_ips'])?.length);
    const custom = view ? stringList(view, ['upstream', 'allowed_ips'])!.map((e) => e.value) : [...RFC1918];
    const ip = kube?.kubernetesServiceIP;
    const ipEvidence = ip ? [evidence('kubectl get svc kubernetes -n default', `clusterIP ${ip}`)] : [];
    const range = kube?.serviceCIDR;
    const ranges = (range?.cidrs ?? []).filter((c) => parseCidr(c) !== undefined);
    if (range && ranges.length) {
      const publicRanges = ranges.filter((c) => !coversCidr(RFC1918, c));
      const uncovered = publicRanges.filter((c) => !coversCidr(custom, c));
      if (uncovered.length === 0) return [];
      const cidr = uncovered.join(', ');
      return [{
        id: 'routing.service-cidr-public',
        variant: 'known',
        vars: { ip: ip ?? '?', cidr, how: range.how },
        evidence: [evidence(range.source === 'servicecidr' ? 'kubectl get servicecidrs' : 'kubectl create service --dry-run=server', `Service range ${ranges.join(', ')}`), ...ipEvidence],
        data: { ...(ip ? { ip } : {}), cidr: uncovered[0], serviceRanges: uncovered, rangeSource: range.how, file: view?.file, keepRanges: custom },
      }];
    }
    if (!ip || !isServiceIp(ip) || isPrivateIpv4(ip)) return [];
    if (blockListOf(custom).check(ip, 'ipv4')) return [];
    const publicClusterIps = Object.values(kube?.services ?? {}).map((svc) => svc.clusterIP ?? '').filter((a) => isServiceIp(a) && !isPrivateIpv4(a));
    const cidr = narrowestCoveringCidr([ip, ...publicClusterIps])!;
    return [{
      id: 'routing.service-cidr-public',
      vars: { ip, cidr },
      evidence: ipEvidence,
      data: { ip, ips: [ip, ...publicClusterIps], cidr, file: view?.file, keepRanges: custom },
    }];
  },
};
