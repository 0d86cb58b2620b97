// The bin's input and output around the library: a reader that goes away (EPIPE), rotations
// across arguments, argument problems in JSON `errors`, journalctl's own errors in live mode.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, runBin } from './helpers/cli.js';
import { JOURNALCTL } from './helpers/journal.js';
import { workerCount } from '../src/pipeline/analyze.js';

const EXAMPLE = 'examples/task10-short.log';
const YEAR = ['--year', '2024'];

function withDir(prefix: string, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try { body(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** `n` failures of distinct images: one incident each, so the report is far larger than a pipe buffer. */
function manyIncidents(n: number): string {
  return Array.from({ length: n }, (_, k) => `kvm: -drive file=rbd:vmdata/vm-${1000 + k}-disk-0:conf=/etc/pve/ceph.conf:id=admin,if=none,id=drive-scsi0: error reading header from vm-${1000 + k}-disk-0: No such file or directory\n`).join('');
}

/** Runs `rbd-explain ARGS | READER` in a shell; the bin's stderr and exit status. */
function piped(dir: string, args: string, reader: string, stdinFile?: string): { stderr: string; code: number } {
  const err = join(dir, 'stderr.txt');
  const code = join(dir, 'code.txt');
  const input = stdinFile ? ` < '${stdinFile}'` : ' < /dev/null';
  spawnSync('sh', ['-c', `{ '${process.execPath}' '${resolve(BIN)}' ${args}${input} 2>'${err}'; echo $? >'${code}'; } | ${reader} >/dev/null`], { encoding: 'utf8' });
  return { stderr: readFileSync(err, 'utf8'), code: Number(readFileSync(code, 'utf8').trim()) };
}

test('a reader that goes away: text | head -n1, json | head -c1, --follow | head -1 end quietly', () => {
  withDir('rbdx-pipe-', (dir) => {
    const log = join(dir, 'many.log');
    writeFileSync(log, manyIncidents(3000));
    for (const [args, reader, stdin] of [[`'${log}'`, 'head -n1'], [`--format json '${log}'`, 'head -c1'], ['--follow --format ndjson', 'head -n1', log]] as const) {
      const run = piped(dir, args, reader, stdin);
      assert.is(run.stderr, '', `${args} | ${reader}: ${run.stderr}`);
      // 141 (as a shell shows a process ended by SIGPIPE) when a write failed; a report written
      // whole before the reader left ends with its usual status.
      assert.ok(run.code === 141 || run.code === 1, `${args} | ${reader}: exit ${run.code}`);
    }
  });
});

test('rotations are read oldest first across all arguments: syslog \'syslog.*\'', () => {
  withDir('rbdx-rot-', (dir) => {
    const lines = readFileSync(EXAMPLE, 'utf8');
    writeFileSync(join(dir, 'syslog'), lines);
    writeFileSync(join(dir, 'syslog.1'), lines);
    writeFileSync(join(dir, 'syslog.2.gz'), gzipSync(lines));
    writeFileSync(join(dir, 'other.log'), lines);
    const run = runBin([join(dir, 'other.log'), join(dir, 'syslog'), `${dir}/syslog.*`, ...YEAR, '--format', 'json']);
    assert.is(run.code, 1, run.stderr);
    const sources = (JSON.parse(run.stdout) as { inputs: { source: string }[] }).inputs.map((i) => i.source.slice(dir.length + 1));
    assert.equal(sources, ['other.log', 'syslog.2.gz', 'syslog.1', 'syslog']);
  });
});

test('unmatched globs, empty or looping directories and symlink loops are in JSON errors (exit 2), the good file still read', () => {
  withDir('rbdx-args-', (dir) => {
    mkdirSync(join(dir, 'loopdir'));
    symlinkSync('../loopdir', join(dir, 'loopdir', 'self'));
    symlinkSync('loop2', join(dir, 'loop1'));
    symlinkSync('loop1', join(dir, 'loop2'));
    const args = [EXAMPLE, `${dir}/nomatch*`, join(dir, 'loopdir'), join(dir, 'loop1')];
    const run = runBin([...args, ...YEAR, '--format', 'json']);
    assert.is(run.code, 2, run.stderr);
    const doc = JSON.parse(run.stdout) as { errors: { source: string; message: string }[]; incidents: unknown[] };
    assert.equal(doc.errors.map((e) => e.source).sort(), args.slice(1).sort());
    assert.is(doc.incidents.length, 1, 'the good file is still read');
    for (const e of doc.errors) assert.ok(run.stderr.includes(`rbd-explain: ${e.source}: ${e.message}`), run.stderr);
    assert.not.match(run.stderr, /\n\s+at /);
  });
});

// Root reads any directory: as root, the bin runs as nobody for this test (it must be able to read the build).
const AS_NOBODY = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
const canRunAsNobody = spawnSync(process.execPath, [resolve(BIN), '--version'], AS_NOBODY).status === 0;
if (!canRunAsNobody) console.log('  unreadable-directory test SKIPPED: the bin cannot run as user nobody here');

(canRunAsNobody ? test : test.skip)('an unreadable directory is an input error (stderr and JSON), not silence', () => {
  withDir('rbdx-unreadable-', (dir) => {
    const closed = join(dir, 'closed');
    mkdirSync(join(closed, 'inner'), { recursive: true });
    copyFileSync(EXAMPLE, join(closed, 'inner', 'a.log'));
    chmodSync(join(closed, 'inner'), 0o000);
    chmodSync(dir, 0o755);
    const res = spawnSync(process.execPath, [resolve(BIN), closed, '--format', 'json'], { encoding: 'utf8', ...AS_NOBODY });
    assert.is(res.status, 2, res.stderr);
    const doc = JSON.parse(res.stdout) as { errors: { source: string; message: string }[] };
    assert.equal(doc.errors.map((e) => e.source), [closed]);
    assert.match(doc.errors[0]?.message ?? '', /EACCES|could not be read/);
    assert.match(res.stderr, new RegExp(`rbd-explain: ${closed}: `));
  });
});

test('a binary journal file: one line that names the path once as its subject', () => {
  withDir('rbdx-journal-', (dir) => {
    const file = join(dir, 'system.journal');
    writeFileSync(file, Buffer.concat([Buffer.from('LPKSHHRH'), Buffer.alloc(300, 1)]));
    const run = runBin([file, '--format', 'json']);
    assert.is(run.code, 2);
    const [error] = (JSON.parse(run.stdout) as { errors: { source: string; message: string }[] }).errors;
    assert.is(error?.source, file);
    assert.ok(!(error?.message ?? '').startsWith(file), error?.message);
    assert.match(error?.message ?? '', /journalctl --file=/);
    assert.is(run.stderr.trim().split('\n').length, 1, run.stderr);
  });
});

test('--jobs is capped at the core count (and at the file count)', () => {
  const cores = availableParallelism();
  assert.is(workerCount(128, 1000), cores);
  assert.is(workerCount(2, 1000), Math.min(2, cores));
  assert.is(workerCount(8, 1), 1);
  assert.is(workerCount(0, 10), 0);
});

test('live mode: journalctl\'s stderr is passed through; failed or no journal read: exit 2', () => {
  withDir('rbdx-live-', (dir) => {
    // A journalctl that fails the way a real one does without journal files or rights.
    const fake = join(dir, 'journalctl');
    writeFileSync(fake, '#!/bin/sh\necho "No journal files were found." >&2\necho "Hint: You are currently not seeing messages from other users and the system." >&2\nexit 0\n');
    chmodSync(fake, 0o755);
    const none = runBin(['--journal-dir', dir, '--format', 'json'], { env: { RBD_EXPLAIN_JOURNALCTL: fake } });
    assert.is(none.code, 2, none.stderr);
    assert.match(none.stderr, /^rbd-explain: journalctl: No journal files were found\.$/m);
    assert.match(none.stderr, /^rbd-explain: journalctl: Hint: You are currently not seeing/m);
    assert.equal((JSON.parse(none.stdout) as { errors: { source: string }[] }).errors.map((e) => e.source), ['journalctl']);
    writeFileSync(fake, '#!/bin/sh\necho "Failed to open /x: No such file or directory" >&2\nexit 1\n');
    const failed = runBin(['--journal-dir', '/x'], { env: { RBD_EXPLAIN_JOURNALCTL: fake } });
    assert.is(failed.code, 2);
    assert.match(failed.stderr, /rbd-explain: journalctl: Failed to open \/x/);
    if (!JOURNALCTL) { console.log('  live mode with the real journalctl SKIPPED: no journalctl'); return; }
    mkdirSync(join(dir, 'empty'));
    const empty = runBin(['--journal-dir', join(dir, 'empty')], { env: { RBD_EXPLAIN_JOURNALCTL: JOURNALCTL } });
    assert.is(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /journalctl read no journal in .*empty/);
  });
});

test.run();
