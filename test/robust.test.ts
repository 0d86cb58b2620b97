// Damaged and hostile inputs of issue 13, one reproducer each: no exception, the good incident
// found, the bad input named, nothing silently lost. The matrix over formats, compressions,
// workers and the CLI is test/damaged-matrix.test.ts; keys are test/redaction.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { analyze, analyzeFiles, analyzeText } from '../src/pipeline/analyze.js';
import { parseLine } from '../src/pipeline/parse-line.js';
import { readFileChunks } from '../src/sources/open-input.js';
import { findBlockdevTargets } from '../src/extract/blockdev.js';
import { MAX_MESSAGE_CHARS } from '../src/records/read-records.js';
import type { AnalysisResult } from '../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'rbdx-robust-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = 'Dec 26 10:50:15 pve3 pvedaemon[1032]: rbd error: rbd: listing images failed: (1) Operation not permitted';
const good = join(dir, 'good.log');
writeFileSync(good, `${GOOD}\n`);
const goodJson = JSON.stringify({ __REALTIME_TIMESTAMP: '1766742615000000', _HOSTNAME: 'pve3', SYSLOG_IDENTIFIER: 'pvedaemon', _PID: '1032', MESSAGE: 'rbd error: rbd: listing images failed: (1) Operation not permitted' });

function causes(result: AnalysisResult): string[] {
  return result.incidents.map((i) => `${i.node ?? '-'}:${i.cause}`).sort();
}
function warned(result: AnalysisResult, source: string, pattern: RegExp): boolean {
  return [...result.warnings, ...result.errors].some((w) => w.source === source && pattern.test(w.message));
}
const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

// 1. nesting
test('250+ levels of [ in a -blockdev value: the line is read, the run goes on, a warning names it', async () => {
  const bad = `Dec 26 10:50:16 pve4 pvedaemon[1]: kvm: -blockdev {"driver":"rbd","x":${deep(300)}}: error connecting: Permission denied`;
  const result = await analyzeText(`${GOOD}\n${bad}\n`, { source: 'mixed.log' });
  assert.ok(causes(result).includes('pve3:caps-insufficient'), JSON.stringify(causes(result)));
  assert.ok(warned(result, 'mixed.log', /nested over 64 levels.*line 2/), JSON.stringify(result.warnings));
  assert.is(findBlockdevTargets(bad).length, 0);
  for (const text of [`kvm: json:{"driver":"rbd","pool":${deep(5000)}}: error`, `rbd error: ${deep(100000)}`]) parseLine(text);
});

test('a JSON-journal MESSAGE nested 100,000 deep is skipped with a warning; the good entry is kept', async () => {
  const bad = `{"__REALTIME_TIMESTAMP":"1766742616000000","MESSAGE":${'['.repeat(100000)}"rbd error"${']'.repeat(100000)}}`;
  const result = await analyzeText(`${goodJson}\n${bad}\n`, { source: 'j.json' });
  assert.equal(causes(result), ['pve3:caps-insufficient']);
  assert.ok(warned(result, 'j.json', /not journal JSON entries.*line 2/), JSON.stringify(result.warnings));
  assert.is(result.errors.length, 0);
});

// 2. format guessed wrong
test('UTF-8 BOM before a short journal and before a JSON journal', async () => {
  for (const [text, name] of [[`\uFEFF${GOOD}\n`, 'bom.log'], [`\uFEFF${goodJson}\n`, 'bom.json']] as const) {
    const result = await analyzeText(text, { source: name });
    assert.equal(causes(result), ['pve3:caps-insufficient'], name);
  }
});

test('a first line over 64 KiB without a stamp, then journal lines: the journal line is read as one', async () => {
  const result = await analyzeText(`${'x'.repeat(200 * 1024)}\n${GOOD}\n`, { source: 'long-first.log' });
  assert.equal(causes(result), ['pve3:caps-insufficient']);
});

test('two junk lines, or journalctl header and boot lines, before the entries (text and JSON)', async () => {
  const header = '-- Journal begins at Mon 2025-12-22 08:00:01 CET, ends at Fri 2025-12-26 11:00:00 CET. --';
  const cases: [string, string][] = [
    ['junk-short', `garbage one\ngarbage two\n${GOOD}\n`],
    ['header-short', `${header}\n-- Boot 0a1b2c3d4e5f4a5b8c9d0e1f2a3b4c5d --\n${GOOD}\n`],
    ['junk-json', `garbage one\ngarbage two\n${goodJson}\n`],
    ['header-json', `${header}\n-- Boot 0a1b2c3d4e5f4a5b8c9d0e1f2a3b4c5d --\n${goodJson}\n`],
  ];
  for (const [name, text] of cases) {
    const result = await analyzeText(text, { source: name });
    assert.equal(causes(result), ['pve3:caps-insufficient'], name);
  }
});

test('--input-format cat on a plain journal still reads its lines', async () => {
  const result = await analyzeText(`${GOOD}\n`, { source: 'forced.log', inputFormat: 'cat' });
  assert.equal(causes(result), ['pve3:caps-insufficient']);
});

test('a file with no record in its forced format says so', async () => {
  const result = await analyzeText(`${GOOD}\n`, { source: 'forced.json', inputFormat: 'json' });
  assert.ok(result.errors.some((e) => e.source === 'forced.json' && /not json input, though the format was forced to json/.test(e.message)), JSON.stringify(result.errors));
  assert.equal(result.warnings, []);
});

test('a zero-filled hole before the lines (syslog after a crash) is not binary data', async () => {
  const result = await analyzeText(`${'\u0000'.repeat(5000)}\n${GOOD}\n`, { source: 'hole.log' });
  assert.equal(causes(result), ['pve3:caps-insufficient']);
  assert.is(result.errors.length, 0);
});

// 3. compression
const manyLines = Array.from({ length: 20000 }, (_, k) => `Dec 26 10:50:${String(k % 60).padStart(2, '0')} pve3 cron[${k}]: rbd-less line ${k} ${'y'.repeat(k % 50)}`).join('\n');

function hasTool(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

test('truncated xz and zstd data are errors naming the file; the good file is read', async () => {
  for (const tool of ['xz', 'zstd']) {
    if (!hasTool(tool)) { console.log(`SKIPPED: ${tool} not installed`); continue; }
    const packed = spawnSync(tool, ['-c'], { input: `${GOOD.replace('pve3', 'pve5')}\n${manyLines}\n` }).stdout;
    const cut = join(dir, `cut.${tool}`);
    writeFileSync(cut, packed.subarray(0, 40));
    const result = await analyzeFiles([cut, good]);
    assert.ok(warned(result, cut, new RegExp(`${tool} data is truncated or corrupt`)), `${tool}: ${JSON.stringify(result.errors)}`);
    assert.ok(result.errors.some((e) => e.source === cut), tool);
    assert.ok(causes(result).includes('pve3:caps-insufficient'), tool);
  }
});

test('gzip with trailing garbage: all 20,000 lines kept, a warning names the garbage', async () => {
  const gz = join(dir, 'garbage.log.gz');
  writeFileSync(gz, Buffer.concat([gzipSync(`${manyLines}\n`), Buffer.from(Array.from({ length: 5000 }, (_, k) => (k * 131 + 7) % 256))]));
  const result = await analyzeFiles([gz]);
  assert.is(result.inputs[0]?.lines, 20000);
  assert.is(result.errors.length, 0);
  assert.ok(warned(result, gz, /trailing garbage/), JSON.stringify(result.warnings));
});

test('concatenated gzip members are read whole; a corrupt CRC is an error', async () => {
  const two = join(dir, 'two.log.gz');
  writeFileSync(two, Buffer.concat([gzipSync(`${manyLines}\n`), gzipSync(`${GOOD}\n`)]));
  const result = await analyzeFiles([two]);
  assert.is(result.inputs[0]?.lines, 20001);
  assert.equal(causes(result), ['pve3:caps-insufficient']);
  const bad = gzipSync(`${GOOD}\n`);
  bad[bad.length - 6]! ^= 0xff; // a CRC byte
  const crc = join(dir, 'crc.log.gz');
  writeFileSync(crc, bad);
  const broken = await analyzeFiles([crc]);
  assert.ok(warned(broken, crc, /corrupt/), JSON.stringify(broken.errors));
});

test('gzip on stdin (a stream) is decompressed like a file', async () => {
  const result = await analyze({ chunks: [gzipSync(`${GOOD}\n`)], source: '<stdin>' });
  assert.equal(causes(result), ['pve3:caps-insufficient']);
});

// 4. one bad record
test('an out-of-range __REALTIME_TIMESTAMP is a warning with its line; the rest of the file is read', async () => {
  const bad = JSON.stringify({ __REALTIME_TIMESTAMP: '99999999999999999999', _HOSTNAME: 'pve4', MESSAGE: 'rbd error: rbd: listing images failed: (1) Operation not permitted' });
  const result = await analyzeText(`${bad}\n${goodJson}\n`, { source: 'time.json' });
  assert.is(result.errors.length, 0);
  assert.ok(warned(result, 'time.json', /unreadable __REALTIME_TIMESTAMP.*line 1/), JSON.stringify(result.warnings));
  assert.ok(causes(result).includes('pve3:caps-insufficient'));
  const exportText = `__REALTIME_TIMESTAMP=99999999999999999999\n_HOSTNAME=pve4\nMESSAGE=rbd error: rbd: listing images failed: (1) Operation not permitted\n\n__REALTIME_TIMESTAMP=1766742615000000\n_HOSTNAME=pve3\nMESSAGE=rbd error: rbd: listing images failed: (1) Operation not permitted\n\n`;
  const exported = await analyzeText(exportText, { source: 'time.export' });
  assert.is(exported.errors.length, 0);
  assert.ok(warned(exported, 'time.export', /unreadable __REALTIME_TIMESTAMP.*line 1/));
  assert.ok(causes(exported).includes('pve3:caps-insufficient'));
});

// 7. cost caps (the timing itself is in `npm run bench`)
test('a needle-bearing 1 MiB line is read in a bounded window with a warning; the good line is kept', async () => {
  const huge = `Dec 26 10:50:16 pve4 pvedaemon[1]: rbd error: ${'a b:c '.repeat(180000)}: (1) Operation not permitted`;
  const result = await analyzeText(`${huge}\n${GOOD}\n`, { source: 'huge.log' });
  assert.ok(warned(result, 'huge.log', /over 6 KiB: only their first 4 KiB and last 2 KiB were read \(first at line 1\)/), JSON.stringify(result.warnings));
  assert.ok(causes(result).includes('pve3:caps-insufficient'));
  for (const incident of result.incidents) for (const e of incident.evidence) assert.ok(e.text.length <= MAX_MESSAGE_CHARS + 3);
});

test('export: a 3 MiB field is cut at 1 MiB with a warning; binary and text fields alike', async () => {
  const big = 'z'.repeat(3 << 20);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(big.length));
  const data = Buffer.concat([
    Buffer.from(`__REALTIME_TIMESTAMP=1766742614000000\nBLOB=${big}\nMESSAGE=noise\n\n`),
    Buffer.from('__REALTIME_TIMESTAMP=1766742614000000\nBIN\n'), size, Buffer.from(`${big}\n\n`),
    Buffer.from(`__REALTIME_TIMESTAMP=1766742615000000\n_HOSTNAME=pve3\nMESSAGE=rbd error: rbd: listing images failed: (1) Operation not permitted\n\n`),
  ]);
  const file = join(dir, 'big.export');
  writeFileSync(file, data);
  const result = await analyzeFiles([file], { inputFormat: 'export' });
  assert.equal(causes(result), ['pve3:caps-insufficient']);
  assert.ok(warned(result, file, /2 export field\(s\) longer than 1 MiB were cut/), JSON.stringify(result.warnings));
});

test('--input-format export on /dev/zero ends with an error naming it', async () => {
  const result = await analyzeFiles(['/dev/zero', good], { inputFormat: 'export' });
  assert.ok(warned(result, '/dev/zero', /not journal export data/), JSON.stringify(result.errors));
  assert.ok(result.errors.some((e) => e.source === '/dev/zero'));
});

// 8. FIFO
test('a named pipe with no writer is skipped after a wait, with a warning; a pipe with a writer is read', async () => {
  if (spawnSync('mkfifo', ['--version'], { stdio: 'ignore' }).status !== 0) { console.log('SKIPPED: mkfifo not installed'); return; }
  const fifo = join(dir, 'nowriter.fifo');
  spawnSync('mkfifo', [fifo]);
  const warnings: string[] = [];
  const chunks: Buffer[] = [];
  for await (const c of readFileChunks(fifo, { warn: (m) => warnings.push(m), fifoWaitMs: 300 })) chunks.push(c);
  assert.is(chunks.length, 0);
  assert.match(warnings.join('\n'), /no writer after 0\.3 s \(skipped\)/);
  const fed = join(dir, 'fed.fifo');
  spawnSync('mkfifo', [fed]);
  const writer = spawnSync('sh', ['-c', `(sleep 0.2; printf '%s\\n' "$0" > '${fed}') >/dev/null 2>&1 &`, GOOD]);
  assert.is(writer.status, 0);
  const got: Buffer[] = [];
  for await (const c of readFileChunks(fed, { fifoWaitMs: 5000 })) got.push(Buffer.from(c));
  assert.is(Buffer.concat(got).toString(), `${GOOD}\n`);
});

// 9. handles
test('inputs refused as binary close their file handles', async () => {
  const fds = (): number => readdirSync('/proc/self/fd').length;
  const junk: string[] = [];
  for (let i = 0; i < 40; i++) {
    const path = join(dir, `junk${i}.bin`);
    writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, (_, k) => (k * 7919 + i) % 256)));
    junk.push(path);
  }
  const before = fds();
  const result = await analyzeFiles(junk);
  assert.is(result.errors.length, 40);
  assert.ok(fds() - before < 5, `${fds() - before} descriptors left open`);
});

test.run();
