// Bundles src/main.ts into dist/ with code splitting, so that `--help`, `diagnose` and `scan` never load
// Ink: the wizard is a dynamic import and lands in its own chunk (TOOLCHAIN.md: start-up).
import { build } from 'esbuild';
import { rm, mkdir, writeFile, readFile, rename } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stub = `${root}scripts/react-devtools-stub.mjs`;
const { version } = JSON.parse(await readFile(`${root}package.json`, 'utf8'));
// Build beside dist/ and swap it in, so a test running the bin while someone rebuilds never finds it gone.
const next = `dist.next-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;
await rm(`${root}${next}`, { recursive: true, force: true });
await mkdir(`${root}${next}`, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/main.ts', 'scan-worker': 'src/signatures/scan-worker.ts', 'spawner-child': 'src/gather/spawner-child.mjs' },
  outdir: next,
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
await writeFile(`${root}${next}/package.json`, '{"type":"module"}\n');
await rename(`${root}dist`, old).catch((err) => {
  if (err.code !== 'ENOENT') throw err;
});
await rename(`${root}${next}`, `${root}dist`);
await rm(old, { recursive: true, force: true });
