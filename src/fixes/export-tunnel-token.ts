// The documented Compose file passes TUNNEL_TOKEN from the shell that runs `docker compose up`: a fresh
// shell, sudo or a reboot loses it. Only the operator's shell can hold it, so this fix is steps to take.
import { composeArgv, composeModel, serviceFor } from '../analyze/compose-model.js';
import { commandLine } from './describe.js';
import { helmFullname, helmTarget, manualPlan } from './plan-kit.js';
import { recreateCloudflaredArgv } from './cloudflared-ingress.js';
import type { Fix } from './types.js';

export const exportTunnelToken: Fix = {
  id: 'export-tunnel-token',
  title: 'Give cloudflared its TUNNEL_TOKEN (export it, then recreate cloudflared)',
  kind: 'manual',
  findings: ['edge.token-missing', 'edge.token-malformed', 'edge.token-rejected'],
  plan(s, data) {
    const rejected = typeof data?.reason === 'string';
    const rotated = 'If the token was rotated in the Console, the old one is invalid at once: use the new one (and update it on every host that runs this tunnel).';
    if (s.deployment.kind === 'helm') {
      const t = helmTarget(s);
      if (!t) return undefined;
      const name = helmFullname(t.release);
      return manualPlan(this, [
        `Put the token (no quotes, no spaces) in the Secret the chart reads (\`${name}\`, or the one named by external.tunnelTokenSecretName), then restart the pods: \`${commandLine(['kubectl', '-n', t.namespace, 'rollout', 'restart', `deploy/${name}`])}\`.`,
        ...(rejected ? [rotated] : []),
      ]);
    }
    if (s.deployment.kind !== 'compose') return undefined;
    const cf = serviceFor(composeModel(s), 'cloudflared')?.name ?? 'cloudflared';
    const tokenFile = s.files['data/tunnel-token'] ? 'data/tunnel-token' : undefined;
    const where = s.deployment.dir ? ` in ${s.deployment.dir}` : '';
    return manualPlan(this, [
      tokenFile
        ? `In the shell that runs Compose${where}: \`export TUNNEL_TOKEN=$(sudo cat ${tokenFile})\` (setup wrote the token there).`
        : `In the shell that runs Compose${where}, export the token from the tunnel's page in the Console: \`export TUNNEL_TOKEN=<token>\` (no quotes, no spaces).`,
      `Then recreate cloudflared so it starts with it: \`${commandLine(recreateCloudflaredArgv(s, cf).argv)}\`.`,
      `So that a new shell or a reboot does not lose it, keep it in .env beside the Compose file instead: a line \`TUNNEL_TOKEN=<token>\` (no quotes), with \`chmod 600 .env\`.`,
      ...(rejected ? [rotated] : []),
    ]);
  },
};
