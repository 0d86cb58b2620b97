/**
 * Reads one input into LogRecords: detects the format, runs the byte prefilter,
 * drops look-alikes, and parses journal prefixes / JSON / export entries.
 */
import type { InputError, InputFormat, LogRecord } from '../types.js';
import { InputReadError } from '../sources/open-input.js';
import { splitLines, type NumberedLine, type Prefilter, type ScanStats } from '../sources/split-lines.js';
import { detectFormat } from './detect-format.js';
import { lookAlike } from '../sources/prefilter.js';
import { findUpid } from '../upid.js';
import { parseJournalPrefix } from './journal-prefix.js';
import { YearlessClock, readDatedStamp, type ClockOptions } from './clock.js';
import { jsonLineToRecord } from './journal-json.js';
import { readExportRecords } from './journal-export.js';
import { MAX_IN_MEMORY_JOURNAL_BYTES, readJournalFileRecords } from './journal-file.js';
import { hasJournalSignature, isJournalFile } from '../sources/journal-file/sniff.js';

/** One input to read. */
export interface InputSpec {
  /** Shown in evidence and errors: a path, `<stdin>`, or a name the caller chose. */
  readonly name: string;
  readonly chunks: () => AsyncIterable<Buffer>;
  /** Reference time for year inference (a file's mtime). */
  readonly reference?: Date;
  /** Node name to use when lines carry none (e.g. from a per-node folder). */
  readonly nodeHint?: string | null;
  /** The file behind `chunks`, when there is one: a binary journal file is read from it by offset. */
  readonly path?: string;
  /** Journal files: keep only entries with one of these `FIELD=value` pairs (live mode's selection). */
  readonly journalMatch?: readonly string[];
}

/** Options for reading. */
export interface ReadOptions extends ClockOptions {
  /** Force a format instead of detecting it. */
  readonly inputFormat?: InputFormat;
}

/** What reading one input produced besides records. */
export interface ReadReport {
  format: InputFormat | null;
  readonly stats: ScanStats;
  readonly errors: InputError[];
  readonly warnings: InputError[];
}

const TEXT_JOURNAL: ReadonlySet<InputFormat> = new Set(['short', 'short-precise', 'short-iso', 'short-iso-precise', 'short-full', 'syslog']);

function prefilterFor(format: InputFormat): Prefilter {
  if (format === 'tasklog' || format === 'cli') return 'off';
  if (format === 'json') return 'json';
  return TEXT_JOURNAL.has(format) ? 'journal' : 'plain';
}

/** Reads records in batches. Errors go to `report` (one line each); what was read before stays. */
export async function* readRecords(spec: InputSpec, options: ReadOptions, report: ReadReport): AsyncGenerator<LogRecord[]> {
  if (spec.path !== undefined && options.inputFormat === undefined && await isJournalFile(spec.path)) {
    yield* readJournalFileRecords({ path: spec.path }, spec, report, spec.journalMatch);
    return;
  }
  const source = spec.chunks()[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await source.next();
  } catch (err) {
    report.errors.push({ source: spec.name, message: err instanceof InputReadError ? err.message : (err as Error).message });
    return;
  }
  if (first.done) { report.format = options.inputFormat ?? 'cat'; return; }
  const head = first.value;
  if (hasJournalSignature(head)) {
    // Piped, or inside gzip/xz/zstd: a journal is read by offset, so it is gathered first.
    let bytes: Buffer | null;
    try { bytes = await gather(head, source, MAX_IN_MEMORY_JOURNAL_BYTES); } catch (err) {
      report.format = 'journal-file';
      report.errors.push({ source: spec.name, message: err instanceof InputReadError ? err.message : (err as Error).message });
      return;
    }
    if (bytes === null) report.errors.push({ source: spec.name, message: `journal file over ${MAX_IN_MEMORY_JOURNAL_BYTES >> 20} MiB in a stream or compressed file: decompress it to disk first` });
    else yield* readJournalFileRecords({ bytes }, spec, report, spec.journalMatch);
    return;
  }
  const headText = head.subarray(0, 64 * 1024).toString('utf8');
  const format = options.inputFormat ?? detectFormat(spec.name, headText);
  report.format = format;
  if (format !== 'export' && looksBinary(head)) {
    report.errors.push({ source: spec.name, message: 'binary data, not a text log (skipped)' });
    return;
  }
  const all = (async function* () {
    yield head;
    for (;;) { const n = await source.next(); if (n.done) return; yield n.value; }
  })();

  try {
    if (format === 'export') {
      yield* readExportRecords(all, spec, report);
      return;
    }
    const clock = new YearlessClock({ ...options, ...(spec.reference ? { reference: spec.reference } : {}) });
    const taskUpid = format === 'tasklog' ? findUpid(spec.name) : null;
    for await (const batch of splitLines(all, prefilterFor(format), report.stats)) {
      const records: LogRecord[] = [];
      for (const line of batch) {
        if (lookAlike(line.text) !== null) continue;
        const record = format === 'json'
          ? jsonLineToRecord(line, spec, report)
          : TEXT_JOURNAL.has(format)
            ? journalLineRecord(line.text, line.line, spec.name, spec.nodeHint ?? null, clock, options.tz)
            : plainRecord(line, spec, taskUpid);
        if (record) records.push(record);
      }
      if (records.length > 0) yield records;
    }
  } catch (err) {
    const message = err instanceof InputReadError ? err.message : `read failed: ${(err as Error).message}`;
    report.errors.push({ source: spec.name, message: `${message} after ${report.stats.lines} lines` });
  } finally {
    noteStats(spec.name, report);
  }
}

/** The whole input in one buffer, or null past `limit` bytes. */
async function gather(head: Buffer, rest: AsyncIterator<Buffer>, limit: number): Promise<Buffer | null> {
  const parts = [head];
  let size = head.length;
  for (;;) {
    const next = await rest.next();
    if (next.done) return Buffer.concat(parts, size);
    size += next.value.length;
    if (size > limit) { await rest.return?.(); return null; }
    parts.push(Buffer.from(next.value)); // chunks may be reused buffers
  }
}

function noteStats(name: string, report: ReadReport): void {
  const s = report.stats;
  if (s.truncatedLines > 0) report.warnings.push({ source: name, message: `${s.truncatedLines} line(s) longer than 1 MiB were cut` });
  if (s.nulBytes > 0) report.warnings.push({ source: name, message: `${s.nulBytes} NUL byte(s) ignored` });
  if (s.invalidUtf8Lines > 0) report.warnings.push({ source: name, message: `${s.invalidUtf8Lines} line(s) with invalid UTF-8 (read with replacement characters)` });
}

/** Binary junk: NULs or control bytes dominate the first bytes. */
function looksBinary(head: Buffer): boolean {
  const sample = head.subarray(0, 4096);
  let odd = 0;
  for (const byte of sample) if (byte === 0 || (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 27)) odd += 1;
  return sample.length > 0 && odd / sample.length > 0.1;
}

/**
 * A journal/syslog text line as a record (also `parseLine`'s reader). A line whose prefix does not
 * parse is kept as unparsed evidence: the message is the whole line.
 */
export function journalLineRecord(text: string, line: number, source: string, nodeHint: string | null, clock: YearlessClock, tz: string | undefined): LogRecord {
  const prefix = parseJournalPrefix(text);
  if (!prefix) {
    return { source, line, time: null, epochMs: null, node: nodeHint, ident: null, pid: null, message: text, upid: null };
  }
  const when = prefix.date !== null
    ? readDatedStamp(prefix.date, prefix.clock, prefix.zone, tz)
    : clock.read(prefix.month ?? '', prefix.day ?? 0, prefix.clock);
  return {
    source,
    line,
    time: when?.iso ?? null,
    epochMs: when?.ms ?? null,
    node: prefix.host,
    ident: prefix.ident,
    pid: prefix.pid,
    message: text.slice(prefix.length),
    upid: null,
  };
}

function plainRecord(line: NumberedLine, spec: InputSpec, taskUpid: ReturnType<typeof findUpid>): LogRecord | null {
  if (line.text.trim().length === 0) return null;
  const start = taskUpid ? taskUpid.startTime * 1000 : null;
  return {
    source: spec.name,
    line: line.line,
    time: start !== null ? new Date(start).toISOString() : null,
    epochMs: start,
    node: taskUpid?.node ?? spec.nodeHint ?? null,
    ident: taskUpid ? 'task' : null,
    pid: taskUpid?.pid ?? null,
    message: line.text,
    upid: taskUpid?.text ?? null,
  };
}
