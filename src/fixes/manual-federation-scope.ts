// 403 after a successful token exchange: the federation rule may exchange tokens, but not manage tunnels
// in that workspace. Both halves are set in the Console.
import { helmValuesOf, valueAt } from '../analyze/helm-values.js';
import { manualPlan } from './plan-kit.js';
import type { Fix } from './types.js';

export const manualFederationScope: Fix = {
  id: 'manual-federation-scope',
  title: 'Give the federation rule the tunnels scope and its service account the workspace (in the Console)',
  kind: 'manual',
  findings: ['setup.forbidden'],
  plan(s) {
    const values = helmValuesOf(s);
    const rule = values ? valueAt(values, ['api', 'wif', 'federationRuleId']) : undefined;
    const workspace = values ? valueAt(values, ['api', 'wif', 'workspaceId']) : undefined;
    return manualPlan(this, [
      `In the Console, edit the federation rule${typeof rule === 'string' ? ` ${rule}` : ''}: its scope must include \`workspace:manage_tunnels\` (chart 2.x; older charts: \`org:manage_tunnels\`).`,
      `Add the rule's service account as a member of the tunnel's workspace${typeof workspace === 'string' ? ` (${workspace})` : ''}: a tunnel outside the default workspace needs it.`,
      s.deployment.kind === 'helm' ? 'Then retry the setup: `mcp-tunnel-triage fix helm-cleanup`, and install again.' : 'Then run the setup again: `docker compose run --rm setup`.',
    ]);
  },
};
