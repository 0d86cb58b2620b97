/**
 * Interleaves the entries of several journal files the way journalctl does (sd-journal's
 * location comparison): two entries of files with the same seqnum id are ordered by sequence
 * number, else two of the same boot by monotonic time, else by wall-clock time. Rotated files of
 * one writer therefore stay in writing order even when the clock jumped, and files of different
 * hosts are merged by time. Each file's own order is kept.
 */
import type { JournalEntry } from './reader.js';

/** An entry with the seqnum id of its file. */
export interface FiledEntry {
  readonly entry: JournalEntry;
  readonly seqnumId: string;
  /** Index of its file among the merged ones (ties: the file named first). */
  readonly file: number;
}

/** Negative when `a` comes first. */
export function compareEntries(a: FiledEntry, b: FiledEntry): number {
  const x = a.entry;
  const y = b.entry;
  if (a.seqnumId === b.seqnumId && x.seqnum !== y.seqnum) return x.seqnum - y.seqnum;
  if (x.bootId === y.bootId && x.monotonic !== y.monotonic) return x.monotonic - y.monotonic;
  if (x.realtime !== y.realtime) return x.realtime - y.realtime;
  return a.file - b.file;
}

/** The entries of all `files` (each in its own order), interleaved. */
export function* interleaveEntries(files: readonly { readonly seqnumId: string; readonly entries: Iterable<JournalEntry> }[]): Generator<FiledEntry> {
  const heads: { it: Iterator<JournalEntry>; head: FiledEntry }[] = [];
  files.forEach((f, file) => {
    const it = f.entries[Symbol.iterator]();
    const next = it.next();
    if (!next.done) heads.push({ it, head: { entry: next.value, seqnumId: f.seqnumId, file } });
  });
  while (heads.length > 0) {
    let best = 0;
    for (let i = 1; i < heads.length; i++) if (compareEntries((heads[i] as (typeof heads)[number]).head, (heads[best] as (typeof heads)[number]).head) < 0) best = i;
    const chosen = heads[best] as (typeof heads)[number];
    yield chosen.head;
    const next = chosen.it.next();
    if (next.done) heads.splice(best, 1);
    else chosen.head = { entry: next.value, seqnumId: chosen.head.seqnumId, file: chosen.head.file };
  }
}
