// The Compose file as the checks and fixes need it: which service is cloudflared, mcp-proxy, setup, and
// the host path behind a container path through the service's volume mounts.
import { isMap, isSeq, isScalar, isPair, type YAMLMap, type Node } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';
import { parsedYaml, type ParsedYaml } from './yaml-source.js';

export type ServiceRole = 'cloudflared' | 'mcp-proxy' | 'setup';

export interface ComposeService {
  name: string;
  node: YAMLMap;
  image?: string;
}

export interface ComposeModel {
  file: string;
  yaml: ParsedYaml;
  services: ComposeService[];
}

export function composeModel(s: Snapshot): ComposeModel | undefined {
  const yaml = parsedYaml(s, s.deployment.paths.compose);
  if (!yaml || yaml.error) return undefined;
  const servicesNode = isMap(yaml.doc.contents) ? yaml.doc.contents.get('services', true) : undefined;
  const services: ComposeService[] = [];
  if (isMap(servicesNode)) {
    for (const item of servicesNode.items) {
      if (!isPair(item) || !isScalar(item.key) || !isMap(item.value)) continue;
      const image = item.value.get('image');
      services.push({ name: String(item.key.value), node: item.value, image: typeof image === 'string' ? image : undefined });
    }
  }
  return { file: yaml.path, yaml, services };
}

/** The service playing a role: by its name first, then by its image or entrypoint. */
export function serviceFor(model: ComposeModel | undefined, role: ServiceRole): ComposeService | undefined {
  if (!model) return undefined;
  const byName = model.services.find((svc) => svc.name === role);
  if (byName) return byName;
  switch (role) {
    case 'cloudflared':
      return model.services.find((svc) => /cloudflared/.test(svc.image ?? ''));
    case 'mcp-proxy':
      return model.services.find((svc) => /mcp-(proxy|gateway)/.test(svc.image ?? '') && !isSetupService(svc));
    case 'setup':
      return model.services.find(isSetupService);
  }
}

function isSetupService(svc: ComposeService): boolean {
  const entrypoint = svc.node.get('entrypoint', true);
  const text = isSeq(entrypoint) ? entrypoint.items.map((i) => (isScalar(i) ? String(i.value) : '')).join(' ') : isScalar(entrypoint) ? String(entrypoint.value) : '';
  return svc.name === 'setup' || /(^|\/)setup\b/.test(text);
}

export interface VolumeMount {
  source: string;
  target: string;
  readOnly: boolean;
  node: Node;
}

/** Short (`./a:/b:ro`) and long (`{type: bind, source, target, read_only}`) volume syntax. */
export function volumeMounts(svc: ComposeService): VolumeMount[] {
  const volumes = svc.node.get('volumes', true);
  if (!isSeq(volumes)) return [];
  const out: VolumeMount[] = [];
  for (const item of volumes.items) {
    if (isScalar(item)) {
      const parts = String(item.value).split(':');
      if (parts.length >= 2) out.push({ source: parts[0]!, target: parts[1]!, readOnly: parts[2]?.split(',').includes('ro') ?? false, node: item });
    } else if (isMap(item)) {
      const source = item.get('source');
      const target = item.get('target');
      if (typeof source === 'string' && typeof target === 'string') {
        out.push({ source, target, readOnly: item.get('read_only') === true, node: item });
      }
    }
  }
  return out;
}

/**
 * Maps a path inside the container back to a project-relative path on the host through the service's
 * bind mounts (`./data:/data` makes `/data/tls.key` `data/tls.key`). Undefined when no bind mount holds it.
 */
export function hostPathFor(svc: ComposeService, containerPath: string): string | undefined {
  const mounts = volumeMounts(svc)
    .filter((m) => m.source.startsWith('.') || m.source.startsWith('/'))
    .sort((a, b) => b.target.length - a.target.length);
  for (const m of mounts) {
    const target = m.target.replace(/\/+$/, '');
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      const rest = containerPath.slice(target.length).replace(/^\//, '');
      const source = m.source.replace(/\/+$/, '');
      const joined = rest ? `${source}/${rest}` : source;
      return joined.replace(/^\.\//, '');
    }
  }
  return undefined;
}

/** The Compose CLI argv prefix for this snapshot's deployment: `docker compose` (v2) or `docker-compose` (v1). */
export function composeArgv(s: Snapshot, args: readonly string[]): string[] {
  const file = s.deployment.paths.compose;
  const standard = ['docker-compose.yaml', 'docker-compose.yml', 'compose.yaml', 'compose.yml'];
  const fileArgs = file && !standard.includes(file) ? ['-f', file] : [];
  return s.deployment.composeFlavor === 'v1' ? ['docker-compose', ...fileArgs, ...args] : ['docker', 'compose', ...fileArgs, ...args];
}
