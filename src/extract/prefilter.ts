/**
 * The cheap first pass: byte needles that every interesting line contains, and
 * the look-alikes that contain a needle but are never a client failure. Data only.
 */

/** Substrings searched in the raw bytes of each chunk. A line with none of them is skipped undecoded. */
export const NEEDLES: readonly string[] = [
  'rbd', 'RBD', 'ceph', 'Ceph', 'rados', 'RADOS', 'UPID:', 'TASK ', 'start failed',
  'monclient', 'keyring', 'got timeout', 'cfs-lock', 'fsid', 'usage stats',
];

/** Benign lines that contain a needle. Tested on the decoded line before any grammar runs. */
export const LOOK_ALIKES: readonly { readonly id: string; readonly test: (line: string) => boolean }[] = [
  // Ceph server daemons log their own work, never a Proxmox client failure.
  { id: 'ceph-daemon', test: (l) => /\b(?:ceph-(?:osd|mgr|mon|mds|crash)|radosgw)(?:\[\d+\])?: /.test(l) && !l.includes('rbd-explain') },
  { id: 'rbdmap-service', test: (l) => l.includes('rbdmap.service') || l.includes('rbdmap.target') },
  { id: 'mgr-rbd-support', test: (l) => l.includes('rbd_support') },
  { id: 'osd-rbd-objects', test: (l) => /\brbd_(?:data|header|directory|id|object_map|children|trash|mirroring)\./.test(l) },
  { id: 'kernel-rbd-device', test: (l) => /\brbd: rbd\d+: (?:capacity|added|p\d)|\brbd: rbd\d+: .*features/.test(l) },
  { id: 'kernel-libceph-ok', test: (l) => /libceph: (?:mon|osd)\d+ \S+ session (?:established|lost)|libceph: client\d+ fsid/.test(l) },
  { id: 'http-access', test: (l) => /"(?:GET|POST|PUT|DELETE) \/api2\//.test(l) },
  { id: 'package-manager', test: (l) => /\b(?:apt|dpkg|unattended-upgrade)[^:]*: .*\b(?:ceph|librbd|rbd)[\w.-]*/.test(l) && !/error|fail/i.test(l) },
];

/** The id of the look-alike that `line` is, or null. */
export function lookAlike(line: string): string | null {
  for (const rule of LOOK_ALIKES) if (rule.test(line)) return rule.id;
  return null;
}

/** Extra needles for `journalctl -o json`: byte-array and omitted (null) messages must be looked at. */
export const JSON_EXTRA_NEEDLES: readonly string[] = ['"MESSAGE":[', '"MESSAGE":null'];

const NEEDLE_BYTES = NEEDLES.map((n) => Buffer.from(n, 'latin1'));
const JSON_NEEDLE_BYTES = [...NEEDLES, ...JSON_EXTRA_NEEDLES].map((n) => Buffer.from(n, 'latin1'));

/** True when a decoded text contains a needle (for formats read field by field). */
export function hasNeedle(text: string): boolean {
  for (const needle of NEEDLES) if (text.includes(needle)) return true;
  return false;
}

/**
 * Start offsets of the lines in `buf[0, end)` that contain at least one needle, ascending.
 * `end` must sit on a line boundary.
 */
export function candidateLineStarts(buf: Buffer, end: number, json = false): number[] {
  const starts = new Set<number>();
  for (const needle of json ? JSON_NEEDLE_BYTES : NEEDLE_BYTES) {
    let at = buf.indexOf(needle, 0);
    while (at !== -1 && at < end) {
      const start = buf.lastIndexOf(10, at) + 1;
      starts.add(start);
      const next = buf.indexOf(10, at);
      if (next === -1 || next >= end) break;
      at = buf.indexOf(needle, next + 1);
    }
  }
  return [...starts].sort((a, b) => a - b);
}
