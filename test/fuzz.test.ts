// A fixed-seed sample of the fuzz targets (test/fuzz/harness.ts): a few hundred damaged real lines
// per target, the same every run. `npm run fuzz` runs them long with a fresh seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCorpus } from './fuzz/corpus.js';
import { TARGETS, buildLine, goodLines, keyLeak, KEY } from './fuzz/harness.js';

const SEED = 20251226;
const RUNS: Readonly<Record<string, number>> = { analyzeText: 30, parseLine: 150, parsePayload: 150, classify: 150 };
const corpus = loadCorpus();

test('the corpus has real lines and good lines that make incidents alone', async () => {
  assert.ok(corpus.length > 300, `${corpus.length} lines`);
  const good = await goodLines(corpus);
  assert.ok(good.length >= 20, `${good.length} good lines`);
});

test('a key put into a line is there to find (the property can fail)', () => {
  const line = buildLine(corpus, { seed: 0, mutations: [], key: { at: 10, form: 0, replaceWord: true } });
  assert.ok(line.includes(KEY));
  assert.ok(keyLeak(line) !== null);
});

for (const target of TARGETS) {
  test(`fuzz sample: ${target.name}`, async () => {
    const good = await goodLines(corpus);
    const result = await target.run(corpus, good, RUNS[target.name] ?? 300, SEED);
    assert.is(result.failure, null, result.failure ?? '');
    assert.ok(result.runs > 0);
  });
}

test.run();
