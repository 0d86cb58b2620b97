/**
 * Binary journal files (`*.journal`, `*.journal~`, journal-remote's `remote-<host>.journal`)
 * → LogRecords, the same records the export reader makes of `journalctl --file=X -o export`:
 * each entry's fields become the text fields the export stream would carry and go through the
 * same conversion (journalEntryRecord). A record's `line` is the entry's sequence number (the
 * `i=` of its journalctl cursor). Only entries whose MESSAGE holds a needle are read (the
 * reader's fast path); `match` keeps entries with one of the `FIELD=value` pairs (live mode).
 * Several files (one directory) are read as one stream, interleaved as journalctl does.
 */
import type { LogRecord } from '../types.js';
import type { InputSpec, ReadReport } from './read-records.js';
import { journalEntryRecord } from './journal-export.js';
import { candidateLines } from '../sources/prefilter.js';
import { JournalFileReader, type JournalEntry } from '../sources/journal-file/reader.js';
import { JournalHeaderError } from '../sources/journal-file/header.js';
import { interleaveEntries } from '../sources/journal-file/interleave.js';

/** A journal held in memory (piped or inside gzip/xz/zstd) may be this large. */
export { MAX_IN_MEMORY_JOURNAL_BYTES } from '../sources/journal-file/sniff.js';

const BATCH_RECORDS = 512;

/** The prefilter on MESSAGE values: the needle set the export reader's `hasNeedle` uses. */
const scanMessages = (buf: Buffer, end: number): readonly number[] => candidateLines(buf, end, 'plain').starts;

/** Where the journal comes from. */
export type JournalFileInput =
  | { readonly path: string }
  | { readonly bytes: Buffer };

/** The text fields of an entry, as `journalctl -o export` gives them (a repeated field: the last value). */
export function entryTextFields(entry: JournalEntry): Record<string, string> {
  const fields: Record<string, string> = {
    __REALTIME_TIMESTAMP: String(entry.realtime),
    __MONOTONIC_TIMESTAMP: String(entry.monotonic),
    _BOOT_ID: entry.bootId,
  };
  for (const f of entry.fields) fields[f.name] = f.value.toString('utf8');
  return fields;
}

/** True when the entry has one of the `FIELD=value` pairs of `match` (no match: every entry). */
function matches(entry: JournalEntry, wanted: ReadonlyMap<string, ReadonlySet<string>> | null): boolean {
  if (wanted === null) return true;
  for (const f of entry.fields) {
    const values = wanted.get(f.name);
    if (values && values.has(f.value.toString('utf8'))) return true;
  }
  return false;
}

function matchTable(match: readonly string[] | undefined): Map<string, Set<string>> | null {
  if (!match || match.length === 0) return null;
  const table = new Map<string, Set<string>>();
  for (const m of match) {
    const eq = m.indexOf('=');
    if (eq <= 0) continue;
    const name = m.slice(0, eq);
    let values = table.get(name);
    if (!values) table.set(name, (values = new Set()));
    values.add(m.slice(eq + 1));
  }
  return table;
}

/** One journal file to read: where its bytes are, its input spec, and the report its problems go to. */
export interface JournalFileJob {
  readonly input: JournalFileInput;
  readonly spec: InputSpec;
  readonly report: ReadReport;
}

function openReader(job: JournalFileJob): JournalFileReader | null {
  const { input, spec, report } = job;
  report.format = 'journal-file';
  try {
    return 'path' in input ? JournalFileReader.open(input.path) : JournalFileReader.fromBuffer(input.bytes, spec.name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = err instanceof JournalHeaderError ? err.message
      : code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read journal file: ${(err as Error).message}`;
    report.errors.push({ source: spec.name, message });
    return null;
  }
}

function closeReader(reader: JournalFileReader, job: JournalFileJob): void {
  const { spec, report } = job;
  const online = reader.header.state === 'online';
  report.stats.lines = reader.header.nEntries;
  // Damage in a file being written is expected at its tail: a warning. Elsewhere the file was not read whole.
  const list = online ? report.warnings : report.errors;
  for (const p of reader.problems) list.push({ source: spec.name, message: `journal damaged at offset ${p.offset}: ${p.message}` });
  const more = reader.problemCount - reader.problems.length;
  if (more > 0) list.push({ source: spec.name, message: `journal damaged: ${more} more problem(s) not listed` });
  reader.close();
}

/**
 * Reads journal files into records: one file in its order, several interleaved as journalctl
 * interleaves them (interleave.ts). Problems go to each file's report with their offsets.
 */
export async function* readJournalFilesRecords(jobs: readonly JournalFileJob[], match?: readonly string[]): AsyncGenerator<LogRecord[]> {
  const open: { reader: JournalFileReader; job: JournalFileJob }[] = [];
  for (const job of jobs) {
    const reader = openReader(job);
    if (!reader) continue;
    if (reader.header.state === 'online') {
      job.report.warnings.push({ source: job.spec.name, message: 'journal file is online (being written, or its writer stopped without closing it): read the entries linked so far' });
    }
    open.push({ reader, job });
  }
  const wanted = matchTable(match);
  try {
    let batch: LogRecord[] = [];
    const files = open.map(({ reader }) => ({ seqnumId: reader.header.seqnumId, entries: reader.selectedEntries(scanMessages) }));
    for (const { entry, file } of interleaveEntries(files)) {
      if (!matches(entry, wanted)) continue;
      const record = journalEntryRecord(entryTextFields(entry), (open[file] as (typeof open)[number]).job.spec, entry.seqnum);
      if (record) batch.push(record);
      if (batch.length >= BATCH_RECORDS) { yield batch; batch = []; }
    }
    if (batch.length > 0) yield batch;
  } finally {
    for (const { reader, job } of open) closeReader(reader, job);
  }
}

/** Reads one journal file into records; problems go to `report` with their offsets. */
export function readJournalFileRecords(input: JournalFileInput, spec: InputSpec, report: ReadReport, match?: readonly string[]): AsyncGenerator<LogRecord[]> {
  return readJournalFilesRecords([{ input, spec, report }], match);
}
