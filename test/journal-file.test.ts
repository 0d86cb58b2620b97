// The native journal-file reader on the committed journal files of fixtures/journal (written by
// the real systemd-journal-remote; see its README): entries equal journalctl's export of each
// file field for field, the analysis equals the analysis of that export stream, and damage
// (cut files, flipped bytes, broken chains, unknown flags, online state) costs only what it
// touches. The same checks on freshly written files: test/journal-real.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalFileReader, type JournalEntry } from '../src/sources/journal-file/reader.js';
import { compareEntries, interleaveEntries } from '../src/sources/journal-file/interleave.js';
import { JournalHeaderError } from '../src/sources/journal-file/header.js';
import { lz4DecodeBlock, Lz4Error } from '../src/sources/journal-file/lz4-block.js';
import { entryTextFields, readJournalFileRecords } from '../src/records/journal-file.js';
import { journalEntryRecord } from '../src/records/journal-export.js';
import { newScanStats } from '../src/sources/split-lines.js';
import type { ReadReport } from '../src/records/read-records.js';
import { analyze } from '../src/pipeline/analyze.js';
import type { LogRecord } from '../src/types.js';
import { entriesWhollyBelow, flatEntry, gunzipFixture, incidentsWithoutSources, parseExport } from './helpers/journal-file.js';

const DIR = 'fixtures/journal';
const MODES = readdirSync(`${DIR}/modes`).filter((f) => f.endsWith('.journal.gz')).map((f) => f.replace('.journal.gz', '')).sort();
const FLEET = readdirSync(`${DIR}/fleet`).filter((f) => f.endsWith('.journal.gz')).map((f) => f.replace('.journal.gz', '')).sort();
const fixtures = new Map<string, { journal: Buffer; oracle: Buffer }>();
/** A fixture, gunzipped once (callers that change bytes copy them first). */
const fixture = (group: string, name: string): { journal: Buffer; oracle: Buffer } => {
  const key = `${group}/${name}`;
  let f = fixtures.get(key);
  if (!f) fixtures.set(key, f = { journal: gunzipFixture(`${DIR}/${key}.journal.gz`), oracle: gunzipFixture(`${DIR}/${key}.oracle.export.gz`) });
  return f;
};
const newReport = (): ReadReport => ({ format: null, stats: newScanStats(), errors: [], warnings: [] });

/** Plain-path entries of a journal held in memory, and the reader's problems. */
function readAll(bytes: Buffer): { entries: ReturnType<typeof flatEntry>[]; offsets: number[]; problems: number } {
  const reader = JournalFileReader.fromBuffer(bytes, 'mem');
  const entries = [];
  const offsets = [];
  for (const e of reader.entries()) { entries.push(flatEntry(e)); offsets.push(e.offset); }
  reader.close();
  return { entries, offsets, problems: reader.problemCount };
}

async function records(input: { bytes: Buffer } | { path: string }, name = 'x.journal'): Promise<{ records: LogRecord[]; report: ReadReport }> {
  const report = newReport();
  const out: LogRecord[] = [];
  for await (const batch of readJournalFileRecords(input, { name, chunks: async function* () { /* unused */ } }, report)) out.push(...batch);
  return { records: out, report };
}

test('fixtures cover every mode and compression, as their names say', () => {
  assert.equal(MODES, ['compact-lz4', 'compact-none', 'compact-xz', 'compact-zstd', 'regular-lz4', 'regular-none-jenkins', 'regular-xz', 'regular-zstd']);
  for (const name of MODES) {
    const reader = JournalFileReader.fromBuffer(fixture('modes', name).journal, name);
    const [mode, compression, hash] = name.split('-') as [string, string, string | undefined];
    assert.is(reader.header.compact, mode === 'compact', name);
    const compressions = [...reader.header.incompatible].filter((f) => f.startsWith('compressed-'));
    assert.equal(compressions, compression === 'none' ? [] : [`compressed-${compression}`], name);
    assert.is(reader.header.incompatible.has('keyed-hash'), hash !== 'jenkins', name);
    assert.is(reader.header.state, 'offline', name);
    reader.close();
  }
});

for (const [group, names] of [['modes', MODES], ['fleet', FLEET]] as const) {
  for (const name of names) {
    test(`${group}/${name}: every entry equals journalctl --file -o export, field for field`, () => {
      const { journal, oracle } = fixture(group, name);
      const expected = parseExport(oracle);
      const got = readAll(journal);
      assert.is(got.problems, 0);
      assert.is(got.entries.length, expected.length);
      got.entries.forEach((e, i) => assert.equal(e, expected[i], `entry ${i}`));
    });
  }
}

test('modes: compressed payloads were really read (13 long kvm lines per file, identical in every file)', () => {
  const long = (name: string): string[] => readAll(fixture('modes', name).journal).entries.flat().filter((f) => f.startsWith('MESSAGE=kvm: -blockdev') && f.length > 512);
  const reference = long('compact-none');
  assert.ok(reference.length >= 10, `${reference.length}`);
  for (const name of MODES) assert.equal(long(name), reference, name);
});

test('modes: the fast path gives the records of the plain path (every entry through the export conversion)', async () => {
  for (const name of MODES) {
    const { journal } = fixture('modes', name);
    const spec = { name: 'x.journal', chunks: async function* () { /* unused */ } };
    const reader = JournalFileReader.fromBuffer(journal, 'x.journal');
    const plain = [...reader.entries()].map((e) => journalEntryRecord(entryTextFields(e), spec, e.seqnum)).filter((r): r is LogRecord => r !== null);
    reader.close();
    const fast = await records({ bytes: journal });
    assert.ok(plain.length > 20, `${name}: ${plain.length}`);
    assert.equal(fast.records, plain, name);
    assert.equal(fast.report.errors, []);
  }
});

test('modes: analysing the journal file = analysing its export stream (and a .journal.gz reads the same)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbd-jf-'));
  try {
    for (const name of MODES) {
      const { journal, oracle } = fixture('modes', name);
      const path = join(dir, `${name}.journal`);
      writeFileSync(path, journal);
      const native = await analyze({ files: [path] });
      const exported = await analyze({ chunks: [oracle], source: 'export' });
      assert.ok(native.incidents.length >= 10, `${name}: ${native.incidents.length}`);
      assert.equal(incidentsWithoutSources(native), incidentsWithoutSources(exported), name);
      assert.equal(native.inputs, [{ source: path, format: 'journal-file', lines: parseExport(oracle).length }]);
      assert.equal([native.errors, native.warnings], [[], []]);
      const gz = await analyze({ files: [`${DIR}/modes/${name}.journal.gz`] });
      assert.equal(incidentsWithoutSources(gz), incidentsWithoutSources(native), `${name}.gz`);
      assert.is(gz.inputs[0]?.format, 'journal-file');
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('fleet: a journal-remote directory of 4 hosts is one input merged by time; nodes from _HOSTNAME; node drift', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbd-jr-'));
  try {
    const all: Buffer[] = [];
    for (const name of FLEET) {
      const { journal, oracle } = fixture('fleet', name);
      writeFileSync(join(dir, `${name}.journal`), journal);
      all.push(oracle);
    }
    const paths = FLEET.map((n) => join(dir, `${n}.journal`));
    const result = await analyze({ files: paths });
    assert.equal(result.inputs, [{ source: dir, format: 'journal-file', lines: all.reduce((n, o) => n + parseExport(o).length, 0) }]);
    assert.equal(new Set(result.incidents.map((i) => i.node)), new Set(['pve3', 'pve4']));
    const drift = result.incidents.find((i) => i.cause === 'node-drift');
    assert.ok(drift, result.incidents.map((i) => i.cause).join());
    assert.equal(drift.badNodes, ['pve3']);
    assert.ok(drift.goodNodes.includes('pve1'));
    // Same as journalctl --directory: the four exports interleaved by time.
    const merged = all.flatMap((o) => parseExport(o)).map((e, i) => ({ e, i, t: Number(e[0]?.slice('__REALTIME_TIMESTAMP='.length)) }));
    merged.sort((a, b) => a.t - b.t || a.i - b.i);
    const { exportEntry } = await import('../../bench/lib/export.js' as string) as { exportEntry: (f: Record<string, string | Buffer>) => Buffer };
    const stream = Buffer.concat(merged.map(({ e }) => exportEntry(Object.fromEntries(e.map((f) => {
      const eq = f.indexOf('=');
      const v = f.slice(eq + 1);
      return [f.slice(0, eq), v.startsWith('<hex:') ? Buffer.from(v.slice(5, -1), 'hex') : v];
    })))));
    const exported = await analyze({ chunks: [stream] });
    assert.equal(incidentsWithoutSources(result), incidentsWithoutSources(exported));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('cut at every 4 KiB boundary: no error thrown, exactly the entries wholly before the cut, records within the full set', async () => {
  const { journal } = fixture('modes', 'compact-zstd');
  const full = readAll(journal);
  const fullRecords = (await records({ bytes: journal })).records.map((r) => JSON.stringify(r));
  const reader = JournalFileReader.fromBuffer(journal, 'x');
  const used = reader.header.tailObjectOffset + 4096 * 2;
  reader.close();
  let cuts = 0;
  for (let cut = 4096; cut < Math.min(journal.length, used); cut += 4096) {
    cuts += 1;
    const part = journal.subarray(0, cut);
    const got = readAll(part);
    const expected = entriesWhollyBelow(journal, cut);
    assert.equal(got.offsets, expected, `cut at ${cut}`);
    for (const [i, offset] of got.offsets.entries()) assert.equal(got.entries[i], full.entries[full.offsets.indexOf(offset)]);
    const fast = await records({ bytes: part });
    assert.ok(fast.records.every((r) => fullRecords.includes(JSON.stringify(r))), `cut at ${cut}`);
    if (got.offsets.length < full.offsets.length) {
      assert.ok(fast.report.errors.length > 0 && fast.report.errors.every((e) => /^journal damaged at offset \d+: /.test(e.message) || /more problem/.test(e.message)), `cut at ${cut}: ${JSON.stringify(fast.report.errors)}`);
    }
  }
  assert.ok(cuts > 900, `${cuts}`);
  // A cut inside the header: one error, no records.
  const header = await records({ bytes: journal.subarray(0, 100) });
  assert.equal(header.records, []);
  assert.match(header.report.errors[0]?.message ?? '', /journal header cut at 100 bytes/);
});

test('random byte flips in the objects: never throws, never loops, only entries of the file come out', () => {
  const { journal } = fixture('modes', 'regular-zstd');
  const data = Buffer.from(journal);
  const full = readAll(data);
  const reader = JournalFileReader.fromBuffer(data, 'x');
  const fieldTable = reader.header.fieldHashTableOffset;
  const tail = reader.header.tailObjectOffset + 64;
  reader.close();
  let seed = 7;
  const random = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  // Objects sit after the data hash table (megabytes of zeros, never read): flip there, and in the field table.
  const objects = Math.max(fieldTable, Math.min(...full.offsets) - 128 * 1024);
  for (let round = 0; round < 400; round++) {
    const at = round < 40 ? fieldTable + random(4096) : objects + random(tail - objects);
    const before = data[at] as number;
    data[at] = before ^ (1 << random(8));
    try {
      const got = readAll(data);
      assert.ok(got.offsets.every((o) => full.offsets.includes(o)), `flip at ${at}`);
    } finally { data[at] = before; }
  }
});

test('unknown incompatible flag: a clear error naming the bit; online state: a warning, entries read', async () => {
  const { journal } = fixture('modes', 'compact-lz4');
  const flagged = Buffer.from(journal);
  flagged.writeUInt32LE(flagged.readUInt32LE(12) | (1 << 5), 12);
  assert.throws(() => JournalFileReader.fromBuffer(flagged, 'x'), (e: unknown) => e instanceof JournalHeaderError && /unknown incompatible journal feature flag bit 5 \(0x20\)/.test(e.message));
  const r = await records({ bytes: flagged }, 'new.journal');
  assert.equal(r.records, []);
  assert.equal(r.report.errors.map((e) => e.source), ['new.journal']);
  const online = Buffer.from(journal);
  online[16] = 1;
  const o = await records({ bytes: online });
  assert.is(o.records.length, (await records({ bytes: journal })).records.length);
  assert.match(o.report.warnings[0]?.message ?? '', /online/);
  assert.equal(o.report.errors, []);
});

test('a broken entry-array chain: entries before the break are kept, the error names the offset', async () => {
  const { journal } = fixture('modes', 'regular-none-jenkins');
  const broken = Buffer.from(journal);
  const first = Number(broken.readBigUInt64LE(176));
  // The first array's next pointer aimed back at itself (a loop).
  broken.writeBigUInt64LE(BigInt(first), first + 16);
  const got = readAll(broken);
  const full = readAll(journal);
  assert.ok(got.offsets.length > 0 && got.offsets.length < full.offsets.length, `${got.offsets.length}/${full.offsets.length}`);
  assert.equal(got.offsets, full.offsets.slice(0, got.offsets.length));
  const reader = JournalFileReader.fromBuffer(broken, 'x');
  [...reader.entries()];
  assert.equal(reader.problems, [{ offset: first, message: `entry-array chain at ${first} points back to ${first}` }]);
  reader.close();
  // The fast path finds entries through each message's own list: the main chain's damage costs it nothing.
  assert.equal((await records({ bytes: broken })).records, (await records({ bytes: journal })).records);
});

test('not a journal, or a bad header: one error naming the file; CLI exit 2', async () => {
  const { journal } = fixture('modes', 'compact-none');
  const bad = Buffer.from(journal.subarray(0, 4096));
  bad.writeBigUInt64LE(7n, 88); // header_size
  const r = await records({ bytes: bad }, 'bad.journal');
  assert.equal(r.report.errors, [{ source: 'bad.journal', message: 'journal header_size 7 is not valid (file is 4096 bytes)' }]);
  const dir = mkdtempSync(join(tmpdir(), 'rbd-jb-'));
  try {
    writeFileSync(join(dir, 'bad.journal'), bad);
    const result = await analyze({ files: [join(dir, 'bad.journal')] });
    assert.equal(result.errors, [{ source: join(dir, 'bad.journal'), message: 'journal header_size 7 is not valid (file is 4096 bytes)' }]);
    assert.equal(result.inputs[0]?.format, 'journal-file');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('lz4 block decoder: literals, overlapping matches, and damaged blocks fail with Lz4Error', () => {
  // Token 0x38: 3 literals `abc`, a match of 8+4 = 12 bytes at distance 3 (overlapping); token 0x10: last literal `z`.
  assert.is(lz4DecodeBlock(Uint8Array.from([0x38, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x7a]), 16).toString(), 'abcabcabcabcabcz');
  assert.throws(() => lz4DecodeBlock(Uint8Array.from([0x38, 0x61, 0x62, 0x63, 0x09, 0x00, 0x10, 0x7a]), 16), (e: unknown) => e instanceof Lz4Error);
  assert.throws(() => lz4DecodeBlock(Uint8Array.from([0x38, 0x61]), 16), (e: unknown) => e instanceof Lz4Error);
  assert.throws(() => lz4DecodeBlock(Uint8Array.from([0x10, 0x61]), 5), (e: unknown) => e instanceof Lz4Error);
});

test('interleaving several files as journalctl does: one writer by seqnum (even across a clock jump), else boot + monotonic, else wall clock', () => {
  const e = (seqnum: number, realtime: number, bootId = 'b1', monotonic = seqnum): JournalEntry => ({ offset: 0, seqnum, realtime, monotonic, bootId, fields: [] });
  // Rotated files of one writer (same seqnum id): the clock went back between them.
  const older = { seqnumId: 's', entries: [e(1, 500), e(2, 600)] };
  const newer = { seqnumId: 's', entries: [e(3, 100), e(4, 200)] };
  assert.equal([...interleaveEntries([newer, older])].map((x) => x.entry.seqnum), [1, 2, 3, 4]);
  // Two hosts (other seqnum ids and boots): wall clock; equal times keep the file named first.
  const h1 = { seqnumId: 'a', entries: [e(1, 10, 'x'), e(2, 30, 'x')] };
  const h2 = { seqnumId: 'b', entries: [e(7, 20, 'y'), e(8, 30, 'y')] };
  assert.equal([...interleaveEntries([h1, h2])].map((x) => `${x.file}:${x.entry.seqnum}`), ['0:1', '1:7', '0:2', '1:8']);
  // Same boot, other writers: monotonic time decides, not the wall clock.
  const p = { seqnumId: 'p', entries: [e(1, 900, 'z', 5)] };
  const q = { seqnumId: 'q', entries: [e(1, 100, 'z', 9)] };
  assert.equal([...interleaveEntries([q, p])].map((x) => x.file), [1, 0]);
  assert.ok(compareEntries({ entry: e(1, 1), seqnumId: 's', file: 0 }, { entry: e(2, 0), seqnumId: 's', file: 1 }) < 0);
});

test.run();
