/**
 * Reads one input into LogRecords: detects the format, runs the byte prefilter,
 * drops look-alikes, and parses journal prefixes / JSON / export entries.
 */
import type { InputError, InputFormat, LogRecord } from '../types.js';
import { InputReadError, type WarningSink } from '../sources/open-input.js';
import { splitLines, type NumberedLine, type Prefilter, type ScanStats } from '../sources/split-lines.js';
import { detectFormat, isJournalMarker, isLogEntryLine } from './detect-format.js';
import { lookAlike } from '../sources/prefilter.js';
import { cephLogRecord, isClusterEventText, parseCephLogMessage } from './ceph-log.js';
import { findUpid } from '../upid.js';
import { parseJournalPrefix, type JournalPrefixParse } from './journal-prefix.js';
import { YearlessClock, readDatedStamp, type ClockOptions } from './clock.js';
import { jsonLineToRecord } from './journal-json.js';
import { readExportRecords } from './journal-export.js';
import { MAX_IN_MEMORY_JOURNAL_BYTES, hasJournalSignature, isJournalFile } from '../sources/journal-file/sniff.js';
import { MAX_NESTING, nestingExceeds } from '../grammar/shape-cache.js';
import { cutBeforePartialWord, redact, startAfterPartialWord } from '../redact.js';

/** One input to read. */
export interface InputSpec {
  /** Shown in evidence and errors: a path, `<stdin>`, or a name the caller chose. */
  readonly name: string;
  /** The input's bytes; `warn` takes what is worth a warning but does not end the input (trailing garbage). */
  readonly chunks: (warn: WarningSink) => AsyncIterable<Buffer>;
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

/**
 * The needles of each format. `cat` and `cli` read each line as what it looks like (a journal
 * line, a JSON entry or a bare message; see readRecords), so `cat` takes the json set, the widest
 * (the plain needles of pasted text, and byte-array or omitted MESSAGEs).
 */
function prefilterFor(format: InputFormat): Prefilter {
  if (format === 'tasklog' || format === 'cli' || format === 'ceph-log') return 'off';
  if (format === 'json' || format === 'cat') return 'json';
  return TEXT_JOURNAL.has(format) ? 'journal' : 'plain';
}

/**
 * Longest message handed on: longer ones keep their head and tail (wrappers come first, the error
 * text last), joined by ` … `. The grammars cost tens of µs per character on odd text (see
 * MAX_GRAMMAR_INPUT); no real message is this long (the longest fixture line is under 3 KiB).
 */
export const MAX_MESSAGE_CHARS = 6 * 1024;
const MESSAGE_HEAD_CHARS = 4 * 1024;
const MESSAGE_TAIL_CHARS = 2 * 1024;

/** The message of a record cut to MAX_MESSAGE_CHARS (no partial key left at either cut). */
export function boundMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const code = (i: number): number => message.charCodeAt(i);
  const headEnd = cutBeforePartialWord(code, MESSAGE_HEAD_CHARS);
  const tailStart = startAfterPartialWord(code, message.length - MESSAGE_TAIL_CHARS, message.length);
  return `${message.slice(0, headEnd)} … ${message.slice(tailStart)}`;
}

/**
 * A record as it enters the model: message bounded, and key material removed from every text
 * field (hostnames, identifiers and UPIDs come from the input too).
 */
export function sealRecord(record: LogRecord): LogRecord {
  const message = redact(boundMessage(record.message));
  const node = record.node === null ? null : redact(record.node);
  const ident = record.ident === null ? null : redact(record.ident);
  const upid = record.upid === null ? null : redact(record.upid);
  if (message === record.message && node === record.node && ident === record.ident && upid === record.upid) return record;
  return { ...record, message, node, ident, upid };
}

/** Counts of one kind of odd line, reported once per input with the first line number. */
class Tally {
  private count = 0;
  private first = 0;
  private detail = '';
  note(line: number, detail = ''): void {
    if (this.count === 0) { this.first = line; this.detail = detail; }
    this.count += 1;
  }
  report(into: InputError[], source: string, what: string): void {
    if (this.count === 0) return;
    into.push({ source, message: `${this.count} ${what} (first at line ${this.first}${this.detail ? `: ${this.detail}` : ''})` });
  }
  /** Forgets what was noted (when one error replaces the per-line notes). */
  clear(): void { this.count = 0; }
}

/** What readRecords noticed about lines, reported once per input. */
interface LineTallies {
  readonly notJson: Tally;
  readonly nullMessage: Tally;
  readonly badTime: Tally;
  readonly failed: Tally;
  readonly longMessage: Tally;
  readonly deep: Tally;
}

function newTallies(): LineTallies {
  return { notJson: new Tally(), nullMessage: new Tally(), badTime: new Tally(), failed: new Tally(), longMessage: new Tally(), deep: new Tally() };
}

function reportTallies(t: LineTallies, source: string, report: ReadReport): void {
  t.notJson.report(report.warnings, source, 'line(s) that are not journal JSON entries skipped');
  t.nullMessage.report(report.warnings, source, 'entry(ies) with MESSAGE omitted by journalctl (over 4096 bytes); rerun journalctl with --all');
  t.badTime.report(report.warnings, source, 'entry(ies) with an unreadable __REALTIME_TIMESTAMP, read without a time');
  t.failed.report(report.warnings, source, 'line(s) that could not be read skipped');
  t.longMessage.report(report.warnings, source, `message(s) over ${MAX_MESSAGE_CHARS / 1024} KiB: only their first ${MESSAGE_HEAD_CHARS / 1024} KiB and last ${MESSAGE_TAIL_CHARS / 1024} KiB were read`);
  t.deep.report(report.warnings, source, `line(s) with values nested over ${MAX_NESTING} levels deep: those values were not read`);
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Reads records in batches. Errors go to `report` (one line each); what was read before stays. */
export async function* readRecords(spec: InputSpec, options: ReadOptions, report: ReadReport): AsyncGenerator<LogRecord[]> {
  if (spec.path !== undefined && (options.inputFormat === undefined || options.inputFormat === 'journal-file') && (options.inputFormat === 'journal-file' || await isJournalFile(spec.path))) {
    // The binary journal reader loads only when an input is one (start-up of every other run).
    const { readJournalFileRecords } = await import('./journal-file.js');
    yield* sealed(readJournalFileRecords({ path: spec.path }, spec, report, spec.journalMatch));
    return;
  }
  const warn: WarningSink = (message) => report.warnings.push({ source: spec.name, message });
  const source = spec.chunks(warn)[Symbol.asyncIterator]();
  const tallies = newTallies();
  let inFormat = 0; // lines read as the detected format says
  let outOfFormat = 0; // lines looked at that are not in that format
  const forcedFormat = options.inputFormat !== undefined;
  try {
    let first: IteratorResult<Buffer>;
    try {
      first = await source.next();
    } catch (err) {
      report.errors.push({ source: spec.name, message: err instanceof InputReadError ? err.message : (err as Error).message });
      return;
    }
    if (first.done) { report.format = options.inputFormat ?? 'cat'; return; }
    let head = first.value;
    if (hasJournalSignature(head)) {
      // Piped, or inside gzip/xz/zstd: a journal is read by offset, so it is gathered first.
      let bytes: Buffer | null;
      try { bytes = await gather(head, source, MAX_IN_MEMORY_JOURNAL_BYTES); } catch (err) {
        report.format = 'journal-file';
        report.errors.push({ source: spec.name, message: err instanceof InputReadError ? err.message : (err as Error).message });
        return;
      }
      if (bytes === null) report.errors.push({ source: spec.name, message: `journal file over ${MAX_IN_MEMORY_JOURNAL_BYTES >> 20} MiB in a stream or compressed file: decompress it to disk first` });
      else yield* sealed((await import('./journal-file.js')).readJournalFileRecords({ bytes }, spec, report, spec.journalMatch));
      return;
    }
    if (head.subarray(0, 3).equals(UTF8_BOM)) head = head.subarray(3);
    const format = options.inputFormat ?? detectFormat(spec.name, head.toString('utf8', 0, Math.min(head.length, 256 * 1024)));
    report.format = format;
    if (format !== 'export' && looksBinary(head)) {
      report.errors.push({ source: spec.name, message: 'binary data, not a text log (skipped)' });
      return;
    }
    const all = (async function* () {
      yield head;
      for (;;) { const n = await source.next(); if (n.done) return; yield n.value; }
    })();
    const keep = (record: LogRecord | null, batch: LogRecord[]): void => {
      if (!record) return;
      if (record.message.length > MAX_MESSAGE_CHARS) tallies.longMessage.note(record.line);
      if (nestingExceeds(record.message, MAX_NESTING)) tallies.deep.note(record.line);
      batch.push(sealRecord(record));
    };
    const onRecordError = (line: number, err: unknown): void => tallies.failed.note(line, (err as Error).message ?? String(err));

    try {
      if (format === 'export') {
        for await (const records of readExportRecords(all, spec, report, onRecordError, (line) => tallies.badTime.note(line))) {
          const batch: LogRecord[] = [];
          for (const record of records) keep(record, batch);
          inFormat += records.length;
          if (batch.length > 0) yield batch;
        }
        return;
      }
      const clock = new YearlessClock({ ...options, ...(spec.reference ? { reference: spec.reference } : {}) });
      const taskUpid = format === 'tasklog' ? findUpid(spec.name) : null;
      const journalLine = (line: NumberedLine): LogRecord | null => {
        const prefix = parseJournalPrefix(line.text);
        return prefix ? prefixedRecord(line.text, prefix, line.line, spec.name, clock, options.tz) : null;
      };
      const jsonLine = (line: NumberedLine): LogRecord | null | 'not-json' => {
        const result = jsonLineToRecord(line, spec, (n) => tallies.nullMessage.note(n), (n) => tallies.badTime.note(n));
        return result === 'skip' ? null : result;
      };
      // A detected format is a guess: a line that does not fit it is read as what it looks like.
      // A forced format is the user's word: such a line is only counted (see the end).
      const forced = forcedFormat;
      /** Reads one line as the format says, else as what it looks like; null when there is nothing to keep. */
      const readLine = (line: NumberedLine): LogRecord | null => {
        if (format === 'ceph-log') return cephLogRecord(line.text, line.line, spec, options.tz);
        const looksJson = line.text.startsWith('{');
        if (format === 'json') {
          const record = jsonLine(line);
          if (record !== 'not-json') { inFormat += 1; return record; }
          if (line.text.trim().length === 0 || isJournalMarker(line.text)) return null;
          outOfFormat += 1;
          const prefixed = forced ? null : journalLine(line);
          if (!prefixed) tallies.notJson.note(line.line);
          return prefixed;
        }
        if (TEXT_JOURNAL.has(format)) {
          const prefixed = journalLine(line);
          if (prefixed) { inFormat += 1; return prefixed; }
          if (isJournalMarker(line.text)) return null;
          outOfFormat += 1;
          if (looksJson) { const record = jsonLine(line); if (record !== 'not-json') return record; }
          return unparsedRecord(line.text, line.line, spec.name, spec.nodeHint ?? null);
        }
        if (format === 'tasklog') return plainRecord(line, spec, taskUpid);
        // cat / cli: each line is what it looks like (the sample was not clear enough to say).
        const prefixed = journalLine(line);
        if (prefixed) return prefixed;
        if (isJournalMarker(line.text)) return null;
        if (looksJson) { const record = jsonLine(line); if (record !== 'not-json') return record; }
        return plainRecord(line, spec, null);
      };
      for await (const batch of splitLines(all, prefilterFor(format), report.stats)) {
        const records: LogRecord[] = [];
        for (const line of batch) {
          // Ceph daemon lines are look-alikes, except the monitors' audit/cluster log entries (cluster events).
          const alike = format !== 'ceph-log' && lookAlike(line.text) !== null;
          if ((alike || format === 'ceph-log') && !isClusterEventText(line.text)) continue;
          let record: LogRecord | null;
          try {
            record = readLine(line);
            if (record && alike && !parseCephLogMessage(record.message)) continue;
            if (record && record.source !== spec.name) record = { ...record, source: spec.name };
            keep(record, records);
          } catch (err) {
            onRecordError(line.line, err);
          }
        }
        if (records.length > 0) yield records;
      }
    } catch (err) {
      const message = err instanceof InputReadError ? err.message : `read failed: ${(err as Error).message}`;
      report.errors.push({ source: spec.name, message: `${message} after ${report.stats.lines} lines` });
    } finally {
      noteStats(spec.name, report);
      const misfit = inFormat === 0 && outOfFormat > 0 && (format === 'json' || format === 'export' || TEXT_JOURNAL.has(format));
      if (misfit && forcedFormat) {
        // Forced and fitting none of the lines: the input was not read; one error says so.
        tallies.notJson.clear();
        report.errors.push({ source: spec.name, message: `not ${format} input, though the format was forced to ${format}: none of its ${outOfFormat} candidate line(s) is ${format} (let the format be detected)` });
      } else if (misfit) {
        report.warnings.push({ source: spec.name, message: `no line could be read as ${format} (${outOfFormat} looked at); if that format is wrong, set --input-format` });
      }
      reportTallies(tallies, spec.name, report);
    }
  } finally {
    // An input refused after its first chunk (binary data) or stopped early closes its file now.
    await source.return?.(undefined);
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

/** Journal-file records sealed like every other record (bounded, redacted). */
export async function* sealed(batches: AsyncIterable<LogRecord[]>): AsyncGenerator<LogRecord[]> {
  for await (const batch of batches) yield batch.map(sealRecord);
}

function noteStats(name: string, report: ReadReport): void {
  const s = report.stats;
  if (s.truncatedLines > 0) report.warnings.push({ source: name, message: `${s.truncatedLines} line(s) longer than 1 MiB were cut` });
  if (s.nulBytes > 0) report.warnings.push({ source: name, message: `${s.nulBytes} NUL byte(s) ignored` });
  if (s.invalidUtf8Lines > 0) report.warnings.push({ source: name, message: `${s.invalidUtf8Lines} line(s) with invalid UTF-8 (read with replacement characters)` });
}
/**
 * Binary junk: control bytes dominate the first bytes that are not NUL. Runs of NULs are left out
 * of the count: a syslog file after a crash often starts or goes on with a zero-filled hole, and
 * its text is still worth reading (the NULs are dropped with a warning). A head of nothing but
 * NULs (4 KiB or more) is no text.
 */
function looksBinary(head: Buffer): boolean {
  const sample = head.subarray(0, 64 * 1024);
  let text = 0;
  let odd = 0;
  for (const byte of sample) {
    if (byte === 0) continue;
    text += 1;
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 27) odd += 1;
  }
  if (text === 0) return sample.length >= 4096;
  // A run of control bytes in a short log (a damaged line) outweighs its text: log entries in the
  // sample say it is a log all the same, and its good lines are read. Two entries are enough; one
  // is when it is a real share of the lines (a damaged line beside one good entry), not a log line
  // that happens to sit in a blob (random bytes hold a newline every ~256).
  if (odd / text <= 0.1) return false;
  const { entries, lines } = logEntriesIn(sample);
  return !(entries >= 2 || (entries === 1 && lines <= ONE_ENTRY_MAX_LINES));
}

/** Most non-empty lines in a sample where one log entry makes it a log. */
const ONE_ENTRY_MAX_LINES = 20;

/** Lines of the sample that start like log entries (counted up to 2), and its non-empty lines. */
function logEntriesIn(sample: Buffer): { entries: number; lines: number } {
  let entries = 0;
  let lines = 0;
  for (let start = 0; start < sample.length;) {
    const nl = sample.indexOf(10, start);
    const stop = nl === -1 ? sample.length : nl;
    if (stop > start) {
      lines += 1;
      if (entries < 2 && isLogEntryLine(sample.toString('utf8', start, stop).replace(/\r$/, ''))) entries += 1;
    }
    start = stop + 1;
  }
  return { entries, lines };
}

/**
 * A journal/syslog text line as a record (also `parseLine`'s reader). A line whose prefix does not
 * parse is kept as unparsed evidence: the message is the whole line.
 */
export function journalLineRecord(text: string, line: number, source: string, nodeHint: string | null, clock: YearlessClock, tz: string | undefined): LogRecord {
  const prefix = parseJournalPrefix(text);
  return prefix ? prefixedRecord(text, prefix, line, source, clock, tz) : unparsedRecord(text, line, source, nodeHint);
}

function unparsedRecord(text: string, line: number, source: string, nodeHint: string | null): LogRecord {
  return { source, line, time: null, epochMs: null, node: nodeHint, ident: null, pid: null, message: text, upid: null };
}

function prefixedRecord(text: string, prefix: JournalPrefixParse, line: number, source: string, clock: YearlessClock, tz: string | undefined): LogRecord {
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
