/**
 * Public data types. Everything here is plain data (no class instances, no ohm
 * match objects) so it serialises to the JSON contract as is.
 */
import type { CauseId } from './causes.js';

/** Input formats the readers understand (`--input-format` accepts exactly these). */
export const INPUT_FORMATS = [
  'short',             // journalctl -o short (Dec 26 10:50:14 host ident[pid]: msg)
  'short-precise',     // journalctl -o short-precise (…10:50:14.123456…)
  'short-iso',         // journalctl -o short-iso (2025-12-26T10:50:14+0100 …)
  'short-iso-precise', // journalctl -o short-iso-precise
  'short-full',        // journalctl -o short-full (Fri 2025-12-26 10:50:14 CET …)
  'syslog',            // rsyslog traditional file (day padded with a space)
  'json',              // journalctl -o json (one object a line)
  'export',            // journalctl -o export (KEY=value blocks, binary fields)
  'cat',               // journalctl -o cat: bare messages
  'tasklog',           // Proxmox task log file (UPID-named, no timestamps)
  'cli',               // bare rbd/qemu-img/ceph stderr
  'ceph-log',          // Ceph cluster/audit log file (ceph.log, ceph.audit.log): cluster events, never incidents
] as const;

/** One of {@link INPUT_FORMATS}. */
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** When in the client's life an error happened. Decides auth vs caps (see causes). */
export type Phase =
  | 'config'   // reading ceph.conf / options
  | 'connect'  // monitors + cephx authentication
  | 'open'     // opening pool or image after connecting
  | 'create'
  | 'snapshot'
  | 'clone'
  | 'remove'
  | 'resize'
  | 'list'
  | 'map'      // kernel RBD (krbd)
  | 'lock';    // watchers, exclusive lock, cfs-lock

/** One log line as read from an input, before extraction. */
export interface LogRecord {
  /** File path, `<stdin>`, or `journalctl` for live mode. */
  readonly source: string;
  /** 1-based line number in the source (export format: line where the entry starts). */
  readonly line: number;
  /** ISO 8601 time, or null when the format carries none (cat, bare CLI output). */
  readonly time: string | null;
  /** The same instant as epoch milliseconds, for ordering and time windows. */
  readonly epochMs: number | null;
  /** Host name from the line, or from the UPID / file location. */
  readonly node: string | null;
  /** Syslog identifier (`pvedaemon`, `kernel`, …) or null. */
  readonly ident: string | null;
  readonly pid: number | null;
  /** The message part of the line (after the journal prefix). */
  readonly message: string;
  /** For task-log lines: the UPID named by the file. */
  readonly upid: string | null;
}

/** Where the target of an RBD operation came from and what it was. */
export interface RbdTarget {
  readonly pool: string | null;
  readonly namespace: string | null;
  readonly image: string | null;
  readonly snapshot: string | null;
  readonly conf: string | null;
  /** Ceph client id without the `client.` prefix (`pve`, `admin`). */
  readonly clientId: string | null;
  readonly keyring: string | null;
  readonly monHosts: readonly string[] | null;
  /** `auth_supported` / `auth-client-required` value (`cephx`, `none`). */
  readonly auth: string | null;
}

/** A parsed UPID (Proxmox task id). */
export interface Upid {
  readonly text: string;
  readonly node: string;
  readonly pid: number;
  readonly pstart: number;
  /** Task start, epoch seconds. */
  readonly startTime: number;
  readonly type: string;
  readonly id: string;
  readonly user: string;
}

/** What the extractors found in one line. Plain data. */
export interface Extraction {
  /** Message-shape ids that matched (e.g. `qemu.error-reading-header`). */
  readonly shapes: readonly string[];
  readonly errno: number | null;
  readonly phase: Phase | null;
  readonly target: RbdTarget | null;
  readonly upid: Upid | null;
  readonly vmid: number | null;
  readonly storage: string | null;
  /** What Proxmox was doing: UPID type (`qmstart`) or rbd subcommand (`rbd info`). */
  readonly operation: string | null;
  /** Task framing (`starting task`, `end task`, `TASK OK`) rather than an error of its own. */
  readonly framing: 'task-start' | 'task-end-ok' | 'task-end-error' | 'task-ok' | 'task-error' | null;
}

/** One line of evidence for an incident. Never contains key material. */
export interface Evidence {
  readonly source: string;
  readonly line: number;
  readonly time: string | null;
  readonly text: string;
  /**
   * On incident evidence: `failure` for a line that reports the error, `context` for task framing,
   * the command line, or a success on another node, `cluster` for a Ceph audit/cluster log line
   * (a cluster event). Absent on config-file evidence (doctor).
   */
  readonly role?: 'failure' | 'context' | 'cluster';
  /** True on the one line that decided the incident's cause (errno and phase come from it); always shown. */
  readonly decisive?: true;
}

/** A command to run to confirm or fix, filled in from the log. */
export interface SuggestedCommand {
  readonly purpose: string;
  readonly command: string;
  /** True when running it changes the cluster or the node's files. */
  readonly changesCluster: boolean;
}

/** A ranked candidate cause. */
export interface Candidate {
  readonly cause: CauseId;
  /** 0..1 */
  readonly confidence: number;
}

/** A configuration finding (from `doctor`) attached to an incident by `--with-config`. */
export interface ConfigFinding {
  readonly check: string;
  readonly cause: CauseId;
  readonly severity: 'error' | 'warning' | 'info';
  readonly node: string | null;
  readonly storage: string | null;
  readonly file: string | null;
  readonly line: number | null;
  readonly message: string;
  readonly fix: string;
}

/** Kinds of cluster events read from the Ceph audit and cluster logs (table: src/classify/cluster-events.ts). */
export type ClusterEventKind =
  | 'key-created' | 'key-removed' | 'key-recreated' | 'key-rotated' | 'key-imported' | 'caps-changed'
  | 'pool-renamed' | 'pool-deleted' | 'pool-application-changed'
  | 'client-blocklisted' | 'client-unblocklisted'
  | 'quorum-lost' | 'election-called' | 'quorum-formed' | 'mon-down' | 'mon-down-cleared' | 'monmap-changed';

/** What confirmed an incident's cause beyond the client-side log lines. */
export type ConfirmedBy = 'audit-log' | 'cluster-log' | 'config' | 'probe';

/** A change the cluster recorded (audit log: a command; cluster log: quorum and health). */
export interface ClusterEvent {
  /** ISO time of the entry (the `finished` line for audited commands). */
  readonly time: string | null;
  readonly kind: ClusterEventKind;
  /** The subject: `client.pve` for key/caps events, `mon.a` for monitor events, the address for blocklists. */
  readonly entity: string | null;
  /** The pool concerned (renamed: the old name). */
  readonly pool: string | null;
  /** Caps after the change (`mon 'profile rbd' osd 'profile rbd pool=other'`). */
  readonly caps: string | null;
  /** Caps before the change, when an earlier audit line showed them. */
  readonly oldCaps: string | null;
  /** What else the line says: `vmdata → vmdata-old`, `until …`, `mons a,b in quorum`. */
  readonly detail: string | null;
  /** Who ran the command (`client.admin`), or the monitor that logged the entry. */
  readonly by: string | null;
  /** Audit: `finished` (applied) or `dispatch` (received; no `finished` line was seen). Null for cluster-log entries. */
  readonly status: 'finished' | 'dispatch' | null;
  /** Which log it comes from: `audit-log` or `cluster-log` (what it can confirm). */
  readonly log: 'audit-log' | 'cluster-log';
  readonly source: string;
  readonly line: number;
  /** The log line, key material redacted. */
  readonly text: string;
}

/** A group of lines that describe one failure (the unit of the report). */
export interface Incident {
  readonly id: string;
  readonly cause: CauseId;
  readonly confidence: number;
  readonly candidates: readonly Candidate[];
  /** Ids of the rules that matched. */
  readonly rules: readonly string[];
  /** Short explanation in our own words: what is seen, why, what to do. */
  readonly explanation: { readonly symptom: string; readonly cause: string; readonly fix: string };
  /** How to tell the candidates apart, when there are several. */
  readonly discriminator: string | null;
  readonly node: string | null;
  /** node-drift: nodes where the storage fails (empty for other causes). */
  readonly badNodes: readonly string[];
  /** node-drift: nodes where the same storage works in the same period. */
  readonly goodNodes: readonly string[];
  readonly storage: string | null;
  readonly pool: string | null;
  readonly namespace: string | null;
  readonly image: string | null;
  readonly snapshot: string | null;
  readonly clientId: string | null;
  readonly keyring: string | null;
  readonly conf: string | null;
  readonly monHosts: readonly string[] | null;
  readonly errno: number | null;
  readonly phase: Phase | null;
  readonly operation: string | null;
  readonly vmid: number | null;
  /** When several VMs' failures were folded into this incident (same node, storage and cause): their VMIDs, ascending. */
  readonly vmids?: readonly number[];
  readonly upid: string | null;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly count: number;
  /** Failures per hour: `{hour: '2025-12-26T10', count}` (UTC hours), oldest first. */
  readonly timeline: readonly { readonly hour: string; readonly count: number }[];
  readonly evidence: readonly Evidence[];
  readonly commands: readonly SuggestedCommand[];
  readonly refs: readonly string[];
  /** `--with-config`: the node's config findings that bear on this incident. */
  readonly configFindings: readonly ConfigFinding[];
  /**
   * True when something beyond the failing node's log confirms the cause (a config finding, the
   * monitors' audit or cluster log); `confirmedBy` says what.
   */
  readonly confirmed: boolean;
  /**
   * Cluster events (audit/cluster log) that bear on this incident, oldest first. Always set by
   * `analyze()` (empty when no Ceph cluster log was read).
   */
  readonly clusterEvents?: readonly ClusterEvent[];
  /** What confirmed the cause (`audit-log`, `cluster-log`, `config`, `probe`), or null. Always set by `analyze()`. */
  readonly confirmedBy?: ConfirmedBy | null;
}

/** Summary of one input. */
export interface InputSummary {
  readonly source: string;
  readonly format: InputFormat;
  readonly lines: number;
}

/** A problem with an input (unreadable, truncated, …). The rest of the work still completes. */
export interface InputError {
  readonly source: string;
  readonly message: string;
}

/** The JSON document `--format json` prints. */
/** Lines of known noise, counted per kind and node (never an incident). */
export interface NoiseCount {
  /** The noise entry (src/classify/noise.ts). */
  readonly id: string;
  readonly count: number;
  readonly node: string | null;
  /** One line of it, redacted. */
  readonly example: string;
}

export interface AnalysisResult {
  readonly schemaVersion: 1;
  readonly incidents: readonly Incident[];
  /** Known noise seen, by kind and node. */
  readonly noise: readonly NoiseCount[];
  readonly inputs: readonly InputSummary[];
  readonly errors: readonly InputError[];
  /** Non-fatal notes (e.g. `journalctl -o json` dropped long fields: use `--all`). */
  readonly warnings: readonly InputError[];
  /** Only with the `clusterEvents` option (`--cluster-events`): cluster events no incident took. */
  readonly clusterEvents?: readonly ClusterEvent[];
}
