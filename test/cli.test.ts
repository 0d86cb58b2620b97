// The CLI shell around the library: help, usage errors, doctor, multi-node doctor,
// --with-config (doctor findings confirm an incident), probe usage errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';

test('usage errors exit 2 with one line naming the problem', async () => {
  const run = await runCli(['--format', 'yaml', 'x.log']);
  assert.is(run.code, 2);
  assert.match(run.stderr, /^rbd-explain: .*format/m);
  const none = await runCli([]);
  assert.is(none.code, 2, 'no stdin and no files');
  assert.match(none.stderr, /no input/);
});

test('doctor on a tree with a missing keyring: exit 1, the finding names file and line', async () => {
  const run = await runCli(['doctor', '--root', 'fixtures/doctor/missing-keyring', '--format', 'json']);
  assert.is(run.code, 1);
  const doc = JSON.parse(run.stdout) as { findings: { cause: string; storage: string | null; file: string | null; line: number | null }[] };
  const missing = doc.findings.find((f) => f.cause === 'keyring-missing' && f.storage === 'ext-rbd');
  assert.ok(missing, run.stdout);
  assert.is(missing.file, '/etc/pve/storage.cfg');
  assert.is(typeof missing.line, 'number');
});

test('multi-node doctor names the drifting node and prints no key', async () => {
  const roots = ['pve1', 'pve2', 'pve3'].flatMap((n) => ['--root', `${n}=fixtures/doctor/three-nodes/${n}`]);
  const run = await runCli(['doctor', ...roots]);
  assert.is(run.code, 1);
  assert.match(run.stdout, /node-drift/);
  assert.match(run.stdout, /pve3/);
  assert.not.match(run.stdout, /AQ[A-Za-z0-9+/]{30,}/);
});

test('--with-config confirms keyring-missing when the node lacks the keyring the log names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-cfg-'));
  const log = join(dir, 'UPID:pve1:00003039:0001E240:65E19A40:qmstart:100:root@pam:');
  // The storage keyring is missing, so Proxmox started QEMU without cephx (auth_supported=none).
  writeFileSync(log, [
    'kvm: -drive file=rbd:tenant-a/vm-100-disk-0:mon_host=10.20.0.11;10.20.0.12:auth_supported=none,if=none,id=drive-scsi0: error connecting: Connection timed out',
    'TASK ERROR: start failed: QEMU exited with code 1',
  ].join('\n'));
  const plain = JSON.parse((await runCli(['--format', 'json', log])).stdout) as { incidents: { cause: string; confirmed: boolean; storage: string | null }[] };
  assert.is(plain.incidents[0]?.confirmed, false);
  const run = await runCli(['--format', 'json', '--with-config', '--root', 'fixtures/doctor/missing-keyring', log]);
  const doc = JSON.parse(run.stdout) as { incidents: { cause: string; confirmed: boolean; configFindings: { cause: string }[] }[] };
  const [incident] = doc.incidents;
  assert.ok(incident?.configFindings.some((f) => f.cause === 'keyring-missing'), run.stdout);
  assert.is(incident?.cause, 'keyring-missing');
  assert.is(incident?.confirmed, true);
});

test('probe without a pool is a usage error, never a guess', async () => {
  const run = await runCli(['probe', '--id', 'pve']);
  assert.is(run.code, 2);
  assert.match(run.stderr, /needs a pool/);
});

test.run();
