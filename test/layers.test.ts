// The pipeline's folders import in one direction only: a folder may import its own files and the
// folders before it in LAYERS, never one after it. The library entry (src/index.ts) never loads the CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
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

test.run();
