// Tool outputs the probe tests replay. Most are HAND-WRITTEN (not recorded from a cluster): they follow
// the message shapes of message-catalog.md §4.10/§4.11 and causes.md "Seen on a real cluster". Those
// named `recorded…` were captured on the test/ceph harness. Replace the rest with recordings from
// fixtures/real/ once that directory exists.
import type { CommandResult } from '../../src/probe/index.js';

const FSID = '5b0e2f7a-3c1d-4e8b-9a62-7d4c1f0e8a13';
const TS = '2025-12-26T10:50:15.123+0000 7f2b8c9f6700 -1';

/** A successful command with this stdout. */
export function ok(stdout: string): CommandResult {
  return { exitCode: 0, stdout, stderr: '', timedOut: false, spawnError: null };
}

function fail(exitCode: number, stderr: string): CommandResult {
  return { exitCode, stdout: '', stderr, timedOut: false, spawnError: null };
}

export const out = {
  fsid: ok(`${FSID}\n`),
  status: ok(`  cluster:\n    id:     ${FSID}\n    health: HEALTH_OK\n`),
  ls: ok('vm-101-disk-0\nvm-102-disk-0\n'),
  info: ok("rbd image 'vm-101-disk-0':\n\tsize 32 GiB in 8192 objects\n\tformat: 2\n"),
  snapLs: ok('SNAPID  NAME    SIZE    PROTECTED  TIMESTAMP\n'),
  timeout: { exitCode: null, stdout: '', stderr: '', timedOut: true, spawnError: null } as CommandResult,
  cephMonTimeout: fail(1, `${TS} monclient(hunting): authenticate timed out after 300\n[errno 110] RADOS timed out (error connecting to the cluster)\n`),
  cephKeyringMissing: fail(1, `${TS} auth: unable to find a keyring on /etc/pve/priv/ceph/ext-rbd.keyring: (2) No such file or directory\n${TS} monclient: keyring not found\n[errno 2] RADOS object not found (error connecting to the cluster)\n`),
  rbdKeyringMissing: fail(2, `${TS} auth: unable to find a keyring on /etc/pve/priv/ceph/ext-rbd.keyring: (2) No such file or directory\nrbd: couldn't connect to the cluster!\nrbd: listing images failed: (2) No such file or directory\n`),
  cephAuthRejected: fail(1, `${TS} monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [2]\n[errno 13] RADOS permission denied (error connecting to the cluster)\n`),
  rbdAuthRejected: fail(13, `${TS} monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [2]\nrbd: couldn't connect to the cluster!\nrbd: listing images failed: (13) Permission denied\n`),
  lsDenied: fail(1, 'rbd: listing images failed: (1) Operation not permitted\n'),
  infoDenied: fail(1, `${TS} librbd::image::OpenRequest: failed to retrieve image id: (1) Operation not permitted\nrbd: error opening image vm-101-disk-0: (1) Operation not permitted\n`),
  infoNotFound: fail(2, 'rbd: error opening image vm-109-disk-0: (2) No such file or directory\n'),
  poolNotFound: fail(2, "rbd: error opening pool 'vmdta': (2) No such file or directory\n"),
  /** RECORDED on the test/ceph harness (Ceph 16.2): `ceph --id full --keyring <[client.admin] keyring> fsid`. */
  recordedCephWrongSection: fail(13, '2026-11-24T04:17:33.168+0000 7f19217ff6c0 -1 auth: unable to find a keyring on /etc/ceph/ceph.client.full.keyring,/etc/ceph/ceph.keyring,/etc/ceph/keyring,/etc/ceph/keyring.bin,: (2) No such file or directory\n\n2026-11-24T04:17:33.168+0000 7f19217ff6c0 -1 AuthRegistry(0x7f191c05b630) no keyring found at /etc/ceph/ceph.client.full.keyring,/etc/ceph/ceph.keyring,/etc/ceph/keyring,/etc/ceph/keyring.bin,, disabling cephx\n\n2026-11-24T04:17:33.172+0000 7f191a7fc6c0 -1 monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [2]\n\n[errno 13] RADOS permission denied (error connecting to the cluster)\n'),
  /** RECORDED on the test/ceph harness (Ceph 16.2): `rbd --id full --keyring <[client.admin] keyring> ls vmdata`. */
  recordedRbdWrongSection: fail(13, '2026-11-24T04:17:33.196+0000 7f08e2f756c0 -1 monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [2]\n\nrbd: couldn\'t connect to the cluster!\nrbd: listing images failed: (13) Permission denied\n'),
  /** RECORDED shape (Ceph 16.2) of a malformed key: Ceph echoes the key value in its own error line. Key replaced by a made-up one. */
  recordedMalformedKey: fail(5, '2026-11-24T04:17:17.116+0000 7fcef28a0380 -1 auth: error parsing file /tmp/admin-only.keyring: error setting modifier for [client.admin] type=key val=AQBhZG1pbmFkbWluYWRtaW5hZG1pbmFkbWluYQ==: Malformed input\n\n2026-11-24T04:17:17.116+0000 7fcef28a0380 -1 auth: failed to load /tmp/admin-only.keyring: (5) Input/output error\n\n2026-11-24T04:17:17.116+0000 7fcef28a0380 -1 monclient: keyring not found\n\nrbd: couldn\'t connect to the cluster!\nrbd: listing images failed: (5) Input/output error\n'),
  /** RECORDED (Ceph 16.2): `rbd status --format json` with no watcher, and with `rbd watch` running as another client. */
  recordedStatusNone: ok('{"watchers":[]}\n'),
  recordedStatusWatched: ok('{"watchers":[{"address":"127.0.0.1:0/2645807464","client":4179,"cookie":94653166368544}]}\n'),
  /** RECORDED (Ceph 16.2): `rbd lock ls --format json` with no lock, and with the exclusive lock of a SIGSTOPped `rbd bench`. */
  recordedLocksNone: ok(''),
  recordedLockHeld: ok('[{"id":"auto 139622206163264","locker":"client.4189","address":"127.0.0.1:0/3151923709"}]\n'),
  /** RECORDED (Ceph 16.2): `ceph osd blocklist ls` while 127.0.0.1:0/0 is blocklisted (the count goes to stderr). */
  recordedBlocklistNode: { exitCode: 0, stdout: '127.0.0.1:0/0 2026-11-24T04:59:13.043899+0000\n', stderr: 'listed 1 entries\n', timedOut: false, spawnError: null } as CommandResult,
  recordedBlocklistEmpty: { exitCode: 0, stdout: '', stderr: 'listed 0 entries\n', timedOut: false, spawnError: null } as CommandResult,
  /** RECORDED (Ceph 16.2): `rbd ls` and `rbd info` from a blocklisted address. */
  recordedLsBlocklisted: fail(108, '2026-11-24T04:49:14.588+0000 7ff33901f380 -1 librbd::api::Image: list_images: error listing v1 images: (108) Cannot send after transport endpoint shutdown\nrbd: listing images failed: (108) Cannot send after transport endpoint shutdown\n'),
  recordedInfoBlocklisted: fail(108, '2026-11-24T04:49:14.616+0000 7fd37128d6c0 -1 librbd::image::OpenRequest: failed to stat v2 image header: (108) Cannot send after transport endpoint shutdown\nrbd: error opening image vm-101-disk-0: (108) Cannot send after transport endpoint shutdown\n'),
  /** RECORDED (Ceph 16.2): `ceph osd pool ls`. */
  recordedPools: ok('vmdata\nother\n'),
  /** RECORDED (Ceph 16.2): `ceph --conf <missing> fsid` and `rbd --conf <missing> ls`. */
  recordedCephConfMissing: fail(1, "Error initializing cluster client: ObjectNotFound('RADOS object not found (error calling conf_read_file)')\n"),
  recordedRbdConfMissing: fail(1, 'global_init: unable to open config file from search list /etc/pve/priv/ceph/ext-rbd.conf\n'),
  /** RECORDED (Ceph 16.2): `ceph --keyring <right file> fsid` through a conf whose monitors do not listen: the default-path search noise, then a timeout. */
  recordedCephMonTimeoutWithNoise: fail(1, '2026-11-24T04:57:14.588+0000 7f8d19d1b6c0 -1 auth: unable to find a keyring on /etc/ceph/ceph.client.pve.keyring,/etc/ceph/ceph.keyring,/etc/ceph/keyring,/etc/ceph/keyring.bin,: (2) No such file or directory\n2026-11-24T04:57:14.588+0000 7f8d19d1b6c0 -1 AuthRegistry(0x7f8d1405b630) no keyring found at /etc/ceph/ceph.client.pve.keyring,/etc/ceph/ceph.keyring,/etc/ceph/keyring,/etc/ceph/keyring.bin,, disabling cephx\n[errno 110] RADOS timed out (error connecting to the cluster)\n'),
  notInstalled: { exitCode: null, stdout: '', stderr: '', timedOut: false, spawnError: 'ENOENT' } as CommandResult,
  /** A tool echoing a key it should not: the probe must never pass it on. */
  leaky: fail(1, 'key = AQBwdmUtY3VycmVudHB2ZS1jdXJyZW50cHZlLQ==\nrbd: error opening image vm-101-disk-0: (1) Operation not permitted\n'),
};
