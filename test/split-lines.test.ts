// The line splitter gives the same numbered lines whatever the chunk boundaries, with and without the prefilter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { splitLines, newScanStats, type Prefilter } from '../src/sources/split-lines.js';

const TEXT = `${Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? `Dec 26 10:50:14 pve1 pvedaemon[1]: rbd error: x${'y'.repeat(i % 50)}` : `Dec 26 10:50:14 pve1 cron[${i}]: noise ${i}`)).join('\r\n')}\nlast rbd line without newline`;

async function split(size: number, prefilter: Prefilter): Promise<string> {
  const buf = Buffer.from(TEXT);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  const stats = newScanStats();
  const lines: unknown[] = [];
  for await (const batch of splitLines((async function* () { yield* chunks; })(), prefilter, stats)) lines.push(...batch);
  return JSON.stringify([lines, stats.lines]);
}

for (const prefilter of ['off', 'journal'] as const) {
  test(`same lines for every chunking (prefilter ${prefilter})`, async () => {
    const reference = await split(1 << 20, prefilter);
    for (const size of [1, 2, 3, 7, 64, 1000]) assert.is(await split(size, prefilter), reference, `chunk size ${size}`);
  });
}

test('CRLF line ends are removed and the last line without a newline is kept', async () => {
  const [lines, count] = JSON.parse(await split(1 << 20, 'off')) as [{ text: string; line: number }[], number];
  assert.is(count, 401);
  assert.not.ok(lines.some((l) => l.text.endsWith('\r')));
  assert.equal(lines[lines.length - 1], { text: 'last rbd line without newline', line: 401 });
});

test.run();
