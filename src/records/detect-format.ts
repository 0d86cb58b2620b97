/** Decides the format of an input from its name and first lines. */
import type { InputFormat } from '../types.js';
import { parseJournalPrefix } from './journal-prefix.js';
import { grammars } from '../grammar/grammars.js';
import { ShapeCache } from '../grammar/shape-cache.js';
import { looksLikeCephLog } from './ceph-log.js';

/** A Ceph client log line, as the Payload grammar's `cephPrefix` reads it (one parse per shape). */
const cephLogLines = new ShapeCache<true>((shape) => (grammars.payload.match(shape, 'cephLogLine').succeeded() ? true : null));
const isCephLogLine = (line: string): boolean => cephLogLines.get(line) === true;

const CLI_START = /^(?:rbd: |qemu-img: |kvm: |qemu-system-\w+: |\[errno \d+\] |global_init: |In some cases useful info|RBD image feature)/;

/** Characters of each line the detection looks at: stamps and field names come first. */
const SAMPLE_LINE_CHARS = 1024;
/** Lines the detection looks at. */
const SAMPLE_LINES = 40;

/** journalctl's own marker lines: `-- Journal begins at …, ends at … --`, `-- Boot <id> --`, `-- No entries --`, `-- Reboot --`. */
export function isJournalMarker(line: string): boolean {
  return line.startsWith('-- ') && line.endsWith(' --');
}

const JSON_ENTRY = /^\{.*"(?:__REALTIME_TIMESTAMP|MESSAGE|__CURSOR)"/;
const EXPORT_FIELD = /^(?:__CURSOR|__REALTIME_TIMESTAMP|__MONOTONIC_TIMESTAMP|_BOOT_ID)=/;

/** True when a line starts like a journal, syslog or journalctl JSON/export entry (the recognisers of detectFormat). */
export function isLogEntryLine(line: string): boolean {
  const head = line.slice(0, SAMPLE_LINE_CHARS);
  return JSON_ENTRY.test(head) || EXPORT_FIELD.test(head) || parseJournalPrefix(head) !== null;
}

/**
 * The most likely format of an input whose first text is `head`. Each line counts for at most its
 * first 1 KiB (a huge first line is one line of the sample, not the whole of it); a byte-order mark,
 * blank lines and journalctl's marker lines are left out; the format most lines have wins, so a few
 * junk lines before the entries do not decide it. When no format has the lines, it is `cat` (or
 * `cli`), which the reader reads line by line (see readRecords).
 */
export function detectFormat(name: string, head: string): InputFormat {
  const base = name.split('/').pop() ?? name;
  if (base.startsWith('UPID:')) return 'tasklog';
  const lines = head.replace(/^\uFEFF/, '').split('\n', SAMPLE_LINES * 4)
    .map((l) => l.slice(0, SAMPLE_LINE_CHARS).replace(/\r$/, ''))
    .filter((l) => l.length > 0 && !isJournalMarker(l))
    .slice(0, SAMPLE_LINES);
  if (lines.length === 0) return 'cat';
  // ceph.log / ceph.audit.log (and <cluster>.log, rotations): by content, whatever the name.
  if (looksLikeCephLog(lines)) return 'ceph-log';
  let jsonLines = 0;
  let exportLines = 0;
  let journalLines = 0;
  const stamps = new Map<string, number>();
  for (const line of lines) {
    if (JSON_ENTRY.test(line)) { jsonLines += 1; continue; }
    if (EXPORT_FIELD.test(line)) { exportLines += 1; continue; }
    const prefix = parseJournalPrefix(line);
    if (prefix) {
      journalLines += 1;
      stamps.set(prefix.stamp, (stamps.get(prefix.stamp) ?? 0) + 1);
    }
  }
  // Export entries are many lines each, only one of which names a cursor or time stamp.
  if (exportLines > 0 && exportLines >= jsonLines && exportLines >= journalLines / 8) return 'export';
  if (jsonLines > 0 && jsonLines * 2 >= lines.length) return 'json';
  if (journalLines > 0 && journalLines * 2 >= lines.length) {
    const [best] = [...stamps.entries()].sort((a, b) => b[1] - a[1]);
    // A syslog file pads single-digit days; a short journal zero-pads them. Any padded day means syslog.
    if (stamps.has('syslog')) return 'syslog';
    return (best?.[0] ?? 'short') as InputFormat;
  }
  const last = lines[lines.length - 1] ?? '';
  if (/^TASK (?:OK|ERROR: |WARNINGS: )/.test(last) && lines.length < SAMPLE_LINES) return 'tasklog';
  if (lines.some((l) => CLI_START.test(l) || isCephLogLine(l))) return 'cli';
  return 'cat';
}
