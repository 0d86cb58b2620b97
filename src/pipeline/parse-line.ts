/** Parses one journal/syslog/task/CLI line into a record and its extraction (no classification). */
import type { LogRecord } from '../types.js';
import { journalLineRecord, sealRecord } from '../records/read-records.js';
import { redactFields } from '../redact.js';
import { YearlessClock, type ClockOptions } from '../records/clock.js';
import { extractMessage, type DetailedExtraction } from '../extract/extract.js';

/** A line read on its own. */
export interface ParsedLine {
  readonly record: LogRecord;
  readonly extraction: DetailedExtraction;
}

/** Parses a single line. Journal prefixes are recognised; anything else is taken as a bare message. */
export function parseLine(line: string, options: ClockOptions & { readonly source?: string; readonly lineNumber?: number } = {}): ParsedLine {
  const record = sealRecord(journalLineRecord(line, options.lineNumber ?? 1, options.source ?? '<line>', null, new YearlessClock(options), options.tz));
  return { record, extraction: redactFields(extractMessage(record.message)) };
}
