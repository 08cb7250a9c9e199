// Runs a TypeScript bench from source: esbuild bundles it (with the repo's own modules and test helpers)
// into a temporary file, which is then imported. Usage: node bench/run-ts.mjs bench/<name>.ts
import { build } from 'esbuild';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Modules find their fixtures relative to themselves (`new URL('..', import.meta.url)`): keep their own URL. */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node bench/run-ts.mjs bench/<name>.ts');
  process.exit(2);
}
const dir = await mkdtemp(join(tmpdir(), 'mtt-bench-'));
const out = join(dir, 'bench.mjs');
try {
  await build({
    entryPoints: [resolve(entry)],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Everything is bundled (as dist/ is); node built-ins are loaded through require.
    banner: { js: "import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
    plugins: [sourceUrls],
  });
  // A bench that measures in child processes runs this same bundle again (`node $BENCH_SELF --case X`).
  process.env.BENCH_SELF = out;
  await import(pathToFileURL(out).href);
} finally {
  await rm(dir, { recursive: true, force: true });
}
