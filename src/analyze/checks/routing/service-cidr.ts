import type { Check } from '../../types.js';
import { evidence } from '../../evidence.js';
import { stringList, readableProxyConfigs } from '../../proxy-config.js';
import { RFC1918, blockListOf, isIPv4, isPrivateIpv4, narrowestCoveringCidr } from '../../net.js';

// Some managed clusters allocate the Service CIDR outside RFC1918: Services then fail IP validation.
export const serviceCidr: Check = {
  id: 'routing.service-cidr',
  layer: 'routing',
  title: 'the Kubernetes Service CIDR is private, or allowed',
  needs: ['state:kube.kubernetesServiceIP'],
  emits: ['routing.service-cidr-public'],
  run(s) {
    const ip = s.state.kube?.kubernetesServiceIP;
    if (!ip || !isIPv4(ip) || isPrivateIpv4(ip)) return [];
    const view = readableProxyConfigs(s).find((v) => stringList(v, ['upstream', 'allowed_ips'])?.length);
    const custom = view ? stringList(view, ['upstream', 'allowed_ips'])!.map((e) => e.value) : [...RFC1918];
    if (blockListOf(custom).check(ip, 'ipv4')) return [];
    const publicClusterIps = Object.values(s.state.kube?.services ?? {}).map((svc) => svc.clusterIP ?? '').filter((a) => isIPv4(a) && !isPrivateIpv4(a));
    const cidr = narrowestCoveringCidr([ip, ...publicClusterIps])!;
    return [{
      id: 'routing.service-cidr-public',
      vars: { ip, cidr },
      evidence: [evidence('kubectl get svc kubernetes -n default', `clusterIP ${ip}`)],
      data: { ip, cidr, file: view?.file, keepRanges: custom },
    }];
  },
};
