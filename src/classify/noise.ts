/**
 * Known noise: lines that name RBD/Ceph or look like a failure but are not a failure of an RBD
 * client the operator has to act on. Data only, each entry with why it is noise and a sample;
 * test/noise.test.ts runs the samples. Noise is counted in the report's summary and never becomes
 * or outranks an incident. `attachable` entries are only noise when no incident of the same node
 * is open at that time: then they are counted with that incident instead (pvestatd's `got timeout`
 * belongs to whichever storage it was polling).
 */
import type { LogRecord } from '../types.js';
import type { DetailedExtraction } from '../extract/extract.js';
import { LAST_RESORT_SHAPES } from '../extract/shapes.js';

/** One kind of noise. */
export interface NoiseEntry {
  readonly id: string;
  /** Why a line of this kind is not an RBD failure to act on. */
  readonly why: string;
  /** Tested on the message (the part after the journal prefix). */
  readonly message: RegExp;
  /** When set, the syslog identifier must match too. */
  readonly ident?: RegExp;
  /** Only when the line's extraction has none of these: a wrapper or shape that makes it a real failure. */
  readonly unlessShapes?: readonly string[];
  /** Noise only when the line shows nothing else: no known message but this one (the last-resort shape aside). */
  readonly alone?: true;
  /** Noise only when no incident of the same node is open around it (else it joins that incident). */
  readonly attachable?: true;
  /** Messages that are this noise. */
  readonly samples: readonly string[];
}

export const NOISE: readonly NoiseEntry[] = [
  {
    id: 'ceph-crash-keyring',
    why: 'ceph-crash on a Proxmox node looks for /etc/pve/priv/ceph.client.crash.<node>.keyring every few minutes; it only posts crash reports, no VM disk uses it.',
    message: /\bclient\.crash(?:\.[\w.-]+)?\b|ceph\.client\.crash\.[\w.-]+\.keyring/,
    samples: ['2025-12-26T10:00:00.000+0100 7f0c3a0e9d80 -1 auth: unable to find a keyring on /etc/pve/priv/ceph.client.crash.pve1.keyring: (2) No such file or directory'],
  },
  {
    id: 'rbd-support-mgr',
    why: 'The mgr rbd_support module reports its own schedules and task queue; it is server-side chatter, not a client failure.',
    message: /\brbd_support\b/,
    samples: ['mgr[rbd_support]: load_schedules: rbd, start_after=, error: [errno 2] RADOS object not found (error listing schedules)'],
  },
  {
    id: 'conf-defaults',
    why: '"did not load config file, using default settings" alone is printed by every Ceph tool started without a conf; the failure, if any, is on another line.',
    message: /did not load config file, using default settings/,
    alone: true,
    samples: ['2025-12-26T10:00:00.000+0100 7f0c -1 did not load config file, using default settings.'],
  },
  {
    id: 'pvestatd-got-timeout',
    why: 'pvestatd logs a bare `got timeout` for whichever storage it was polling (NFS, CIFS, PBS as much as Ceph); alone it names no RBD storage.',
    message: /^got timeout$/,
    ident: /^pvestatd$/,
    attachable: true,
    samples: ['got timeout'],
  },
  {
    id: 'storage-not-online',
    why: 'A storage that is not online is reported by pvestatd for every storage type; it is an RBD failure only when the storage is an RBD one, which the line does not say.',
    message: /^storage '[^']+' is not online$/,
    attachable: true,
    samples: ["storage 'nfs-backup' is not online"],
  },
];

/** The noise entry a line is, or null. */
export function noiseOf(record: Pick<LogRecord, 'ident' | 'message'>, x: Pick<DetailedExtraction, 'shapes'>): NoiseEntry | null {
  for (const entry of NOISE) {
    if (!entry.message.test(record.message)) continue;
    if (entry.ident && !entry.ident.test(record.ident ?? '')) continue;
    if (entry.unlessShapes?.some((s) => x.shapes.includes(s))) continue;
    if (entry.alone && x.shapes.some((s) => !LAST_RESORT_SHAPES.has(s))) continue;
    return entry;
  }
  return null;
}
