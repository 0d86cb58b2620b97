/** What an analysis reads: files, tasks directories, ready-made records, or a byte stream. */
import type { InputFormat, LogRecord } from '../types.js';
import type { InputSpec } from '../records/read-records.js';

export type Source =
  /** A log file (any format, compressed or not). `nodeHint`: node for lines that carry none. */
  | { readonly kind: 'file'; readonly path: string; readonly nodeHint?: string | null }
  /** A Proxmox tasks directory: its task logs, plus the index lines of tasks whose log is gone. */
  | { readonly kind: 'tasks'; readonly dir: string }
  /** Records made by the caller (e.g. task index lines). */
  | { readonly kind: 'records'; readonly name: string; readonly format: InputFormat; readonly records: () => AsyncIterable<readonly LogRecord[]> }
  /** A byte stream read like a file (stdin, journalctl's output). */
  | { readonly kind: 'stream'; readonly spec: InputSpec }
  /**
   * The journal files of a directory (`--journal-dir`, a journal-remote collector), read natively
   * and interleaved as journalctl does. `match`: keep entries with one of these `FIELD=value` pairs.
   */
  | { readonly kind: 'journal-dir'; readonly dir: string; readonly match?: readonly string[] }
  /** Several journal files read as one input, interleaved as journalctl does (`name`: what the input is called). */
  | { readonly kind: 'journal-files'; readonly name: string; readonly paths: readonly string[]; readonly nodeHint?: string | null; readonly match?: readonly string[] };
