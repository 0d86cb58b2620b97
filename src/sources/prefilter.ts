import { createNeedleScanner, type NeedleScanner, type RegionHits } from './needle-scan.js';

/**
 * The cheap first pass: byte needles that every interesting line contains, and
 * the look-alikes that contain a needle but are never a client failure. Data only.
 */

/**
 * Byte needles searched in each raw chunk; a line with none of them is skipped undecoded.
 * All needles are found in one SIMD pass (sources/needle-scan.wat), so adding one costs little;
 * each must be 3..16 bytes. Short stems stand for families: `_con` for rados_connect and
 * rados_conf_*, `'stor` for cfs-lock 'storage-<id>'. Figures: docs/benchmark.md.
 */
export interface Needle {
  readonly find: string;
  readonly why: string;
}

export const NEEDLES: readonly Needle[] = [
  { find: 'rbd', why: 'rbd:, rbd error, librbd, krbd, "driver":"rbd"' },
  { find: 'RBD', why: 'RBD image feature set mismatch, RBD: error opening' },
  { find: 'bceph', why: 'libceph: kernel client' },
  { find: 'UPID:', why: 'task framing: starting task / end task, start VM' },
  { find: 'QEMU', why: 'start failed: QEMU exited with code N' },
  { find: '_con', why: 'rados_connect / rados_conf_* failed (pvestatd, PVE::RADOS)' },
  { find: 'brados', why: 'librados: … error' },
  { find: 'rados:', why: 'Go/Python bindings: `rados: ret=-13, Permission denied` (ceph-csi, rook)' },
  { find: 't connect to', why: "ceph/rados CLI: couldn't connect to cluster" },
  { find: 'RADOS', why: 'ceph CLI: [errno N] RADOS …' },
  { find: "'stor", why: "cfs-lock 'storage-<id>' error, ignoring custom ceph config for storage '<id>'" },
  { find: 'keyri', why: 'keyring not found / missing / not proper' },
  { find: '(hunt', why: 'monclient(hunting): …' },
  { find: '_monm', why: 'monclient: get_monmap_and_config …' },
  { find: 'Suppl', why: "Supplied ceph config doesn't exist" },
  // No `Ceph` needle: each catalog message with it has another needle (`Could not parse Ceph
  // version` has `Could`), and in a shared bucket its window admits `ceph`, on every Ceph daemon line.
  { find: 'ASK E', why: 'TASK ERROR: …' },
  { find: '_init', why: 'global_init: unable to open config file' },
  { find: 'qmp c', why: "VM N qmp command '…' failed - <QEMU rbd error> (hotplug)" },
  { find: 'fsid', why: 'cluster fsid has invalid format (krbd, config split)' },
  { find: "rage '", why: "storage '<id>' …: Proxmox storage layer errors" },
  { find: 'age st', why: "could not get usage stats for pool '<pool>' (pvestatd: wrong pool or cluster)" },
  { find: 'Could', why: 'Could not connect to ceph cluster / Could not open / Could not set' },
  { find: '_comm', why: 'mon_command failed - <monitor text> (PVE::RADOS: mon caps)' },
  { find: 'drive f', why: 'adding drive failed: <QEMU rbd error> (hotplug, machine < 10.0)' },
  { find: 'r: got', why: 'status update error: got timeout (pvestatd: monitors)' },
  // Storage and cluster errors without an RBD word. Needles cost little since the scan is one
  // SIMD pass; these close what used to be journal gaps of the message catalog.
  { find: 'rados_', why: 'rados_create / rados_cluster_stat failed (PVE::RADOS helper)' },
  { find: 'volname ', why: "volname '…' contains wrong information about parent (linked clones)" },
  { find: 'create_base', why: 'create_base not possible with base image' },
  { find: 'already exists', why: 'volume … already exists, file … already exists (clone/move, pveceph init)' },
  { find: 'vation failed', why: 'volume deactivation failed: <volumes> (not `deactivation`: every window of it is in `activating`/`deactivated`)' },
  { find: "t lock file", why: "can't lock file '/var/lock/…' - got timeout" },
  { find: 'cfs-lock', why: "cfs-lock 'file-…' error: pve cluster filesystem not online" },
  { find: 'pveceph', why: 'pveceph configuration not initialized / not enabled' },
  { find: 'symlink', why: "unable to create symlink '/etc/ceph/ceph.conf', … not a symlink to /etc/pve/ceph.conf" },
  { find: 'not installed', why: 'binary not installed: /usr/bin/ceph-mon' },
  // Monitor audit/cluster log entries in a journal (ceph-mon lines): cluster events, not failures.
  // Only the entries that can be a cluster event (src/classify/cluster-events.ts), by the words of
  // EVENT_WORDS in src/records/ceph-log.ts, in every form (file, debug, JSON-escaped): the monitors'
  // routine entries (pgmap, polled commands) are a quarter of a hyper-converged journal.
  { find: '"auth ', why: 'audit: cmd=[{"prefix": "auth get-or-create" / add / rm / del / rotate / import / caps' },
  { find: 'pool rename', why: 'audit: osd pool rename' },
  { find: 'pool delete', why: 'audit: osd pool delete' },
  { find: 'osd pool rm', why: 'audit: osd pool rm' },
  { find: 'pool applica', why: 'audit: osd pool application enable/disable/set' },
  { find: 'blocklist', why: 'audit: osd blocklist add (and clients reporting they were blocklisted)' },
  { find: 'blacklist', why: 'audit: osd blacklist add (before Pacific)' },
  { find: 'election', why: 'calling monitor election; mon.a@0(leader).paxos(…) accept timeout, calling fresh election' },
  { find: 'new leader', why: 'mon.a is new leader, mons a,b in quorum' },
  { find: 'MON_DOWN', why: 'Health check failed: 1/3 mons down (MON_DOWN)' },
  { find: 'monmap e', why: 'monmap e3: 3 mons at …' },
];

/** Per format family: `got timeout` (pvestatd) is searched as `]: got` after a journal tag, else in full. */
const TEXT_JOURNAL_EXTRA: readonly Needle[] = [{ find: ']: got', why: 'pvestatd[PID]: got timeout' }];
/** Pasted text from any RBD client (`cat`, which reads with the json set): a Ceph word or an errno rendering is worth a look. */
const OTHER_CLIENTS: readonly Needle[] = [
  { find: 'Ceph', why: 'Ceph messages of other clients' },
  { find: 'errno', why: '[errno 2] error opening pool (Python bindings)' },
  { find: 'rados', why: 'rados CLI, python-rados' },
  { find: 's=STATE_', why: 'messenger: conn(… s=STATE_CONNECTING_RE …).tick see no progress during connecting to <osd>' },
  { find: 'DeadlineExc', why: 'CSI: rpc error: code = DeadlineExceeded (a provisioner that timed out talking to Ceph)' },
];
const PLAIN_EXTRA: readonly Needle[] = [{ find: 'got timeout', why: 'got timeout (cat output)' }];
/** `journalctl -o json`: byte-array and omitted (null) messages must be looked at. */
const JSON_EXTRA: readonly Needle[] = [
  { find: 'got timeout', why: 'got timeout' },
  ...OTHER_CLIENTS,
  { find: '"MESSAGE":[', why: 'MESSAGE as a byte array' },
  { find: '"MESSAGE":null', why: 'MESSAGE omitted (over 4096 bytes)' },
];

/** Which needle set a reader uses. */
export type NeedleSet = 'journal' | 'plain' | 'json';

/** The needles of each set (exported for tests and the bench). */
export const NEEDLE_LISTS: Readonly<Record<NeedleSet, readonly string[]>> = {
  journal: [...NEEDLES, ...TEXT_JOURNAL_EXTRA].map((n) => n.find),
  plain: [...NEEDLES, ...PLAIN_EXTRA].map((n) => n.find),
  json: [...NEEDLES, ...JSON_EXTRA].map((n) => n.find),
};

/** Benign lines that contain a needle. Tested on the decoded line before any grammar runs. */
export const LOOK_ALIKES: readonly { readonly id: string; readonly test: (line: string) => boolean }[] = [
  // Ceph server daemons log their own work, never a Proxmox client failure.
  { id: 'ceph-daemon', test: (l) => /\b(?:ceph-(?:osd|mgr|mon|mds|crash)|radosgw)(?:\[\d+\])?: /.test(l) && !l.includes('rbd-explain') },
  { id: 'rbdmap-service', test: (l) => l.includes('rbdmap.service') || l.includes('rbdmap.target') },
  { id: 'mgr-rbd-support', test: (l) => l.includes('rbd_support') },
  { id: 'osd-rbd-objects', test: (l) => /\brbd_(?:data|header|directory|id|object_map|children|trash|mirroring)\./.test(l) },
  { id: 'kernel-rbd-device', test: (l) => /\brbd: rbd\d+: (?:capacity|added|p\d)|\brbd: rbd\d+: .*features/.test(l) },
  { id: 'kernel-libceph-ok', test: (l) => /libceph: (?:mon|osd)\d+ \S+ (?:session (?:established|lost)|socket closed \(con state OPEN\))|libceph: client\d+ fsid/.test(l) },
  // A VM config change that mentions an rbd disk (`<root@pam> update VM 101: -scsi0 ceph-rbd:…`).
  { id: 'vm-config-update', test: (l) => /> update VM \d+: -/.test(l) },
  { id: 'http-access', test: (l) => /"(?:GET|POST|PUT|DELETE) \/api2\//.test(l) },
  { id: 'package-manager', test: (l) => /\b(?:apt|dpkg|unattended-upgrade)[^:]*: .*\b(?:ceph|librbd|rbd)[\w.-]*/.test(l) && !/error|fail/i.test(l) },
];

/** The id of the look-alike that `line` is, or null. */
export function lookAlike(line: string): string | null {
  for (const rule of LOOK_ALIKES) if (rule.test(line)) return rule.id;
  return null;
}

const TEXT_NEEDLES: readonly string[] = [...NEEDLES.map((n) => n.find), 'got timeout'];

/** True when a decoded text contains a needle (for formats read field by field). */
export function hasNeedle(text: string): boolean {
  for (const needle of TEXT_NEEDLES) if (text.includes(needle)) return true;
  return false;
}

/** The lines of a region that hold a needle (start offsets and 0-based indexes) and its newline count. */
export type { RegionHits } from './needle-scan.js';

const scanners = new Map<NeedleSet, NeedleScanner | null>();

/**
 * Lines in `buf[0, end)` (`end` on a line boundary) that contain a needle of `set`. One SIMD pass
 * where WebAssembly is available, else `indexOfLines`.
 */
export function candidateLines(buf: Buffer, end: number, set: NeedleSet): RegionHits {
  let scanner = scanners.get(set);
  if (scanner === undefined) scanners.set(set, (scanner = createNeedleScanner(NEEDLE_LISTS[set])));
  return scanner ? scanner.scan(buf, end) : indexOfLines(buf, end, set);
}

/** What `candidateLines` gives, from `candidateLineStarts` plus newline counts (no WebAssembly). */
export function indexOfLines(buf: Buffer, end: number, set: NeedleSet): RegionHits {
  const starts = candidateLineStarts(buf, end, set);
  const lineIndexes: number[] = [];
  let line = 0;
  let pos = 0;
  for (const start of starts) {
    line += countNewlines(buf, pos, start);
    lineIndexes.push(line);
    pos = start;
  }
  return { starts, lineIndexes, newlines: line + countNewlines(buf, pos, end) };
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  let at = buf.indexOf(10, from);
  while (at !== -1 && at < to) { n += 1; at = buf.indexOf(10, at + 1); }
  return n;
}

/**
 * Start offsets of the lines in `buf[0, end)` that contain at least one needle, ascending:
 * one Buffer.indexOf pass per needle. The reference the SIMD scanner is tested against, and
 * the fallback where WebAssembly is unavailable.
 */
export function candidateLineStarts(buf: Buffer, end: number, set: NeedleSet = 'journal'): number[] {
  const starts = new Set<number>();
  for (const needle of NEEDLE_LISTS[set]) {
    const bytes = Buffer.from(needle, 'latin1');
    let at = buf.indexOf(bytes, 0);
    while (at !== -1 && at < end) {
      starts.add(buf.lastIndexOf(10, at) + 1);
      const next = buf.indexOf(10, at);
      if (next === -1 || next >= end) break;
      at = buf.indexOf(bytes, next + 1);
    }
  }
  return [...starts].sort((a, b) => a - b);
}
