#!/usr/bin/env node
// (Re)writes the small committed fixtures in fixtures/synthetic/ from bench/generate.js.
//   node bench/make-fixtures.js           write them
//   node bench/make-fixtures.js --check   regenerate in memory and fail if a committed file differs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'fixtures/synthetic');

const JOURNAL = { lines: 3000, nodes: 3, seed: 3, failureRate: 0.006, candidateRate: 0.05 };
const LOOKALIKES = { nodes: 3, seed: 3, only: 'lookalikes', perTemplate: 4 };

/** name -> { options, what } ; the command lines are documented in fixtures/synthetic/README.md. */
export const FIXTURES = [
  { file: 'journal-3node.short.log', truth: 'journal-3node.truth.ndjson', options: { ...JOURNAL, format: 'short' } },
  { file: 'journal-3node.json', options: { ...JOURNAL, format: 'json' } },
  { file: 'lookalikes.short.log', options: { ...LOOKALIKES, format: 'short' } },
];

async function build(options) {
  const parts = [];
  const { stats, truth } = await generate(options, (chunk) => void parts.push(chunk));
  return { text: parts.join(''), truth: truth.map((t) => JSON.stringify(t) + '\n').join(''), stats };
}

const check = process.argv.includes('--check');
let bad = 0;
for (const f of FIXTURES) {
  const { text, truth, stats } = await build(f.options);
  const outputs = [[f.file, text]];
  if (f.truth) outputs.push([f.truth, truth]);
  for (const [name, content] of outputs) {
    const path = join(dir, name);
    if (check) {
      let old = null;
      try {
        old = readFileSync(path, 'utf8');
      } catch {}
      if (old !== content) {
        bad++;
        console.error(`differs: fixtures/synthetic/${name}`);
      }
    } else writeFileSync(path, content);
  }
  console.log(
    `${f.file}: ${stats.lines} lines, ${stats.failure} failure, ${stats.context} context, ${stats.lookalike} look-alike, ` +
      `${stats.background} background, ${Object.keys(stats.groups).length} group kinds`,
  );
}
if (bad) process.exit(1);
