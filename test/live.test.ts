// Live node mode: rbd-explain runs journalctl itself. Real journal files are made at test time
// with systemd-journal-remote from an export-format rendering of the hand-written bundle
// (fixtures/fleet/bundle/pve3); skipped, with a line saying so, where the tool is missing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journalctlArgs } from '../src/sources/journalctl.js';
import type { Incident } from '../src/types.js';
import { runCli } from './helpers/cli.js';
import { JOURNAL_REMOTE, JOURNALCTL, exportEntry as entry, journalExport } from './helpers/journal.js';

const BUNDLE = 'fixtures/fleet/bundle';
const REMOTE = JOURNAL_REMOTE;
const BOOT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** pve3's journal lines as export entries, plus lines the unit/identifier matches must leave out or keep. */
function exportOf(): string {
  const { text, lastMono: mono } = journalExport(`${BUNDLE}/pve3/journal.log`);
  const out = [text];
  const at = Date.parse('2025-01-14T09:10:00Z') * 1000;
  // Kernel line (kept), a cron failure naming rbd (left out: another unit, another identifier).
  out.push(entry({ __REALTIME_TIMESTAMP: String(at), __MONOTONIC_TIMESTAMP: String(mono + 5000), _BOOT_ID: BOOT, _TRANSPORT: 'kernel', PRIORITY: '3',
    SYSLOG_IDENTIFIER: 'kernel', _HOSTNAME: 'pve3', MESSAGE: 'rbd: image vm-105-disk-0: image uses unsupported features: 0x38' }));
  out.push(entry({ __REALTIME_TIMESTAMP: String(at + 1000), __MONOTONIC_TIMESTAMP: String(mono + 6000), _BOOT_ID: BOOT, _TRANSPORT: 'syslog', PRIORITY: '3',
    SYSLOG_IDENTIFIER: 'CRON', _PID: '777', _SYSTEMD_UNIT: 'cron.service', _HOSTNAME: 'pve3',
    MESSAGE: 'kvm: -drive file=rbd:vmdata/vm-999-disk-0:conf=/etc/pve/ceph.conf:id=admin,if=none,id=drive-scsi0: error reading header from vm-999-disk-0: No such file or directory' }));
  return out.join('');
}

test('journalctl arguments: export format, units OR identifiers OR kernel, no boot limit', () => {
  const args = journalctlArgs({ since: '@1736845200', units: ['pvedaemon'], extra: ['--directory=/x'] });
  assert.equal(args.slice(0, 5), ['-o', 'export', '--no-pager', '--since=@1736845200', '--directory=/x']);
  assert.ok(args.includes('_SYSTEMD_UNIT=pvedaemon.service'));
  assert.is(args.filter((a) => a === '+').length, 2);
  assert.ok(args.includes('_TRANSPORT=kernel') && !args.includes('-k') && !args.includes('-b'));
});

test('no journalctl: one line, exit 2', async () => {
  const run = await runCli([], null, { RBD_EXPLAIN_JOURNALCTL: '/nonexistent/journalctl' });
  assert.is(run.code, 2);
  assert.is(run.stderr.trim().split('\n')[0], 'rbd-explain: no input: no file, no stdin, and no journalctl on this machine to read the journal itself (pipe a log in or name files)');
});

// uvu counts a test.skip as skipped (scripts/run-tests.js reports it), never as passed.
const liveTest = REMOTE && JOURNALCTL ? test : test.skip;
if (!REMOTE || !JOURNALCTL) console.log(`  live-mode journal test SKIPPED: ${REMOTE ? 'no journalctl' : 'no systemd-journal-remote (apt-get install systemd-journal-remote)'}`);

liveTest('live mode on a real journal file (systemd-journal-remote) + the tasks directory', async () => {
  if (!REMOTE || !JOURNALCTL) throw new Error('unreachable: registered with test.skip when the tools are missing');
  const dir = mkdtempSync(join(tmpdir(), 'rbd-live-'));
  try {
    const made = spawnSync(REMOTE, [`--output=${join(dir, 'remote.journal')}`, '-'], { input: exportOf(), encoding: 'utf8' });
    assert.is(made.status, 0, made.stderr);
    const env = { PATH: '/usr/bin:/bin' };
    const args = ['--journal-dir', dir, '--tasks-dir', `${BUNDLE}/pve3/tasks`, '--since', '2025-01-14T09:00:00+01:00', '--until', '2025-01-14T12:00:00+01:00', '--format', 'json'];
    const run = await runCli(args, null, env);
    assert.is(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout) as { incidents: Incident[]; inputs: { source: string; format: string; lines: number }[] };
    // --journal-dir reads the journal files natively (journalctl is on PATH here, but not run):
    // one input, the directory, counting every entry of its files.
    const written = exportOf().split('\n\n').filter((e) => e.trim() !== '').length;
    assert.equal(doc.inputs[0], { source: dir, format: 'journal-file', lines: written });
    const k = doc.incidents.find((i) => i.cause === 'keyring-missing');
    assert.ok(k, doc.incidents.map((i) => i.cause).join());
    assert.ok(k.evidence.some((e) => e.source === join(dir, 'remote.journal') && e.text === 'start failed: QEMU exited with code 1'));
    assert.ok(k.evidence.some((e) => e.source.includes('/tasks/0/UPID:pve3:') && e.text.startsWith('kvm: -drive')));
    assert.ok(doc.incidents.some((i) => i.cause === 'krbd-features'), 'kernel lines are read');
    assert.ok(!doc.incidents.some((i) => i.image === 'vm-999-disk-0'), 'other units are left out');
    // --since after everything: nothing, exit 0.
    const late = await runCli([...args.slice(0, 4), '--since', '2025-01-15', '--format', 'json'], null, env);
    assert.is(late.code, 0, late.stderr);
    // A --since journalctl cannot use is a usage error here, before journalctl runs.
    const bad = await runCli(['--journal-dir', dir, '--since', 'the other day'], null, env);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /--since the other day/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
