// Every check, in the guide's order: edge, tls, routing, then oauth, setup, runtime. A literal list, not
// a folder scan, so bundling cannot lose one (STYLE).
import type { Check } from './types.js';
import { routesIsList } from './checks/routing/routes-is-list.js';
import { invalidUpstream } from './checks/routing/invalid-upstream.js';
import { allowedIpsOpen } from './checks/routing/allowed-ips-open.js';
import { allowedIpsDroppedDefaults } from './checks/routing/allowed-ips-dropped-defaults.js';

export const CHECKS: readonly Check[] = [
  // edge
  // tls
  // routing
  routesIsList,
  invalidUpstream,
  allowedIpsOpen,
  allowedIpsDroppedDefaults,
  // oauth
  // setup
  // runtime
];
