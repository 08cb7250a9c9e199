import type { Check, Observation } from '../../types.js';
import { usableProxyConfigs, lineEvidence } from '../../check-input.js';
import { routeEntries, scalarValue, viewKeyLine, viewKeyName } from '../../proxy-config.js';
import { evidence } from '../../evidence.js';
import { helmValuesOf, setupEnabled, lineAt } from '../../helm-values.js';
import { askForDomain } from '../../domain-facts.js';
import type { Snapshot } from '../../../snapshot/types.js';

/** The observation, asking for the domain when it is not settled (the fix then has nothing it may write). */
function withAsk(s: Snapshot, obs: Observation): Observation {
  const ask = askForDomain(s);
  return ask ? { ...obs, vars: { ...obs.vars, ...ask.vars }, data: { ...obs.data, ...ask.data } } : obs;
}

function normal(domain: string): string {
  return domain.trim().toLowerCase();
}

// The proxy strips `tunnel_domain` from the incoming host: it must be the tunnel's domain exactly.
export const tunnelDomainMatches: Check = {
  id: 'routing.tunnel-domain',
  layer: 'routing',
  title: '`tunnel_domain` is the tunnel\'s domain',
  needs: ['file:config', 'file:values'],
  emits: ['routing.no-route-for-host'],
  run(s) {
    const out: Observation[] = [];
    const domain = s.tunnelDomain;
    for (const view of usableProxyConfigs(s)) {
      const bare = routeEntries(view).filter((r) => !r.name.includes('.'));
      if (bare.length === 0) continue; // full host names match exactly; no stripping needed
      const key = viewKeyName(view, ['tunnel_domain']);
      const configured = scalarValue(view, ['tunnel_domain']);
      const host = `${bare[0]!.name}.${domain?.value ?? '<tunnel-domain>'}`;
      const routes = bare.map((r) => r.name).join(', ');
      const data = { file: view.file, key, domain: domain?.value, configured: configured ?? null };
      const domainEv = domain ? [evidence(domain.source, `tunnel domain ${domain.value}`)] : [];
      if (view.prefix.length) {
        const values = helmValuesOf(s);
        if (values && setupEnabled(values)) continue; // setup hands the proxy its domain as a flag
        if (configured === undefined || configured === null || configured === '') {
          const setupLine = values ? lineAt(values, ['setup', 'enabled']) : undefined;
          out.push(withAsk(s, {
            id: 'routing.no-route-for-host', variant: 'helm-no-domain',
            vars: { file: view.file, routes, toDomain: domain ? ` to \`${domain.value}\`` : ' to the domain shown on the tunnel detail page' },
            evidence: [lineEvidence(s, view.file, setupLine), ...domainEv],
            data,
          }));
          continue;
        }
      }
      if (configured === undefined || configured === null || configured === '') {
        if (view.prefix.length) continue;
        out.push(withAsk(s, {
          id: 'routing.no-route-for-host', variant: 'missing',
          vars: { file: view.file, key, routes, host, domain: domain?.value ?? 'the domain shown on the tunnel detail page' },
          evidence: [lineEvidence(s, view.file, undefined), ...domainEv],
          data,
        }));
        continue;
      }
      if (!domain || normal(String(configured)) === domain.value) continue;
      // A domain guessed from the certificate or a manifest may be the wrong one of the two: say so, and ask.
      const guess = domain.confidence === 'inferred';
      out.push(withAsk(s, {
        id: 'routing.no-route-for-host', variant: guess ? 'config-guess' : 'config',
        ...(guess ? { severity: 'warning' as const } : {}),
        vars: { file: view.file, key, configured: String(configured), domain: domain.value, source: domain.source, host },
        evidence: [lineEvidence(s, view.file, viewKeyLine(view, ['tunnel_domain'])), ...domainEv],
        data: { ...data, ...(guess ? { guessedFrom: domain.source } : {}) },
      }));
    }
    return out;
  },
};
