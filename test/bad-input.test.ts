// Bad input: one clear stderr line naming the file, an entry in `errors`, the other inputs
// fully analysed, memory bounded. Key material never appears in any output format.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeFiles } from '../src/pipeline/analyze.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rbdx-bad-'));
const FAIL = 'Dec 26 10:50:15 pve3 pvedaemon[1032]: rbd error: rbd: listing images failed: (1) Operation not permitted';
const good = join(dir, 'good.log');
writeFileSync(good, `${FAIL}\n`);

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('rbd-explain: ') && !l.includes('warning:'));
}

test('a missing file among several: one stderr line naming it, the rest analysed, exit 2', async () => {
  const missing = join(dir, 'nope.log');
  const run = await runCli(['--format', 'json', missing, good]);
  assert.is(run.code, 2);
  assert.equal(errorLines(run.stderr), [`rbd-explain: ${missing}: no such file`]);
  const doc = JSON.parse(run.stdout) as { incidents: unknown[]; errors: { source: string }[]; inputs: { source: string }[] };
  assert.is(doc.incidents.length, 1);
  assert.equal(doc.errors.map((e) => e.source), [missing]);
  assert.ok(doc.inputs.some((i) => i.source === good));
});

test('binary junk is refused by name; the other inputs complete', async () => {
  const junk = join(dir, 'junk.bin');
  writeFileSync(junk, Buffer.from(Array.from({ length: 8192 }, (_, k) => (k * 7919) % 256)));
  const run = await runCli([junk, good]);
  assert.is(run.code, 2);
  assert.equal(errorLines(run.stderr), [`rbd-explain: ${junk}: binary data, not a text log (skipped)`]);
  assert.ok(run.stdout.includes('caps-insufficient'));
});

// Found by the analyzeText fuzz target: a short log whose first line starts with 44 control bytes
// was refused as binary (over 10% of its bytes), and its good lines with it.
test('a short log with a run of control bytes on one line is still read as a log', async () => {
  const damaged = join(dir, 'damaged-head.log');
  writeFileSync(damaged, `${'\u0001'.repeat(44)}emu-img: Could not open 'json:{"driver":"rbd"}': error reading header\nDec 26 10:50:15 pve3 pvedaemon[1032]: VM is locked (backup)\n\n${FAIL}\n`);
  const result = await analyzeFiles([damaged], { year: 2025 });
  assert.equal(result.errors, []);
  assert.ok(result.incidents.some((i) => i.cause === 'caps-insufficient'), 'the good line is found');
  // The same bytes without log entries around them are still binary.
  const blob = join(dir, 'blob.bin');
  writeFileSync(blob, Buffer.concat([Buffer.from('\u0001'.repeat(400)), Buffer.from(' some text\n'.repeat(5))]));
  assert.equal((await analyzeFiles([blob], { year: 2025 })).errors.map((e) => e.message), ['binary data, not a text log (skipped)']);
});

// Found by the analyzeText fuzz target (seeds 29011 and 29076): one damaged line of control bytes
// beside a single good entry; the input was refused as binary and the good entry lost with it.
test('one damaged line beside a single log entry is read as a log; one entry in a blob is not', async () => {
  const cases = [
    `${'\u0001'.repeat(39)}emu-img: Could not open 'json:{"driver":"raw","file":{"driver":"rbd"}}': error\n\n${FAIL}\n`,
    `Dec 2${'\u0001'.repeat(22)} 10:50:1\n\n${FAIL}\n`,
  ];
  for (const [k, text] of cases.entries()) {
    const damaged = join(dir, `damaged-one-entry-${k}.log`);
    writeFileSync(damaged, text);
    const result = await analyzeFiles([damaged], { year: 2025 });
    assert.equal(result.errors, [], `case ${k}`);
    assert.ok(result.incidents.some((i) => i.cause === 'caps-insufficient'), `case ${k}: the good line is found`);
  }
  // A log line that happens to sit among many lines of junk (a blob) does not make it a log.
  const blob = join(dir, 'blob-with-entry.bin');
  const junkLines = Array.from({ length: 60 }, (_, k) => Buffer.from(Array.from({ length: 60 }, (_, j) => 1 + ((k * 31 + j * 7) % 8))));
  writeFileSync(blob, Buffer.concat([...junkLines.flatMap((l) => [l, Buffer.from('\n')]), Buffer.from(`${FAIL}\n`)]));
  assert.equal((await analyzeFiles([blob], { year: 2025 })).errors.map((e) => e.message), ['binary data, not a text log (skipped)']);
});

test('truncated gzip: what was readable is analysed and the file is named', async () => {
  const inGzip = 'Dec 26 10:50:10 pve2 pvedaemon[77]: rbd error: rbd: error opening pool \'vmdata\': (2) No such file or directory';
  const lines = Array.from({ length: 4000 }, (_, k) => (k === 10 ? inGzip : `Dec 26 10:50:${String(k % 60).padStart(2, '0')} pve3 cron[${k}]: (root) CMD (run-parts /etc/cron.hourly) ${'x'.repeat(80)}`));
  const gz = gzipSync(Buffer.from(`${lines.join('\n')}\n`));
  const cut = join(dir, 'cut.log.gz');
  writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
  const result = await analyzeFiles([cut, good]);
  assert.is(result.errors.length, 1);
  assert.is(result.errors[0]?.source, cut);
  assert.match(result.errors[0]?.message ?? '', /truncated gzip/);
  assert.equal(result.incidents.map((i) => `${i.node}:${i.cause}`).sort(), ['pve2:image-not-found', 'pve3:caps-insufficient'],
    'the failure before the cut and the one in good.log');
  const whole = join(dir, 'whole.log.gz');
  writeFileSync(whole, gz);
  const ok = await analyzeFiles([whole]);
  assert.is(ok.errors.length, 0);
  assert.is(ok.inputs[0]?.lines, 4000);
});

test('a 64 MiB line is cut with a warning; lines after it keep their numbers; memory stays bounded', async () => {
  const huge = join(dir, 'huge.log');
  const fd = openSync(huge, 'w');
  writeSync(fd, 'Dec 26 10:50:14 pve3 kernel: ');
  const block = Buffer.alloc(1 << 20, 0x61);
  for (let k = 0; k < 64; k++) writeSync(fd, block);
  writeSync(fd, `\n${FAIL}\n`);
  closeSync(fd);
  const before = process.memoryUsage().rss;
  const result = await analyzeFiles([huge]);
  const grew = process.memoryUsage().rss - before;
  assert.ok(grew < 200 * 1024 * 1024, `RSS grew by ${Math.round(grew / 1048576)} MiB`);
  assert.is(result.incidents.length, 1);
  assert.is(result.incidents[0]?.evidence[0]?.line, 2);
  assert.ok(result.warnings.some((w) => w.source === huge && /longer than 1 MiB/.test(w.message)));
  assert.is(result.errors.length, 0);
});

test('NUL bytes and invalid UTF-8 are read around, with warnings naming the file', async () => {
  const dirty = join(dir, 'dirty.log');
  writeFileSync(dirty, Buffer.concat([
    Buffer.from('Dec 26 10:50:14 pve3 pvedaemon[1]: caf'), Buffer.from([0xff, 0xfe]), Buffer.from(' rbd nothing here\n'),
    Buffer.from('Dec 26 10:50:15 pve3 pvedaemon[1032]: rbd error: rbd: listing\u0000 images failed: (1) Operation not permitted\n'.replace('\u0000', '')),
    Buffer.from([0, 0, 0, 0]), Buffer.from(`${FAIL}\n`),
  ]));
  const result = await analyzeFiles([dirty]);
  assert.is(result.errors.length, 0);
  assert.is(result.incidents.length, 1);
  assert.is(result.incidents[0]?.count, 2);
  assert.ok(result.warnings.some((w) => /NUL/.test(w.message)));
  assert.ok(result.warnings.some((w) => /invalid UTF-8/.test(w.message)));
});

const KEY = 'AQB7qMdnJg0aJRAA7i9fJvQW9x0o0Jr8mGmNqA==';
const SECRET_LINES = [
  `Dec 26 10:50:15 pve3 pvedaemon[1032]: kvm: -drive file=rbd:vmdata/vm-101-disk-0:id=pve:key=${KEY}:conf=/etc/pve/ceph.conf,if=none: error connecting: Permission denied`,
  `Dec 26 10:50:16 pve3 pvedaemon[1032]: kvm: -blockdev {"driver":"raw","file":{"driver":"rbd","image":"vm-101-disk-0","key-secret":"${KEY}","pool":"vmdata","user":"pve"}}: error connecting: Permission denied`,
  `Dec 26 10:50:17 pve3 pvedaemon[1032]: 2025-12-26T10:50:17.001+0100 7f0c -1 auth: error parsing file /etc/pve/priv/ceph/ceph-vm.keyring: buffer::malformed_input: val=${KEY}: Malformed input`,
  `Dec 26 10:50:18 pve3 pvedaemon[1032]: rbd error: rbd: key = ${KEY} caps mon = "profile rbd" listing images failed: (1) Operation not permitted`,
].join('\n');

test('key material never appears in text, json or ndjson output', async () => {
  for (const format of ['text', 'json', 'ndjson']) {
    const run = await runCli(['--format', format, '--evidence', '20'], SECRET_LINES);
    assert.is(run.code, 1, format);
    assert.not.ok(run.stdout.includes(KEY) || run.stderr.includes(KEY), `${format} leaks the key`);
    assert.not.ok(run.stdout.includes(KEY.slice(0, 20)), `${format} leaks part of the key`);
    assert.ok(run.stdout.includes('<redacted>'), `${format} shows that something was removed`);
  }
});

test('the example log is untouched by the tests (sanity for fixtures)', () => {
  assert.ok(readFileSync('examples/task10-short.log', 'utf8').includes('TASK ERROR'));
});

test.run();
