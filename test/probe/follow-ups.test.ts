// The probe's closer looks (issue 6): failing operation hint, other pools, conf comparison, watchers,
// locks and the blocklist. Canned outputs; the ones named `recorded…` come from the test/ceph harness.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  blocklistedHere, defaultCompareConf, formatProbeText, operationFromPhase, parseBlocklist, parseLocks, parseWatchers, probeExitCode,
  refusalReason, splitEntityAddr, type ConfView, type ProbeCommand, type ProbeResult,
} from '../../src/probe/index.js';
import { COMPARE_CONF, fakeRunner, healthy, probe, TARGET } from './fake.js';
import { ok, out } from './outputs.js';

const FSID_A = '5b0e2f7a-3c1d-4e8b-9a62-7d4c1f0e8a13';
const FSID_B = '0d6c3f61-97a4-4c1b-8e2f-2b5d7a9c4e10';
const MUTATING = ['create', 'rm', 'remove', 'caps', 'add', 'clear', 'break', 'resize', 'clone', 'rollback', 'purge', 'import', 'delete'];

/** Every command the probe ran passed the allowlist and none has a mutating word. */
function assertReadOnlyAudit(r: ProbeResult): void {
  for (const a of r.audit) {
    assert.ok(a.allowed, a.args.join(' '));
    assert.is(refusalReason(a.program, a.args), null);
    assert.not.ok(a.args.some((w) => MUTATING.includes(w)), a.args.join(' '));
  }
}

test('operation hint from an incident phase: only write, lock and remove phases count', () => {
  assert.is(operationFromPhase('snapshot'), 'snapshot');
  assert.is(operationFromPhase('create'), 'create');
  assert.is(operationFromPhase('lock'), 'lock');
  assert.is(operationFromPhase('remove'), 'remove');
  assert.is(operationFromPhase('open'), null);
  assert.is(operationFromPhase('connect'), null);
  assert.is(operationFromPhase(null), null);
});

test('read-only caps: reads work, the log says the snapshot failed: caps-insufficient confirmed, the write is never tried', async () => {
  const seen: ProbeCommand[] = [];
  const r = await probe(healthy, { runner: fakeRunner(healthy, seen) }, { ...TARGET, operation: 'snapshot' });
  assert.is(r.verdict.cause, 'caps-insufficient');
  assert.ok(r.verdict.confirmed);
  assert.is(probeExitCode(r), 1);
  assert.match(r.verdict.summary, /reads are allowed and the write is refused/);
  assert.ok(r.verdict.commands.some((c) => c.command === 'ceph auth get client.pve' && !c.changesCluster));
  assert.ok(r.verdict.commands.some((c) => c.command.startsWith('ceph auth caps client.pve') && c.changesCluster));
  assert.equal(r.observations.watchers, [], 'watchers were read: none, so it is not a busy image');
  assert.ok(seen.some((c) => c.args.join(' ').endsWith('osd blocklist ls')), 'the blocklist was checked');
  assertReadOnlyAudit(r);
  assert.match(formatProbeText(r), /failing operation \(from the log\): snapshot, not tried/);
});

test('read-only caps on create: the new image is not opened (it does not exist), the verdict is caps', async () => {
  const r = await probe(healthy, {}, { ...TARGET, image: 'vm-101-disk-1', operation: 'create' });
  assert.equal(r.steps.filter((s) => s.name !== 'blocklist-ls').map((s) => s.name), ['ceph-fsid', 'ceph-status', 'rbd-ls']);
  assert.is(r.verdict.cause, 'caps-insufficient');
  assert.ok(r.verdict.confirmed);
  assertReadOnlyAudit(r);
});

test('no operation hint and everything works: no cause, as before', async () => {
  const r = await probe(healthy);
  assert.is(r.verdict.cause, null);
  assert.match(r.verdict.summary, /--op/);
});

test('image in another pool: image-not-found, found by listing the pools and each pool, hidden pools skipped', async () => {
  const seen: ProbeCommand[] = [];
  const replies = { ...healthy, info: out.infoNotFound, snap: out.infoNotFound, pools: ok('vmdata\nother\n.mgr\n'), 'ls:other': ok('vm-104-disk-0\nvm-101-disk-0\n') };
  const r = await probe(replies, { runner: fakeRunner(replies, seen) });
  assert.is(r.verdict.cause, 'image-not-found');
  assert.equal(r.observations.pools, ['vmdata', 'other', '.mgr']);
  assert.equal(r.observations.imageFoundIn, ['other']);
  assert.match(r.verdict.summary, /vm-101-disk-0 is in pool other/);
  assert.ok(r.verdict.commands.some((c) => c.command.endsWith('info other/vm-101-disk-0')));
  assert.not.ok(seen.some((c) => c.args.includes('.mgr')), '.mgr is not listed');
  assertReadOnlyAudit(r);
});

test('image in no pool: says so; pool listing refused: says the identity may not list pools', async () => {
  const nowhere = await probe({ ...healthy, info: out.infoNotFound, snap: out.infoNotFound, 'ls:other': ok('') });
  assert.match(nowhere.verdict.summary, /in none of the other pools/);
  const denied = await probe({ ...healthy, info: out.infoNotFound, snap: out.infoNotFound, pools: { ...out.lsDenied, stderr: 'Error EACCES: access denied\n(13) Permission denied\n' } });
  assert.is(denied.verdict.cause, 'image-not-found');
  assert.ok(denied.observations.poolsDenied);
  assert.match(denied.verdict.summary, /may not list the pools/);
});

/** Views of the failing conf (fsid B: the other cluster) and the right one (fsid A). */
function confViews(failing: Partial<ConfView>): (path: string) => ConfView {
  return (path) => (path === COMPARE_CONF ? { path, exists: true, fsid: FSID_A, monHost: null } : { path, exists: true, fsid: FSID_B, monHost: null, ...failing });
}

test('config split: the failing conf leads to another fsid and the identity works through the other conf: confirmed', async () => {
  const r = await probe({ fsid: out.cephAuthRejected, ls: out.rbdAuthRejected, compareFsid: out.fsid }, { compareConf: COMPARE_CONF, confView: confViews({}) });
  assert.is(r.verdict.cause, 'config-split');
  assert.ok(r.verdict.confirmed);
  assert.equal(r.observations.compare, { conf: COMPARE_CONF, exists: true, fsid: FSID_A, fsidFrom: 'cluster', identityWorks: true });
  assert.is(r.observations.confFsid, FSID_B, 'read from the failing conf file, since ceph fsid failed through it');
  assert.match(r.verdict.summary, new RegExp(`${FSID_B}.*${FSID_A}`));
  assertReadOnlyAudit(r);
});

test('config split with the identity failing through both confs: not confirmed; same fsid: key-stale as before', async () => {
  const both = await probe({ fsid: out.cephAuthRejected, ls: out.rbdAuthRejected, compareFsid: out.cephAuthRejected }, { compareConf: COMPARE_CONF, confView: confViews({}) });
  assert.is(both.verdict.cause, 'config-split');
  assert.is(both.verdict.confirmed, false);
  assert.is(both.observations.compare?.fsidFrom, 'conf-file');
  const same = await probe({ fsid: out.cephAuthRejected, ls: out.rbdAuthRejected, compareFsid: out.cephAuthRejected }, { compareConf: COMPARE_CONF, confView: confViews({ fsid: FSID_A }) });
  assert.is(same.verdict.cause, 'key-stale');
});

test('the compare conf is not used when everything works, nor when it is the failing conf itself', async () => {
  const works = await probe(healthy, { compareConf: COMPARE_CONF, confView: confViews({}) });
  assert.is(works.observations.compare, null);
  const itself = await probe({ fsid: out.cephAuthRejected, ls: out.rbdAuthRejected }, { compareConf: TARGET.conf, confView: confViews({}) });
  assert.is(itself.observations.compare, null);
  assert.is(itself.verdict.cause, 'key-stale');
});

test('conf file missing: config-split confirmed, the tools\' own message is read as an unreadable conf', async () => {
  const r = await probe({ fsid: out.recordedCephConfMissing, ls: out.recordedRbdConfMissing, compareFsid: out.fsid }, {
    compareConf: COMPARE_CONF, confView: confViews({ exists: false, fsid: null }),
  });
  assert.is(r.verdict.cause, 'config-split');
  assert.ok(r.verdict.confirmed);
  assert.is(r.steps[0]?.outcome, 'conf-unreadable');
  assert.match(r.verdict.summary, /does not exist on this node/);
  assert.match(formatProbeText(r), /conf \/etc\/pve\/priv\/ceph\/ext-rbd.conf does not exist/);
  const toolsOnly = await probe({ fsid: out.recordedCephConfMissing, ls: out.recordedRbdConfMissing });
  assert.is(toolsOnly.verdict.cause, 'config-split', 'the tools cannot read it even when the file is there (permissions, syntax)');
});

test('default compare conf: the other of /etc/pve/ceph.conf and /etc/ceph/ceph.conf, when it exists and is another file', () => {
  const all = (): boolean => true;
  assert.is(defaultCompareConf('/etc/pve/ceph.conf', all), '/etc/ceph/ceph.conf');
  assert.is(defaultCompareConf('/etc/ceph/ceph.conf', all), '/etc/pve/ceph.conf');
  assert.is(defaultCompareConf(null, all), '/etc/pve/ceph.conf');
  assert.is(defaultCompareConf('/etc/pve/priv/ceph/ext.conf', all), null, 'an external storage conf is meant to lead elsewhere');
  assert.is(defaultCompareConf('/etc/pve/ceph.conf', (p) => p === '/etc/pve/ceph.conf'), null);
});

test('watchers and the failing operation is a remove: image-busy confirmed, with the status command', async () => {
  const r = await probe({ ...healthy, rbdStatus: out.recordedStatusWatched }, {}, { ...TARGET, operation: 'remove' });
  assert.is(r.verdict.cause, 'image-busy');
  assert.ok(r.verdict.confirmed);
  assert.equal(r.observations.watchers, ['127.0.0.1:0/2645807464']);
  assert.ok(r.verdict.commands.some((c) => c.command.includes(' status vmdata/vm-101-disk-0') && !c.changesCluster));
  assertReadOnlyAudit(r);
});

test('exclusive lock of an owner that no longer watches (hung client): image-busy, lock rm printed, never run', async () => {
  const r = await probe({ ...healthy, lock: out.recordedLockHeld }, {}, { ...TARGET, operation: 'lock' });
  assert.is(r.verdict.cause, 'image-busy');
  assert.ok(r.verdict.confirmed);
  assert.match(r.verdict.summary, /client\.4189 at 127\.0\.0\.1:0\/3151923709, which no longer watches it/);
  const rm = r.verdict.commands.find((c) => c.command.startsWith('rbd lock rm'));
  assert.is(rm?.command, "rbd lock rm vmdata/vm-101-disk-0 'auto 139622206163264' client.4189");
  assert.ok(rm?.changesCluster);
  assertReadOnlyAudit(r);
});

test('watchers with no operation hint: image-busy only as a guess (a running VM watches its image too)', async () => {
  const r = await probe({ ...healthy, rbdStatus: out.recordedStatusWatched });
  assert.is(r.verdict.cause, 'image-busy');
  assert.is(r.verdict.confirmed, false);
});

test('a snapshot failing beside a live watcher: caps is the guess, not confirmed, and the watcher is named', async () => {
  const r = await probe({ ...healthy, rbdStatus: out.recordedStatusWatched }, {}, { ...TARGET, operation: 'snapshot' });
  assert.is(r.verdict.cause, 'caps-insufficient');
  assert.is(r.verdict.confirmed, false);
  assert.match(r.verdict.summary, /watcher/);
});

test('this node blocklisted: errno 108 on rbd and an entry for this address: image-busy confirmed, blocklist rm printed only', async () => {
  const r = await probe({ ...healthy, ls: out.recordedLsBlocklisted, info: out.recordedInfoBlocklisted, snap: out.recordedInfoBlocklisted, blocklist: out.recordedBlocklistNode }, {}, { ...TARGET, operation: 'snapshot' });
  assert.is(r.steps.find((s) => s.name === 'rbd-ls')?.outcome, 'blocklisted');
  assert.is(r.verdict.cause, 'image-busy');
  assert.ok(r.verdict.confirmed);
  assert.equal(r.observations.blocklistedHere, ['127.0.0.1:0/0']);
  const rm = r.verdict.commands.find((c) => c.command.startsWith('ceph osd blocklist rm'));
  assert.ok(rm?.changesCluster);
  assertReadOnlyAudit(r);
  const elsewhere = await probe({ ...healthy, ls: out.recordedLsBlocklisted, info: out.recordedInfoBlocklisted, snap: out.recordedInfoBlocklisted, blocklist: out.recordedBlocklistNode }, { localAddresses: ['10.0.0.5'] });
  assert.is(elsewhere.verdict.cause, 'image-busy', 'errno 108 alone still says fenced');
  assert.is(elsewhere.verdict.confirmed, false);
});

test('parsers: watchers, locks, blocklist entries, entity addresses, this node\'s entries', () => {
  assert.equal(parseWatchers(out.recordedStatusWatched.stdout), ['127.0.0.1:0/2645807464']);
  assert.equal(parseWatchers('Watchers:\n\twatcher=10.0.0.5:0/1234 client.4179 cookie=1\n'), ['10.0.0.5:0/1234']);
  assert.equal(parseWatchers('{"watchers":[]}'), []);
  assert.equal(parseLocks(out.recordedLockHeld.stdout), [{ locker: 'client.4189', id: 'auto 139622206163264', address: '127.0.0.1:0/3151923709' }]);
  assert.equal(parseLocks('{"auto 1":{"locker":"client.7","address":"10.0.0.5:0/9"}}'), [{ locker: 'client.7', id: 'auto 1', address: '10.0.0.5:0/9' }]);
  assert.equal(parseLocks(''), []);
  assert.equal(parseBlocklist(out.recordedBlocklistNode.stdout), ['127.0.0.1:0/0']);
  assert.equal(parseBlocklist('listed 0 entries\n'), []);
  assert.equal(splitEntityAddr('[::1]:6800/123'), { ip: '::1', port: 6800, nonce: 123 });
  assert.equal(splitEntityAddr('v1:10.0.0.5:0/0'), { ip: '10.0.0.5', port: 0, nonce: 0 });
  assert.equal(blocklistedHere(['127.0.0.1:0/0', '127.0.0.1:0/77', '10.9.9.9:0/0'], ['127.0.0.1']), { node: ['127.0.0.1:0/0'], instances: ['127.0.0.1:0/77'] });
});

test.run();
