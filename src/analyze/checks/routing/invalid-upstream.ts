import type { Check, Observation } from '../../types.js';
import { usableProxyConfigs, lineEvidence } from '../../check-input.js';
import { routeEntries, scalarValue, viewKeyName } from '../../proxy-config.js';
import { parseUpstream } from '../../upstream-url.js';

export const invalidUpstream: Check = {
  id: 'routing.invalid-upstream',
  layer: 'routing',
  title: 'every route is exactly scheme://host:port, with trust for https',
  needs: ['file:config', 'file:values'],
  emits: ['routing.invalid-upstream'],
  run(s) {
    const out: Observation[] = [];
    for (const view of usableProxyConfigs(s)) {
      const hasTrust = Boolean(scalarValue(view, ['upstream', 'tls', 'ca_file'])) || scalarValue(view, ['upstream', 'tls', 'include_system_cas']) === true;
      for (const route of routeEntries(view)) {
        const parsed = parseUpstream(route.url);
        const data = { file: view.file, route: route.name, url: route.url, key: viewKeyName(view, ['routes', route.name]) };
        if (!parsed.ok) {
          out.push({ id: 'routing.invalid-upstream', vars: { route: route.name, url: route.url, problem: parsed.problem }, evidence: [lineEvidence(s, view.file, route.line)], data });
        } else if ((parsed.url.scheme === 'https' || parsed.url.scheme === 'wss') && !hasTrust) {
          out.push({ id: 'routing.invalid-upstream', variant: 'https-no-trust', vars: { route: route.name, url: route.url }, evidence: [lineEvidence(s, view.file, route.line)], data });
        }
      }
    }
    return out;
  },
};
