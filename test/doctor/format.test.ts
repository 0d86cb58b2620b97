import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { doctorExitCode, doctorToJson, doctorToNdjson, formatDoctorText, runDoctor, runMultiNodeDoctor, type DoctorReport } from '../../src/doctor/index.js';
import { cleanTrees, copyTree, plantedKeys } from './tree.js';

test.after.each(cleanTrees);

function allReports(): DoctorReport[] {
  const reports = ['healthy', 'missing-keyring', 'wrong-section', 'fsid-split', 'monhost-mismatch'].map((name) => {
    const root = copyTree(name);
    chmodSync(join(root, 'etc/pve/priv/ceph.client.admin.keyring'), 0o644);
    return runDoctor({ node: name, root }, { pools: ['nothing'] });
  });
  reports.push(runMultiNodeDoctor(['pve1', 'pve2', 'pve3'].map((node) => ({ node, root: copyTree(`three-nodes/${node}`) }))));
  return reports;
}

test('no output format contains any planted key', () => {
  const keys = plantedKeys();
  assert.ok(keys.length >= 3, 'the fixtures do plant keys');
  for (const report of allReports()) {
    assert.ok(report.findings.length > 0);
    for (const out of [formatDoctorText(report), JSON.stringify(doctorToJson(report)), doctorToNdjson(report), JSON.stringify(report)]) {
      for (const key of keys) assert.not.ok(out.includes(key), `key leaked: ${out.slice(0, 80)}`);
      assert.not.ok(/key\s*=\s*AQ/.test(out));
    }
  }
});

test('text report: summary line, location, fix, commands with change marks', () => {
  const text = formatDoctorText(runDoctor({ node: 'pve1', root: copyTree('missing-keyring') }));
  assert.match(text, /^rbd-explain doctor: 1 error\(s\), 0 warning\(s\)/);
  assert.match(text, /ERROR keyring-missing: .*\[node pve1, storage ext-rbd\]/);
  assert.match(text, /at \/etc\/pve\/storage\.cfg:10/);
  assert.match(text, /\$ ls -l \/etc\/pve\/priv\/ceph\/ext-rbd\.keyring/);
  assert.match(text, /! ceph auth get client\.pve -o \/etc\/pve\/priv\/ceph\/ext-rbd\.keyring/);
  assert.not.match(text, /\u001b\[/, 'no colour codes');
});

test('healthy text report says nothing was found', () => {
  assert.match(formatDoctorText(runDoctor({ node: null, root: copyTree('healthy') })), /No problem found/);
});

test('JSON: camelCase plain data with counts; exit code follows the threshold', () => {
  const report = runDoctor({ node: 'pve1', root: copyTree('wrong-section') });
  const json = doctorToJson(report);
  assert.is(json.schemaVersion, 1);
  assert.equal(json.counts, { error: 1, warning: 0, info: 0 });
  assert.equal(JSON.parse(JSON.stringify(json)), json, 'survives a JSON round trip unchanged');
  assert.ok('changesCluster' in (json.findings[0]?.commands[0] ?? {}));
  assert.is(doctorExitCode(report), 1);
  assert.is(doctorExitCode(runDoctor({ node: 'pve1', root: copyTree('healthy') })), 0);
  assert.is(doctorToNdjson(report).trim().split('\n').length, 1);
});

test('warnings only: exit 0 by default, 1 with failOn warning', () => {
  const root = copyTree('healthy');
  chmodSync(join(root, 'etc/pve/priv/ceph/ext-rbd.keyring'), 0o640);
  const report = runDoctor({ node: null, root });
  assert.is(doctorExitCode(report), 0);
  assert.is(doctorExitCode(report, 'warning'), 1);
});

test.run();
