/**
 * Task index lines as records. A task whose log file is gone still left its index line;
 * it is read as the `end task` line the parent daemon logs for it (docs/message-catalog.md, "Task workers"):
 * `<user> end task <UPID> <status>`, timed at the task's end, on the UPID's node.
 */
import type { LogRecord } from '../types.js';
import type { TaskIndexEntry } from '../sources/tasks-dir.js';

/** One record per index entry, in the given order. */
export function taskIndexRecords(entries: readonly TaskIndexEntry[]): LogRecord[] {
  return entries.map((e) => {
    const ms = e.endMs ?? e.upid.startTime * 1000;
    return {
      source: e.source,
      line: e.line,
      time: new Date(ms).toISOString(),
      epochMs: ms,
      node: e.upid.node,
      ident: 'task',
      pid: null,
      message: `<${e.upid.user}> end task ${e.upid.text} ${e.status}`,
      upid: e.upid.text,
    };
  });
}
