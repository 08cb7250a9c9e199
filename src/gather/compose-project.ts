// Which Compose project the folder is, the way Compose itself decides: COMPOSE_PROJECT_NAME (environment,
// then .env), the file's top-level `name:` (v2 only), else the folder's name normalised. Compose v1 has no
// `ps --format json`, so its containers are found by the project label and this name must be right.
import { basename } from 'node:path';
import { parseDocument, isMap } from 'yaml';
import type { Snapshot } from '../snapshot/types.js';

export interface ProjectName {
  name: string;
  source: string;
}

function fromDotEnv(text: string | undefined): string | undefined {
  if (!text) return undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?COMPOSE_PROJECT_NAME\s*=\s*(.*)$/.exec(line);
    if (m) return m[1]!.trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return undefined;
}

function fromComposeFile(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const doc = parseDocument(text);
    const name = isMap(doc.contents) ? doc.get('name') : undefined;
    return typeof name === 'string' && !name.includes('${') ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Compose v1: lower case, drop everything but [-_a-z0-9]. v2 also drops leading - and _. */
export function normaliseProjectName(raw: string, flavor: 'v1' | 'v2'): string {
  const lower = raw.toLowerCase().replace(/[^-_a-z0-9]/g, '');
  return flavor === 'v2' ? lower.replace(/^[-_]+/, '') : lower;
}

export function composeProjectName(s: Snapshot, dir: string, env: Record<string, string | undefined>, flavor: 'v1' | 'v2'): ProjectName {
  const fromEnv = env.COMPOSE_PROJECT_NAME;
  if (fromEnv) return { name: normaliseProjectName(fromEnv, flavor), source: 'COMPOSE_PROJECT_NAME in the environment' };
  const dotEnv = fromDotEnv(s.files[s.deployment.paths.env ?? '.env']?.text);
  if (dotEnv) return { name: normaliseProjectName(dotEnv, flavor), source: 'COMPOSE_PROJECT_NAME in .env' };
  if (flavor === 'v2') {
    const named = fromComposeFile(s.files[s.deployment.paths.compose ?? '']?.text);
    if (named) return { name: normaliseProjectName(named, flavor), source: `name: in ${s.deployment.paths.compose}` };
  }
  return { name: normaliseProjectName(basename(dir), flavor), source: `the folder name ${basename(dir)}` };
}
