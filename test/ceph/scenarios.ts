/**
 * The real-cluster scenarios (data). Each entry is reproduced for real by `runner.ts` against the
 * clusters started by `cluster.ts`, with Proxmox's own argument shapes:
 *
 * - `rbd`:           rbd -p POOL -c CONF [--auth_supported none] -n client.USER [--keyring KEYRING] <op…>
 * - `qemu-drive`:    qemu-img info 'rbd:POOL/IMAGE:conf=CONF:id=USER:keyring=KEYRING'   (PVE ≤ 8, machine < 10.0)
 * - `qemu-blockdev`: qemu-img info 'json:{"driver":"raw","file":{"driver":"rbd","conf":STORAGE_CONF,…}}'
 *                    (PVE 9 -blockdev: no keyring member, the keyring is named in the per-storage conf)
 *
 * `cause` is the expected cause id from causes.md (null = success, no incident expected).
 */
import type { CauseId } from '../../src/causes.js';
import type { Phase } from '../../src/types.js';

export type Tool = 'rbd' | 'qemu-drive' | 'qemu-blockdev';

/**
 * Which keyring the failing process is given:
 * - a client id (`pve`, `ro`, …): that client's current keyring,
 * - `admin-section`: a file holding only a `[client.admin]` section (used with another client id),
 * - `stale`: the keyring of `client.rotated` saved before its key was rotated,
 * - `missing`: a path that does not exist,
 * - `fallback-none`: Proxmox's fallback when the storage keyring is missing (no keyring, auth none).
 */
export type KeyringRef = 'pve' | 'ro' | 'scoped' | 'nobl' | 'admin-section' | 'stale' | 'missing' | 'fallback-none';

/**
 * Which ceph.conf the process reads: `a` (the right cluster), `b` (a second cluster with another
 * fsid — the config split), `dead` (mon_host on a loopback port where nothing listens, with
 * client_mount_timeout = 5 so it fails in seconds), `missing` (a path that does not exist).
 */
export type ConfRef = 'a' | 'b' | 'dead' | 'missing';

/** How Proxmox wraps the failure (docs/message-catalog.md, "How a message reaches the log"). */
export interface PveWrap {
  /** query: `rbd error: <last line>`; mutate: `<errmsg>: <second-to-last line>`; vmstart: kvm + `start failed`. */
  readonly kind: 'query' | 'mutate' | 'vmstart';
  /** UPID task type. */
  readonly task: string;
  readonly vmid: number;
  /** For mutating rbd calls: the plugin's errmsg, e.g. `rbd create 'vm-101-disk-1' error`. */
  readonly errmsg?: string;
}

/** Something held around the failing command. */
export type Around =
  | 'watcher'          // `rbd watch IMAGE` runs in the background (image has a watcher)
  | 'stale-lock'       // `rbd bench --io-type write` owns the exclusive lock, then is SIGSTOPped (hung VM)
  | 'node-blocklisted'; // `ceph osd blocklist add 127.0.0.1:0/0` (this node fenced), removed afterwards

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly cause: CauseId | null;
  readonly tool: Tool;
  readonly pool: string;
  readonly image: string;
  /** Ceph client id (without `client.`). */
  readonly client: string;
  readonly keyring: KeyringRef;
  readonly conf: ConfRef;
  /** rbd subcommand and its arguments (tool `rbd` only). */
  readonly op?: readonly string[];
  readonly pve: PveWrap;
  readonly around?: Around;
  /** Expected phase and errno (checked against the real output, reported). */
  readonly phase: Phase | null;
  readonly errno: number | null;
  readonly note?: string;
}

/** Storage id and Proxmox paths the captured paths are rewritten to. */
export const PVE = {
  node: 'pve3',
  storeid: 'ceph-vm',
  conf: '/etc/pve/ceph.conf',
  storageConf: '/etc/pve/priv/ceph/ceph-vm.conf',
  keyring: '/etc/pve/priv/ceph/ceph-vm.keyring',
  /** pid of the pvedaemon parent in the rendered journal. */
  daemonPid: 1032,
} as const;

const START: PveWrap = { kind: 'vmstart', task: 'qmstart', vmid: 101 };
const LS: PveWrap = { kind: 'query', task: 'qmcreate', vmid: 101 };
const INFO: PveWrap = { kind: 'query', task: 'resize', vmid: 101 };

/** Three scenarios (rbd op, -drive, -blockdev) for one situation. */
function trio(
  base: string,
  title: string,
  cause: CauseId | null,
  common: Omit<Scenario, 'id' | 'title' | 'cause' | 'tool' | 'op' | 'pve'>,
  rbd: { op: readonly string[]; pve: PveWrap; phase?: Phase | null; errno?: number | null },
): Scenario[] {
  const rbdOp = rbd.op[0] === 'snap' ? `snap-${rbd.op[1] ?? ''}` : rbd.op[0] ?? 'op';
  return [
    { id: `${base}--rbd-${rbdOp}`, title, cause, tool: 'rbd', op: rbd.op, pve: rbd.pve, ...common, phase: rbd.phase ?? common.phase, errno: rbd.errno ?? common.errno },
    { id: `${base}--qemu-drive`, title, cause, tool: 'qemu-drive', pve: START, ...common },
    { id: `${base}--qemu-blockdev`, title, cause, tool: 'qemu-blockdev', pve: START, ...common },
  ];
}

const D0 = 'vm-101-disk-0';
const base = { pool: 'vmdata', image: D0, client: 'pve', keyring: 'pve', conf: 'a' } as const;

export const SCENARIOS: readonly Scenario[] = [
  // --- success: no incident expected
  ...trio('ok', 'working storage (control)', null, { ...base, phase: null, errno: null }, { op: ['ls'], pve: LS }),
  { id: 'ok--rbd-info', title: 'working storage (control)', cause: null, tool: 'rbd', op: ['info', D0], pve: INFO, ...base, phase: null, errno: null },

  // --- keyring missing
  {
    id: 'keyring-missing-path--rbd-ls', title: 'storage keyring path does not exist (--keyring to a missing file)', cause: 'keyring-missing',
    tool: 'rbd', op: ['ls'], pve: LS, ...base, keyring: 'missing', phase: 'connect', errno: 2,
  },
  {
    id: 'keyring-missing-path--rbd-create', title: 'storage keyring path does not exist (--keyring to a missing file)', cause: 'keyring-missing',
    tool: 'rbd', op: ['create', 'vm-101-disk-1', '--size', '4M'], pve: { kind: 'mutate', task: 'qmcreate', vmid: 101, errmsg: "rbd create 'vm-101-disk-1' error" },
    ...base, keyring: 'missing', phase: 'connect', errno: 2,
  },
  ...trio('keyring-missing-fallback', 'storage keyring missing: Proxmox falls back to auth none', 'keyring-missing',
    { ...base, keyring: 'fallback-none', phase: 'connect', errno: 13 },
    { op: ['ls'], pve: LS }),

  // --- identity
  ...trio('client-mismatch', 'keyring holds [client.admin] while the storage uses client.pve', 'client-mismatch',
    { ...base, keyring: 'admin-section', phase: 'connect', errno: 13 }, { op: ['ls'], pve: LS }),
  ...trio('key-stale', 'key rotated on the cluster, old key still on this node', 'key-stale',
    { ...base, client: 'rotated', keyring: 'stale', phase: 'connect', errno: 13 }, { op: ['info', D0], pve: INFO }),

  // --- caps
  {
    id: 'caps-readonly--rbd-create', title: 'read-only caps (profile rbd-read-only) then create', cause: 'caps-insufficient',
    tool: 'rbd', op: ['create', 'vm-101-disk-1', '--size', '4M'], pve: { kind: 'mutate', task: 'qmcreate', vmid: 101, errmsg: "rbd create 'vm-101-disk-1' error" },
    ...base, client: 'ro', keyring: 'ro', phase: 'create', errno: 1,
  },
  {
    id: 'caps-readonly--rbd-snap-create', title: 'read-only caps (profile rbd-read-only) then snapshot', cause: 'caps-insufficient',
    tool: 'rbd', op: ['snap', 'create', `${D0}@pre-upgrade`], pve: { kind: 'mutate', task: 'qmsnapshot', vmid: 101, errmsg: `rbd snapshot '${D0}' error` },
    ...base, client: 'ro', keyring: 'ro', phase: 'open', errno: 1,
  },
  { id: 'caps-readonly--qemu-drive', title: 'read-only caps (profile rbd-read-only), VM start', cause: 'caps-insufficient', tool: 'qemu-drive', pve: START, ...base, client: 'ro', keyring: 'ro', phase: 'open', errno: 1 },
  ...trio('caps-other-pool', 'OSD caps scoped to another pool (profile rbd pool=other)', 'caps-insufficient',
    { ...base, client: 'scoped', keyring: 'scoped', phase: 'open', errno: 1 }, { op: ['info', D0], pve: INFO }),

  // --- objects
  ...trio('image-wrong-name', 'image name does not exist', 'image-not-found',
    { ...base, image: 'vm-101-disk-9', phase: 'open', errno: 2 }, { op: ['info', 'vm-101-disk-9'], pve: INFO }),
  ...trio('image-other-pool', 'image lives in another pool', 'image-not-found',
    { ...base, image: 'vm-104-disk-0', phase: 'open', errno: 2 }, { op: ['info', 'vm-104-disk-0'], pve: INFO }),
  ...trio('pool-missing', 'pool does not exist', 'image-not-found',
    { ...base, pool: 'ssdpool', phase: 'open', errno: 2 }, { op: ['ls'], pve: LS }),

  // --- monitors
  ...trio('mon-unreachable', 'mon_host points at a loopback port where nothing listens', 'mon-unreachable',
    { ...base, conf: 'dead', phase: 'connect', errno: 110, note: 'client_mount_timeout = 5 in the conf so it fails in seconds (Ceph default 300 s; Proxmox usually times out first).' },
    { op: ['ls'], pve: LS }),

  // --- config split
  ...trio('config-split-other-cluster', 'the ceph.conf used points at a second cluster (other fsid)', 'config-split',
    { ...base, conf: 'b', phase: 'connect', errno: 13, note: 'The keyring is right for the intended cluster; the conf read leads to another cluster, which rejects the key.' },
    { op: ['ls'], pve: LS }),
  ...trio('config-split-conf-missing', 'the ceph.conf named does not exist on this node', 'config-split',
    { ...base, conf: 'missing', phase: 'config', errno: 2 }, { op: ['ls'], pve: LS }),

  // --- image busy
  {
    id: 'busy-watchers--rbd-rm', title: 'rbd rm while a client still watches the image', cause: 'image-busy',
    tool: 'rbd', op: ['rm', 'vm-102-disk-0'], pve: { kind: 'mutate', task: 'qmdestroy', vmid: 102, errmsg: "rbd rm 'vm-102-disk-0' error" },
    ...base, image: 'vm-102-disk-0', around: 'watcher', phase: 'remove', errno: 16,
  },
  {
    id: 'busy-stale-lock--rbd-snap-create', title: 'exclusive lock owned by a hung client; the requester may not blocklist it', cause: 'image-busy',
    tool: 'rbd', op: ['snap', 'create', 'vm-103-disk-0@pre-upgrade'], pve: { kind: 'mutate', task: 'qmsnapshot', vmid: 103, errmsg: "rbd snapshot 'vm-103-disk-0' error" },
    ...base, image: 'vm-103-disk-0', client: 'nobl', keyring: 'nobl', around: 'stale-lock', phase: 'lock', errno: 13,
    note: "client.nobl has mon 'allow r' (no 'osd blocklist'), osd 'profile rbd'. osd_client_watch_timeout = 5 on the OSD so the hung owner's watch expires quickly.",
  },
  ...trio('busy-blocklisted', 'this client address is blocklisted (node fenced)', 'image-busy',
    { ...base, around: 'node-blocklisted', phase: 'open', errno: 108 },
    { op: ['snap', 'create', `${D0}@pre-upgrade`], pve: { kind: 'mutate', task: 'qmsnapshot', vmid: 101, errmsg: `rbd snapshot '${D0}' error` } }),
];

/** Causes that cannot be reproduced on one node here, and why. */
export const NOT_REPRODUCED: Readonly<Record<string, string>> = {
  'node-drift': 'needs two Proxmox nodes whose node-local files differ; it is derived by comparing nodes, not from one process',
  'krbd-features': 'needs the kernel rbd module (rbd map); the test machine has no krbd',
};
