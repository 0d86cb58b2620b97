/**
 * `journalctl -o export` → LogRecords. Entries are `KEY=value` lines separated by a blank
 * line; a binary field is `KEY\n` + 64-bit little-endian length + bytes + `\n`.
 * Fields are kept up to MAX_LINE_BYTES like text lines (the rest is skipped as it streams by,
 * never buffered), and bytes are never re-concatenated per chunk, so a huge field costs its
 * cap in memory and one pass in time. Data that is not export at all (`/dev/zero`) ends the
 * input with an error after at most one cap of it.
 */
import type { LogRecord } from '../types.js';
import { isClusterEventText, parseCephLogMessage } from './ceph-log.js';
import type { InputSpec, ReadReport } from './read-records.js';
import { recordFromFields } from './journal-json.js';
import { hasNeedle, lookAlike } from '../sources/prefilter.js';
import { InputReadError } from '../sources/open-input.js';
import { MAX_LINE_BYTES } from '../sources/split-lines.js';
import { cutBeforePartialWord } from '../redact.js';

/** Longest field name accepted (journald's own limit is 64). */
const MAX_NAME_BYTES = 256;
/** A binary field longer than this is corrupt data (journald caps an entry at 768 MiB). */
const MAX_BINARY_FIELD = 768 * 1024 * 1024;

/** A byte of a journal field name: letter, digit, underscore. */
function nameByte(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/** Collects bytes up to a cap; what is over the cap is counted, not kept. */
class Capped {
  private parts: Buffer[] = [];
  length = 0;
  dropped = 0;
  push(bytes: Buffer): void {
    const room = MAX_LINE_BYTES - this.length;
    if (room <= 0) { this.dropped += bytes.length; return; }
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.parts.push(Buffer.from(kept));
    this.length += kept.length;
    this.dropped += bytes.length - kept.length;
  }
  /** The kept bytes; a value that was cut loses its partial last word (it may be a key's head). */
  take(): { readonly bytes: Buffer; readonly cut: boolean } {
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    const cut = this.dropped > 0;
    const bytes = cut ? all.subarray(0, cutBeforePartialWord((i) => all[i]!, all.length)) : all;
    this.parts = [];
    this.length = 0;
    this.dropped = 0;
    return { bytes, cut };
  }
}

/**
 * The record of one journal entry given as text fields (export stream or journal file), or null
 * when its MESSAGE has no needle or it is a known look-alike.
 */
export function journalEntryRecord(fields: Readonly<Record<string, string>>, spec: InputSpec, line: number, onBadTime?: (line: number) => void): LogRecord | null {
  const message = fields['MESSAGE'];
  if (message === undefined || !hasNeedle(message)) return null;
  const record = recordFromFields(fields, spec, line, onBadTime);
  // Ceph daemon lines are look-alikes, except the monitors' audit/cluster log entries (cluster events).
  return record && (lookAlike(`${record.ident ?? ''}: ${record.message}`) === null
    || (isClusterEventText(record.message) && parseCephLogMessage(record.message) !== null)) ? record : null;
}

/** Reads export-format entries; yields records of entries whose MESSAGE has a needle. */
export async function* readExportRecords(chunks: AsyncIterable<Buffer>, spec: InputSpec, report: ReadReport, onRecordError: (line: number, err: unknown) => void, onBadTime: (line: number) => void): AsyncGenerator<LogRecord[]> {
  let fields: Record<string, string> = {};
  let entryLine = 1;
  let line = 1;
  let batch: LogRecord[] = [];
  let cutFields = 0;
  let badLines = 0;
  let firstBadLine = 0;
  const finishEntry = (): void => {
    try {
      const record = journalEntryRecord(fields, spec, entryLine, onBadTime);
      if (record) batch.push(record);
    } catch (err) {
      onRecordError(entryLine, err);
    }
    fields = {};
  };

  // The parser's state between chunks.
  type State = 'line' | 'size' | 'data' | 'data-end' | 'skip-line';
  let state = 'line' as State;
  const text = new Capped(); // the current `KEY=value` or `KEY` line
  let binaryName = '';
  const sizeBytes = Buffer.alloc(8);
  let sizeHave = 0;
  let dataLeft = 0;
  const data = new Capped();
  let skipped = 0; // bytes of an invalid line skipped so far

  const badLine = (): void => {
    badLines += 1;
    if (firstBadLine === 0) firstBadLine = line;
  };
  let nameLength = 0; // bytes of the current line's field name seen so far
  let sawEquals = false;
  /** Ends a line; true when it named a binary field (its length follows). */
  const endLine = ({ bytes, cut }: { readonly bytes: Buffer; readonly cut: boolean }): boolean => {
    const wasNamed = nameLength > 0;
    nameLength = 0;
    const hadEquals = sawEquals;
    sawEquals = false;
    if (!wasNamed) {
      if (bytes.length === 0) { // blank line: the entry ends
        finishEntry();
        line += 1;
        entryLine = line;
      } else { badLine(); line += 1; } // `=value` without a name
      return false;
    }
    if (hadEquals) {
      if (cut) cutFields += 1;
      const eq = bytes.indexOf(61 /* = */);
      fields[bytes.toString('latin1', 0, eq)] = bytes.toString('utf8', eq + 1);
      line += 1;
      return false;
    }
    binaryName = bytes.toString('latin1'); // a name alone: a binary field, its length follows
    return true;
  };

  /** Parses the bytes of one chunk, carrying the state over to the next. */
  const feed = (chunk: Buffer): void => {
    let pos = 0;
    while (pos < chunk.length) {
      if (state === 'skip-line') {
        const nl = chunk.indexOf(10, pos);
        skipped += (nl === -1 ? chunk.length : nl) - pos;
        if (skipped > MAX_LINE_BYTES) throw new InputReadError(`not journal export data (line ${line}: no line break in 1 MiB of invalid bytes)`);
        if (nl === -1) break;
        pos = nl + 1;
        state = 'line';
        line += 1;
        continue;
      }
      if (state === 'line') {
        const nl = chunk.indexOf(10, pos);
        const stop = nl === -1 ? chunk.length : nl;
        if (!sawEquals) {
          // The name is checked as it arrives: a byte no field name has means this is not a field line.
          let k = pos;
          for (; k < stop; k++) {
            const c = chunk[k]!;
            if (c === 61) { sawEquals = true; break; }
            if (!nameByte(c) || ++nameLength > MAX_NAME_BYTES) break;
          }
          if (k < stop && !sawEquals) {
            badLine();
            text.take();
            nameLength = 0;
            state = 'skip-line';
            skipped = 0;
            continue;
          }
        }
        text.push(chunk.subarray(pos, stop));
        if (nl === -1) break;
        pos = nl + 1;
        if (endLine(text.take())) { state = 'size'; sizeHave = 0; }
        continue;
      }
      if (state === 'size') {
        const take = Math.min(8 - sizeHave, chunk.length - pos);
        chunk.copy(sizeBytes, sizeHave, pos, pos + take);
        sizeHave += take;
        pos += take;
        if (sizeHave < 8) continue;
        const size = Number(sizeBytes.readBigUInt64LE(0));
        if (size > MAX_BINARY_FIELD) {
          // No field is that long: the name line was a stray line. Its next bytes are read as lines again.
          badLine();
          line += 1;
          state = 'line';
          feed(Buffer.from(sizeBytes));
          continue;
        }
        dataLeft = size;
        state = 'data';
        continue;
      }
      if (state === 'data') {
        const take = Math.min(dataLeft, chunk.length - pos);
        data.push(chunk.subarray(pos, pos + take));
        dataLeft -= take;
        pos += take;
        if (dataLeft > 0) continue;
        if (data.dropped > 0) cutFields += 1;
        fields[binaryName] = data.take().bytes.toString('utf8');
        state = 'data-end';
        continue;
      }
      // data-end: the newline after binary data
      if (chunk[pos] !== 10) badLine();
      else pos += 1;
      state = 'line';
      line += 1;
    }
  };

  for await (const chunk of chunks) {
    feed(chunk);
    report.stats.lines = line - 1;
    if (batch.length > 0) { yield batch; batch = []; }
  }
  const last = state as State; // `feed` changed it
  if (last === 'line' && (text.length > 0 || nameLength > 0)) endLine(text.take());
  else if (last === 'size' || last === 'data') report.warnings.push({ source: spec.name, message: `export data ends inside a binary field at line ${line} (entry cut)` });
  finishEntry();
  report.stats.lines = line;
  if (cutFields > 0) report.warnings.push({ source: spec.name, message: `${cutFields} export field(s) longer than 1 MiB were cut` });
  if (badLines > 0) report.warnings.push({ source: spec.name, message: `${badLines} line(s) that are not export fields skipped (first at line ${firstBadLine})` });
  if (batch.length > 0) yield batch;
}
