// Damaged-input matrix (issue 13): each bad input of the issue next to a good file, in each input
// format (short, JSON, export) and compression (none, gzip, xz, zstd), read in this thread and by
// worker threads, then through the real bin for exit codes and stderr, and in follow mode where a
// stream can carry it. Always: the good incident is found, the bad input is named in `errors` or
// `warnings` (and on stderr), exit 2 when an input could not be read whole, else 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync, spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { analyzeFiles } from '../src/pipeline/analyze.js';
import type { AnalysisResult } from '../src/types.js';

const BIN = 'dist/src/bin/cli.js';
const dir = mkdtempSync(join(tmpdir(), 'rbdx-matrix-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

type Format = 'short' | 'json' | 'export';
type Compression = 'none' | 'gzip' | 'xz' | 'zstd';
const FORMATS: readonly Format[] = ['short', 'json', 'export'];
const has = (tool: string): boolean => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const COMPRESSIONS: readonly Compression[] = (['none', 'gzip', 'xz', 'zstd'] as const).filter((c) => c === 'none' || c === 'gzip' || has(c));
const missing = (['xz', 'zstd'] as const).filter((c) => !has(c));
if (missing.length > 0) console.log(`SKIPPED: the ${missing.join(' and ')} columns of the matrix (${missing.join(', ')} not installed)`);

const GOOD_MESSAGE = 'rbd error: rbd: listing images failed: (1) Operation not permitted';
const OTHER_MESSAGE = "rbd error: rbd: error opening pool 'vmdata': (2) No such file or directory";

/** One journal entry in a format. */
function entry(format: Format, host: string, message: string, second = 15): string {
  if (format === 'short') return `Dec 26 10:50:${second} ${host} pvedaemon[1032]: ${message}\n`;
  const fields = { __REALTIME_TIMESTAMP: String(1766746200000000 + second * 1000000), _HOSTNAME: host, SYSLOG_IDENTIFIER: 'pvedaemon', _PID: '1032', MESSAGE: message };
  if (format === 'json') return `${JSON.stringify(fields)}\n`;
  return `${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join('\n')}\n\n`;
}

function compress(data: Buffer, how: Compression): Buffer {
  if (how === 'none') return data;
  if (how === 'gzip') return gzipSync(data);
  return spawnSync(how, ['-c'], { input: data, maxBuffer: 64 << 20 }).stdout;
}

const filler = (format: Format, n: number): string => Array.from({ length: n }, (_, k) => entry(format, 'pve7', `cron run ${k} ${'z'.repeat(k % 70)}`, 10 + (k % 40))).join('');

/** A bad input of the issue: its bytes for a format and compression, and what must be said about it. */
interface BadInput {
  readonly name: string;
  /** The bytes for a format and compression (null: not a case there); `node` names the failure inside. */
  readonly bytes: (format: Format, how: Compression, node: string) => Buffer | null;
  /** `error`: the input could not be read whole (exit 2); `warning`: it was, with a warning (exit 1). */
  readonly level: 'error' | 'warning';
  readonly says: RegExp;
  /** The cause of a failure inside the bad input that must still be found, or null. */
  readonly inside: string | null;
}

const BAD: readonly BadInput[] = [
  {
    name: 'nested-300',
    bytes: (f, c, n) => compress(Buffer.from(entry(f, 'pve4', `kvm: -blockdev {"driver":"rbd","x":${'['.repeat(300)}${']'.repeat(300)}}: error connecting: Permission denied`) + entry(f, n, OTHER_MESSAGE)), c),
    level: 'warning', says: /nested over 64 levels/, inside: 'image-not-found',
  },
  {
    name: 'bad-time',
    bytes: (f, c, n) => (f === 'short' ? null : compress(Buffer.from(entry(f, 'pve4', OTHER_MESSAGE).replace('1766746215000000', '99999999999999999999') + entry(f, n, OTHER_MESSAGE)), c)),
    level: 'warning', says: /unreadable __REALTIME_TIMESTAMP/, inside: 'image-not-found',
  },
  {
    name: 'megabyte-line',
    bytes: (f, c, n) => compress(Buffer.from(entry(f, 'pve4', `rbd error: ${'x'.repeat(1100000)}: (1) Operation not permitted`) + entry(f, n, OTHER_MESSAGE)), c),
    level: 'warning', says: /only their first 4 KiB and last 2 KiB were read|longer than 1 MiB were cut/, inside: 'image-not-found',
  },
  {
    name: 'truncated',
    bytes: (f, c, n) => (c === 'none' ? null : (() => { const whole = compress(Buffer.from(entry(f, n, OTHER_MESSAGE) + filler(f, 3000)), c); return whole.subarray(0, Math.floor(whole.length * 0.6)); })()),
    level: 'error', says: /truncated|corrupt/, inside: 'image-not-found',
  },
  {
    name: 'trailing-garbage',
    bytes: (f, c, n) => (c !== 'gzip' ? null : Buffer.concat([compress(Buffer.from(filler(f, 2000) + entry(f, n, OTHER_MESSAGE)), c), Buffer.from('garbage after the gzip member\n'.repeat(40))])),
    level: 'warning', says: /trailing garbage/, inside: 'image-not-found',
  },
  {
    name: 'binary-junk',
    bytes: (f, c) => (f === 'export' ? null : compress(Buffer.from(Array.from({ length: 8192 }, (_, k) => (k * 7919) % 256)), c)),
    level: 'error', says: /binary data/, inside: null,
  },
];

function expectations(result: AnalysisResult, cell: Cell, what: string): void {
  const causes = result.incidents.map((i) => `${i.node}:${i.cause}`);
  assert.ok(causes.includes(`${cell.goodNode}:caps-insufficient`), `${what}: the good incident is found (${causes.join(', ')})`);
  if (cell.bad.inside) assert.ok(causes.includes(`${cell.insideNode}:${cell.bad.inside}`), `${what}: the failure inside the bad input is found (${causes.join(', ')})`);
  const list = cell.bad.level === 'error' ? result.errors : result.warnings;
  assert.ok(list.some((e) => e.source === cell.path && cell.bad.says.test(e.message)), `${what}: ${cell.bad.level} naming ${cell.path} ${cell.bad.says}: ${JSON.stringify([...result.errors, ...result.warnings])}`);
  if (cell.bad.level === 'warning') assert.not.ok(result.errors.some((e) => e.source === cell.path), `${what}: no error`);
}

interface Cell {
  readonly bad: BadInput;
  readonly format: Format;
  readonly how: Compression;
  readonly path: string;
  readonly good: string;
  /** Node names unique to the cell, so that one analysis of every cell can tell them apart. */
  readonly goodNode: string;
  readonly insideNode: string;
}
const cells: Cell[] = [];
for (const format of FORMATS) {
  for (const how of COMPRESSIONS) {
    for (const bad of BAD) {
      const insideNode = `in-${bad.name}-${format}-${how}`;
      const bytes = bad.bytes(format, how, insideNode);
      if (!bytes) continue;
      const path = join(dir, `${bad.name}-${format}-${how}`);
      writeFileSync(path, bytes);
      const goodNode = `good-${bad.name}-${format}-${how}`;
      const good = join(dir, `good-${bad.name}-${format}-${how}`);
      writeFileSync(good, compress(Buffer.from(filler(format, 50) + entry(format, goodNode, GOOD_MESSAGE)), how));
      cells.push({ bad, format, how, path, good, goodNode, insideNode });
    }
  }
}

const optionsFor = (format: Format): { year: number; tz: string; inputFormat?: 'export' } => ({ year: 2025, tz: 'UTC', ...(format === 'export' ? { inputFormat: 'export' as const } : {}) });

test(`library, this thread: ${cells.length} cells (bad input × format × compression), each beside its good file`, async () => {
  assert.ok(cells.length >= 40, `${cells.length} cells`);
  for (const cell of cells) {
    expectations(await analyzeFiles([cell.path, cell.good], optionsFor(cell.format)), cell, `${cell.bad.name} ${cell.format} ${cell.how}`);
  }
});

test('library, 2 worker threads: every cell of each format in one analysis', async () => {
  for (const format of FORMATS) {
    const mine = cells.filter((c) => c.format === format);
    const result = await analyzeFiles(mine.flatMap((c) => [c.path, c.good]), { ...optionsFor(format), workers: 2 });
    for (const cell of mine) expectations(result, cell, `${cell.bad.name} ${cell.format} ${cell.how} (workers)`);
  }
});

function bin(args: readonly string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: input ?? '', maxBuffer: 64 << 20 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('the real bin: exit code, stderr naming the bad input, no stack trace (every bad input; short plain and gzip, export plain)', () => {
  for (const cell of cells.filter((c) => (c.format === 'short' && c.how !== 'xz' && c.how !== 'zstd') || (c.format === 'export' && c.how === 'none'))) {
    const what = `${cell.bad.name} ${cell.format} ${cell.how}`;
    const run = bin(['--format', 'json', '--year', '2025', '--tz', 'UTC', ...(cell.format === 'export' ? ['--input-format', 'export'] : []), cell.path, cell.good]);
    assert.is(run.code, cell.bad.level === 'error' ? 2 : 1, `${what}: exit ${run.code}: ${run.stderr}`);
    assert.ok(run.stderr.split('\n').some((l) => l.startsWith('rbd-explain: ') && l.includes(cell.path) && cell.bad.says.test(l)), `${what}: stderr ${run.stderr}`);
    assert.not.match(run.stderr, /\n\s+at /, `${what}: stack trace`);
    expectations(JSON.parse(run.stdout) as AnalysisResult, cell, `${what} (bin)`);
  }
});

test('the real bin: --input-format export on /dev/zero ends, names it, exit 2', () => {
  const cell = cells.find((c) => c.format === 'export' && c.how === 'none')!;
  const run = bin(['--format', 'json', '--input-format', 'export', '/dev/zero', cell.good]);
  assert.is(run.code, 2);
  assert.match(run.stderr, /rbd-explain: \/dev\/zero: not journal export data/);
  assert.ok((JSON.parse(run.stdout) as AnalysisResult).incidents.some((i) => i.node === cell.goodNode));
});

test('the real bin: a FIFO without a writer beside a good file is skipped with a warning; exit 1', () => {
  if (!has('mkfifo')) { console.log('SKIPPED: mkfifo not installed'); return; }
  const fifo = join(dir, 'nobody.fifo');
  spawnSync('mkfifo', [fifo]);
  const cell = cells.find((c) => c.format === 'short' && c.how === 'none')!;
  const run = bin(['--format', 'json', '--year', '2025', fifo, cell.good]);
  assert.is(run.code, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`rbd-explain: warning: ${fifo}: named pipe with no writer`));
  assert.ok((JSON.parse(run.stdout) as AnalysisResult).incidents.some((i) => i.node === cell.goodNode));
});

test('follow mode (stdin, ndjson): bad lines in the stream do not end it; the good incident comes out', async () => {
  for (const format of ['short', 'json'] as const) {
    const stream = [
      entry(format, 'pve4', `kvm: -blockdev {"driver":"rbd","x":${'['.repeat(300)}${']'.repeat(300)}}: error connecting: Permission denied`),
      entry(format, 'pve4', `rbd error: ${'a b:c '.repeat(180000)}: (1) Operation not permitted`),
      format === 'json' ? `{"__REALTIME_TIMESTAMP":"99999999999999999999","MESSAGE":${'['.repeat(100000)}"x"${']'.repeat(100000)}}\n` : '\u0000\u0001garbage\n',
      entry(format, 'pve3', GOOD_MESSAGE),
    ].join('');
    const child = spawn(process.execPath, [BIN, '--follow', '--format', 'ndjson', '--year', '2025', '--tz', 'UTC'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdin.end(stream);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.not.match(stderr, /\n\s+at |RangeError/, `${format}: ${stderr}`);
    const nodes = stdout.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { node: string }).node);
    assert.ok(nodes.includes('pve3'), `${format}: incidents ${nodes.join(',')} (exit ${code}): ${stderr}`);
  }
});

test.run();
