// Bundles the CLI for the bin: our ~60 modules in a few files start faster than one file each
// (module resolution and loading are most of Node's start-up cost here; docs/benchmark.md).
// Output: dist/src/bin/, as deep as dist/src/<layer>/, so the paths our modules build from
// import.meta.url (the grammar bundles in dist/grammars/, package.json) hold as they are; the read
// worker is an entry of its own and the WebAssembly scanner is copied next to the chunks.
// Packages but yargs-parser stay external (node_modules): yargs reads its locale files from its own folder.
// The library (dist/src/index.js) and its types are tsc's output, unbundled.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, rmSync } from 'node:fs';

const OUT = 'dist/src/bin';
rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'dist/src/cli.js', 'read-worker': 'dist/src/pipeline/read-worker.js' },
  outdir: OUT,
  bundle: true,
  splitting: true, // each lazily imported command and mode stays a chunk of its own
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // yargs-parser (argv on every run) is bundled; the rest load from node_modules when used.
  external: ['yargs', 'yargs/*', 'ohm-js', 'fast-glob', 'fzstd', 'fast-check'],
  // Whitespace and syntax only: names stay, so error names and stack traces read as in the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
copyFileSync('dist/src/sources/needle-scan.wasm', `${OUT}/needle-scan.wasm`);
chmodSync(`${OUT}/cli.js`, 0o755);
