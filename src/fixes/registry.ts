// Every fix, by id. The catalog (and a check's own observation) names fix ids per finding; this is where
// they resolve to plans. A test checks that every id named anywhere in src/analyze resolves here.
import type { Snapshot } from '../snapshot/types.js';
import type { FixRef } from '../analyze/types.js';
import { fixRefOf } from './describe.js';
import type { Fix, Plan } from './types.js';
import { guardPlan } from './path-guard.js';
import { composeRestartProxy, helmUpgrade } from './restart-proxy.js';
import { routesToMap } from './routes-to-map.js';
import { keyChown } from './key-chown.js';
import { keyChmod } from './key-chmod.js';
import { dataDirChmod } from './data-dir-chmod.js';
import { helmCleanup } from './helm-cleanup.js';
import { setTunnelDomain } from './set-tunnel-domain.js';
import { cloudflaredIngress } from './cloudflared-ingress.js';
import { allowUpstreamCidr } from './allow-upstream-cidr.js';
import { setWifAudience } from './set-wif-audience.js';
import { envTokenUnquote } from './env-token-unquote.js';
import { exportTunnelToken } from './export-tunnel-token.js';
import { renewCert } from './renew-cert.js';
import { registerCa } from './register-ca.js';
import { openEgress7844 } from './open-egress-7844.js';
import { manualFederationScope } from './manual-federation-scope.js';
import { manualWifRule } from './manual-wif-rule.js';
import { manualTunnelLimit } from './manual-tunnel-limit.js';
import { manualOauthRoute } from './manual-oauth-route.js';
import { manualOauthMetadata } from './manual-oauth-metadata.js';

export const FIXES: readonly Fix[] = [
  // on this host: files and commands
  keyChown,
  keyChmod,
  dataDirChmod,
  routesToMap,
  setTunnelDomain,
  allowUpstreamCidr,
  cloudflaredIngress,
  envTokenUnquote,
  setWifAudience,
  renewCert,
  composeRestartProxy,
  helmUpgrade,
  helmCleanup,
  // outside this host: steps for a person
  exportTunnelToken,
  registerCa,
  openEgress7844,
  manualFederationScope,
  manualWifRule,
  manualTunnelLimit,
  manualOauthRoute,
  manualOauthMetadata,
];

const byId = new Map(FIXES.map((f) => [f.id, f]));

export function fixById(id: string): Fix | undefined {
  return byId.get(id);
}

/** The plan of a fix for this snapshot; undefined when the fix is unknown or does not apply here. */
export function planFix(id: string, s: Snapshot, data?: Record<string, unknown>): Plan | undefined {
  const fix = byId.get(id);
  if (!fix) return undefined;
  try {
    const plan = fix.plan(s, data);
    return plan && !plan.nothingToDo ? guardPlan(plan, s) : plan;
  } catch {
    return undefined; // a fix that cannot plan is not offered; the finding still stands
  }
}

export function describeFix(id: string, s: Snapshot, data?: Record<string, unknown>): FixRef | undefined {
  const plan = planFix(id, s, data);
  return plan && !plan.nothingToDo ? fixRefOf(plan) : undefined;
}
