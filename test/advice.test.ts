// Advice that depends on the facts: a mass failure folds into one incident with its VM list;
// node-drift advice depends on where the keyring lives; a storage that does not exist gets
// storage.cfg commands first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyzeText } from '../src/pipeline/analyze.js';
import { driftCommands } from '../src/correlate/cross-node.js';

const start = (vmid: number, minute: number): string[] => {
  const upid = `UPID:pve1:000${(4000 + vmid).toString(16).toUpperCase()}:0002A1C4:676D7F46:qmstart:${vmid}:root@pam:`;
  const at = `Dec 26 10:${String(minute).padStart(2, '0')}`;
  return [
    `${at}:00 pve1 pvedaemon[2211]: <root@pam> starting task ${upid}`,
    `${at}:01 pve1 pvedaemon[2211]: <root@pam> end task ${upid} start failed: error opening 'rbd:vmdata/vm-${vmid}-disk-0:conf=/etc/pve/ceph.conf:id=pve:keyring=/etc/pve/priv/ceph/ceph-vm.keyring': (2) No such file or directory`,
  ];
};

test('a mass failure on one node is one incident with its VMs; a few stay apart', async () => {
  const many = Array.from({ length: 30 }, (_, k) => start(200 + k, k)).flat().join('\n');
  const folded = await analyzeText(many, { year: 2025, tz: 'UTC' });
  assert.is(folded.incidents.length, 1);
  assert.equal(folded.incidents[0]!.vmids, Array.from({ length: 30 }, (_, k) => 200 + k));
  const few = Array.from({ length: 3 }, (_, k) => start(200 + k, k)).flat().join('\n');
  const apart = await analyzeText(few, { year: 2025, tz: 'UTC' });
  assert.is(apart.incidents.length, 3);
  assert.is(apart.incidents[0]!.vmids, undefined);
});

test('node-drift advice: /etc/pve is shared (pmxcfs), /etc/ceph is node-local', () => {
  const shared = driftCommands(['/etc/pve/priv/ceph/ceph-vm.keyring', '/etc/ceph/ceph.conf'], ['pve1'], ['pve3']);
  assert.not.ok(shared.some((c) => c.command.includes('scp')), 'never copy into /etc/pve by hand');
  assert.ok(shared.some((c) => c.command.includes('pvecm status')));
  const local = driftCommands(['/etc/ceph/ceph.client.pve.keyring', '/etc/ceph/ceph.conf'], ['pve1'], ['pve3']);
  assert.ok(local.some((c) => c.command.includes('scp -p root@pve1:/etc/ceph/ceph.client.pve.keyring') && c.changesCluster));
  assert.not.ok(local.some((c) => c.command.includes('pvecm')));
});

test("storage 'X' does not exist: storage.cfg commands come before the cause's own", async () => {
  const r = await analyzeText("Dec 26 10:50:15 pve3 pvedaemon[1032]: TASK ERROR: storage 'ceph-vm' does not exist\n", { year: 2025, tz: 'UTC' });
  const commands = r.incidents[0]!.commands.map((c) => c.command);
  assert.is(commands[0], 'pvesm status');
  assert.ok(commands[1]?.includes('/etc/pve/storage.cfg') && commands[1].includes('ceph-vm'));
});

test.run();
