/** Parses one journal/syslog/task/CLI line into a record and its extraction (no classification). */
import type { LogRecord } from './types.js';
import { parseJournalPrefix } from './records/journal-prefix.js';
import { readDatedStamp, YearlessClock, type ClockOptions } from './records/clock.js';
import { extractMessage, type DetailedExtraction } from './extract/extract.js';

/** A line read on its own. */
export interface ParsedLine {
  readonly record: LogRecord;
  readonly extraction: DetailedExtraction;
}

/** Parses a single line. Journal prefixes are recognised; anything else is taken as a bare message. */
export function parseLine(line: string, options: ClockOptions & { readonly source?: string; readonly lineNumber?: number } = {}): ParsedLine {
  const prefix = parseJournalPrefix(line);
  const when = prefix
    ? prefix.date !== null
      ? readDatedStamp(prefix.date, prefix.clock, prefix.zone, options.tz)
      : new YearlessClock(options).read(prefix.month ?? '', prefix.day ?? 0, prefix.clock)
    : null;
  const message = prefix ? line.slice(prefix.length) : line;
  const record: LogRecord = {
    source: options.source ?? '<line>',
    line: options.lineNumber ?? 1,
    time: when?.iso ?? null,
    epochMs: when?.ms ?? null,
    node: prefix?.host ?? null,
    ident: prefix?.ident ?? null,
    pid: prefix?.pid ?? null,
    message,
    upid: null,
  };
  return { record, extraction: extractMessage(message) };
}
