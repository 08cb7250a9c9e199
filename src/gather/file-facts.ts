// What gather learns from the deployment's files beyond reading them: what was found where (notes), the
// TUNNEL_TOKEN verdict, the route hosts' addresses, and the OAuth discovery documents. Called by
// gatherSnapshot: `gatherFileFacts` right after the files, `gatherAddressFacts` after docker / kubectl
// (it uses the containers' and Services' addresses they found).
import { isAbsolute, resolve } from 'node:path';
import { isIP } from 'node:net';
import type { TriageOptions } from '../options.js';
import type { Snapshot } from '../snapshot/types.js';
import { describeRoles, OAUTH_AUTH_SERVER_PATH, OAUTH_RESOURCE_PATH, type RoleHints } from '../snapshot/roles.js';
import { redact } from '../snapshot/redact.js';
import { proxyConfigViews, routeEntries } from '../analyze/proxy-config.js';
import { parseUpstream } from '../analyze/upstream-url.js';
import { gatherTunnelToken } from './token.js';
import { resolveUpstreams, systemResolver, type Resolver } from './resolve.js';
import { fetchDocument } from './oauth-fetch.js';
import { projectPath, readDeploymentFile } from './files.js';
import { step, type GatherListener } from './events.js';

export interface FileFactsSettings {
  /** The environment Compose would interpolate from (this process's, standing in for the operator's shell). */
  env?: Record<string, string | undefined>;
  /** Host lookups for route names; tests inject one. Default: the system resolver (none in the demo / --no-network). */
  resolver?: Resolver;
}

/** Notes on what was found where, and the token verdict. Pure reads; nothing is dialled. */
export async function gatherFileFacts(s: Snapshot, opts: TriageOptions, dir: string, hints: RoleHints, settings: FileFactsSettings = {}): Promise<void> {
  s.notes.push(...describeRoles(s.files, hints));
  if (s.tunnelDomain) s.notes.push(`tunnel domain ${s.tunnelDomain.value} from ${s.tunnelDomain.source}`);
  else s.notes.push('tunnel domain unknown: pass --tunnel-domain (the domain on the tunnel detail page) to check names against it');
  const domainFile = s.deployment.paths.tunnelDomain;
  if (domainFile && s.tunnelDomain?.source !== domainFile) {
    const text = s.files[domainFile]?.text?.trim();
    if (text !== undefined && text !== s.tunnelDomain?.value) s.notes.push(`${domainFile} holds ${text ? `\`${text.slice(0, 80)}\`` : 'nothing'}, which is not used as the tunnel domain`);
  }
  if (s.deployment.kind === 'helm') return;
  // The demo examines nothing on this host: its shell's variables included.
  const env = opts.demo ? {} : (settings.env ?? process.env);
  const token = await gatherTunnelToken(dir, s.deployment.paths, env);
  if (!token) return;
  s.state.token = token;
  // Worded so that no word follows `TUNNEL_TOKEN:` (redaction hides what comes after it, even "not found").
  s.notes.push(token.present ? `the tunnel token (TUNNEL_TOKEN) comes from ${token.source}${token.problem ? ` (${token.problem})` : ''}${token.fromShell ? '; Compose passes it through from the shell, so a fresh shell loses it' : ''}` : `no TUNNEL_TOKEN found (looked in ${(token.lookedIn ?? []).join(', ')})`);
}

/** Route hosts -> addresses (state.resolved), then the OAuth documents. */
export async function gatherAddressFacts(s: Snapshot, opts: TriageOptions, dir: string, onEvent?: GatherListener, settings: FileFactsSettings = {}): Promise<void> {
  const lookups = !opts.demo && opts.network;
  const resolver = lookups ? (settings.resolver ?? systemResolver) : undefined;
  const resolved = await step(onEvent, 'resolve', 'route hosts -> addresses', () => resolveUpstreams(s, resolver));
  if (Object.keys(resolved).length) {
    s.state.resolved = resolved;
    const failed = Object.entries(resolved).filter(([, r]) => r.error).map(([h, r]) => `${h} (${r.error})`);
    if (failed.length) s.notes.push(`route hosts without an address: ${failed.join(', ')}`);
  }
  await gatherOauthDocs(s, opts, dir, onEvent);
}

function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

async function gatherOauthDocs(s: Snapshot, opts: TriageOptions, dir: string, onEvent?: GatherListener): Promise<void> {
  const wanted: { role: 'oauthAuthServerMetadata' | 'oauthResourceMetadata'; src?: string; path: string; what: string }[] = [
    { role: 'oauthAuthServerMetadata', src: opts.oauthMetadata, path: OAUTH_AUTH_SERVER_PATH, what: 'OAuth authorization-server metadata' },
    { role: 'oauthResourceMetadata', src: opts.resourceMetadata, path: OAUTH_RESOURCE_PATH, what: 'OAuth protected-resource metadata' },
  ];
  const network = !opts.demo && opts.network;
  for (const w of wanted) {
    if (w.src && !isUrl(w.src)) {
      const path = projectPath(dir, w.src);
      const file = await readDeploymentFile(isAbsolute(w.src) ? w.src : resolve(dir, w.src), false);
      if (!file) {
        s.notes.push(`${w.what}: ${w.src} does not exist`);
        continue;
      }
      s.files[path] = file;
      s.deployment.paths[w.role] = path;
      s.notes.push(`${w.what}: ${path} (as given)`);
      continue;
    }
    const fetched = w.src ? { url: w.src, address: undefined, how: 'as given' } : w.role === 'oauthAuthServerMetadata' ? authRouteSource(s) : undefined;
    if (!fetched) continue;
    if (!network) {
      if (w.src) s.notes.push(`${w.what}: not fetched from ${w.src} (no network in this run)`);
      continue;
    }
    const r = await step(onEvent, `fetch ${w.role}`, `GET ${fetched.url}`, () => fetchDocument(fetched.url, fetched.address ? { address: fetched.address } : {}), (x) => x.ok);
    const via = fetched.address && fetched.address !== new URL(fetched.url).hostname ? `, via ${fetched.address}` : '';
    if (!r.ok || r.text === undefined) {
      s.notes.push(`${w.what}: could not fetch ${fetched.url} (${fetched.how}${via}): ${r.error}`);
      continue;
    }
    const clean = redact(r.text);
    s.files[w.path] = clean === r.text ? { text: r.text } : { text: clean, redacted: true };
    s.deployment.paths[w.role] = w.path;
    s.notes.push(`${w.what}: fetched from ${fetched.url} (${fetched.how}${via})`);
  }
}

/** The `auth` route's upstream, dialled at the address gather found for its host. */
function authRouteSource(s: Snapshot): { url: string; address?: string; how: string } | undefined {
  for (const view of proxyConfigViews(s)) {
    if (view.yaml.error) continue;
    const route = routeEntries(view).find((r) => r.name.toLowerCase() === 'auth');
    const parsed = route ? parseUpstream(route.url) : undefined;
    if (!parsed?.ok || (parsed.url.scheme !== 'http' && parsed.url.scheme !== 'https')) continue;
    const host = parsed.url.host;
    const address = isIP(host) ? host : s.state.resolved?.[host.toLowerCase()]?.addresses.find((a) => isIP(a) === 4);
    if (!address) return undefined;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    return { url: `${parsed.url.scheme}://${hostPart}:${parsed.url.port}/.well-known/oauth-authorization-server`, address, how: `the auth route's upstream` };
  }
  return undefined;
}

/** `--ca FILE` with `--from-bundle`: the registered CA is read from this host into the bundle's snapshot. */
export async function attachCaFile(s: Snapshot, ca: string, cwd: string): Promise<void> {
  const abs = isAbsolute(ca) ? ca : resolve(cwd, ca);
  const file = await readDeploymentFile(abs, false);
  if (!file) {
    s.notes.push(`the CA file ${ca} (--ca) does not exist; the checks that compare with the registered CA used the bundle's own`);
    return;
  }
  const path = abs; // outside the bundle's tree: keep the host path so it cannot shadow a bundled file
  s.files[path] = file;
  s.deployment.paths.caCert = path;
  s.notes.push(`CA ${ca} read from this host (--ca)`);
}
