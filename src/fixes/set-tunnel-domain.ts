// `no route for host`: `tunnel_domain` must be the exact domain on the tunnel's page, so the proxy can strip
// it from the incoming host and find the route. Sets it (Compose config, or gateway.config in Helm values
// when setup is off), then restarts the proxy.
import type { Snapshot } from '../snapshot/types.js';
import { readableProxyConfigs, scalarValue, type ProxyConfigView } from '../analyze/proxy-config.js';
import { isDomainName } from '../snapshot/tunnel-domain.js';
import { parsedYaml } from '../analyze/yaml-source.js';
import { restartProxySteps } from './restart-proxy.js';
import { nothingToDo, planOf, yamlEdit } from './plan-kit.js';
import { domainFacts } from '../analyze/domain-facts.js';
import type { Fix, PlanStep } from './types.js';

/**
 * The domain to set: only a settled one (the operator's, or what setup and Anthropic's requests agree on).
 * A guess (the certificate's SAN, a host whose route is unknown) or sources that disagree give no plan: the
 * finding asks instead (analyze/domain-facts.ts).
 */
export function targetDomain(s: Snapshot): { value: string; source: string } | undefined {
  const settled = domainFacts(s).settled;
  const clean = settled?.value.trim().toLowerCase().replace(/\.$/, '');
  return settled && clean && isDomainName(clean) ? { value: clean, source: settled.source } : undefined;
}

function editableView(s: Snapshot): ProxyConfigView | undefined {
  const views = readableProxyConfigs(s);
  if (s.deployment.kind === 'compose') return views.find((v) => v.prefix.length === 0);
  if (s.deployment.kind !== 'helm') return undefined;
  // With setup on, the chart passes the domain from the Secret as a flag: the values' key is not used.
  const values = parsedYaml(s, s.deployment.paths.values);
  if (!values || values.doc.getIn(['setup', 'enabled']) !== false) return undefined;
  return views.find((v) => v.prefix.length > 0);
}

export const setTunnelDomain: Fix = {
  id: 'set-tunnel-domain',
  title: 'Set tunnel_domain to the tunnel\'s domain',
  kind: 'edit',
  findings: ['routing.no-route-for-host'],
  plan(s) {
    const target = targetDomain(s);
    const view = editableView(s);
    if (!target || !view) return undefined;
    const domain = target.value;
    const current = scalarValue(view, ['tunnel_domain']);
    if (typeof current === 'string' && current.trim().toLowerCase().replace(/\.$/, '') === domain) {
      return nothingToDo(this, `tunnel_domain is already ${domain}`);
    }
    const edit = yamlEdit(s, view.file, `the tunnel's domain is ${domain} (from ${target.source})`, (p) =>
      p.setIn([...view.prefix, 'tunnel_domain'], domain, { after: p.get([...view.prefix, 'log_level']) ? 'log_level' : 'listen_addr' }),
    );
    if ('unchanged' in edit) return nothingToDo(this, `tunnel_domain is already ${domain}`);
    if ('problem' in edit) return undefined;
    const steps: PlanStep[] = [edit.step];
    steps.push(...restartProxySteps(s));
    return planOf(this, steps);
  },
};
