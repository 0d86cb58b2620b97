// Helpers for the journal-file suites: parse journalctl's export output (the oracle), put the
// reader's entries in the same shape, compare analyses whatever the input's name, and find which
// entries of a file lie wholly below a byte offset (walked here from the raw bytes, not with the
// reader under test).
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { JournalEntry } from '../../src/sources/journal-file/reader.js';
import type { AnalysisResult } from '../../src/types.js';

/** One entry as `name=value` strings (binary values as `name=<hex:…>`), in order. */
export type FlatEntry = readonly string[];

const flatField = (name: string, value: Buffer): string => {
  const text = value.toString('utf8');
  return Buffer.from(text, 'utf8').equals(value) && !/[\x00-\x08\x0a-\x1f]/.test(text) ? `${name}=${text}` : `${name}=<hex:${value.toString('hex')}>`;
};

/** Entries of an export stream; the reader's position fields (`__CURSOR`, `__SEQNUM*`) are left out. */
export function parseExport(bytes: Buffer): FlatEntry[] {
  const entries: FlatEntry[] = [];
  let fields: string[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const nl = bytes.indexOf(10, pos);
    const end = nl === -1 ? bytes.length : nl;
    if (end === pos) { if (fields.length > 0) entries.push(fields); fields = []; pos = end + 1; continue; }
    const eq = bytes.indexOf(61, pos);
    if (eq !== -1 && eq < end) {
      const name = bytes.toString('latin1', pos, eq);
      if (!name.startsWith('__CURSOR') && !name.startsWith('__SEQNUM')) fields.push(flatField(name, bytes.subarray(eq + 1, end)));
      pos = end + 1;
      continue;
    }
    const name = bytes.toString('latin1', pos, end);
    const size = Number(bytes.readBigUInt64LE(end + 1));
    fields.push(flatField(name, bytes.subarray(end + 9, end + 9 + size)));
    pos = end + 9 + size + 1;
  }
  if (fields.length > 0) entries.push(fields);
  return entries;
}

/** A reader entry as journalctl exports it: stamps and boot id first, the `_BOOT_ID` data field not again. */
export function flatEntry(e: JournalEntry): FlatEntry {
  return [
    `__REALTIME_TIMESTAMP=${e.realtime}`, `__MONOTONIC_TIMESTAMP=${e.monotonic}`, `_BOOT_ID=${e.bootId}`,
    ...e.fields.filter((f) => f.name !== '_BOOT_ID').map((f) => flatField(f.name, f.value)),
  ];
}

/** A committed fixture, gunzipped. */
export const gunzipFixture = (path: string): Buffer => gunzipSync(readFileSync(path));

/** Incidents without what depends on the input's name and position (source, line, id). */
export function incidentsWithoutSources(result: AnalysisResult): unknown {
  return result.incidents.map((i) => ({
    ...i,
    id: null,
    evidence: i.evidence.map((e) => ({ ...e, source: null, line: null })),
  }));
}

const u64 = (b: Buffer, at: number): number => b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 0x100000000;

/**
 * Offsets of the entries whose ENTRY object, DATA objects and main-chain arrays (up to the one
 * listing them) all end at or before `limit`, per the complete file `full`.
 */
export function entriesWhollyBelow(full: Buffer, limit: number): number[] {
  const compact = (full.readUInt32LE(12) & 16) !== 0;
  const nEntries = u64(full, 152);
  const end = (offset: number): number => offset + u64(full, offset + 8);
  const out: number[] = [];
  let arraysEnd = 0;
  let seen = 0;
  for (let array = u64(full, 176); array !== 0 && seen < nEntries; array = u64(full, array + 16)) {
    arraysEnd = Math.max(arraysEnd, end(array));
    const step = compact ? 4 : 8;
    for (let at = array + 24; at < end(array) && seen < nEntries; at += step) {
      const entry = compact ? full.readUInt32LE(at) : u64(full, at);
      if (entry === 0) break;
      seen += 1;
      const itemStep = compact ? 4 : 16;
      let last = Math.max(arraysEnd, end(entry));
      for (let item = entry + 64; item < end(entry); item += itemStep) last = Math.max(last, end(compact ? full.readUInt32LE(item) : u64(full, item)));
      if (last <= limit) out.push(entry);
    }
  }
  return out;
}
