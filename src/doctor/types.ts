/**
 * Plain-data types of the doctor: what it reads from a node's files and what it reports.
 * Nothing here ever holds key material: keys are kept as sha256 hashes only.
 */
import type { CauseId } from '../causes.js';
import type { Evidence, SuggestedCommand } from '../types.js';

/** How bad a finding is: `error` breaks RBD access, `warning` is a risk, `info` is context. */
export type Severity = 'error' | 'warning' | 'info';

/** Stable ids of the doctor's checks (one id per thing looked at). */
export type CheckId =
  | 'keyring-file'
  | 'keyring-permissions'
  | 'keyring-section'
  | 'conf-file'
  | 'conf-split'
  | 'storage-monhost'
  | 'storage-conf-ignored'
  | 'storage-pool'
  | 'blockdev-keyring'
  | 'node-keyring-drift'
  | 'node-conf-drift';

/** One problem (or fact) found in a node's configuration. */
export interface DoctorFinding {
  readonly check: CheckId;
  readonly cause: CauseId;
  readonly severity: Severity;
  /** Node name, or null when unknown (single node without a name). */
  readonly node: string | null;
  /** Storage id from storage.cfg, or null for node-wide findings. */
  readonly storage: string | null;
  /** Path as seen on the node (not prefixed with the root dir) of the best evidence, or null. */
  readonly file: string | null;
  /** 1-based line in `file`, or null when the file is missing or the finding is about the whole file. */
  readonly line: number | null;
  /** The path or value the finding is about (a keyring path, a conf path, a pool name). */
  readonly subject: string | null;
  /** What is wrong, in one or two sentences. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  /** Commands filled in with the real values; `changesCluster` marks those that change anything. */
  readonly commands: readonly SuggestedCommand[];
  /** Supporting lines (file, line, text); key lines are never included. */
  readonly evidence: readonly Evidence[];
  readonly refs: readonly string[];
}

/** One `rbd:` section of /etc/pve/storage.cfg. */
export interface RbdStorage {
  readonly id: string;
  /** Line of the `rbd: <id>` header. */
  readonly line: number;
  readonly pool: string;
  readonly dataPool: string | null;
  readonly namespace: string | null;
  /** Raw `monhost` value, or null when unset (pveceph-managed cluster). */
  readonly monhost: string | null;
  /** `username`, or null when unset (Proxmox then uses `admin`). */
  readonly username: string | null;
  /** `keyring` path option when present (not written by current Proxmox, seen in hand-made configs). */
  readonly keyring: string | null;
  readonly krbd: boolean;
  readonly disabled: boolean;
  readonly content: readonly string[];
  /** `nodes` restriction, or null when the storage is available on every node. */
  readonly nodes: readonly string[] | null;
  /** Line number of each option seen, by option name. */
  readonly optionLines: Readonly<Record<string, number>>;
}

/** A problem in a file that was read, which does not stop the rest of the checks. */
export interface ParseNote {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Facts about one file under a root: existence, mode, hash. */
export interface FileFacts {
  /** Path as seen on the node. */
  readonly path: string;
  readonly exists: boolean;
  /** False when it exists but could not be read (permissions, a directory, …). */
  readonly readable: boolean;
  /** Permission bits (e.g. 0o600), or null when missing. */
  readonly mode: number | null;
  /** sha256 of the bytes, as `sha256sum` prints it, or null when unreadable. */
  readonly sha256: string | null;
  /** Where a symlink pointed (as seen on the node), or null. */
  readonly linkTarget: string | null;
}

/** A node to examine: its name and the directory its `/` is found under. */
export interface NodeInput {
  readonly node: string | null;
  /** Directory that stands for `/` on that node (`/` on the live node). */
  readonly root: string;
}

/** Options of a doctor run. */
export interface DoctorOptions {
  /** Pool names known to exist in the cluster; when given, storages naming another pool are reported. */
  readonly pools?: readonly string[];
}

/** The doctor's result for one node or for several compared. */
export interface DoctorReport {
  readonly schemaVersion: 1;
  readonly nodes: readonly DoctorNodeSummary[];
  readonly findings: readonly DoctorFinding[];
}

/** What was read on one node. */
export interface DoctorNodeSummary {
  readonly node: string | null;
  readonly root: string;
  /** Ids of the rbd storages examined on this node. */
  readonly storages: readonly string[];
  /** Files read, with their hashes (never their content). */
  readonly files: readonly FileFacts[];
  /** Lines that could not be parsed. */
  readonly notes: readonly ParseNote[];
  /**
   * Why this node could not be checked (its root is missing, or storage.cfg cannot be read), else
   * null. A node with a problem has no findings of its own: that is not an all-clear.
   */
  readonly problem: string | null;
}
