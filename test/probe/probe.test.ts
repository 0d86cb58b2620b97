import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProbeText, probeExitCode, probeToNdjson, runProbe, type ProbeCommand } from '../../src/probe/index.js';
import { allClosed, allOpen, confPresent, fakeRunner, healthy, keyringOk, probe, TARGET } from './fake.js';
import { out } from './outputs.js';

test('everything works: no cause, exit 0, fsid read, every command carries conf/id/keyring and a timeout', async () => {
  const seen: ProbeCommand[] = [];
  const r = await runProbe(TARGET, { runner: fakeRunner(healthy, seen), portChecker: allOpen, keyringView: keyringOk, confView: confPresent, timeoutMs: 5000 });
  assert.is(r.verdict.cause, null);
  assert.is(probeExitCode(r), 0);
  assert.is(r.fsid, '5b0e2f7a-3c1d-4e8b-9a62-7d4c1f0e8a13');
  assert.equal(r.steps.map((s) => s.name), ['ceph-fsid', 'ceph-status', 'rbd-ls', 'rbd-info', 'rbd-snap-ls', 'rbd-status', 'rbd-lock-ls']);
  assert.equal(r.observations.watchers, []);
  assert.equal(r.observations.locks, []);
  assert.equal(r.monitors, [{ host: '127.0.0.1', port: 3300, state: 'open' }, { host: '127.0.0.1', port: 6789, state: 'open' }]);
  for (const c of seen) {
    assert.is(c.timeoutMs, 5000);
    assert.ok(c.args.join(' ').includes('--conf /etc/pve/priv/ceph/ext-rbd.conf --id pve --keyring /etc/pve/priv/ceph/ext-rbd.keyring'));
  }
  assert.equal(seen.filter((c) => c.program === 'rbd').map((c) => c.args.slice(6).join(' ')), [
    'ls vmdata', 'info vmdata/vm-101-disk-0', 'snap ls vmdata/vm-101-disk-0', 'status --format json vmdata/vm-101-disk-0', 'lock ls --format json vmdata/vm-101-disk-0',
  ]);
  assert.is(r.audit.length, 7, 'no blocklist or pool listing when everything works');
  assert.ok(r.audit.every((a) => a.allowed));
});

test('ls works, info is refused: caps-insufficient confirmed, with the caps fix printed not run', async () => {
  const r = await probe({ ...healthy, info: out.infoDenied, snap: out.infoDenied });
  assert.is(r.verdict.cause, 'caps-insufficient');
  assert.ok(r.verdict.confirmed);
  assert.is(probeExitCode(r), 1);
  const fix = r.verdict.commands.find((c) => c.command.startsWith('ceph auth caps client.pve'));
  assert.ok(fix?.changesCluster);
  assert.ok(fix?.command.includes("'profile rbd pool=vmdata'"));
  assert.not.ok(r.audit.some((a) => a.args.includes('caps')), 'the fix was not run');
});

test('ls refused after connecting: caps-insufficient', async () => {
  const r = await probe({ ...healthy, ls: out.lsDenied, info: out.infoDenied, snap: out.infoDenied });
  assert.is(r.verdict.cause, 'caps-insufficient');
  assert.is(r.steps.find((s) => s.name === 'rbd-ls')?.errno, 1);
});

test('nothing works and the monitor ports are closed: mon-unreachable confirmed, later steps skipped', async () => {
  const r = await probe({ fsid: out.timeout }, { portChecker: allClosed });
  assert.is(r.verdict.cause, 'mon-unreachable');
  assert.ok(r.verdict.confirmed);
  assert.equal(r.steps.map((s) => s.outcome), ['unreachable', 'skipped', 'skipped', 'skipped', 'skipped']);
  assert.is(r.audit.length, 1);
  assert.ok(r.verdict.commands.some((c) => c.command === 'nc -vz -w2 127.0.0.1 3300'));
});

test('mon timeout text with ports open: mon-unreachable, not confirmed', async () => {
  const r = await probe({ fsid: out.cephMonTimeout });
  assert.is(r.verdict.cause, 'mon-unreachable');
  assert.is(r.verdict.confirmed, false);
});

test('monitor hosts that are neither loopback nor user-given are never contacted', async () => {
  const contacted: string[] = [];
  const r = await probe(healthy, { portChecker: async (h) => { contacted.push(h); return 'open'; }, userHosts: ['mon2.lab'] }, { ...TARGET, monHosts: ['10.20.0.11', 'mon2.lab', '127.0.0.1'] });
  assert.equal([...new Set(contacted)].sort(), ['127.0.0.1', 'mon2.lab']);
  assert.equal(r.monitors.filter((m) => m.state === 'skipped').map((m) => m.host), ['10.20.0.11', '10.20.0.11']);
});

test('recorded: default keyring search noise then a monitor timeout is a timeout, not a missing keyring', async () => {
  const r = await probe({ fsid: out.recordedCephMonTimeoutWithNoise, ls: out.timeout }, { portChecker: allClosed });
  assert.is(r.steps[0]?.outcome, 'unreachable');
  assert.is(r.verdict.cause, 'mon-unreachable');
});

test('keyring not found by the tools: keyring-missing confirmed', async () => {
  const r = await probe({ fsid: out.cephKeyringMissing, ls: out.rbdKeyringMissing });
  assert.is(r.verdict.cause, 'keyring-missing');
  assert.ok(r.verdict.confirmed);
  assert.equal(r.steps.map((s) => s.outcome), ['keyring-missing', 'skipped', 'keyring-missing', 'skipped', 'skipped']);
});

test('keyring file absent locally: keyring-missing, even when the cluster error is an auth one', async () => {
  const r = await probe({ fsid: out.cephAuthRejected, ls: out.rbdAuthRejected }, { keyringView: () => ({ exists: false, hasClientSection: null }) });
  assert.is(r.verdict.cause, 'keyring-missing');
});

test('auth rejected and the keyring has no [client.pve]: client-mismatch', async () => {
  const r = await probe({ fsid: out.cephAuthRejected, ls: out.rbdAuthRejected }, { keyringView: () => ({ exists: true, hasClientSection: false }) });
  assert.is(r.verdict.cause, 'client-mismatch');
  assert.ok(r.verdict.confirmed);
});

test('auth rejected with the right section: key-stale (best guess); the (13) of rbd ls is not read as caps', async () => {
  const r = await probe({ fsid: out.cephAuthRejected, ls: out.rbdAuthRejected });
  assert.is(r.verdict.cause, 'key-stale');
  assert.is(r.verdict.confirmed, false);
  assert.is(r.steps.find((s) => s.name === 'rbd-ls')?.outcome, 'auth-rejected');
});

test('recorded: wrong section with the ceph CLI\'s default-keyring noise is an auth refusal, not a missing keyring', async () => {
  const r = await probe({ fsid: out.recordedCephWrongSection, ls: out.recordedRbdWrongSection }, { keyringView: () => ({ exists: true, hasClientSection: false }) });
  assert.equal(r.steps.map((s) => s.outcome), ['auth-rejected', 'skipped', 'auth-rejected', 'skipped', 'skipped']);
  assert.is(r.verdict.cause, 'client-mismatch');
});

test('recorded: a malformed key is keyring-missing, and the key Ceph echoes is never passed on', async () => {
  const r = await probe({ fsid: out.recordedMalformedKey, ls: out.recordedMalformedKey });
  assert.is(r.verdict.cause, 'keyring-missing');
  const key = 'AQBhZG1pbmFkbWluYWRtaW5hZG1pbmFkbWluYQ==';
  for (const text of [formatProbeText(r), probeToNdjson(r), JSON.stringify(r)]) assert.not.ok(text.includes(key));
});

test('info ENOENT while ls works: image-not-found', async () => {
  const r = await probe({ ...healthy, info: out.infoNotFound, snap: out.infoNotFound });
  assert.is(r.verdict.cause, 'image-not-found');
  assert.ok(r.verdict.commands.some((c) => c.command.endsWith('ls vmdata') && !c.changesCluster));
});

test('pool ENOENT on ls: image-not-found (pool missing)', async () => {
  const r = await probe({ ...healthy, ls: out.poolNotFound, info: out.poolNotFound, snap: out.poolNotFound, 'ls:vmdata': out.ls }, {}, { ...TARGET, pool: 'vmdta' });
  assert.is(r.verdict.cause, 'image-not-found');
  assert.ok(r.verdict.summary.includes('vmdta'));
  assert.equal(r.observations.pools, ['vmdata', 'other']);
  assert.equal(r.observations.imageFoundIn, ['vmdata'], 'the image is in the pool the storage should name');
  assert.match(r.verdict.summary, /vm-101-disk-0 is in pool vmdata/);
});

test('tools not installed: no cause, exit 2', async () => {
  const r = await probe({ fsid: out.notInstalled });
  assert.is(r.verdict.cause, null);
  assert.is(probeExitCode(r), 2);
});

test('no image given: stops at rbd ls', async () => {
  const r = await probe(healthy, {}, { ...TARGET, image: null });
  assert.equal(r.steps.map((s) => s.name), ['ceph-fsid', 'ceph-status', 'rbd-ls']);
});

test('a key echoed by a tool never reaches the text, JSON or NDJSON output', async () => {
  const r = await probe({ ...healthy, info: out.leaky, snap: out.leaky });
  const key = 'AQBwdmUtY3VycmVudHB2ZS1jdXJyZW50cHZlLQ==';
  for (const text of [formatProbeText(r), probeToNdjson(r), JSON.stringify(r)]) assert.not.ok(text.includes(key));
  assert.is(r.verdict.cause, 'caps-insufficient');
});

test('text output names the verdict and the commands run', async () => {
  const text = formatProbeText(await probe({ ...healthy, info: out.infoDenied, snap: out.infoDenied }));
  assert.match(text, /CONFIRMED caps-insufficient/);
  assert.match(text, /permission-denied\s+rbd --conf \/etc\/pve\/priv\/ceph\/ext-rbd.conf --id pve --keyring \/etc\/pve\/priv\/ceph\/ext-rbd.keyring info vmdata\/vm-101-disk-0/);
  assert.match(text, /commands run: 6, refused: 0/, 'the five core steps and the blocklist');
  assert.match(text, /blocklist: 0 entries/);
});

test.run();
