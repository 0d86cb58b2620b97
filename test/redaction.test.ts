// Key material never appears in any output field: one cephx key put in every place a log line can
// carry a value (pool, image, namespace, snapshot, conf, keyring, mon hosts, client id, host name,
// identifier, storage, UPID, rbd command words, device paths; glued to a word, URL-encoded,
// QEMU-escaped, cut by the 1 MiB line limit), read as a short journal, a JSON journal and an
// export, printed as text, JSON and NDJSON. Every string of the JSON documents is walked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { MAX_LINE_BYTES } from '../src/sources/split-lines.js';
import { redact, redactFields } from '../src/redact.js';
import { sealRecord, MAX_MESSAGE_CHARS } from '../src/records/read-records.js';

// The key of the example.
const KEY = 'AQBhZG1pbmFkbWluYWRtaW5hZG1pbmFkbWluYQ==';
const BARE = KEY.replace(/=+$/, '');
/** Any 8 consecutive characters of the key, anywhere, is a leak. */
function leaks(text: string): string | null {
  for (let i = 0; i + 8 <= BARE.length; i++) if (text.includes(BARE.slice(i, i + 8))) return BARE.slice(i, i + 8);
  return null;
}

const ESCAPED = `${KEY.slice(0, 18)}\\${KEY.slice(18)}`;
const MESSAGES: readonly (readonly [string, string])[] = [
  ['issue example (keyring=)', `kvm: -drive file=rbd:vmdata/vm-104-disk-0:id=admin:keyring=${KEY},if=none: error connecting: Permission denied`],
  ['pool', `kvm: -drive file=rbd:${KEY}/vm-104-disk-0:id=admin,if=none: error connecting: Permission denied`],
  ['image', `kvm: -drive file=rbd:vmdata/${KEY}:id=admin,if=none: error connecting: Permission denied`],
  ['namespace', `kvm: -drive file=rbd:vmdata/${KEY}/vm-104-disk-0:id=admin,if=none: error connecting: Permission denied`],
  ['snapshot', `kvm: -drive file=rbd:vmdata/vm-104-disk-0@${KEY}:id=admin,if=none: error connecting: Permission denied`],
  ['conf', `kvm: -drive file=rbd:vmdata/vm-104-disk-0:conf=/etc/${KEY}.conf:id=admin,if=none: error connecting: Permission denied`],
  ['mon_host', `kvm: -drive file=rbd:vmdata/vm-104-disk-0:mon_host=${KEY}:id=admin,if=none: error connecting: Permission denied`],
  ['client id', `kvm: -drive file=rbd:vmdata/vm-104-disk-0:id=${KEY},if=none: error connecting: Permission denied`],
  ['QEMU-escaped', `kvm: -drive file=rbd:vmdata/vm-104-disk-0:keyring=${ESCAPED}:id=admin,if=none: error connecting: Permission denied`],
  ['key= inside a word, QEMU-escaped', `cephx server client.pve: unexpected key: req.key=${ESCAPED}3f2a1b0c9d8e7f60 expected_key=0 rbd error: (1) Operation not permitted`],
  ['glued secret_', `kvm: -drive file=rbd:vmdata/vm-104-disk-0:keyring=/etc/secret_${KEY}:id=admin,if=none: error connecting: Permission denied`],
  ['URL-encoded key%3D', `kvm: -drive file=rbd:vmdata/vm-104-disk-0:conf=/x?key%3D${KEY.replace(/=/g, '%3D')}:id=admin,if=none: error connecting: Permission denied`],
  ['blockdev members', `kvm: -blockdev {"driver":"rbd","conf":"/etc/${KEY}","image":"${KEY}","pool":"${KEY}","server":[{"host":"${KEY}","port":"6789"}],"user":"${KEY}"}: error connecting: Permission denied`],
  ['JSON-escaped', `kvm: -blockdev {"driver":"rbd","image":"vm-104-disk-0","pool":"\\u0041${KEY.slice(1, 20)}\\u00${KEY.charCodeAt(20).toString(16)}${KEY.slice(21)}","user":"admin"}: error connecting: Permission denied`],
  ['rbd command', `rbd error: command '/usr/bin/rbd -p ${KEY} -n client.${KEY} --keyring /etc/pve/priv/ceph/${KEY}.keyring ls -l --format json' failed: exit code 1`],
  ['storage', `cfs-lock 'storage-${KEY}' error: got lock request timeout`],
  ['device path', `can't map rbd volume vm-104-disk-0: rbd: sysfs write failed /dev/rbd/${KEY}/vm-104-disk-0: (1) Operation not permitted`],
  ['UPID node', `<root@pam> starting task UPID:${KEY}:00001234:00ABCDEF:676D2A3B:qmstart:104:root@pam: rbd error: rbd: listing images failed: (1) Operation not permitted`],
  ['key = line', `rbd error: rbd: key = ${KEY} listing images failed: (1) Operation not permitted`],
  // Found by the fuzzer: a JSON-escaped key whose backslash was lost (`u0041Q…==`), glued to a word.
  ['key without its AQ head', `rbd error: rbd: listing images failed for pvedaemon[u0041${KEY.slice(1)}: (1) Operation not permitted`],
  ['key without its A', `rbd error: rbd: listing images failed for ${KEY.slice(1)}: (1) Operation not permitted`],
];

const HOST_KEY = `${KEY.slice(0, -2)}`; // a host name has no '='
function shortLine(message: string, host = 'pve3', ident = 'pvedaemon'): string {
  return `Dec 26 10:50:15 ${host} ${ident}[1032]: ${message}`;
}

const dir = mkdtempSync(join(tmpdir(), 'rbdx-keys-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function inputs(): string[] {
  const lines = MESSAGES.map(([, m]) => shortLine(m));
  lines.push(shortLine('rbd error: rbd: listing images failed: (1) Operation not permitted', HOST_KEY));
  lines.push(shortLine('rbd error: rbd: listing images failed: (1) Operation not permitted', 'pve3', HOST_KEY));
  // Cut by the line limit inside the key (36 of its 40 characters before the cut).
  const prefix = shortLine('rbd error: rbd: listing images failed: (1) Operation not permitted ');
  lines.push(`${prefix}${'p'.repeat(MAX_LINE_BYTES - prefix.length - 36)}${KEY}${'q'.repeat(100)}`);
  const short = join(dir, 'short.log');
  writeFileSync(short, `${lines.join('\n')}\n`);

  const entry = (message: string, host = 'pve3'): Record<string, string> => ({ __REALTIME_TIMESTAMP: '1766742615000000', _HOSTNAME: host, SYSLOG_IDENTIFIER: 'pvedaemon', _PID: '1032', MESSAGE: message });
  const json = join(dir, 'journal.json');
  writeFileSync(json, `${[...MESSAGES.map(([, m]) => entry(m)), entry('rbd error: rbd: listing images failed: (1) Operation not permitted', HOST_KEY)].map((e) => JSON.stringify(e)).join('\n')}\n`);
  const exported = join(dir, 'journal.export');
  writeFileSync(exported, [...MESSAGES.map(([, m]) => entry(m)), entry('rbd error: x: (1) Operation not permitted', HOST_KEY)]
    .map((e) => Object.entries(e).map(([k, v]) => `${k}=${v}\n`).join('')).join('\n') + '\n');
  return [short, json, exported];
}

function strings(value: unknown, path: string, out: [string, string][]): void {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
}

test('no byte of a key in any field of any output format, whatever position the key had', async () => {
  const files = inputs();
  for (const file of files) {
    for (const format of ['json', 'ndjson', 'text']) {
      const run = await runCli(['--format', format, '--evidence', '100', '--year', '2025', file]);
      assert.ok(run.code === 1, `${file} ${format}: exit ${run.code}: ${run.stderr}`);
      const stderrLeak = leaks(run.stderr);
      assert.is(stderrLeak, null, `${file} ${format}: stderr has ${stderrLeak}`);
      if (format === 'text') {
        const leak = leaks(run.stdout);
        assert.is(leak, null, `${file} text: ${leak} in ${run.stdout.split('\n').find((l) => leak && l.includes(leak))}`);
        continue;
      }
      const docs = format === 'json' ? [JSON.parse(run.stdout) as unknown] : run.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
      const fields: [string, string][] = [];
      docs.forEach((d, i) => strings(d, `${format}[${i}]`, fields));
      assert.ok(fields.length > 100, 'the walk saw the documents');
      for (const [path, value] of fields) {
        const leak = leaks(value);
        assert.is(leak, null, `${file}: ${path} = ${value.slice(0, 300)}`);
      }
    }
  }
});

test('each key position is still an incident (redaction does not drop the line)', async () => {
  const run = await runCli(['--format', 'json', '--group', 'window', '--year', '2025', join(dir, 'short.log')]);
  const doc = JSON.parse(run.stdout) as { incidents: { evidence: { line: number }[] }[] };
  const lines = new Set(doc.incidents.flatMap((i) => i.evidence.map((e) => e.line)));
  for (const [index, [what]] of MESSAGES.entries()) {
    // `UPID:<redacted>:…` is no UPID (a node name has no `<`): that line loses its wrappers.
    if (what !== 'UPID node') assert.ok(lines.has(index + 1), `${what} (line ${index + 1}) is evidence`);
  }
});

// Offsets up to 70 characters on either side: found by the parseLine fuzz target, a key glued in a
// long word that ended 30 characters past the tail cut kept its last 10 characters.
test('a key cut by the message window (head or tail cut, any offset, any escape) leaves no byte of it', () => {
  const forms = [KEY, ESCAPED, `\\u0041${KEY.slice(1)}`, KEY.replace(/=/g, '%3D'), `secret_${KEY}`];
  const length = MAX_MESSAGE_CHARS * 2;
  for (const form of forms) {
    for (const cut of [4 * 1024, length - 2 * 1024]) {
      for (let offset = -form.length - 70; offset <= 70; offset++) {
        const at = cut + offset;
        const message = `${'m'.repeat(at)}${form}${'n'.repeat(length - at - form.length)}`;
        const sealed = sealRecord({ source: 's', line: 1, time: null, epochMs: null, node: null, ident: null, pid: null, message, upid: null });
        assert.is(leaks(sealed.message), null, `${form} at ${offset} from the cut at ${cut}`);
      }
    }
  }
});

test('redact: clean text is returned as is; redactFields copies only what changed', () => {
  const clean = 'rbd error: rbd: listing images failed: (1) Operation not permitted';
  assert.is(redact(clean), clean);
  const value = { a: clean, b: [clean, `pool ${KEY}`], c: { d: 1 } };
  const out = redactFields(value);
  assert.is.not(out, value);
  assert.is(out.a, clean);
  assert.is(out.c, value.c);
  assert.is(out.b[1], 'pool <redacted>');
  const untouched = { a: clean };
  assert.is(redactFields(untouched), untouched);
});

test.run();
