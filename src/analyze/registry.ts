// Every check, in the guide's order: edge, tls, routing, then oauth, setup, runtime. A literal list, not
// a folder scan, so bundling cannot lose one (STYLE).
import type { Check } from './types.js';
import { routesIsList } from './checks/routing/routes-is-list.js';
import { invalidUpstream } from './checks/routing/invalid-upstream.js';
import { allowedIpsOpen } from './checks/routing/allowed-ips-open.js';
import { allowedIpsDroppedDefaults } from './checks/routing/allowed-ips-dropped-defaults.js';
import { edgeProbe } from './checks/edge/edge-probe.js';
import { plaintextListener } from './checks/tls/plaintext-listener.js';
import { configNotReloaded } from './checks/routing/config-not-reloaded.js';
import { jobLeftBehind } from './checks/setup/job-left-behind.js';
import { containerDown } from './checks/runtime/container-down.js';
import { toolMissing } from './checks/runtime/tool-missing.js';

export const CHECKS: readonly Check[] = [
  // edge
  edgeProbe, // after the log and file checks: it speaks for this host, not for cloudflared
  // tls
  plaintextListener,
  // routing
  routesIsList,
  invalidUpstream,
  allowedIpsOpen,
  allowedIpsDroppedDefaults,
  configNotReloaded,
  // oauth
  // setup
  jobLeftBehind,
  // runtime
  containerDown,
  toolMissing,
];
