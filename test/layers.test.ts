// The pipeline's folders import in one direction only: a folder may import its own files and the
// folders before it in LAYERS, never one after it. The library entry (src/index.ts) never loads the CLI,
// yargs, or (until a line needs a parse) ohm-js.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SRC = path.resolve('src');

/** Lower layers first. `base` is src/*.ts (types, causes, redact, upid) and src/grammar/. */
const LAYERS = ['base', 'sources', 'records', 'extract', 'classify', 'doctor', 'probe', 'correlate', 'report', 'pipeline', 'cli', 'index'] as const;

function layerOf(file: string): string {
  const rel = path.relative(SRC, file);
  if (rel === 'index.ts') return 'index';
  if (rel === 'cli.ts') return 'cli';
  const top = rel.split(path.sep)[0]!;
  if (!rel.includes(path.sep) || top === 'grammar') return 'base';
  return top;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Every relative import of `file`, resolved to a path under src/ (grammar bundles outside src/ are skipped). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => path.resolve(path.dirname(file), s)).filter((p) => p.startsWith(SRC + path.sep));
}

const files = walk(SRC);

test('every src folder is a known layer', () => {
  const unknown = [...new Set(files.map(layerOf))].filter((l) => !(LAYERS as readonly string[]).includes(l));
  assert.equal(unknown, []);
});

test('no folder imports a later layer of the pipeline', () => {
  const upward: string[] = [];
  for (const file of files) {
    const from = LAYERS.indexOf(layerOf(file) as (typeof LAYERS)[number]);
    for (const target of importsOf(file)) {
      const to = LAYERS.indexOf(layerOf(target.replace(/\.js$/, '.ts')) as (typeof LAYERS)[number]);
      if (to > from) upward.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
    }
  }
  assert.equal(upward, []);
});

test('the check sees imports (it would catch an upward one)', () => {
  // Guards the guard: the CLI imports the pipeline, so the resolver must report at least that edge.
  const cliEdges = files.filter((f) => layerOf(f) === 'cli').flatMap(importsOf).map((t) => layerOf(t.replace(/\.js$/, '.ts')));
  assert.ok(cliEdges.includes('pipeline'), 'no cli -> pipeline import found: the import scanner is broken');
});

// What a process loads, seen from inside it: an --import script registers a resolve hook (every
// ES module import) and, at exit, adds the modules `require` loaded (the grammar bundles are
// loaded that way, synchronously).
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.LOADED_LOG, r.url + '\\n');
  return r;
}`;
const REGISTER = `
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register('./hooks.mjs', import.meta.url);
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.LOADED_LOG, Object.keys(cache).map((k) => 'file://' + k + '\\n').join('')));`;

/** The modules a node process loaded: node_modules packages by name, and our grammar bundles. */
function loadedBy(args: readonly string[], stdin = ''): { packages: Set<string>; bundles: number; code: number | null } {
  const dir = mkdtempSync(path.join(tmpdir(), 'rbdx-loaded-'));
  try {
    writeFileSync(path.join(dir, 'hooks.mjs'), HOOKS);
    writeFileSync(path.join(dir, 'register.mjs'), REGISTER);
    const log = path.join(dir, 'loaded.txt');
    writeFileSync(log, '');
    const run = spawnSync(process.execPath, ['--import', path.join(dir, 'register.mjs'), ...args], { input: stdin, encoding: 'utf8', env: { ...process.env, LOADED_LOG: log } });
    const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const packages = new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
    return { packages, bundles: urls.filter((u) => u.includes('.ohm-bundle.js')).length, code: run.status };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('importing the library loads neither yargs nor ohm-js (grammars load on the first parse)', () => {
  const lib = loadedBy(['--input-type=module', '-e', "await import('./dist/src/index.js')"]);
  assert.is(lib.code, 0);
  assert.equal([...lib.packages].filter((p) => p.startsWith('yargs') || p === 'ohm-js'), []);
  assert.is(lib.bundles, 0);
  const parsed = loadedBy(['--input-type=module', '-e', "const { parseLine } = await import('./dist/src/index.js'); parseLine('Dec 26 10:50:15 pve3 pvedaemon[1032]: TASK ERROR: start failed: QEMU exited with code 1')"]);
  // ohm-js is imported by the bundles only; a static import elsewhere would show in `packages`.
  assert.ok(parsed.bundles > 0, 'the check sees the grammar bundles once a line is parsed');
});

test('the bin loads full yargs only for --help, and no grammar for --version or empty input', () => {
  for (const args of [['--version'], []]) {
    const run = loadedBy(['dist/src/cli.js', ...args]);
    assert.not.ok(run.packages.has('yargs'), `${args.join(' ')}: yargs loaded`);
    assert.not.ok(run.packages.has('ohm-js'), `${args.join(' ')}: ohm-js loaded`);
    assert.is(run.bundles, 0);
  }
  assert.ok(loadedBy(['dist/src/cli.js', '--help']).packages.has('yargs'), 'the check sees yargs when --help needs it');
});

test.run();
