// `rbd-explain probe` inputs: the operation hint from --op or from the incident's phase (--from).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { probeTarget, type ProbeArgs } from '../../src/cli/probe-command.js';

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/real');
const BASE: ProbeArgs = { root: '/', timeout: 5, format: 'json', conf: '/etc/pve/ceph.conf', id: 'ro', keyring: '/etc/pve/priv/ceph/ceph-vm.keyring', pool: 'vmdata' };

test('--from: the incident\'s phase becomes the operation hint (Proxmox\'s lines name no pool, so --pool picks the top incident)', async () => {
  const snap = await probeTarget({ ...BASE, from: [`${REAL}/caps-readonly--rbd-snap-create/journal.short-iso.log`] });
  assert.is(snap.operation, 'snapshot');
  assert.is(snap.image, 'vm-101-disk-0');
  const create = await probeTarget({ ...BASE, from: [`${REAL}/caps-readonly--rbd-create/journal.short-iso.log`] });
  assert.is(create.operation, 'create');
  assert.is(create.image, 'vm-101-disk-1');
});

test('--from: a connect-phase incident gives no operation; --op overrides the log', async () => {
  const connect = await probeTarget({ ...BASE, from: [`${REAL}/key-stale--rbd-info/journal.short-iso.log`] });
  assert.is(connect.operation, null);
  const forced = await probeTarget({ ...BASE, op: 'remove', from: [`${REAL}/caps-readonly--rbd-snap-create/journal.short-iso.log`] });
  assert.is(forced.operation, 'remove');
  assert.is((await probeTarget({ ...BASE, op: 'lock' })).operation, 'lock');
  assert.is((await probeTarget(BASE)).operation, null);
});

test.run();
