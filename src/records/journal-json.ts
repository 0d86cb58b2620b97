/** `journalctl -o json` lines → LogRecords (MESSAGE as text, byte array, or null). */
import type { LogRecord } from '../types.js';
import type { NumberedLine } from '../sources/split-lines.js';
import type { InputSpec, ReadReport } from './read-records.js';
import { fromRealtimeMicros } from './clock.js';
import { hasNeedle } from '../sources/prefilter.js';

type JournalJson = Record<string, unknown>;

/** A journal field as text: strings as is, byte arrays decoded as UTF-8. */
export function fieldText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((b) => typeof b === 'number')) return Buffer.from(value as number[]).toString('utf8');
  // A field that occurs several times in one entry is an array of values.
  if (Array.isArray(value)) return value.map(fieldText).filter((v): v is string => v !== null).join(' ');
  return null;
}

/** The fields every journal reader turns into a record. */
export function recordFromFields(fields: JournalJson, spec: InputSpec, line: number): LogRecord | null {
  const message = fieldText(fields['MESSAGE']);
  if (message === null) return null;
  const when = fromRealtimeMicros(fieldText(fields['__REALTIME_TIMESTAMP']) ?? '');
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

let nullMessageWarned = new WeakSet<ReadReport>();

/** Parses one JSON line; malformed lines are counted as warnings, never fatal. */
export function jsonLineToRecord(line: NumberedLine, spec: InputSpec, report: ReadReport): LogRecord | null {
  let fields: JournalJson;
  try {
    const parsed: unknown = JSON.parse(line.text);
    if (typeof parsed !== 'object' || parsed === null) return null;
    fields = parsed as JournalJson;
  } catch {
    report.warnings.push({ source: spec.name, message: `line ${line.line}: not valid JSON (skipped)` });
    return null;
  }
  if (fields['MESSAGE'] === null) {
    if (!nullMessageWarned.has(report)) {
      nullMessageWarned.add(report);
      report.warnings.push({ source: spec.name, message: `line ${line.line}: MESSAGE omitted by journalctl (over 4096 bytes); rerun journalctl with --all` });
    }
    return null;
  }
  const record = recordFromFields(fields, spec, line.line);
  // Byte-array messages passed the prefilter unread: check them now.
  if (record && Array.isArray(fields['MESSAGE']) && !hasNeedle(record.message)) return null;
  return record;
}

/** Test hook: forget which reports were already warned. */
export function resetJsonWarnings(): void {
  nullMessageWarned = new WeakSet<ReadReport>();
}
