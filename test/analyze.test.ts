// The pipeline on whole inputs: the article's Task 10, a realistic multi-node journal
// (generated, with ground truth), look-alikes, every input format, years and zones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFiles, analyzeText, analyze } from '../src/pipeline/analyze.js';
import { runCli } from './helpers/cli.js';

const TASK10 = 'examples/task10-short.log';

test('article Task 10: one incident with the identity, ranked auth and caps causes, the rbd info command', async () => {
  const result = await analyzeFiles([TASK10], { year: 2025 });
  assert.is(result.incidents.length, 1);
  const [i] = result.incidents;
  assert.ok(i);
  assert.equal([i.node, i.pool, i.image, i.clientId, i.keyring, i.conf, i.errno, i.vmid], ['pve3', 'vmdata', 'vm-101-disk-0', 'pve', '/etc/ceph/ceph.client.pve.keyring', '/etc/pve/ceph.conf', 13, 101]);
  const causes = i.candidates.map((c) => c.cause);
  assert.ok(causes.includes('caps-insufficient'), causes.join());
  assert.ok(causes.includes('client-mismatch') && causes.includes('key-stale'), causes.join());
  assert.ok(['client-mismatch', 'key-stale', 'caps-insufficient'].includes(i.cause));
  const info = i.commands.find((c) => c.command === 'rbd --conf /etc/pve/ceph.conf info vmdata/vm-101-disk-0 --id pve --keyring /etc/ceph/ceph.client.pve.keyring');
  assert.ok(info, i.commands.map((c) => c.command).join('\n'));
  assert.is(info.changesCluster, false);
  assert.ok(i.commands.some((c) => c.changesCluster && c.command.startsWith('ceph auth ')), 'fix commands are marked as changing the cluster');
  assert.equal(i.evidence.map((e) => e.line), [1, 2, 3]);
  assert.ok(i.discriminator?.includes('rbd ls'));
  assert.is(i.upid, 'UPID:pve3:00008A1B:0002A1C4:676D7F46:qmstart:101:root@pam:');
});

test('article Task 10 through the CLI: exit 1 and the command in the text report', async () => {
  const run = await runCli(['--year', '2025', TASK10]);
  assert.is(run.code, 1);
  // Long commands are laid out with ` \` continuations: read them as the shell does.
  assert.ok(run.stdout.replace(/ \\\n\s*/g, ' ').includes('$ rbd --conf /etc/pve/ceph.conf info vmdata/vm-101-disk-0 --id pve --keyring /etc/ceph/ceph.client.pve.keyring'));
  const piped = await runCli(['--format', 'json'], readFileSync(TASK10, 'utf8'));
  assert.is(piped.code, 1);
  const doc = JSON.parse(piped.stdout) as { schemaVersion: number; incidents: { cause: string; evidence: { source: string }[] }[]; inputs: { format: string; lines: number }[] };
  assert.is(doc.schemaVersion, 1);
  assert.equal(doc.inputs, [{ source: '<stdin>', format: 'short', lines: 3 }]);
  assert.is(doc.incidents[0]?.evidence[0]?.source, '<stdin>');
});

interface Truth { line: number; node: string; cause?: string; causes?: string[] }

function truthOf(path: string): Truth[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Truth);
}

async function checkAgainstTruth(file: string, truthFile: string, inputFormat?: 'json'): Promise<void> {
  const truth = truthOf(truthFile);
  const result = await analyzeFiles([file], inputFormat ? { inputFormat } : {});
  const source = readFileSync(file, 'utf8').split('\n');
  const message = (n: number): string => {
    const raw = source[n - 1] ?? '';
    return inputFormat === 'json' ? String((JSON.parse(raw) as { MESSAGE: string }).MESSAGE) : raw.slice(raw.indexOf(': ') + 2);
  };
  for (const t of truth) {
    const text = message(t.line);
    const home = result.incidents.find((i) => i.evidence.some((e) => e.text === text) && (i.node === t.node || i.badNodes.includes(t.node)));
    assert.ok(home, `failure line ${t.line} (${t.node}) is in no incident: ${text}`);
    const accept = t.causes ?? [t.cause ?? 'unknown'];
    if (!accept.includes('unknown')) {
      const named = home.cause === 'node-drift' ? home.candidates.map((c) => c.cause) : [home.cause];
      assert.ok(named.some((c) => accept.includes(c)), `line ${t.line}: want ${accept.join('|')}, got ${home.cause}`);
    }
  }
  const truthLines = new Set(truth.map((t) => t.line));
  for (const i of result.incidents) {
    assert.ok(i.evidence.some((e) => truthLines.has(e.line)), `incident ${i.cause} on ${i.node} rests on look-alikes only: ${i.evidence.map((e) => e.text).join(' | ')}`);
  }
}

test('realistic 3-node journal (short): every failure in an incident, causes right, no look-alike incident', async () => {
  await checkAgainstTruth('fixtures/synthetic/journal-3node.short.log', 'fixtures/synthetic/journal-3node.truth.ndjson');
});

test('realistic 3-node journal (json): same result from journalctl -o json', async () => {
  await checkAgainstTruth('fixtures/synthetic/journal-3node.json', 'fixtures/synthetic/journal-3node.truth.ndjson', 'json');
  const short = await analyzeFiles(['fixtures/synthetic/journal-3node.short.log']);
  const json = await analyzeFiles(['fixtures/synthetic/journal-3node.json']);
  const key = (r: typeof short): string[] => r.incidents.map((i) => `${i.cause}|${i.node}|${i.pool}/${i.image}|${i.count}`).sort();
  assert.equal(key(json), key(short));
  assert.is(json.inputs[0]?.format, 'json');
});

test('benign look-alikes alone give no incident and exit 0', async () => {
  const result = await analyzeFiles(['fixtures/synthetic/lookalikes.short.log']);
  assert.is(result.incidents.length, 0);
  assert.ok((result.inputs[0]?.lines ?? 0) > 50);
  assert.is((await runCli(['fixtures/synthetic/lookalikes.short.log'])).code, 0);
});

const KVM_LINE = 'kvm: -drive file=rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf:id=pve:keyring=/etc/pve/priv/ceph/ceph-vm.keyring,if=none,id=drive-scsi0: error reading header from vm-101-disk-0: Operation not permitted';

test('json: MESSAGE as a byte array is decoded; MESSAGE null warns that --all is needed', async () => {
  const bytes = [...Buffer.from(KVM_LINE)];
  const text = [
    JSON.stringify({ __REALTIME_TIMESTAMP: '1766742615000000', _HOSTNAME: 'pve3', SYSLOG_IDENTIFIER: 'pvedaemon', _PID: '1032', MESSAGE: bytes }),
    JSON.stringify({ __REALTIME_TIMESTAMP: '1766742616000000', _HOSTNAME: 'pve3', SYSLOG_IDENTIFIER: 'pvedaemon', _PID: '1032', MESSAGE: null }),
  ].join('\n');
  const result = await analyzeText(text);
  assert.is(result.inputs[0]?.format, 'json');
  assert.is(result.incidents[0]?.cause, 'caps-insufficient');
  assert.is(result.incidents[0]?.firstSeen, '2025-12-26T09:50:15.000Z');
  assert.ok(result.warnings.some((w) => w.message.includes('--all')));
});

test('export: text and binary MESSAGE fields', async () => {
  const entry1 = `__REALTIME_TIMESTAMP=1766742615000000\n_HOSTNAME=pve3\nSYSLOG_IDENTIFIER=pvedaemon\n_PID=1032\nMESSAGE=${KVM_LINE}\n\n`;
  const binary = Buffer.from('rbd error: rbd: listing images failed: (1) Operation not permitted\nsecond line');
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(binary.length));
  const entry2 = Buffer.concat([Buffer.from('__REALTIME_TIMESTAMP=1766742617000000\n_HOSTNAME=pve2\nSYSLOG_IDENTIFIER=pvedaemon\nMESSAGE\n'), size, binary, Buffer.from('\n\n')]);
  const result = await analyze({ chunks: [Buffer.from(entry1), entry2], source: 'x.export' });
  assert.is(result.inputs[0]?.format, 'export');
  const nodes = result.incidents.map((i) => `${i.node}:${i.cause}`).sort();
  assert.equal(nodes, ['pve2:caps-insufficient', 'pve3:caps-insufficient']);
});

test('task log file: node and time from the UPID, TASK ERROR read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-'));
  const upid = 'UPID:pve1:00003039:0001E240:65E19A40:qmstart:100:root@pam:';
  const path = join(dir, upid);
  writeFileSync(path, [
    '2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [1]',
    'kvm: -drive file=rbd:vmpool/vm-100-disk-0:mon_host=10.0.0.1;10.0.0.2:auth_supported=none,if=none,id=drive-scsi0,format=raw: error connecting: Permission denied',
    'TASK ERROR: start failed: QEMU exited with code 1',
  ].join('\n'));
  const result = await analyzeFiles([path]);
  assert.is(result.inputs[0]?.format, 'tasklog');
  assert.is(result.incidents.length, 1);
  const [i] = result.incidents;
  assert.equal([i?.cause, i?.node, i?.upid, i?.vmid, i?.pool, i?.operation], ['keyring-missing', 'pve1', upid, 100, 'vmpool', 'qmstart']);
  assert.equal(i?.monHosts, ['10.0.0.1', '10.0.0.2']);
  assert.is(i?.firstSeen, new Date(0x65e19a40 * 1000).toISOString());
  assert.is(i?.count, 3);
});

test('bare CLI output (rbd stderr with Ceph log prefixes) is detected and classified', async () => {
  const text = [
    '2025-11-24T04:01:02.123+0000 7f5d2e7fc700 -1 auth: unable to find a keyring on /etc/pve/priv/ceph/ceph-vm.keyring: (2) No such file or directory',
    '2025-11-24T04:01:02.123+0000 7f5d2e7fc700 -1 monclient: authenticate NOTE: no keyring found; disabled cephx authentication',
    "rbd: couldn't connect to the cluster!",
  ].join('\n');
  const result = await analyzeText(text);
  assert.is(result.inputs[0]?.format, 'cli');
  assert.is(result.incidents[0]?.cause, 'keyring-missing');
  assert.is(result.incidents[0]?.keyring, '/etc/pve/priv/ceph/ceph-vm.keyring');
});

test('short format: --year and --tz decide the time; Dec → Jan rolls the year over', async () => {
  const lines = [
    'Dec 31 23:59:59 pve1 pvedaemon[1]: rbd error: rbd: listing images failed: (1) Operation not permitted',
    'Jan 01 00:00:05 pve1 pvedaemon[1]: rbd error: rbd: listing images failed: (1) Operation not permitted',
  ].join('\n');
  const result = await analyzeText(lines, { year: 2024, tz: '+01:00' });
  const [i] = result.incidents;
  assert.is(i?.firstSeen, '2024-12-31T23:59:59+01:00');
  assert.is(i?.lastSeen, '2025-01-01T00:00:05+01:00');
  assert.is(i?.count, 2);
  const paris = await analyzeText('Jul 01 12:00:00 pve1 pvedaemon[1]: rbd error: rbd: listing images failed: (1) Operation not permitted', { year: 2025, tz: 'Europe/Paris' });
  assert.is(paris.incidents[0]?.firstSeen, '2025-07-01T12:00:00+02:00');
});

test('short-iso with +01:00 and +0100 zones read the same instant', async () => {
  const a = await analyzeText('2025-12-26T10:50:15+0100 pve3 pvedaemon[1]: rbd error: rbd: listing images failed: (1) Operation not permitted');
  const b = await analyzeText('2025-12-26T10:50:15+01:00 pve3 pvedaemon[1]: rbd error: rbd: listing images failed: (1) Operation not permitted');
  assert.is(a.inputs[0]?.format, 'short-iso');
  assert.is(a.incidents[0]?.firstSeen, b.incidents[0]?.firstSeen);
});

test('repeated failures are counted, not repeated, with a timeline per hour', async () => {
  const lines = Array.from({ length: 30 }, (_, k) => `2025-12-26T10:${String(k * 2).padStart(2, '0')}:00+0000 pve1 pvestatd[900]: rados_connect failed - Connection timed out`).join('\n');
  const result = await analyzeText(lines);
  assert.is(result.incidents.length, 1);
  const [i] = result.incidents;
  assert.equal([i?.cause, i?.count, i?.evidence.length], ['mon-unreachable', 30, 1]);
  assert.equal(i?.timeline, [{ hour: '2025-12-26T10', count: 30 }]);
});

test('later successful starts of the same VM are not evidence of its failure, and context never crowds out the failure', async () => {
  const upid = (pid: number, hhmm: string): string => `UPID:pve4:000${pid}:18FAB0E1:678584C7:qmstart:402:root@pam:`.replace('678584C7', `6785${hhmm}`);
  const lines: string[] = [];
  for (let k = 0; k < 10; k++) { // many earlier successful starts: context that matches the VM
    const u = upid(51000 + k, `8${k}C7`);
    lines.push(`Jan 13 21:0${k}:00 pve4 pvedaemon[900]: <root@pam> starting task ${u}`, `Jan 13 21:0${k}:01 pve4 pvedaemon[${51000 + k}]: start VM 402: ${u}`);
  }
  lines.push('Jan 13 21:10:00 pve4 pvedaemon[52000]: rbd error: rbd: error opening image vm-402-disk-0: (2) No such file or directory');
  for (let k = 0; k < 5; k++) lines.push(`Jan 13 21:2${k}:00 pve4 pvedaemon[900]: <root@pam> end task ${upid(53000 + k, `9${k}C7`)} OK`);
  const result = await analyzeText(lines.join('\n'), { year: 2025, tz: 'UTC' });
  const incident = result.incidents.find((i) => i.cause === 'image-not-found');
  assert.ok(incident, result.incidents.map((i) => i.cause).join());
  assert.ok(incident.evidence.some((e) => e.role === 'failure' && e.text.includes('error opening image')), 'the failure line is cited');
  assert.not.ok(incident.evidence.some((e) => e.text.endsWith(' OK')), 'no success line as evidence');
  assert.ok(incident.evidence.filter((e) => e.role === 'context').length <= 6, 'context takes at most half the slots');
});

test.run();
