/** Plain-data types of the probe: what it runs, what it saw, what it concludes. */
import type { CauseId } from '../causes.js';
import type { SuggestedCommand } from '../types.js';

/** The identity and object to test, as the failing process used them. */
export interface ProbeTarget {
  /** `--conf` path, or null for Ceph's default. */
  readonly conf: string | null;
  /** Client id without `client.` (`pve`, `admin`). */
  readonly clientId: string;
  /** `--keyring` path, or null to let the conf decide. */
  readonly keyring: string | null;
  readonly pool: string;
  readonly namespace?: string | null;
  /** Image to open (`rbd info`, `rbd snap ls`), or null to stop at `rbd ls`. */
  readonly image: string | null;
  /** Monitors to test: a bare host on 3300 and 6789, `host:port` or `[v2:…,v1:…]` on the ports given (only loopback or user-given hosts are contacted). */
  readonly monHosts: readonly string[];
  /**
   * The operation that failed, when the log says (an incident's phase): the probe never tries it,
   * but when reads work and a write failed, the verdict is about write caps; `lock` and `remove`
   * make watchers and locks decisive. `create`/`clone` name a new image, so it is not opened.
   */
  readonly operation?: ProbeOperation | null;
}

/** Failing operations the probe can take as a hint (an incident's phase). */
export type ProbeOperation = 'create' | 'snapshot' | 'clone' | 'resize' | 'remove' | 'lock';

/** The two Ceph command-line tools the probe may run. */
export type CephProgram = 'ceph' | 'rbd';

/** One command for the runner. */
export interface ProbeCommand {
  readonly program: CephProgram;
  readonly args: readonly string[];
  readonly timeoutMs: number;
}

/** What a command did. */
export interface CommandResult {
  /** Exit status, or null when killed or not started. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Why it could not start (`ENOENT` when the tool is not installed), or null. */
  readonly spawnError: string | null;
}

/** Runs one (already allowed) command. Injectable so tests can replay recorded outputs. */
export type CommandRunner = (command: ProbeCommand) => Promise<CommandResult>;

/** Opens a TCP connection and reports how it went. Injectable for tests. */
export type PortChecker = (host: string, port: number, timeoutMs: number) => Promise<'open' | 'closed' | 'timeout' | 'error'>;

/** One line of the audit log: every command asked for, run or refused. */
export interface AuditEntry {
  readonly program: CephProgram;
  readonly args: readonly string[];
  /** False when the allowlist refused it: it was never started. */
  readonly allowed: boolean;
  readonly refusedReason: string | null;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

/** Reachability of one monitor port. */
export interface PortCheck {
  readonly host: string;
  readonly port: number;
  /** `skipped` when the host is neither loopback nor named by the user. */
  readonly state: 'open' | 'closed' | 'timeout' | 'error' | 'skipped';
}

/** How one command ended, in the terms the verdict needs. */
export type StepOutcome =
  | 'ok'
  | 'unreachable'        // monitors did not answer (timeout, refused, no route)
  | 'no-monitors'        // the conf gives no monitor address
  | 'keyring-missing'    // no usable keyring on this side
  | 'auth-rejected'      // cephx refused the identity while connecting
  | 'permission-denied'  // connected, then refused by caps
  | 'not-found'          // connected, pool or image does not exist
  | 'blocklisted'        // connected, but the OSDs refuse this client's address (errno 108)
  | 'conf-unreadable'    // the conf file could not be opened or parsed
  | 'tool-missing'
  | 'failed'
  | 'skipped';

/** Names of the probe's steps: the core steps in the order they run, then the follow-ups. */
export type StepName =
  | 'ceph-fsid' | 'ceph-status' | 'rbd-ls' | 'rbd-info' | 'rbd-snap-ls'
  | 'rbd-status'       // watchers of the image
  | 'rbd-lock-ls'      // lock owners of the image
  | 'blocklist-ls'     // ceph osd blocklist ls
  | 'pool-ls'          // ceph osd pool ls, to look for the image elsewhere
  | 'rbd-ls-other'     // rbd ls of another pool
  | 'compare-fsid';    // ceph fsid through the other conf

/** A conf file as read on this node. */
export interface ConfView {
  readonly path: string;
  readonly exists: boolean;
  /** `fsid` of `[global]`, or null. */
  readonly fsid: string | null;
  /** `mon_host` for the client, or null. */
  readonly monHost: string | null;
}

/** The failing conf against the conf the user named as the right one (`--compare-conf`). */
export interface ConfComparison {
  readonly conf: string;
  readonly exists: boolean;
  /** The cluster fsid through that conf: from `ceph fsid` with the same identity, else its `fsid` line. */
  readonly fsid: string | null;
  readonly fsidFrom: 'cluster' | 'conf-file' | null;
  /** True when the same identity reached the cluster through it. */
  readonly identityWorks: boolean;
}

/** One exclusive or shared lock on the image (`rbd lock ls`). */
export interface ImageLock {
  readonly locker: string;
  readonly id: string;
  readonly address: string;
}

/** What the follow-up steps found, beside the steps themselves. */
export interface ProbeObservations {
  /** The failing conf on this node (null when the target names none). */
  readonly conf: ConfView | null;
  /** The fsid through the failing conf: from the cluster, else from its file. */
  readonly confFsid: string | null;
  readonly compare: ConfComparison | null;
  /** Watcher addresses of the image, or null when not read. */
  readonly watchers: readonly string[] | null;
  readonly locks: readonly ImageLock[] | null;
  /** `ceph osd blocklist ls` entries (address only), or null when not read (see `blocklistDenied`). */
  readonly blocklist: readonly string[] | null;
  readonly blocklistDenied: boolean;
  /** Entries that fence this whole node (an address of this machine, port and nonce 0). */
  readonly blocklistedHere: readonly string[];
  /** Entries for single client instances on an address of this machine. */
  readonly blocklistedInstancesHere: readonly string[];
  /** Pools from `ceph osd pool ls`, or null when not listed (see `poolsDenied`). */
  readonly pools: readonly string[] | null;
  readonly poolsDenied: boolean;
  /** Pools whose `rbd ls` shows the image (searched only when it was not found). */
  readonly imageFoundIn: readonly string[];
  /** Pools that could not be listed while searching. */
  readonly poolsNotSearched: readonly string[];
}

/** One command the probe ran and how it ended. */
export interface ProbeStep {
  readonly name: StepName;
  /** The command line as a person would type it. */
  readonly command: string;
  readonly outcome: StepOutcome;
  readonly errno: number | null;
  /** The most telling output line (redacted), or null. */
  readonly detail: string | null;
  readonly durationMs: number;
}

/** What the probe concludes. */
export interface ProbeVerdict {
  /** The cause the results point to, or null when everything worked (nothing to confirm). */
  readonly cause: CauseId | null;
  /** True when the results single the cause out; false when it is the best guess. */
  readonly confirmed: boolean;
  readonly summary: string;
  readonly commands: readonly SuggestedCommand[];
  readonly refs: readonly string[];
}

/** The probe's result; `schemaVersion` guards the JSON contract. */
export interface ProbeResult {
  readonly schemaVersion: 1;
  readonly target: ProbeTarget;
  readonly fsid: string | null;
  readonly monitors: readonly PortCheck[];
  readonly steps: readonly ProbeStep[];
  readonly observations: ProbeObservations;
  readonly verdict: ProbeVerdict;
  readonly audit: readonly AuditEntry[];
}
