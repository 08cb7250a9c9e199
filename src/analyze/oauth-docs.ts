// The OAuth discovery documents (RFC 8414 authorization-server metadata, RFC 9728 protected-resource
// metadata) as the oauth checks read them: parsed JSON, with the line of each top-level key for evidence.
import type { Snapshot } from '../snapshot/types.js';
import { CheckInputError } from './check-input.js';
import { evidence } from './evidence.js';
import { routeEntries, readableProxyConfigs } from './proxy-config.js';
import type { Evidence } from './types.js';

export interface OauthDoc {
  path: string;
  json: Record<string, unknown>;
  text: string;
}

export function oauthDoc(s: Snapshot, role: 'oauthAuthServerMetadata' | 'oauthResourceMetadata'): OauthDoc | undefined {
  const path = s.deployment.paths[role];
  const file = path ? s.files[path] : undefined;
  if (!path || !file) return undefined;
  if (file.text === undefined) throw new CheckInputError(`cannot read ${path}${file.error ? ` (${file.error})` : ''}`);
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (err) {
    throw new CheckInputError(`${path} is not JSON (${(err as Error).message.split('\n')[0]}); a discovery document is a JSON object`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CheckInputError(`${path} is not a JSON object`);
  return { path, json: json as Record<string, unknown>, text: file.text };
}

/** Evidence for a key of the document, at its line. */
export function keyEvidence(doc: OauthDoc, key: string): Evidence {
  const lines = doc.text.split('\n');
  const i = lines.findIndex((l) => l.includes(`"${key}"`));
  const value = doc.json[key];
  const shown = value === undefined ? '(absent)' : JSON.stringify(value);
  return evidence(doc.path, `"${key}": ${shown}`, i >= 0 && lines.length > 1 ? { line: i + 1 } : {});
}

export function hostOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** `auth` for `https://auth.<domain>/...`; undefined when the URL is not on the tunnel. */
export function tunnelLabel(url: unknown, domain: string): string | undefined {
  const host = hostOf(url);
  if (!host || !host.endsWith(`.${domain}`)) return undefined;
  return host.slice(0, -(domain.length + 1));
}

/** Route keys of the proxy config, lower-cased (a key may be a bare name or a full host). */
export function routeKeys(s: Snapshot): Set<string> {
  const keys = new Set<string>();
  for (const view of readableProxyConfigs(s)) for (const r of routeEntries(view)) keys.add(r.name.toLowerCase());
  return keys;
}

export function hasRouteFor(s: Snapshot, label: string, domain: string): boolean {
  const keys = routeKeys(s);
  return keys.has(label) || keys.has(`${label}.${domain}`);
}
