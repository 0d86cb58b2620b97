/** Decides the format of an input from its name and first lines. */
import type { InputFormat } from '../types.js';
import { parseJournalPrefix } from './journal-prefix.js';
import { grammars } from '../grammar/grammars.js';
import { ShapeCache } from '../grammar/shape-cache.js';

/** A Ceph client log line, as the Payload grammar's `cephPrefix` reads it (one parse per shape). */
const cephLogLines = new ShapeCache<true>((shape) => (grammars.payload.match(shape, 'cephLogLine').succeeded() ? true : null));
const isCephLogLine = (line: string): boolean => cephLogLines.get(line) === true;

const CLI_START = /^(?:rbd: |qemu-img: |kvm: |qemu-system-\w+: |\[errno \d+\] |global_init: |In some cases useful info|RBD image feature)/;

/** The most likely format of an input whose first text is `head`. */
export function detectFormat(name: string, head: string): InputFormat {
  const base = name.split('/').pop() ?? name;
  if (base.startsWith('UPID:')) return 'tasklog';
  const lines = head.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0).slice(0, 40);
  const first = lines[0] ?? '';
  if (first.startsWith('{') && /"(?:__REALTIME_TIMESTAMP|MESSAGE|__CURSOR)"/.test(first)) return 'json';
  if (/^(?:__CURSOR|__REALTIME_TIMESTAMP|__MONOTONIC_TIMESTAMP|_BOOT_ID)=/.test(first)) return 'export';
  const stamps = new Map<string, number>();
  let journalLines = 0;
  for (const line of lines) {
    const prefix = parseJournalPrefix(line);
    if (prefix) {
      journalLines += 1;
      stamps.set(prefix.stamp, (stamps.get(prefix.stamp) ?? 0) + 1);
    }
  }
  if (journalLines > 0 && journalLines * 2 >= lines.length) {
    const [best] = [...stamps.entries()].sort((a, b) => b[1] - a[1]);
    // A syslog file pads single-digit days; a short journal zero-pads them. Any padded day means syslog.
    if (stamps.has('syslog')) return 'syslog';
    return (best?.[0] ?? 'short') as InputFormat;
  }
  const last = lines[lines.length - 1] ?? '';
  if (/^TASK (?:OK|ERROR: |WARNINGS: )/.test(last) && lines.length < 40) return 'tasklog';
  if (lines.some((l) => CLI_START.test(l) || isCephLogLine(l))) return 'cli';
  return 'cat';
}
