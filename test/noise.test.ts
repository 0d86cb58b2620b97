// The noise table: every sample is its own noise, noise is counted and never an incident, and
// attachable noise joins an incident of its node when one is open at that time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NOISE, noiseOf } from '../src/classify/noise.js';
import { extractMessage } from '../src/extract/extract.js';
import { analyzeText } from '../src/pipeline/analyze.js';

for (const entry of NOISE) {
  test(`noise ${entry.id}: samples`, () => {
    assert.ok(entry.samples.length > 0 && entry.why.length > 20);
    for (const sample of entry.samples) {
      const ident = entry.ident ? 'pvestatd' : 'ceph-crash';
      assert.is(noiseOf({ ident, message: sample }, extractMessage(sample))?.id, entry.id, sample);
    }
  });
}

test('ceph-crash keyring noise (logged through python3) is counted, never an incident', async () => {
  const lines = Array.from({ length: 20 }, (_, i) =>
    `Dec 26 10:${String(10 + i).padStart(2, '0')}:00 pve1 python3[900]: 2025-12-26T10:00:00.000+0100 7f0c -1 auth: unable to find a keyring on /etc/pve/priv/ceph.client.crash.pve1.keyring: (2) No such file or directory`);
  const r = await analyzeText(lines.join('\n'), { year: 2025, tz: 'UTC' });
  assert.is(r.incidents.length, 0);
  assert.equal(r.noise.map((n) => [n.id, n.count, n.node]), [['ceph-crash-keyring', 20, 'pve1']]);
});

test('pvestatd `got timeout` alone is noise; beside a Ceph failure of its node it joins that incident', async () => {
  const alone = await analyzeText('Dec 26 10:00:00 pve1 pvestatd[1200]: got timeout\nDec 26 10:01:00 pve1 pvestatd[1200]: got timeout\n', { year: 2025, tz: 'UTC' });
  assert.is(alone.incidents.length, 0);
  assert.equal(alone.noise.map((n) => [n.id, n.count]), [['pvestatd-got-timeout', 2]]);
  const withCeph = await analyzeText([
    'Dec 26 10:00:00 pve1 pvestatd[1200]: got timeout',
    "Dec 26 10:00:05 pve1 pvestatd[1200]: rados_connect failed - Connection timed out",
  ].join('\n'), { year: 2025, tz: 'UTC' });
  assert.equal(withCeph.noise, []);
  assert.is(withCeph.incidents.length, 1);
  assert.is(withCeph.incidents[0]!.cause, 'mon-unreachable');
  assert.is(withCeph.incidents[0]!.count, 2);
});

test('a failed VM start ranks above background polling of the same node', async () => {
  const r = await analyzeText([
    ...Array.from({ length: 30 }, (_, i) => `Dec 26 10:${String(i).padStart(2, '0')}:00 pve1 pvestatd[1200]: rados_connect failed - Permission denied`),
    "Dec 26 10:30:00 pve1 pvedaemon[2211]: <root@pam> starting task UPID:pve1:00008A1B:0002A1C4:676D7F46:qmstart:101:root@pam:",
    "Dec 26 10:30:01 pve1 pvedaemon[2211]: TASK ERROR: start failed: error opening 'rbd:vmdata/vm-101-disk-0': (2) No such file or directory",
  ].join('\n'), { year: 2025, tz: 'UTC' });
  assert.ok(r.incidents.length >= 2);
  assert.is(r.incidents[0]!.vmid, 101);
});

test("pvestatd's storage-less rados_connect lines join the failing storage's incident of their node", async () => {
  const r = await analyzeText([
    ...Array.from({ length: 6 }, (_, i) => `Dec 26 10:0${i}:00 pve1 pvestatd[1200]: rados_connect failed - Connection timed out`),
    "Dec 26 10:03:30 pve1 pvestatd[1200]: could not get usage stats for pool 'vmdata': rados_connect failed - Connection timed out",
    ...Array.from({ length: 3 }, (_, i) => `Dec 26 10:0${i}:00 pve2 pvestatd[1300]: rados_connect failed - Connection timed out`),
  ].join('\n'), { year: 2025, tz: 'UTC', grouping: 'window' });
  const pve1 = r.incidents.filter((i) => i.node === 'pve1');
  assert.is(pve1.length, 1, JSON.stringify(pve1.map((i) => [i.cause, i.pool, i.count])));
  assert.equal([pve1[0]!.pool, pve1[0]!.count], ['vmdata', 7]);
  // No storage failing on pve2: its lines stay one incident of their own, per node and cause.
  const pve2 = r.incidents.filter((i) => i.node === 'pve2');
  assert.equal(pve2.map((i) => [i.pool, i.count]), [[null, 3]]);
});

test.run();
