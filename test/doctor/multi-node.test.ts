import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMultiNodeDoctor, type NodeInput } from '../../src/doctor/index.js';
import { cleanTrees, copyTree, writeInTree } from './tree.js';

/** pve1's keyring (the current key), written in another layout. */
const CURRENT_KEYRING = '[client.pve]\n\tkey = AQBwdmUtY3VycmVudHB2ZS1jdXJyZW50cHZlLQ==\n';

function threeNodes(): NodeInput[] {
  return ['pve1', 'pve2', 'pve3'].map((node) => ({ node, root: copyTree(`three-nodes/${node}`) }));
}

test.after.each(cleanTrees);

test('three nodes, one stale keyring: node-drift names pve3 only, with sha256sum for every node', () => {
  const report = runMultiNodeDoctor(threeNodes());
  const drift = report.findings.filter((f) => f.cause === 'node-drift');
  assert.is(drift.length, 1);
  const f = drift[0];
  assert.is(f?.node, 'pve3');
  assert.is(f?.storage, 'ext-rbd');
  assert.is(f?.check, 'node-keyring-drift');
  assert.is(f?.file, '/etc/ceph/ceph.client.pve.keyring');
  assert.ok(f?.message.includes('pve1, pve2'));
  assert.ok(f?.commands.some((c) => c.command === 'sha256sum /etc/ceph/ceph.client.pve.keyring' && c.purpose.includes('pve1, pve2, pve3')));
  assert.ok(f?.refs.includes('article: Checklist B'));
  assert.is(report.nodes.length, 3);
  assert.equal(report.findings.filter((x) => x.severity !== 'info' && x.cause !== 'node-drift'), [], 'nothing else wrong in the tree');
});

test('same key in another layout on pve3: no drift (keys are compared, not bytes)', () => {
  const nodes = threeNodes();
  writeInTree(nodes[2]?.root ?? '', 'etc/ceph/ceph.client.pve.keyring', CURRENT_KEYRING);
  assert.equal(runMultiNodeDoctor(nodes).findings.filter((f) => f.cause === 'node-drift'), []);
});

test('a keyring missing on one node is drift for that node', () => {
  const nodes = threeNodes();
  writeInTree(nodes[2]?.root ?? '', 'etc/ceph/ceph.client.pve.keyring', CURRENT_KEYRING);
  rmSync(join(nodes[1]?.root ?? '', 'etc/ceph/ceph.client.pve.keyring'));
  const drift = runMultiNodeDoctor(nodes).findings.filter((f) => f.cause === 'node-drift');
  assert.equal(drift.map((f) => f.node), ['pve2']);
  assert.ok(drift.find((f) => f.node === 'pve2')?.message.includes('is missing'));
});

test('a differing /etc/ceph/ceph.conf on one node is conf drift with an scp from a good node', () => {
  const nodes = threeNodes();
  const root = nodes[0]?.root ?? '';
  rmSync(join(root, 'etc/ceph/ceph.conf'));
  writeInTree(root, 'etc/ceph/ceph.conf', '[global]\nfsid = 5b0e2f7a-3c1d-4e8b-9a62-7d4c1f0e8a13\nmon_host = 10.10.0.11 10.10.0.12 10.10.0.13\n');
  const conf = runMultiNodeDoctor(nodes).findings.filter((f) => f.check === 'node-conf-drift');
  assert.is(conf.length, 1);
  assert.is(conf[0]?.node, 'pve1');
  assert.ok(conf[0]?.commands.some((c) => c.command === 'scp root@pve2:/etc/ceph/ceph.conf /etc/ceph/ceph.conf' && c.changesCluster));
});

test('two nodes that disagree have no majority: both are named', () => {
  const nodes = threeNodes().filter((n) => n.node !== 'pve2');
  const drift = runMultiNodeDoctor(nodes).findings.filter((f) => f.check === 'node-keyring-drift');
  assert.equal(drift.map((f) => f.node).sort(), ['pve1', 'pve3']);
  assert.ok(drift[0]?.message.includes('no majority'));
});

test('duplicate node names are refused', () => {
  const root = copyTree('healthy');
  assert.throws(() => runMultiNodeDoctor([{ node: 'a', root }, { node: 'a', root }]), /unique/);
});

test.run();
