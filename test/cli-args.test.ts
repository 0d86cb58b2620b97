// The command line as a user types it, through the real bin: repeatable options never eat a file,
// time values may start with '-', help per command, one-line usage errors. (--version from an
// installed copy: test/package.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from './helpers/cli.js';
import { findUpid } from '../src/upid.js';

const EXAMPLE = 'examples/task10-short.log';
const EXAMPLE_YEAR = String(new Date((findUpid(readFileSync(EXAMPLE, 'utf8'))?.startTime ?? 0) * 1000).getUTCFullYear());

/** A usage error: exit 2, the problem on the first line of stderr, no stack. */
function assertUsageError(run: { code: number; stderr: string }, problem: RegExp): void {
  assert.is(run.code, 2, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.match(lines[0] ?? '', problem);
  assert.ok(lines.length <= 2, run.stderr);
  assert.not.match(run.stderr, /\n\s+at |Error:/);
}

test('--node X FILE and --node=X FILE read FILE (a repeatable option takes one value)', () => {
  for (const args of [['--node', 'pve3', EXAMPLE], ['--node=pve3', EXAMPLE], ['--node', 'pve9', '--node', 'pve3', EXAMPLE]]) {
    const run = runBin([...args, '--year', EXAMPLE_YEAR, '--format', 'json']);
    assert.is(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
    const doc = JSON.parse(run.stdout) as { inputs: { source: string }[]; incidents: { node: string }[] };
    assert.equal(doc.inputs.map((i) => i.source), [EXAMPLE]);
    assert.equal(doc.incidents.map((i) => i.node), ['pve3']);
  }
  const other = runBin(['--node', 'pve1', EXAMPLE, '--format', 'json']);
  assert.is(other.code, 0, 'another node: the file is read and its lines left out');
  assert.equal((JSON.parse(other.stdout) as { inputs: { source: string }[] }).inputs.map((i) => i.source), [EXAMPLE]);
});

test('--root DIR FILE keeps FILE (with --with-config); probe reports a stray argument instead of eating it', () => {
  const run = runBin(['--with-config', '--root', 'fixtures/doctor/missing-keyring', EXAMPLE, '--year', EXAMPLE_YEAR, '--format', 'json']);
  assert.is(run.code, 1, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { inputs: { source: string }[] }).inputs.map((i) => i.source), [EXAMPLE]);
  assertUsageError(runBin(['probe', '--mon', '127.0.0.1', 'stray.log']), /stray\.log/);
  assertUsageError(runBin(['probe', '--from', EXAMPLE, 'stray.log']), /stray\.log/);
});

test('time values that start with "-": --since -2d, --since -24h, --until -1h', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-since-'));
  try {
    // The example's lines, three hours ago, with a zone so that no year or zone is guessed.
    const at = new Date(Date.now() - 3 * 3_600_000).toISOString().replace(/\.\d+Z$/, '+00:00');
    const file = join(dir, 'recent.log');
    writeFileSync(file, readFileSync(EXAMPLE, 'utf8').trim().split('\n').map((l) => l.replace(/^\w{3} \d\d \d\d:\d\d:\d\d/, at)).join('\n') + '\n');
    const incidents = (args: string[]): number => {
      const run = runBin([...args, file, '--format', 'json']);
      assert.ok(run.code === 0 || run.code === 1, `${args.join(' ')}: exit ${run.code}: ${run.stderr}`);
      return (JSON.parse(run.stdout) as { incidents: unknown[] }).incidents.length;
    };
    assert.is(incidents(['--since', '-2d', '--node', 'pve3']), 1);
    assert.is(incidents(['--since', '-24h']), 1);
    assert.is(incidents(['--since', '-2h']), 0);
    assert.is(incidents(['--until', '-1h']), 1);
    assert.is(incidents(['--until', '-4h']), 0);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('-h and --help; doctor --help lists only the options doctor uses; probe --mon says what is contacted', () => {
  const short = runBin(['-h']);
  assert.is(short.code, 0, short.stderr);
  assert.match(short.stdout, /--since/);
  assert.is(runBin(['--help']).stdout, short.stdout);
  const doctor = runBin(['doctor', '--help']);
  assert.is(doctor.code, 0, doctor.stderr);
  assert.match(doctor.stdout, /--root/);
  assert.match(doctor.stdout, /--fail-on/);
  for (const logOption of ['--since', '--until', '--node', '--year', '--tz', '--window', '--jobs', '--follow', '--input-format', '--evidence']) {
    assert.not.ok(doctor.stdout.includes(logOption), `doctor --help lists ${logOption}`);
  }
  const probe = runBin(['probe', '--help']);
  assert.match(probe.stdout.replace(/\s+/g, ' '), /--mon .*only .*named here .*loopback.*contact the monitors of the conf/);
});

test('bad values are one-line usage errors: --window -5, --jobs 0, --year abc, --year 300000, --tz +99:99', () => {
  assertUsageError(runBin(['--window', '-5', EXAMPLE]), /--window -5/);
  assertUsageError(runBin(['--jobs', '0', EXAMPLE]), /--jobs 0/);
  assertUsageError(runBin(['--year', 'abc', EXAMPLE]), /--year abc/);
  assertUsageError(runBin(['--year', '300000', EXAMPLE]), /--year 300000/);
  assertUsageError(runBin(['--tz', '+99:99', EXAMPLE]), /--tz \+99:99/);
  assertUsageError(runBin(['--format', 'yaml', EXAMPLE]), /format/);
  assertUsageError(runBin(['--bogus-option', EXAMPLE]), /bogus-option/);
});

test('a forced --input-format json on a plain log: one error naming the file, exit 2', () => {
  const run = runBin(['--input-format', 'json', EXAMPLE, '--format', 'json']);
  assert.is(run.code, 2, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.is(lines.length, 1, run.stderr);
  assert.match(lines[0] ?? '', new RegExp(`^rbd-explain: ${EXAMPLE}: .*json`));
  const doc = JSON.parse(run.stdout) as { errors: { source: string }[]; warnings: unknown[] };
  assert.equal(doc.errors.map((e) => e.source), [EXAMPLE]);
  assert.equal(doc.warnings, []);
});

test('npm run example uses the year of the example\'s own task id', () => {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts['example'] ?? '';
  assert.is(/--year (\d{4})/.exec(script)?.[1], EXAMPLE_YEAR, script);
  const run = runBin(['--year', EXAMPLE_YEAR, EXAMPLE, '--format', 'json']);
  const [incident] = (JSON.parse(run.stdout) as { incidents: { firstSeen: string; upid: string | null }[] }).incidents;
  assert.ok(incident?.firstSeen.startsWith(EXAMPLE_YEAR), incident?.firstSeen);
});

test.run();
