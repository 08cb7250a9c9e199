// cloudflared reaches the tunnel edge outbound on 7844, TCP (HTTP/2) and UDP (QUIC). A firewall in the way
// is outside this host's files: the exact ranges and ports to allow, with the usual host firewall commands.
import { manualPlan } from './plan-kit.js';
import type { Fix } from './types.js';

export const EDGE_V4 = '198.41.192.0/19';
export const EDGE_V6 = '2606:4700:a0::/44';

export const openEgress7844: Fix = {
  id: 'open-egress-7844',
  title: 'Allow outbound 7844 (TCP and UDP) to the tunnel edge',
  kind: 'manual',
  findings: ['edge.unreachable'],
  plan() {
    return manualPlan(this, [
      `Allow outbound TCP and UDP to port 7844 from this host to ${EDGE_V4} and ${EDGE_V6} (the tunnel edge), on the host's firewall and on any security group or network firewall on the way out. Nothing inbound is needed.`,
      `With ufw: \`sudo ufw allow out proto tcp to ${EDGE_V4} port 7844\`, the same with \`proto udp\`, and both again for ${EDGE_V6}. With iptables: \`sudo iptables -A OUTPUT -p tcp -d ${EDGE_V4} --dport 7844 -j ACCEPT\` and \`-p udp\`; ip6tables for ${EDGE_V6}.`,
      'UDP carries QUIC; with only TCP open cloudflared falls back to HTTP/2 and still works. Then watch `docker compose logs cloudflared` for four `Registered tunnel connection` lines.',
    ]);
  },
};
