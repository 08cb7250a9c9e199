// Which file plays which role, from the files alone: the Compose file by its usual names, the proxy config
// by following the mcp-proxy volume mount, the TLS files from the config through the ./data mount. Used by
// live gathering (to know what to read next) and by the bundle reader (a hand-made bundle has no manifest).
import { parseDocument, isMap } from 'yaml';
import type { FileRole, Snapshot } from './types.js';
import { composeModel, hostPathFor, serviceFor } from '../analyze/compose-model.js';
import { emptySnapshot } from './types.js';

export const COMPOSE_NAMES = ['docker-compose.yaml', 'docker-compose.yml', 'compose.yaml', 'compose.yml'] as const;
export const DEFAULT_CONFIG = 'config/mcp-proxy.yaml';
export const CONFIG_IN_CONTAINER = '/etc/mcp-gateway/config.yaml';

export type RoleHints = Partial<Record<FileRole, string>>;

/** The path each role would have, given the files read so far (present or not). */
export function proposeRoles(files: Snapshot['files'], hints: RoleHints = {}): Partial<Record<FileRole, string>> {
  // Convention: a file that does not exist has no entry; one that exists but cannot be read has an error.
  const has = (p: string | undefined): p is string => p !== undefined && files[p] !== undefined;
  const roles: Partial<Record<FileRole, string>> = {};
  roles.compose = hints.compose ?? COMPOSE_NAMES.find((n) => has(n));

  const probe = emptySnapshot({ files, deployment: { kind: 'unknown', how: '', paths: { compose: roles.compose } } });
  const proxy = serviceFor(composeModel(probe), 'mcp-proxy');
  const mounted = proxy ? hostPathFor(proxy, CONFIG_IN_CONTAINER) : undefined;
  roles.config = hints.config ?? mounted ?? DEFAULT_CONFIG;

  // TLS paths come from the config (`tls.cert_file`), mapped back to the host through the proxy's mounts.
  let certIn = '/data/tls.crt';
  let keyIn = '/data/tls.key';
  const configText = files[roles.config]?.text;
  if (configText !== undefined) {
    const doc = parseDocument(configText);
    const tls = isMap(doc.contents) ? doc.getIn(['tls'], false) : undefined;
    if (tls && typeof tls === 'object') {
      const cert = doc.getIn(['tls', 'cert_file']);
      const key = doc.getIn(['tls', 'key_file']);
      if (typeof cert === 'string') certIn = cert;
      if (typeof key === 'string') keyIn = key;
    }
  }
  const toHost = (inContainer: string) => (proxy ? hostPathFor(proxy, inContainer) : undefined) ?? inContainer.replace(/^\/data\//, 'data/');
  roles.tlsCert = hints.tlsCert ?? toHost(certIn);
  roles.tlsKey = hints.tlsKey ?? toHost(keyIn);
  roles.caCert = hints.caCert ?? 'data/ca.crt';
  roles.tunnelDomain = hints.tunnelDomain ?? 'data/tunnel-domain';
  roles.env = hints.env ?? '.env';
  roles.values = hints.values ?? 'values.yaml';
  if (hints.oauthAuthServerMetadata) roles.oauthAuthServerMetadata = hints.oauthAuthServerMetadata;
  if (hints.oauthResourceMetadata) roles.oauthResourceMetadata = hints.oauthResourceMetadata;
  return roles;
}

/** The roles whose file is present in `files`. */
export function resolveRoles(files: Snapshot['files'], hints: RoleHints = {}): Partial<Record<FileRole, string>> {
  const roles = proposeRoles(files, hints);
  for (const role of Object.keys(roles) as FileRole[]) {
    const path = roles[role];
    if (path === undefined || files[path] === undefined) delete roles[role];
  }
  return roles;
}
