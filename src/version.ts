// The version is stamped into the bundle at build time (scripts/build.mjs); tests running from src/ read
// it from package.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

declare const __TRIAGE_VERSION__: string | undefined;

export const TOOL_NAME = 'mcp-tunnel-triage';
export const VERSION: string =
  typeof __TRIAGE_VERSION__ === 'string' ? __TRIAGE_VERSION__ : (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
