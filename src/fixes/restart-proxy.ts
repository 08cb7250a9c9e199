// After any config change the proxy must restart: `docker compose restart mcp-proxy` on Compose,
// `helm upgrade` with the release's current values on Kubernetes (deployment-facts: editing routes).
import type { Snapshot } from '../snapshot/types.js';
import { composeArgv, composeModel, serviceFor } from '../analyze/compose-model.js';
import type { CommandStep, Fix } from './types.js';

export function restartProxyStep(s: Snapshot): CommandStep | undefined {
  if (s.deployment.kind === 'compose') {
    const service = serviceFor(composeModel(s), 'mcp-proxy')?.name ?? 'mcp-proxy';
    return { kind: 'command', argv: composeArgv(s, ['restart', service]), cwd: s.deployment.dir, why: 'the proxy reads its config only at start' };
  }
  if (s.deployment.kind === 'helm') return helmUpgradeStep(s);
  return undefined;
}

export function helmUpgradeStep(s: Snapshot): CommandStep | undefined {
  const { release = 'mcp-tunnel', namespace = 'mcp-tunnel', context } = s.deployment;
  const chart = s.state.kube?.helm?.chart;
  const values = s.deployment.paths.values;
  if (!chart) return undefined;
  const argv = ['helm', 'upgrade', release, chart, '-n', namespace];
  if (values && s.deployment.dir) argv.push('-f', `${s.deployment.dir}/${values}`);
  else argv.push('--reuse-values');
  if (context) argv.push('--kube-context', context);
  return { kind: 'command', argv, why: 'the chart renders the config into a ConfigMap; an upgrade rolls the pods' };
}

export const composeRestartProxy: Fix = {
  id: 'compose-restart-proxy',
  title: 'Restart the proxy (docker compose restart mcp-proxy)',
  kind: 'command',
  findings: ['routing.config-not-reloaded', 'routing.no-route-for-host'],
  plan(s) {
    if (s.deployment.kind !== 'compose') return undefined;
    const step = restartProxyStep(s)!;
    return { fixId: this.id, title: this.title, kind: 'command', steps: [step] };
  },
};

export const helmUpgrade: Fix = {
  id: 'helm-upgrade',
  title: 'Roll the proxy with helm upgrade (current values)',
  kind: 'command',
  findings: ['routing.config-not-reloaded', 'routing.no-route-for-host'],
  plan(s) {
    if (s.deployment.kind !== 'helm') return undefined;
    const step = helmUpgradeStep(s);
    if (!step) return undefined;
    return { fixId: this.id, title: this.title, kind: 'command', steps: [step] };
  },
};
