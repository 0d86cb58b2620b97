// The SIMD needle scanner finds exactly the lines the one-indexOf-per-needle reference finds,
// and counts every newline, on random text, real fixtures and the edges of its 16-byte blocks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createNeedleScanner, EVERYDAY_WORDS, layout } from '../src/sources/needle-scan.js';
import { candidateLineStarts, candidateLines, indexOfLines, NEEDLE_LISTS, NEEDLES, type NeedleSet } from '../src/sources/prefilter.js';

function reference(buf: Buffer, needles: readonly string[]): { starts: number[]; newlines: number } {
  const starts = new Set<number>();
  for (const needle of needles) {
    for (let at = buf.indexOf(needle, 0, 'latin1'); at !== -1; at = buf.indexOf(needle, at + 1, 'latin1')) starts.add(buf.lastIndexOf(10, at) + 1);
  }
  let newlines = 0;
  for (const byte of buf) if (byte === 10) newlines += 1;
  return { starts: [...starts].sort((a, b) => a - b), newlines };
}

function lineIndexOf(buf: Buffer, start: number): number {
  let n = 0;
  for (let i = 0; i < start; i += 1) if (buf[i] === 10) n += 1;
  return n;
}

/** Deterministic pseudo-random text over a small alphabet, so needles occur by chance. */
function randomText(seed: number, length: number, alphabet: string): Buffer {
  let state = seed >>> 0;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) {
    state = (state * 1664525 + 1013904223) >>> 0;
    out[i] = alphabet.charCodeAt((state >>> 8) % alphabet.length);
  }
  out[length - 1] = 10;
  return out;
}

const scanner = createNeedleScanner(['rbd', 'RADOS', ']: got', "'stor", 'abcab']);

test('WebAssembly SIMD is available on the supported Node versions', () => {
  assert.ok(scanner, 'createNeedleScanner returned null: the JS fallback would be used');
});

test('random text: same lines and line indexes as the reference, same newline count', () => {
  const needles = ['rbd', 'RADOS', ']: got', "'stor", 'abcab'];
  for (let seed = 1; seed <= 40; seed += 1) {
    const text = randomText(seed, 200 + seed * 97, "rbdRADOS]: got'stabc\n\n");
    const want = reference(text, needles);
    const got = scanner!.scan(text, text.length);
    assert.equal(got.starts, want.starts, `seed ${seed}`);
    assert.is(got.newlines, want.newlines, `seed ${seed}`);
    assert.equal(got.lineIndexes, got.starts.map((s) => lineIndexOf(text, s)), `seed ${seed}`);
  }
});

test('a needle whose fingerprint is not its first bytes is not found before the region start', () => {
  // `]: got` is fingerprinted on a later window; a region starting inside it must not match.
  const text = Buffer.from(']: got timeout\nx]: got\n');
  assert.equal(scanner!.scan(text, text.length).starts, [0, 15]);
  const tail = text.subarray(2);
  assert.equal(scanner!.scan(tail, tail.length).starts, [13]);
});

test('needles at every offset of a 16-byte block and in the last partial block', () => {
  for (let pad = 0; pad < 40; pad += 1) {
    const text = Buffer.from(`${'x'.repeat(pad)}RADOS\n${'y'.repeat(pad % 17)}rbd\n`);
    assert.equal(scanner!.scan(text, text.length).starts, [0, pad + 6], `pad ${pad}`);
  }
});

test('bytes after `end` are never read as a match', () => {
  const text = Buffer.from('aaaa\nrbd\n');
  assert.equal(scanner!.scan(text, 5).starts, []);
  assert.is(scanner!.scan(text, 5).newlines, 1);
});

test('more hits than the hit buffer holds: the scan resumes and loses none', () => {
  const text = Buffer.from('rbd rbd\n'.repeat(20000));
  const got = scanner!.scan(text, text.length);
  assert.is(got.starts.length, 20000);
  assert.is(got.starts[19999], 8 * 19999);
  assert.is(got.newlines, 20000);
});

test('needles outside 3..16 bytes are refused', () => {
  assert.throws(() => createNeedleScanner(['rb']), /3\.\.16/);
  assert.throws(() => createNeedleScanner(['x'.repeat(17)]), /3\.\.16/);
});

test('every prefilter needle is scannable (3..16 bytes)', () => {
  for (const n of NEEDLES) assert.ok(n.find.length >= 3 && n.find.length <= 16, n.find);
});

test('the filter of each needle set admits at most two four-byte windows of everyday words, and 3-byte needles keep to their own buckets', () => {
  for (const set of ['journal', 'plain', 'json'] as const) {
    const needles = NEEDLE_LISTS[set].map((n) => Buffer.from(n, 'latin1'));
    const { masks, buckets, entries } = layout(needles);
    // The greedy layout cannot always avoid them all; a few cost little, dozens would not.
    const admitted = new Set<string>();
    for (const word of EVERYDAY_WORDS) {
      for (let at = 0; at + 4 <= word.length; at += 1) {
        let bits = 0xff;
        for (let p = 0; p < 4; p += 1) {
          const byte = word.charCodeAt(at + p);
          bits &= masks[p * 32 + (byte & 15)]! & masks[p * 32 + 16 + (byte >> 4)]!;
        }
        if (bits !== 0) admitted.add(word.slice(at, at + 4));
      }
    }
    assert.ok(admitted.size <= 2, `${set}: buckets admit ${[...admitted].join(', ')}`);
    for (let b = 0; b < 8; b += 1) {
      const lengths = Array.from({ length: buckets[b * 2 + 1]! }, (_, k) => entries[(buckets[b * 2]! + k) * 5 + 1]!);
      assert.ok(lengths.every((n) => n === 3) || lengths.every((n) => n > 3), `${set}: bucket ${b} mixes lengths ${lengths.join(',')}`);
    }
  }
});

test('fixtures: the scanner, the indexOf reference and the fallback pick and number the same lines in every format', () => {
  const files: [string, NeedleSet][] = [];
  for (const dir of ['fixtures/real', 'examples']) {
    for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
      if (entry.endsWith('.log') || entry.endsWith('.txt')) files.push([join(dir, entry), 'journal']);
      if (entry.endsWith('.json') && !entry.endsWith('expected.json')) files.push([join(dir, entry), 'json']);
    }
  }
  assert.ok(files.length > 10, `only ${files.length} fixture files`);
  for (const [file, set] of files) {
    const buf = readFileSync(file);
    const end = buf.lastIndexOf(10) + 1;
    for (const s of ['journal', 'plain', set] as NeedleSet[]) {
      const simd = candidateLines(buf, end, s);
      assert.equal(simd.starts, candidateLineStarts(buf, end, s), `${file} (${s})`);
      // The fallback numbers the lines and counts them as the scanner does.
      assert.equal(indexOfLines(buf, end, s), simd, `${file} (${s}) fallback`);
    }
  }
});

test.run();
