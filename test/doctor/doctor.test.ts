import { chmodSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runDoctor, type DoctorFinding, type DoctorReport } from '../../src/doctor/index.js';
import { cleanTrees, copyTree, writeInTree } from './tree.js';

function doctor(root: string, pools?: string[]): DoctorReport {
  return runDoctor({ node: 'pve1', root }, pools === undefined ? {} : { pools });
}

function problems(report: DoctorReport): DoctorFinding[] {
  return report.findings.filter((f) => f.severity !== 'info');
}

function only(report: DoctorReport, check: string): DoctorFinding {
  const hits = report.findings.filter((f) => f.check === check);
  assert.is(hits.length, 1, `exactly one ${check} finding, got ${JSON.stringify(report.findings.map((f) => f.check))}`);
  return hits[0] as DoctorFinding;
}

function first(report: DoctorReport, check: string): DoctorFinding {
  const hit = report.findings.find((f) => f.check === check);
  assert.ok(hit, `a ${check} finding`);
  return hit as DoctorFinding;
}

test.after.each(cleanTrees);

test('healthy tree: no error, no warning; both storages examined and the pool list read', () => {
  const report = doctor(copyTree('healthy'));
  assert.equal(problems(report), []);
  assert.equal(report.nodes[0]?.storages, ['ceph-vm', 'ext-rbd']);
  const files = report.nodes[0]?.files.map((f) => f.path) ?? [];
  assert.ok(files.includes('/etc/pve/priv/ceph/ext-rbd.keyring'));
  assert.ok(report.nodes[0]?.files.every((f) => f.sha256 === null || /^[0-9a-f]{64}$/.test(f.sha256)));
});

test('0644 keyring: keyring-permissions warning with chmod 600 on the real path', () => {
  const root = copyTree('healthy');
  chmodSync(join(root, 'etc/pve/priv/ceph/ext-rbd.keyring'), 0o644);
  const f = only(doctor(root), 'keyring-permissions');
  assert.is(f.cause, 'keyring-missing');
  assert.is(f.severity, 'warning');
  assert.is(f.storage, 'ext-rbd');
  assert.is(f.file, '/etc/pve/priv/ceph/ext-rbd.keyring');
  assert.ok(f.message.includes('0644'));
  const chmod = f.commands.find((c) => c.command === 'chmod 600 /etc/pve/priv/ceph/ext-rbd.keyring');
  assert.ok(chmod?.changesCluster, 'chmod is a change, printed not run');
});

test('0400 keyring is not too open', () => {
  const root = copyTree('healthy');
  chmodSync(join(root, 'etc/pve/priv/ceph/ext-rbd.keyring'), 0o400);
  assert.equal(problems(doctor(root)), []);
});

test('missing keyring of an external storage: error with storage.cfg evidence and ceph auth get', () => {
  const f = only(doctor(copyTree('missing-keyring')), 'keyring-file');
  assert.is(f.cause, 'keyring-missing');
  assert.is(f.severity, 'error');
  assert.is(f.storage, 'ext-rbd');
  assert.is(f.file, '/etc/pve/storage.cfg');
  assert.is(f.line, 10);
  assert.is(f.subject, '/etc/pve/priv/ceph/ext-rbd.keyring');
  assert.ok(f.evidence.some((e) => e.line === 14 && e.text === 'username pve'));
  assert.ok(f.commands.some((c) => c.command === 'ceph auth get client.pve -o /etc/pve/priv/ceph/ext-rbd.keyring' && c.changesCluster));
  assert.ok(f.refs.includes('article: Task 3'));
});

test('unreadable keyring (a directory in its place) is reported as keyring-missing', () => {
  const root = copyTree('missing-keyring');
  writeInTree(root, 'etc/pve/priv/ceph/ext-rbd.keyring/x', '');
  const f = only(doctor(root), 'keyring-file');
  assert.ok(f.message.includes('cannot be read'));
});

test('wrong section header: client-mismatch naming the section found and its line', () => {
  const f = only(doctor(copyTree('wrong-section')), 'keyring-section');
  assert.is(f.cause, 'client-mismatch');
  assert.is(f.severity, 'error');
  assert.is(f.file, '/etc/pve/priv/ceph/ext-rbd.keyring');
  assert.is(f.line, 1);
  assert.ok(f.message.includes('[client.admin]'));
  assert.ok(f.message.includes('client.pve'));
});

test('differing fsid between /etc/pve/ceph.conf and /etc/ceph/ceph.conf: config-split error saying who reads which', () => {
  const f = only(doctor(copyTree('fsid-split')), 'conf-split');
  assert.is(f.cause, 'config-split');
  assert.is(f.severity, 'error');
  assert.is(f.subject, 'fsid');
  assert.is(f.file, '/etc/ceph/ceph.conf');
  assert.is(f.line, 2);
  assert.ok(f.message.includes('0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a'));
  assert.ok(f.message.includes('ceph-vm'), 'names the storage reading /etc/pve/ceph.conf');
  assert.ok(f.commands.some((c) => c.command === 'ceph --conf /etc/ceph/ceph.conf fsid' && !c.changesCluster));
});

test('same fsid, other monitors: config-split warning', () => {
  const root = copyTree('healthy');
  unlinkSync(join(root, 'etc/ceph/ceph.conf'));
  writeInTree(root, 'etc/ceph/ceph.conf', '[global]\nfsid = 5b0e2f7a-3c1d-4e8b-9a62-7d4c1f0e8a13\nmon_host = 10.10.0.11\n');
  const f = only(doctor(root), 'conf-split');
  assert.is(f.severity, 'warning');
  assert.is(f.subject, 'mon_host');
});

test('mismatched monhost: config-split for the per-storage conf, mon-unreachable for a stale monitor', () => {
  const report = doctor(copyTree('monhost-mismatch'));
  const monhost = report.findings.filter((f) => f.check === 'storage-monhost');
  const ext = monhost.find((f) => f.storage === 'ext-rbd');
  const hx = monhost.find((f) => f.storage === 'ceph-hx');
  assert.is(ext?.cause, 'config-split');
  assert.is(ext?.severity, 'error');
  assert.is(ext?.line, 12);
  assert.ok(ext?.evidence.some((e) => e.source === '/etc/pve/priv/ceph/ext-rbd.conf' && e.line === 2));
  assert.is(hx?.cause, 'mon-unreachable');
  assert.ok(hx?.message.includes('10.10.0.99'));
  assert.equal(problems(report).map((f) => f.check).sort(), ['storage-monhost', 'storage-monhost']);
});

test('pool absent from the given pool list: image-not-found on the pool line', () => {
  const f = only(doctor(copyTree('healthy'), ['.mgr', 'rbd']), 'storage-pool');
  assert.is(f.cause, 'image-not-found');
  assert.is(f.storage, 'ceph-vm', 'the external storage is another cluster: not checked against this list');
  assert.is(f.line, 8);
  assert.is(f.subject, 'vmdata');
});

test('pool list file in the tree is used when no list is passed', () => {
  const root = copyTree('healthy');
  writeInTree(root, 'ceph-osd-pool-ls.txt', '.mgr\nother\n');
  assert.is(only(doctor(root), 'storage-pool').subject, 'vmdata');
  rmSync(join(root, 'ceph-osd-pool-ls.txt'));
  assert.equal(doctor(root).findings.filter((f) => f.check === 'storage-pool'), []);
});

test('per-storage conf next to a storage without monhost: ignored by Proxmox (config-split warning)', () => {
  const root = copyTree('healthy');
  writeInTree(root, 'etc/pve/priv/ceph/ceph-vm.conf', '[global]\nmon_host = 10.99.0.1\n');
  const f = only(doctor(root), 'storage-conf-ignored');
  assert.is(f.cause, 'config-split');
  assert.is(f.storage, 'ceph-vm');
});

test('managed storage with username but no storage keyring: runs as admin (warning)', () => {
  const root = copyTree('healthy');
  writeInTree(root, 'etc/pve/storage.cfg', '\nrbd: ceph-vm\n\tpool vmdata\n\tusername pve\n');
  const f = only(doctor(root), 'keyring-file');
  assert.is(f.severity, 'warning');
  assert.ok(f.message.includes('client.admin'));
});

test('managed storage without any keyring at all: error', () => {
  const root = copyTree('healthy');
  rmSync(join(root, 'etc/pve/priv/ceph.client.admin.keyring'));
  const f = only(doctor(root), 'keyring-file');
  assert.is(f.severity, 'error');
  assert.is(f.storage, 'ceph-vm');
});

test('external storage conf without the keyring line: -blockdev warning', () => {
  const root = copyTree('healthy');
  writeInTree(root, 'etc/pve/priv/ceph/ext-rbd.conf', '[global]\nmon_host = 10.20.0.11 10.20.0.12 10.20.0.13\n');
  const f = only(doctor(root), 'blockdev-keyring');
  assert.is(f.cause, 'keyring-missing');
  assert.is(f.file, '/etc/pve/priv/ceph/ext-rbd.conf');
});

test('storage keyring option pointing at a missing file is reported on its storage.cfg line', () => {
  const root = copyTree('healthy');
  writeInTree(root, 'etc/pve/storage.cfg', '\nrbd: ext-rbd\n\tmonhost 10.20.0.11\n\tpool tenant-a\n\tusername pve\n\tkeyring /etc/ceph/ceph.client.pve.keyring\n');
  const f = first(doctor(root), 'keyring-file');
  assert.is(f.subject, '/etc/ceph/ceph.client.pve.keyring');
  assert.is(f.line, 6);
  assert.is(f.severity, 'warning', 'Proxmox itself still has /etc/pve/priv/ceph/ext-rbd.keyring');
});

test('disabled storages and storages restricted to other nodes are skipped', () => {
  const root = copyTree('missing-keyring');
  writeInTree(root, 'etc/pve/storage.cfg', '\nrbd: ext-rbd\n\tmonhost 10.20.0.11\n\tusername pve\n\tnodes pve2,pve3\n\nrbd: off\n\tmonhost 10.20.0.11\n\tdisable\n');
  const report = doctor(root);
  assert.equal(report.nodes[0]?.storages, []);
  assert.equal(problems(report), []);
});

test('missing /etc/pve/ceph.conf for a managed storage: config-split error', () => {
  const root = copyTree('healthy');
  rmSync(join(root, 'etc/pve/ceph.conf'));
  const f = first(doctor(root), 'conf-file');
  assert.is(f.cause, 'config-split');
  assert.is(f.subject, '/etc/pve/ceph.conf');
});

test('findings are sorted errors first', () => {
  const root = copyTree('wrong-section');
  chmodSync(join(root, 'etc/pve/priv/ceph/ext-rbd.keyring'), 0o644);
  assert.equal(doctor(root).findings.map((f) => f.severity), ['error', 'warning']);
});

test.run();
