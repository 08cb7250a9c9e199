// Every check, in the guide's order: edge, tls, routing, then oauth, setup, runtime. A literal list, not
// a folder scan, so bundling cannot lose one (STYLE).
import type { Check } from './types.js';
import { routesIsList } from './checks/routing/routes-is-list.js';
import { duplicateKey } from './checks/routing/duplicate-key.js';
import { invalidUpstream } from './checks/routing/invalid-upstream.js';
import { allowedIpsOpen } from './checks/routing/allowed-ips-open.js';
import { allowedIpsDroppedDefaults } from './checks/routing/allowed-ips-dropped-defaults.js';
import { edgeProbe } from './checks/edge/edge-probe.js';
import { plaintextListener } from './checks/tls/plaintext-listener.js';
import { configNotReloaded } from './checks/routing/config-not-reloaded.js';
import { jobLeftBehind } from './checks/setup/job-left-behind.js';
import { containerDown } from './checks/runtime/container-down.js';
import { toolMissing } from './checks/runtime/tool-missing.js';
import { tokenLog } from './checks/edge/token-log.js';
import { connectionLog } from './checks/edge/connection-log.js';
import { udpBufferLog } from './checks/edge/udp-buffer-log.js';
import { noIngressLog } from './checks/edge/no-ingress-log.js';
import { originLog } from './checks/edge/origin-log.js';
import { handshakeLog } from './checks/tls/handshake-log.js';
import { keyUnreadableLog } from './checks/tls/key-unreadable-log.js';
import { routesIsListLog } from './checks/routing/routes-is-list-log.js';
import { invalidUpstreamLog } from './checks/routing/invalid-upstream-log.js';
import { noRouteLog } from './checks/routing/no-route-log.js';
import { ipNotPrivateLog } from './checks/routing/ip-not-private-log.js';
import { wifExchangeLog } from './checks/setup/wif-exchange-log.js';
import { forbiddenLog } from './checks/setup/forbidden-log.js';
import { tunnelLimitLog } from './checks/setup/tunnel-limit-log.js';
import { tunnelToken } from './checks/edge/tunnel-token.js';
import { cloudflaredService } from './checks/edge/cloudflared-service.js';
import { certFile } from './checks/tls/cert-file.js';
import { pickerChecklist } from './checks/tls/picker-checklist.js';
import { certValidity } from './checks/tls/cert-validity.js';
import { certSan } from './checks/tls/cert-san.js';
import { certChain } from './checks/tls/cert-chain.js';
import { keyPair } from './checks/tls/key-pair.js';
import { keyPermissions } from './checks/tls/key-permissions.js';
import { tunnelDomainMatches } from './checks/routing/tunnel-domain.js';
import { upstreamAddresses } from './checks/routing/upstream-addresses.js';
import { serviceCidr } from './checks/routing/service-cidr.js';
import { authRoute } from './checks/oauth/auth-route.js';
import { metadataSplit } from './checks/oauth/metadata-split.js';
import { resourceIssuer } from './checks/oauth/resource-issuer.js';
import { wifAudience } from './checks/setup/wif-audience.js';

export const CHECKS: readonly Check[] = [
  // edge
  tunnelToken,
  cloudflaredService,
  tokenLog,
  connectionLog,
  udpBufferLog,
  noIngressLog,
  originLog,
  edgeProbe, // after the log and file checks: it speaks for this host, not for cloudflared
  // tls
  certFile,
  certValidity,
  certSan,
  certChain,
  pickerChecklist,
  keyPair,
  keyPermissions,
  handshakeLog,
  keyUnreadableLog,
  plaintextListener,
  // routing
  routesIsList,
  routesIsListLog,
  duplicateKey,
  invalidUpstream,
  invalidUpstreamLog,
  noRouteLog,
  tunnelDomainMatches,
  allowedIpsOpen,
  allowedIpsDroppedDefaults,
  upstreamAddresses,
  ipNotPrivateLog,
  serviceCidr,
  configNotReloaded,
  // oauth
  authRoute,
  metadataSplit,
  resourceIssuer,
  // setup
  wifAudience,
  wifExchangeLog,
  forbiddenLog,
  tunnelLimitLog,
  jobLeftBehind,
  // runtime
  containerDown,
  toolMissing,
];
