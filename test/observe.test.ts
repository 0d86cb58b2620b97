// Observations wherever they stand: errno renderings and command lines (grammars/observation.ohm).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { observe, invocationTarget } from '../src/extract/observe.js';

const ERRNO_CASES: readonly (readonly [string, number | null])[] = [
  ['rbd: map failed: (6) No such device or address', 6],
  ['[errno 13] RADOS permission denied (error connecting to the cluster)', 13],
  ["libceph: auth method 'x' error -13", 13],
  ['failed to connect: rados: ret=-2, No such file or directory', 2],
  ['NodeStageVolume failed: rbd-nbd --id admin map p/img returned -22', 22],
  ['Error EACCES: access denied', 13],
  ['errno=ETIMEDOUT while talking to the monitors', 110],
  ['rados.PermissionDeniedError: [errno 1] RADOS permission error (Failed to operate read op)', 1],
  ['raise rbd.ImageNotFound', 2],
  ['rbd image is still open: Device or resource busy', 16],
  // Not errnos: a page-fault code, a bare "error 14", a count.
  ['pverados[262144]: segfault at 55d0 ip 00007f5d sp 00007ffd error 14 in perl[55d0c1a00000+195000]', null],
  ['1 error(s) occurred', null],
];

for (const [line, errno] of ERRNO_CASES) {
  test(`errno of: ${line.slice(0, 60)}`, () => {
    assert.is(observe(line).errno, errno);
  });
}

test('exit status is kept apart from errno', () => {
  const seen = observe('rbd: map failed with error an error (exit status 110) occurred while running rbd args: [--id admin -m 10.0.0.1:6789 map pool-a/csi-vol-1]');
  assert.is(seen.exitStatus, 110);
  assert.is(seen.errno, null);
});

test('command lines: identity, object and subcommand, Go argument lists and quoting included', () => {
  const go = observe('running rbd args: [--id admin -m 10.0.0.1:6789,10.0.0.2:6789 --keyfile=***stripped*** map okd/csi-vol-1 --device-type krbd]');
  assert.equal(invocationTarget(go.invocations[0]!), {
    target: { clientId: 'admin', monHosts: ['10.0.0.1:6789', '10.0.0.2:6789'], pool: 'okd', image: 'csi-vol-1' }, subcommand: 'map',
  });
  const lxd = observe("Error: Failed to run: rbd --id admin --cluster ceph --pool lxd_remote unmap virtual-machine_v1.block: exit status 16");
  assert.equal(invocationTarget(lxd.invocations[0]!), { target: { clientId: 'admin', pool: 'lxd_remote', image: 'virtual-machine_v1.block' }, subcommand: 'unmap' });
  const named = observe("root@pve1:~# rbd -n client.pve -c '/etc/pve/ceph.conf' -k /etc/pve/priv/ceph/vm.keyring info vmdata/ns1/vm-1-disk-0@snap1");
  assert.equal(invocationTarget(named.invocations[0]!), {
    target: { clientId: 'pve', conf: '/etc/pve/ceph.conf', keyring: '/etc/pve/priv/ceph/vm.keyring', pool: 'vmdata', namespace: 'ns1', image: 'vm-1-disk-0', snapshot: 'snap1' },
    subcommand: 'info',
  });
  const snap = observe("rbd: image has snapshots - these must be deleted with 'rbd snap purge' before the image can be removed.");
  assert.equal(snap.invocations.map(invocationTarget).map((t) => t.target), [{}]);
});

test('prose that starts with rbd is no command line', () => {
  for (const line of ["rbd image must be at format V2", "unable to parse rbd volume name 'vm-1-disk-0.qcow2'", 'Not a proper rbd authentication file: /etc/x']) {
    assert.equal(observe(line).invocations.map(invocationTarget).map((t) => t.subcommand), observe(line).invocations.map(() => null));
    assert.equal(observe(line).invocations.map(invocationTarget).map((t) => t.target), observe(line).invocations.map(() => ({})));
  }
});

test.run();
