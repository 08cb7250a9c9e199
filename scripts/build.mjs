// Bundles src/main.ts into dist/ with code splitting, so that `--help`, `diagnose` and `scan` never load
// Ink: the wizard is a dynamic import and lands in its own chunk (TOOLCHAIN.md: start-up).
import { build } from 'esbuild';
import { rm, mkdir, writeFile, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stub = `${root}scripts/react-devtools-stub.mjs`;
const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8'));
await rm(`${root}dist`, { recursive: true, force: true });
await mkdir(`${root}dist`, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  alias: { 'react-devtools-core': stub },
  define: { 'process.env.NODE_ENV': '"production"', __TRIAGE_VERSION__: JSON.stringify(version) },
  banner: { js: "import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
await writeFile(`${root}dist/package.json`, '{"type":"module"}\n');
