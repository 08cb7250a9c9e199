// The installed package's folder (for the shipped demo), found from this module whether it runs from
// dist/ (bundled) or src/ (tests).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mcp-tunnel-triage') return (cached = dir);
      } catch {
        // dist/package.json is only {"type":"module"}; keep climbing
      }
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the mcp-tunnel-triage package folder');
}
