// Which file plays which role, from the files alone: the Compose file by its usual names, the proxy config
// by following the mcp-proxy volume mount, the TLS files from the config through the ./data mount. Used by
// live gathering (to know what to read next) and by the bundle reader (a hand-made bundle has no manifest).
// `explainRoles` also says why each path was chosen, for the report's "what was found where".
import { parseDocument, isMap } from 'yaml';
import type { FileRole, Snapshot } from './types.js';
import { composeModel, hostPathFor, serviceFor, volumeMounts, type ComposeService } from '../analyze/compose-model.js';
import { emptySnapshot } from './types.js';

export const COMPOSE_NAMES = ['docker-compose.yaml', 'docker-compose.yml', 'compose.yaml', 'compose.yml'] as const;
export const DEFAULT_CONFIG = 'config/mcp-proxy.yaml';
export const CONFIG_IN_CONTAINER = '/etc/mcp-gateway/config.yaml';
export const VALUES_NAMES = ['values.yaml', 'values.yml'] as const;
/** Where a bundle (or the flags) keep OAuth discovery documents. */
export const OAUTH_AUTH_SERVER_PATH = 'oauth/authorization-server.json';
export const OAUTH_RESOURCE_PATH = 'oauth/protected-resource.json';

export type RoleHints = Partial<Record<FileRole, string>>;
export type RoleReasons = Partial<Record<FileRole, { path: string; why: string }>>;

function mountText(svc: ComposeService, inContainer: string): string | undefined {
  const m = volumeMounts(svc)
    .filter((v) => inContainer === v.target.replace(/\/+$/, '') || inContainer.startsWith(`${v.target.replace(/\/+$/, '')}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return m ? `${m.source}:${m.target}` : undefined;
}

/** The path each role would have, and why, given the files read so far (present or not). */
export function explainRoles(files: Snapshot['files'], hints: RoleHints = {}): RoleReasons {
  // Convention: a file that does not exist has no entry; one that exists but cannot be read has an error.
  const has = (p: string | undefined): p is string => p !== undefined && files[p] !== undefined;
  const out: RoleReasons = {};
  const hinted = (role: FileRole, flag: string) => {
    const path = hints[role];
    if (path !== undefined) out[role] = { path, why: flag };
    return path !== undefined;
  };
  if (!hinted('compose', '--compose-file')) {
    const byName = COMPOSE_NAMES.find((n) => has(n));
    if (byName) out.compose = { path: byName, why: 'found by name' };
  }

  const probe = emptySnapshot({ files, deployment: { kind: 'unknown', how: '', paths: { compose: out.compose?.path } } });
  const proxy = serviceFor(composeModel(probe), 'mcp-proxy');
  if (!hinted('config', '--config')) {
    const mounted = proxy ? hostPathFor(proxy, CONFIG_IN_CONTAINER) : undefined;
    out.config = mounted
      ? { path: mounted, why: `the ${proxy!.name} volume ${mountText(proxy!, CONFIG_IN_CONTAINER)}` }
      : { path: DEFAULT_CONFIG, why: proxy ? `the default path (no volume of ${proxy.name} mounts ${CONFIG_IN_CONTAINER})` : 'the default path' };
  }

  // TLS paths come from the config (`tls.cert_file`), mapped back to the host through the proxy's mounts.
  let certIn = '/data/tls.crt';
  let keyIn = '/data/tls.key';
  let fromConfig = false;
  const configText = files[out.config!.path]?.text;
  if (configText !== undefined) {
    const doc = parseDocument(configText);
    const tls = isMap(doc.contents) ? doc.getIn(['tls'], false) : undefined;
    if (tls && typeof tls === 'object') {
      const cert = doc.getIn(['tls', 'cert_file']);
      const key = doc.getIn(['tls', 'key_file']);
      if (typeof cert === 'string') certIn = cert;
      if (typeof key === 'string') keyIn = key;
      fromConfig = typeof cert === 'string' || typeof key === 'string';
    }
  }
  const toHost = (field: string, inContainer: string) => {
    const viaMount = proxy ? hostPathFor(proxy, inContainer) : undefined;
    const named = fromConfig ? `${field} ${inContainer}` : `the default ${inContainer}`;
    if (viaMount) return { path: viaMount, why: `${named} through the volume ${mountText(proxy!, inContainer)}` };
    return { path: inContainer.replace(/^\/data\//, 'data/'), why: `${named}, assuming ./data:/data` };
  };
  if (!hinted('tlsCert', 'as given')) out.tlsCert = toHost('tls.cert_file', certIn);
  if (!hinted('tlsKey', 'as given')) out.tlsKey = toHost('tls.key_file', keyIn);
  if (!hinted('caCert', '--ca')) out.caCert = { path: 'data/ca.crt', why: 'written by setup' };
  if (!hinted('tunnelDomain', 'as given')) out.tunnelDomain = { path: 'data/tunnel-domain', why: 'written by setup' };
  if (!hinted('env', 'as given')) out.env = { path: '.env', why: 'beside the Compose file' };
  if (!hinted('values', '--values')) out.values = { path: VALUES_NAMES.find((n) => has(n)) ?? VALUES_NAMES[0], why: 'found by name' };
  if (!hinted('oauthAuthServerMetadata', '--oauth-metadata') && has(OAUTH_AUTH_SERVER_PATH)) out.oauthAuthServerMetadata = { path: OAUTH_AUTH_SERVER_PATH, why: 'in the bundle' };
  if (!hinted('oauthResourceMetadata', '--resource-metadata') && has(OAUTH_RESOURCE_PATH)) out.oauthResourceMetadata = { path: OAUTH_RESOURCE_PATH, why: 'in the bundle' };
  return out;
}

/** The path each role would have, given the files read so far (present or not). */
export function proposeRoles(files: Snapshot['files'], hints: RoleHints = {}): Partial<Record<FileRole, string>> {
  const roles: Partial<Record<FileRole, string>> = {};
  for (const [role, r] of Object.entries(explainRoles(files, hints))) roles[role as FileRole] = r.path;
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

const ROLE_NAMES: Record<FileRole, string> = {
  compose: 'Compose file',
  config: 'proxy config',
  tlsCert: 'TLS certificate',
  tlsKey: 'TLS key',
  caCert: 'CA',
  tunnelDomain: 'tunnel domain file',
  env: '.env',
  values: 'Helm values',
  oauthAuthServerMetadata: 'OAuth authorization-server metadata',
  oauthResourceMetadata: 'OAuth protected-resource metadata',
};

/** Lines for the report: what was found where, and what the chain pointed at but was not there. */
export function describeRoles(files: Snapshot['files'], hints: RoleHints = {}): string[] {
  const reasons = explainRoles(files, hints);
  const found: string[] = [];
  const missing: string[] = [];
  for (const [role, r] of Object.entries(reasons) as [FileRole, { path: string; why: string }][]) {
    const file = files[r.path];
    if (file === undefined) {
      // Only name the absences that matter: what a flag or the deployment's own files pointed at.
      if (r.why.startsWith('--') || ((role === 'config' || role === 'tlsCert' || role === 'tlsKey') && reasons.compose && files[reasons.compose.path])) missing.push(`${ROLE_NAMES[role]} ${r.path} (${r.why})`);
      continue;
    }
    const state = file.error ? `, unreadable: ${file.error}` : file.withheld ? ', contents withheld' : '';
    found.push(`${ROLE_NAMES[role]} ${r.path} (${r.why}${state})`);
  }
  return [
    ...(found.length ? [`found: ${found.join('; ')}`] : []),
    ...(missing.length ? [`not found: ${missing.join('; ')}`] : []),
  ];
}
