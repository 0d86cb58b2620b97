/**
 * `journalctl -o export` → LogRecords. Entries are `KEY=value` lines separated by a blank
 * line; a binary field is `KEY\n` + 64-bit little-endian length + bytes + `\n`.
 */
import type { LogRecord } from '../types.js';
import type { InputSpec, ReadReport } from './read-records.js';
import { recordFromFields } from './journal-json.js';
import { hasNeedle, lookAlike } from '../sources/prefilter.js';
import { InputReadError } from '../sources/open-input.js';

const MAX_FIELD_BYTES = 64 * 1024 * 1024;

/**
 * The record of one journal entry given as text fields (export stream or journal file), or null
 * when its MESSAGE has no needle or it is a known look-alike.
 */
export function journalEntryRecord(fields: Readonly<Record<string, string>>, spec: InputSpec, line: number): LogRecord | null {
  const message = fields['MESSAGE'];
  if (message === undefined || !hasNeedle(message)) return null;
  const record = recordFromFields(fields, spec, line);
  return record && lookAlike(`${record.ident ?? ''}: ${record.message}`) === null ? record : null;
}

/** Reads export-format entries; yields records of entries whose MESSAGE has a needle. */
export async function* readExportRecords(chunks: AsyncIterable<Buffer>, spec: InputSpec, report: ReadReport): AsyncGenerator<LogRecord[]> {
  let buf: Buffer = Buffer.alloc(0);
  let fields: Record<string, string> = {};
  let entryLine = 1;
  let line = 1;
  let batch: LogRecord[] = [];
  const finishEntry = (): void => {
    const record = journalEntryRecord(fields, spec, entryLine);
    if (record) batch.push(record);
    fields = {};
  };
  for await (const chunk of chunks) {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl === -1) break;
      if (nl === pos) { // blank line: entry ends
        finishEntry();
        pos = nl + 1;
        line += 1;
        entryLine = line;
        continue;
      }
      const eq = buf.indexOf(61 /* = */, pos);
      if (eq !== -1 && eq < nl) {
        fields[buf.toString('latin1', pos, eq)] = buf.toString('utf8', eq + 1, nl);
        pos = nl + 1;
        line += 1;
        continue;
      }
      // Binary field: name, newline, 8-byte length, data, newline.
      if (buf.length < nl + 1 + 8) break;
      const size = Number(buf.readBigUInt64LE(nl + 1));
      if (size > MAX_FIELD_BYTES) throw new InputReadError(`export entry at line ${entryLine} has a ${size}-byte field (corrupt?)`);
      const dataStart = nl + 1 + 8;
      if (buf.length < dataStart + size + 1) break;
      fields[buf.toString('latin1', pos, nl)] = buf.toString('utf8', dataStart, dataStart + size);
      pos = dataStart + size + 1;
      line += 1;
    }
    buf = pos > 0 ? Buffer.from(buf.subarray(pos)) : buf;
    report.stats.lines = line - 1;
    if (batch.length > 0) { yield batch; batch = []; }
  }
  if (buf.length > 0 && buf.indexOf(61) !== -1) {
    const text = buf.toString('utf8');
    const eq = text.indexOf('=');
    fields[text.slice(0, eq)] = text.slice(eq + 1);
  }
  finishEntry();
  report.stats.lines = line;
  if (batch.length > 0) yield batch;
}
