// Grammar-level tests: the QEMU rbd: filename, blockdev JSON, UPID, journal prefixes, payload wrappers, errno.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRbdSpec, findRbdSpecs, targetFromSpec } from '../src/extract/rbd-spec.js';
import { findBlockdevTargets } from '../src/extract/blockdev.js';
import { parseUpid, findUpid, taskLogPath } from '../src/upid.js';
import { parseJournalPrefix } from '../src/records/journal-prefix.js';
import { parsePayload } from '../src/extract/payload.js';
import { ERRNO_TEXTS } from '../src/extract/errno.js';

test('rbd: plain pool/image with options', () => {
  const spec = parseRbdSpec('rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf:id=pve:keyring=/etc/pve/priv/ceph/ceph-vm.keyring');
  assert.ok(spec);
  assert.equal(spec.pool, 'vmdata');
  assert.equal(spec.image, 'vm-101-disk-0');
  assert.equal(spec.namespace, null);
  assert.equal(spec.snapshot, null);
  assert.equal(spec.options, { conf: '/etc/pve/ceph.conf', id: 'pve', keyring: '/etc/pve/priv/ceph/ceph-vm.keyring' });
});

test('rbd: namespace and snapshot', () => {
  const spec = parseRbdSpec('rbd:vmdata/tenant1/vm-101-disk-0@snap1:conf=/etc/pve/ceph.conf');
  assert.equal([spec?.pool, spec?.namespace, spec?.image, spec?.snapshot], ['vmdata', 'tenant1', 'vm-101-disk-0', 'snap1']);
  assert.equal(spec?.options['conf'], '/etc/pve/ceph.conf');
});

test('rbd: escaped colons in a mon_host list (qemu-server regression test shape)', () => {
  const spec = parseRbdSpec('rbd:cpool/vm-8006-disk-0:mon_host=127.0.0.42;127.0.0.21;[\\:\\:1]:auth_supported=none');
  assert.ok(spec);
  const target = targetFromSpec(spec);
  assert.equal(target.monHosts, ['127.0.0.42', '127.0.0.21', '[::1]']);
  assert.equal(target.auth, 'none');
});

test('rbd: an @ inside an option value is a snapshot marker, as QEMU reads it', () => {
  const spec = parseRbdSpec('rbd:pool/img:conf=/etc/a@b');
  assert.equal([spec?.namespace, spec?.image, spec?.snapshot], ['img:conf=', 'etc/a', 'b']);
});

test('rbd: escaped @ and = stay literal', () => {
  const spec = parseRbdSpec('rbd:pool/we\\@ird\\=name:id=pve');
  assert.equal(spec?.image, 'we@ird=name');
  assert.equal(spec?.snapshot, null);
});

test('rbd: inline key is noted but never kept', () => {
  const spec = parseRbdSpec('rbd:pool/img:id=pve:key=AQB7qMdnJg0aJRAA7i9fJvQW9x0o0Jr8mGmNqA==');
  assert.equal(spec?.hadInlineKey, true);
  assert.not.ok(JSON.stringify(spec).includes('AQB7'));
});

test('rbd: found inside a -drive argument, not the rbd CLI prefix', () => {
  const line = "kvm: -drive file=rbd:p/i:id=pve,if=none,id=drive-scsi0: error connecting: Permission denied; rbd: couldn't connect";
  const specs = findRbdSpecs(line);
  assert.is(specs.length, 1);
  assert.equal([specs[0]?.pool, specs[0]?.image, specs[0]?.options['id']], ['p', 'i', 'pve']);
  assert.is(findRbdSpecs('librbd: failed; rbd: error opening pool').length, 0);
});

test('rbd: malformed filenames do not parse', () => {
  assert.is(parseRbdSpec('rbd:nopool'), null);
  assert.is(parseRbdSpec('rbd:/img'), null);
});

test('blockdev: nested throttle → raw → rbd node', () => {
  const json = '{"detect-zeroes":"on","driver":"throttle","file":{"driver":"raw","file":{"auth-client-required":["cephx"],"conf":"/etc/pve/priv/ceph/ext.conf","driver":"rbd","image":"vm-100-disk-0","namespace":"ns1","pool":"vmpool","server":[{"host":"10.0.0.1","port":"3300"},{"host":"fd00::2","port":"3300"}],"snapshot":"s1","user":"pve"},"node-name":"f1"},"node-name":"drive-scsi0"}';
  const [t] = findBlockdevTargets(`kvm: -blockdev ${json}: error reading header from vm-100-disk-0: No such file or directory`);
  assert.ok(t);
  assert.equal([t.pool, t.namespace, t.image, t.snapshot, t.conf, t.clientId, t.auth], ['vmpool', 'ns1', 'vm-100-disk-0', 's1', '/etc/pve/priv/ceph/ext.conf', 'pve', 'cephx']);
  assert.equal(t.monHosts, ['10.0.0.1:3300', '[fd00::2]:3300']);
  assert.is(t.keyring, null);
});

test('blockdev: non-rbd drives are ignored', () => {
  assert.is(findBlockdevTargets('kvm: -blockdev {"driver":"host_device","filename":"/dev/rbd-pve/x/p/i"}: Could not open').length, 0);
});

test('UPID: fields, pid as hex, task log path', () => {
  const upid = parseUpid('UPID:example-node:000934AF:0D015579:68BF3A41:hastart:100:root@pam:');
  assert.ok(upid);
  assert.equal([upid.node, upid.pid, upid.type, upid.id, upid.user], ['example-node', 0x934af, 'hastart', '100', 'root@pam']);
  assert.is(taskLogPath(upid), '/var/log/pve/tasks/1/UPID:example-node:000934AF:0D015579:68BF3A41:hastart:100:root@pam:');
  assert.is(findUpid('end task UPID:pve1:00003039:0001E240:65E19A40:qmstart:100:root@pam: OK')?.pid, 12345);
  assert.is(parseUpid('UPID:bad'), null);
});

test('journal prefixes: every journalctl short rendering and rsyslog', () => {
  const cases: [string, string, string | null, number | null][] = [
    ['Dec 26 10:50:14 pve3 pvedaemon[2211]: x', 'short', 'pvedaemon', 2211],
    ['Dec 26 10:50:14.123456 pve3 pvedaemon[2211]: x', 'short-precise', 'pvedaemon', 2211],
    ['Dec  6 10:50:14 pve3 pvedaemon[2211]: x', 'syslog', 'pvedaemon', 2211],
    ['2025-12-26T10:50:14+0100 pve3 kernel: x', 'short-iso', 'kernel', null],
    ['2025-12-26T10:50:14+01:00 pve3 qm[42]: x', 'short-iso', 'qm', 42],
    ['2025-12-26T10:50:14.123456+0100 pve3 qm[42]: x', 'short-iso-precise', 'qm', 42],
    ['Fri 2025-12-26 10:50:14 CET pve3 pvedaemon[2211]: x', 'short-full', 'pvedaemon', 2211],
  ];
  for (const [line, stamp, ident, pid] of cases) {
    const p = parseJournalPrefix(line);
    assert.ok(p, line);
    assert.equal([p.stamp, p.host, p.ident, p.pid, line.slice(p.length)], [stamp, 'pve3', ident, pid, 'x'], line);
  }
  assert.is(parseJournalPrefix('rbd: couldn\'t connect to the cluster!'), null);
});

test('payload: Proxmox and QEMU wrappers peel off outermost first', () => {
  const p = parsePayload("TASK ERROR: start failed: error opening 'rbd:vmdata/vm-101-disk-0': (13) Permission denied");
  assert.equal(p?.layers.map((l) => l.kind), ['task-error', 'start-failed']);
  assert.is(p?.body, "error opening 'rbd:vmdata/vm-101-disk-0'");
  assert.is(p?.errno, 13);
  const q = parsePayload("rbd create 'vm-100-disk-1' error: 2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 librbd::image::CreateRequest: 0x55 handle_validate_data_pool: pool does not support RBD images");
  assert.equal(q?.layers.map((l) => [l.kind, l.detail]), [['rbd-mutating', "create 'vm-100-disk-1'"], ['ceph-log', '2025-03-01T10:00:00.123+0100']]);
  const r = parsePayload("Supplied ceph config doesn't exist, /etc/pve/ceph.conf at /usr/share/perl5/PVE/RADOS.pm line 79.");
  assert.is(r?.perlLocation, 'at /usr/share/perl5/PVE/RADOS.pm line 79.');
  assert.is(r?.body, "Supplied ceph config doesn't exist, /etc/pve/ceph.conf");
});

test('errno: every rendering maps to the number', () => {
  assert.is(parsePayload('rbd: listing images failed: (2) No such file or directory')?.errno, 2);
  assert.is(parsePayload('error connecting: Connection timed out')?.errno, 110);
  assert.is(parsePayload('rados_connect failed - Permission denied')?.errno, 13);
  assert.is(parsePayload("libceph: auth method 'x' error -13")?.errno, 13);
  assert.is(parsePayload('[errno 110] RADOS timed out (error connecting to the cluster)')?.errno, 110);
});

test('errno: the grammar knows every glibc text of the errno table', () => {
  for (const [n, text] of Object.entries(ERRNO_TEXTS)) {
    assert.is(parsePayload(`error connecting: ${text}`)?.errno, Number(n), text);
  }
});

test.run();
