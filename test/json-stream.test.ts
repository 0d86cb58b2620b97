// `--format json` is written piece by piece (issue 15 item 4): the pieces joined are exactly the
// one-shot JSON.stringify of the report, with incidents, without, and with optional members left out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { analyzeFiles, analyzeText } from '../src/pipeline/analyze.js';
import { formatJson, formatJsonChunks } from '../src/report/json.js';
import { inOneZone } from '../src/report/times.js';
import type { AnalysisResult } from '../src/types.js';

const oneShot = (result: AnalysisResult): string => `${JSON.stringify(inOneZone(result), null, 2)}\n`;

test('json pieces: a multi-node journal with many incidents', async () => {
  const result = await analyzeFiles(['fixtures/synthetic/journal-3node.short.log'], { workers: 1 });
  assert.ok(result.incidents.length > 3, `incidents: ${result.incidents.length}`);
  const pieces = [...formatJsonChunks(result)];
  assert.ok(pieces.length > result.incidents.length, 'one piece per incident at least');
  assert.is(formatJson(result), oneShot(result));
});

test('json pieces: no incident, and look-alikes only', async () => {
  const empty = await analyzeText('', { year: 2024 });
  assert.is(empty.incidents.length, 0);
  assert.is(formatJson(empty), oneShot(empty));
  const look = await analyzeText(readFileSync('fixtures/synthetic/lookalikes.short.log', 'utf8'), { year: 2025 });
  assert.is(formatJson(look), oneShot(look));
});

test('json pieces: members that JSON leaves out stay out', async () => {
  const result = await analyzeFiles(['fixtures/synthetic/journal-3node.short.log'], { workers: 1 });
  const odd = { ...result, extra: undefined } as unknown as AnalysisResult;
  assert.is(formatJson(odd), oneShot(odd));
  assert.not.ok(formatJson(odd).includes('"extra"'));
});

test.run();
