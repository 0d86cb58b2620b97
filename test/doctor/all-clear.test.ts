// Issue 14 item 6: the doctor never gives a false all-clear. A root it cannot read, or a node
// without /etc/pve, says what could not be read and exits 2; a collected tree is labelled with its
// own node name (not this machine's); a keyring readable by others is a permissions finding with
// a headline of its own, which never confirms keyring-missing.
import { chmodSync, mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { doctorExitCode, formatDoctorText, nodeInputsFromRoots, runDoctor, runMultiNodeDoctor } from '../../src/doctor/index.js';
import { attachConfig } from '../../src/correlate/attach-config.js';
import { analyzeText } from '../../src/pipeline/analyze.js';
import { runCli } from '../helpers/cli.js';
import { cleanTrees, copyTree, writeInTree } from './tree.js';

test.after.each(cleanTrees);

test('doctor --root /nonexistent: says the root cannot be read, exit 2, no all-clear', async () => {
  const run = await runCli(['doctor', '--root', '/nonexistent-rbdx']);
  assert.is(run.code, 2, run.stdout);
  assert.not.match(run.stdout, /No problem found/);
  assert.match(run.stdout, /could not check .*\/nonexistent-rbdx.*does not exist/i);
  const json = await runCli(['doctor', '--root', '/nonexistent-rbdx', '--format', 'json']);
  assert.is(json.code, 2);
  const doc = JSON.parse(json.stdout) as { nodes: { problem: string | null }[] };
  assert.match(doc.nodes[0]?.problem ?? '', /does not exist/);
});

test('a tree without /etc/pve/storage.cfg (not a Proxmox node): named as unread, exit 2', () => {
  const root = mkdtempSync(join(tmpdir(), 'rbdx-nopve-'));
  writeInTree(root, 'etc/ceph/ceph.conf', '[global]\nfsid = 1\n');
  const report = runDoctor({ node: 'host', root });
  assert.match(report.nodes[0]?.problem ?? '', /\/etc\/pve\/storage\.cfg/);
  assert.is(doctorExitCode(report), 2);
  const text = formatDoctorText(report);
  assert.not.match(text, /No problem found/);
  assert.match(text, /storage\.cfg/);
  // A healthy tree is still an all-clear.
  const healthy = runDoctor({ node: 'pve1', root: copyTree('healthy') });
  assert.is(healthy.nodes[0]?.problem, null);
  assert.is(doctorExitCode(healthy), 0);
  assert.match(formatDoctorText(healthy), /No problem found/);
});

test('multi-node: an unreadable node is reported, exit 2, and not compared (no drift blamed on it)', () => {
  const good = copyTree('healthy');
  const report = runMultiNodeDoctor([{ node: 'pve1', root: good }, { node: 'pve2', root: '/nonexistent-rbdx' }]);
  assert.is(doctorExitCode(report), 2);
  assert.equal(report.findings.filter((f) => f.node === 'pve2'), []);
});

test('a collected tree is named by NODE=, its own etc/hostname, else its folder; never this machine', () => {
  const tree = copyTree('healthy');
  assert.equal(nodeInputsFromRoots([`pve7=${tree}`], 'here'), [{ node: 'pve7', root: tree }]);
  assert.equal(nodeInputsFromRoots([tree], 'here'), [{ node: basename(tree), root: tree }]);
  writeInTree(tree, 'etc/hostname', 'pve9\n');
  assert.equal(nodeInputsFromRoots([tree], 'here'), [{ node: 'pve9', root: tree }]);
  assert.equal(nodeInputsFromRoots([], 'here'), [{ node: 'here', root: '/' }]);
  assert.equal(nodeInputsFromRoots(['/'], 'here'), [{ node: 'here', root: '/' }]);
});

test('the CLI labels a collected tree\'s findings with the tree\'s host name', async () => {
  const tree = copyTree('missing-keyring');
  writeInTree(tree, 'etc/hostname', 'pve5\n');
  const run = await runCli(['doctor', '--root', tree, '--format', 'json']);
  const doc = JSON.parse(run.stdout) as { nodes: { node: string }[]; findings: { node: string | null }[] };
  assert.is(doc.nodes[0]?.node, 'pve5');
  assert.ok(doc.findings.length > 0);
  for (const f of doc.findings) assert.is(f.node, 'pve5');
  if (hostname() !== 'pve5') assert.not.ok(run.stdout.includes(`"${hostname()}"`), 'this machine\'s name');
});

test('a 0644 keyring is a permissions finding headlined as such, and never confirms keyring-missing', async () => {
  const root = copyTree('healthy');
  chmodSync(join(root, 'etc/pve/priv/ceph/ext-rbd.keyring'), 0o644);
  const report = runDoctor({ node: 'pve1', root });
  const f = report.findings.find((x) => x.check === 'keyring-permissions');
  assert.ok(f, JSON.stringify(report.findings.map((x) => x.check)));
  assert.is(f.severity, 'warning');
  const text = formatDoctorText(report);
  assert.match(text, /^WARNING keyring-permissions: Keyring readable by users other than root/m);
  assert.not.match(text, /missing or unreadable/);
  // --with-config: the permissions warning is attached, but does not confirm keyring-missing.
  const result = await analyzeText(`Jan 14 10:00:01 pve1 kvm[1]: kvm: -drive file=rbd:tenant-a/vm-100-disk-0:mon_host=10.20.0.11:auth_supported=none:id=pve,if=none: error connecting: Permission denied\n`, { year: 2025 });
  assert.ok(result.incidents.some((i) => i.candidates.some((c) => c.cause === 'keyring-missing')), 'the log suggests keyring-missing');
  const withConfig = attachConfig(result.incidents, report.findings, true, new Map([['ext-rbd', 'tenant-a']]));
  assert.ok(withConfig.some((i) => i.configFindings.some((c) => c.check === 'keyring-permissions')), 'the warning is attached');
  for (const i of withConfig) assert.is(i.confirmed, false, `${i.cause} confirmed by a permissions warning`);
});

test.run();
