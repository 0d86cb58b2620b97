/**
 * The shape cache parses a normalised copy of each message and reads values from the original
 * at the spans it returns. Two things must hold: `shapeKey` normalises exactly what its comment
 * says (checked against an independent regex oracle), and a parse of the key gives the same
 * spans as a parse of the original text (checked on every fixture the repository has).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShapeCache, shapeKey } from '../src/grammar/shape-cache.js';
import { analyzeFiles, extractMessage } from '../src/index.js';

// The oracle: the rules of shape-cache.ts written as regular expressions, applied in turn. Words
// are runs of ASCII letters and digits (`_` separates, unlike `\b`).
const UUID = /(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z])/g;
const MAC = /(?<![0-9A-Za-z])[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}(?![0-9A-Za-z])/g;
const HEX_WORD = /(?<![0-9A-Za-z])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}(?![0-9A-Za-z])/g;
const UPID = /UPID:([^:\s]*):([0-9A-Fa-f]+):([0-9A-Fa-f]+):([0-9A-Fa-f]+):/g;
const zeroHex = (s: string): string => s.replace(/[0-9a-fA-F]/g, '0');
function oracle(text: string): string {
  const out = text.replace(UUID, zeroHex).replace(MAC, zeroHex)
    .replace(HEX_WORD, (w) => '0'.repeat(w.length)).replace(/[0-9]/g, '0');
  return out.replace(UPID, (_m, node: string, a: string, b: string, c: string) => `UPID:${node}:${zeroHex(a)}:${zeroHex(b)}:${zeroHex(c)}:`);
}

test('shapeKey: digits, long hex words, UUIDs, MACs and UPID fields become 0, nothing else changes', () => {
  const cases: [string, string][] = [
    ['vm-100-disk-0', 'vm-000-disk-0'],
    ['7f0c9a3b2e1d -1 auth', '000000000000 -0 auth'],
    ['thread 7f0c -1', 'thread 0f0c -0'],
    ['deadbeef and cafe', 'deadbeef and cafe'],
    ['44.869078Z_b06341ad-7124-5a7d-0859-87654041f80c as', '00.000000Z_00000000-0000-0000-0000-000000000000 as'],
    ['rbd_data.1f2e3d4c5b6a7980', 'rbd_data.0000000000000000'],
    ["uuid=3f2a9c1e-4b7d-4e2a-af10-0123456789ab'", "uuid=00000000-0000-0000-0000-000000000000'"],
    ['guid=DEADBEEF-CAFE-BABE-FACE-ABCDEFABCDEF,x', 'guid=00000000-0000-0000-0000-000000000000,x'],
    ['mac=BC:24:11:D4:5E:D0,netdev', 'mac=00:00:00:00:00:00,netdev'],
    ['ab:cd:ef:ab:cd', 'ab:cd:ef:ab:cd'],
    ['UPID:pve1:0001478F:030D0C47:678470F4:qmcreate:100:root@pam:', 'UPID:pve0:00000000:00000000:00000000:qmcreate:000:root@pam:'],
    ['UPID:node-a:00ABCDEF:FEDCBA00:ABCDEF01:vzdump::root@pam: and UPID:b:AB:CD:EF:x::u:', 'UPID:node-a:00000000:00000000:00000000:vzdump::root@pam: and UPID:b:00:00:00:x::u:'],
    ['épée 12 ✓ 𝄞 34', 'épée 00 ✓ 𝄞 00'],
    ['', ''],
  ];
  for (const [input, want] of cases) {
    assert.is(shapeKey(input), want, input);
    assert.is(oracle(input), want, `oracle: ${input}`);
  }
});

test('shapeKey agrees with the oracle on random text built from ids, words and separators', () => {
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdefABCDEF'[random(22)]).join('');
  const pieces: (() => string)[] = [
    () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    () => Array.from({ length: 6 }, () => hex(2)).join(':'),
    () => `UPID:pve${random(9)}:${hex(8)}:${hex(8)}:${hex(8)}:qmstart:${random(999)}:root@pam:`,
    () => hex(1 + random(14)),
    () => ['rbd', 'vm', 'disk', 'error', 'kvm', 'UPID', 'x', '_', 'é', '𝄞', 'Dec', 'feed'][random(12)]!,
    () => String(random(100000)),
    () => [' ', '-', ':', '/', ',', "'", '=', '.', '\t', '', '_'][random(11)]!,
  ];
  for (let round = 0; round < 3000; round++) {
    let text = '';
    for (let k = random(30); k >= 0; k--) text += pieces[random(pieces.length)]!();
    const key = shapeKey(text);
    assert.is(key.length, text.length);
    assert.is(key, oracle(text), JSON.stringify(text));
  }
});

/** Every text file under the fixture folders and examples. */
function fixtureFiles(): string[] {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(log|json|ndjson)$|^UPID:/.test(name) && !name.endsWith('expected.json') && !name.endsWith('capture.json')) out.push(path);
    }
  };
  for (const dir of ['fixtures/real', 'fixtures/synthetic', 'fixtures/fleet', 'examples']) walk(join(root, dir));
  return out;
}

test('a parse of the shape gives the spans a parse of the original text gives, on every fixture', async () => {
  const prototype = ShapeCache.prototype as unknown as { get(text: string): unknown };
  const original = prototype.get;
  let compared = 0;
  const mismatches: string[] = [];
  prototype.get = function (this: { parse(text: string): unknown }, text: string): unknown {
    const cached = original.call(this, text);
    compared += 1;
    if (JSON.stringify(cached) !== JSON.stringify(this.parse(text)) && mismatches.length < 5) mismatches.push(text);
    return cached;
  };
  try {
    const files = fixtureFiles();
    assert.ok(files.length > 100, `fixture files found: ${files.length}`);
    await analyzeFiles(files);
    const catalog = JSON.parse(readFileSync(new URL('../../fixtures/catalog/messages.json', import.meta.url), 'utf8')) as { message: string }[];
    for (const entry of catalog) extractMessage(entry.message);
    // kvm command lines differ per VM in uuid, vmgenid and mac: they must share one shape.
    const kvm = (uuid: string, mac: string): string => `start failed: command '/usr/bin/kvm -id 101 -smbios 'type=1,uuid=${uuid}' -device 'vmgenid,guid=${uuid}' -drive 'file=rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf:id=pve:keyring=/etc/pve/priv/ceph/ceph-vm.keyring,if=none' -device 'virtio-net-pci,mac=${mac},netdev=net0'' failed: got timeout`;
    const a = kvm('3f2a9c1e-4b7d-4e2a-af10-0123456789ab', 'BC:24:11:D4:5E:D0');
    const b = kvm('abcdef12-dead-beef-cafe-fedcba987654', 'AA:BB:CC:DD:EE:FF');
    assert.is(shapeKey(a), shapeKey(b));
    assert.equal(extractMessage(b).target?.image, 'vm-101-disk-0');
  } finally {
    prototype.get = original;
  }
  assert.ok(compared > 1000, `parses compared: ${compared}`);
  assert.equal(mismatches, []);
});

test.run();
