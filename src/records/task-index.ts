/**
 * Task index lines as records. A task whose log file is gone still left its index line;
 * it is read as the `end task` line the parent daemon logs for it (docs/message-catalog.md, "Task workers"):
 * `<user> end task <UPID> <status>`, timed at the task's end, on the UPID's node.
 */
import type { LogRecord } from '../types.js';
import type { TaskIndexEntry } from '../sources/tasks-dir.js';
import { sealRecord } from './read-records.js';

/** One record per index entry, in the given order (sealed like every record: key material removed). */
export function taskIndexRecords(entries: readonly TaskIndexEntry[]): LogRecord[] {
  return entries.map((e) => sealRecord(taskIndexRecord(e)));
}

function taskIndexRecord(e: TaskIndexEntry): LogRecord {
  const ms = e.endMs ?? e.upid.startTime * 1000;
  const valid = Number.isFinite(new Date(ms).getTime()); // out of range, toISOString would throw
  return {
    source: e.source,
    line: e.line,
    time: valid ? new Date(ms).toISOString() : null,
    epochMs: valid ? ms : null,
    node: e.upid.node,
    ident: 'task',
    pid: null,
    message: `<${e.upid.user}> end task ${e.upid.text} ${e.status}`,
    upid: e.upid.text,
  };
}
