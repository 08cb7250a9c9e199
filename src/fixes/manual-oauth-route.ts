// OAuth behind a source-IP allowlist: Anthropic's backend reaches /token, /register and discovery through
// the tunnel, which needs a route for the authorization server. Its address is the operator's to give.
import type { Snapshot } from '../snapshot/types.js';
import { commandLine } from './describe.js';
import { restartProxySteps } from './restart-proxy.js';
import { dataString, manualPlan } from './plan-kit.js';
import type { Fix } from './types.js';

function restartText(s: Snapshot): string {
  const commands = restartProxySteps(s).flatMap((step) => (step.kind === 'command' ? [`\`${commandLine(step.argv)}\``] : []));
  return commands.length ? commands.join(' then ') : '`docker compose restart mcp-proxy`, or `helm upgrade`';
}

export const manualOauthRoute: Fix = {
  id: 'manual-oauth-route',
  title: 'Add a proxy route for the authorization server',
  kind: 'manual',
  findings: ['oauth.no-auth-route'],
  plan(s, data) {
    const route = dataString(data, 'route') ?? 'auth';
    const file = s.deployment.paths.config ?? s.deployment.paths.values ?? 'config/mcp-proxy.yaml';
    const domain = s.tunnelDomain?.value ?? '<tunnel-domain>';
    return manualPlan(this, [
      `Add a route for the authorization server to \`routes\` in ${file}: \`${route}: http://<your-auth-server>:<port>\` (its address as the proxy reaches it), so that Anthropic's backend reaches /token, /register and the discovery documents at https://${route}.${domain}.`,
      `Restart the proxy to load it: ${restartText(s)}.`,
    ]);
  },
};

