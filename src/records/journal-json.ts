/** `journalctl -o json` lines → LogRecords (MESSAGE as text, byte array, or null). */
import type { LogRecord } from '../types.js';
import type { NumberedLine } from '../sources/split-lines.js';
import type { InputSpec } from './read-records.js';
import { MAX_NESTING, nestingExceeds } from '../grammar/shape-cache.js';
import { fromRealtimeMicros } from './clock.js';
import { hasNeedle } from '../sources/prefilter.js';

type JournalJson = Record<string, unknown>;

/** A journal field as text: strings as is, byte arrays decoded as UTF-8. */
export function fieldText(value: unknown): string | null {
  return fieldTextAt(value, 0);
}

function fieldTextAt(value: unknown, depth: number): string | null {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return null;
  if (value.every((b) => typeof b === 'number')) return Buffer.from(value as number[]).toString('utf8');
  // A field that occurs several times in one entry is an array of values (strings or byte
  // arrays): one level of nesting. Deeper arrays are not something journalctl writes.
  if (depth > 0) return null;
  return value.map((v) => fieldTextAt(v, depth + 1)).filter((v): v is string => v !== null).join(' ');
}

/** The fields every journal reader turns into a record. */
export function recordFromFields(fields: JournalJson, spec: InputSpec, line: number, onBadTime?: (line: number) => void): LogRecord | null {
  const message = fieldText(fields['MESSAGE']);
  if (message === null) return null;
  const stamp = fieldText(fields['__REALTIME_TIMESTAMP']);
  const when = stamp !== null ? fromRealtimeMicros(stamp) : null;
  if (stamp !== null && when === null) onBadTime?.(line);
  const pidText = fieldText(fields['_PID']) ?? fieldText(fields['SYSLOG_PID']);
  return {
    source: spec.name,
    line,
    time: when?.iso ?? null,
    epochMs: when?.ms ?? null,
    node: fieldText(fields['_HOSTNAME']) ?? spec.nodeHint ?? null,
    ident: fieldText(fields['SYSLOG_IDENTIFIER']) ?? fieldText(fields['_COMM']),
    pid: pidText !== null && /^\d+$/.test(pidText) ? Number(pidText) : null,
    message: message.replace(/\n+$/, ''),
    upid: null,
  };
}

/** What reading a JSON line gave: a record, nothing to keep, or a line that is not a journal entry. */
export type JsonLineResult = LogRecord | 'skip' | 'not-json';

/**
 * Parses one JSON line. A line nested deeper than any journal entry is refused before JSON.parse
 * runs; `null` MESSAGE (over 4096 bytes) is reported through `onNullMessage`.
 */
export function jsonLineToRecord(line: NumberedLine, spec: InputSpec, onNullMessage: (line: number) => void, onBadTime?: (line: number) => void): JsonLineResult {
  if (nestingExceeds(line.text, MAX_NESTING)) return 'not-json';
  let fields: JournalJson;
  try {
    const parsed: unknown = JSON.parse(line.text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not-json';
    fields = parsed as JournalJson;
  } catch {
    return 'not-json';
  }
  if (fields['MESSAGE'] === null) {
    onNullMessage(line.line);
    return 'skip';
  }
  const record = recordFromFields(fields, spec, line.line, onBadTime);
  // Byte-array messages passed the prefilter unread: check them now.
  if (!record || (Array.isArray(fields['MESSAGE']) && !hasNeedle(record.message))) return 'skip';
  return record;
}
