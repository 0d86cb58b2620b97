import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareMonitorLists, confValue, findClientSection, monitorHosts, parseCephConf, parseKeyring, parsePoolList, parseStorageCfg, redactSecrets } from '../../src/doctor/index.js';

const STORAGE_CFG = [
  'dir: local',
  '\tpath /var/lib/vz',
  '',
  '# comment',
  'rbd: ceph-vm',
  '\tcontent images,rootdir',
  '\tkrbd 1',
  '\tpool vmdata',
  '\tdata-pool ec-data',
  '\tnamespace tenant1',
  '\tnodes pve1,pve2',
  '',
  'rbd: old',
  '\tdisable',
  '\tmonhost 10.0.0.1;10.0.0.2',
  '\tusername pve',
  '\tkeyring /etc/ceph/ceph.client.pve.keyring',
].join('\n');

test('storage.cfg: rbd sections with options and line numbers', () => {
  const { storages, notes } = parseStorageCfg(STORAGE_CFG);
  assert.equal(notes, []);
  assert.equal(storages.map((s) => s.id), ['ceph-vm', 'old']);
  const [vm, old] = storages;
  assert.equal(vm?.line, 5);
  assert.equal(vm?.pool, 'vmdata');
  assert.equal(vm?.dataPool, 'ec-data');
  assert.equal(vm?.namespace, 'tenant1');
  assert.equal(vm?.krbd, true);
  assert.equal(vm?.monhost, null);
  assert.equal(vm?.nodes, ['pve1', 'pve2']);
  assert.equal(vm?.content, ['images', 'rootdir']);
  assert.equal(vm?.optionLines['pool'], 8);
  assert.equal(old?.disabled, true);
  assert.equal(old?.monhost, '10.0.0.1;10.0.0.2');
  assert.equal(old?.username, 'pve');
  assert.equal(old?.keyring, '/etc/ceph/ceph.client.pve.keyring');
  assert.equal(old?.pool, 'rbd', 'Proxmox default pool');
  assert.equal(old?.optionLines['keyring'], 17);
});

test('storage.cfg: an option outside any section is noted with its line', () => {
  const { notes } = parseStorageCfg('\tpool stray\n');
  assert.equal(notes.map((n) => n.line), [1]);
});

test('ceph.conf: spaces, dashes and underscores name one option; client sections win over global', () => {
  const conf = parseCephConf([
    '[global]',
    'fsid = abc',
    'mon host = 10.0.0.1, 10.0.0.2   # two mons',
    '[client]',
    '\tkeyring = /etc/pve/priv/$cluster.$name.keyring',
    '[client.pve]',
    'Mon-Host = "10.9.9.9"',
  ].join('\n'), '/etc/pve/ceph.conf');
  assert.equal(confValue(conf, 'mon_host'), { value: '10.0.0.1, 10.0.0.2', section: 'global', line: 3 });
  assert.equal(confValue(conf, 'mon_host', 'pve')?.value, '10.9.9.9');
  assert.equal(confValue(conf, 'mon_host', 'pve')?.line, 7);
  assert.equal(confValue(conf, 'keyring', 'admin')?.section, 'client');
  assert.equal(confValue(conf, 'fsid', 'pve')?.value, 'abc');
  assert.equal(confValue(conf, 'auth_supported'), null);
});

test('ceph.conf: options before a section and broken lines are noted', () => {
  const conf = parseCephConf('fsid = x\n[global]\nthis is not an option\n', '/etc/ceph/ceph.conf');
  assert.equal(conf.notes.map((n) => n.line), [1, 3]);
  assert.equal(confValue(conf, 'fsid'), null);
});

test('keyring: sections, caps and a key hash, never the key itself', () => {
  const secret = 'AQBwdmUtY3VycmVudHB2ZS1jdXJyZW50cHZlLQ==';
  const keyring = parseKeyring(`[client.pve]\n\tkey = ${secret}\n\tcaps mon = "profile rbd"\n\tcaps osd = "profile rbd pool=vmdata"\n[client.admin]\n`, '/k');
  assert.equal(keyring.sections.map((s) => [s.entity, s.line]), [['client.pve', 1], ['client.admin', 5]]);
  const pve = findClientSection(keyring, 'pve');
  assert.equal(pve?.keyLine, 2);
  assert.equal(pve?.keySha256?.length, 64);
  assert.equal(pve?.caps['osd'], { value: 'profile rbd pool=vmdata', line: 4 });
  assert.equal(findClientSection(keyring, 'admin')?.keySha256, null);
  assert.not.ok(JSON.stringify(keyring).includes(secret));
});

test('keyring: same key, different layout => same key hash', () => {
  const a = parseKeyring('[client.pve]\n\tkey = AQBwdmUtY3VycmVudHB2ZS1jdXJyZW50cHZlLQ==\n', '/a');
  const b = parseKeyring('# exported\n[client.pve]\nkey=AQBwdmUtY3VycmVudHB2ZS1jdXJyZW50cHZlLQ==\ncaps mon = "profile rbd"\n', '/b');
  assert.is(a.sections[0]?.keySha256, b.sections[0]?.keySha256);
});

test('monitor lists: Proxmox and Ceph spellings reduce to hosts', () => {
  assert.equal(monitorHosts('10.0.0.1 10.0.0.2;10.0.0.3:6789'), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  assert.equal(monitorHosts('[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0] [v2:10.0.0.2:3300/0,v1:10.0.0.2:6789/0]'), ['10.0.0.1', '10.0.0.2']);
  assert.equal(monitorHosts('[::1]:3300, [fd00::2] mon1.example'), ['::1', 'fd00::2', 'mon1.example']);
  assert.is(compareMonitorLists('10.0.0.1 10.0.0.2', '10.0.0.2,10.0.0.1').overlap, 'same');
  assert.equal(compareMonitorLists('10.0.0.1 10.0.0.9', '10.0.0.1 10.0.0.2'), { overlap: 'partial', onlyInA: ['10.0.0.9'], onlyInB: ['10.0.0.2'] });
  assert.is(compareMonitorLists('10.1.0.1', '10.2.0.1').overlap, 'disjoint');
});

test('pool lists: pool ls, lspools and JSON forms', () => {
  assert.equal(parsePoolList('.mgr\nvmdata\n'), ['.mgr', 'vmdata']);
  assert.equal(parsePoolList('1 .mgr\n2 vmdata\n'), ['.mgr', 'vmdata']);
  assert.equal(parsePoolList('0 rbd,1 vmdata,'), ['rbd', 'vmdata']);
  assert.equal(parsePoolList('["a","b"]'), ['a', 'b']);
  assert.equal(parsePoolList('[{"poolnum":1,"poolname":"vmdata"}]'), ['vmdata']);
});

test('redaction: key lines, key options and bare cephx keys are masked', () => {
  const text = '\tkey = AQBwdmUtY3VycmVudHB2ZS1jdXJyZW50cHZlLQ==\nrbd:p/i:id=pve:key=secretvalue:conf=/x\nsaw AQBhZG1pbmFkbWluYWRtaW5hZG1pbmFkbWluYQ== here';
  const out = redactSecrets(text);
  assert.not.ok(out.includes('AQBwdmUt'));
  assert.not.ok(out.includes('secretvalue'));
  assert.not.ok(out.includes('AQBhZG1p'));
  assert.ok(out.includes(':conf=/x'));
  assert.ok(out.includes('\tkey = <redacted>'));
});

test.run();
