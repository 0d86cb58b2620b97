/**
 * Readers for the follow-up steps' outputs (watchers, locks, blocklist, pools) and for local
 * facts the verdict needs (the conf files, this machine's addresses), plus the operation hint.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { confValue, parseCephConf, PVE_CEPH_CONF_PATH, ETC_CEPH_CONF_PATH } from '../doctor/ceph-conf.js';
import type { Phase } from '../types.js';
import type { ConfView, ImageLock, ProbeOperation } from './types.js';

/** Operations that write to the pool or image. */
export const WRITE_OPERATIONS: readonly ProbeOperation[] = ['create', 'snapshot', 'clone', 'resize', 'remove'];
/** Every operation hint the probe accepts (`--op`). */
export const PROBE_OPERATIONS: readonly ProbeOperation[] = [...WRITE_OPERATIONS, 'lock'];

/** The operation hint for an incident's phase, or null when the phase is not an operation (connect, open, list…). */
export function operationFromPhase(phase: Phase | null | undefined): ProbeOperation | null {
  return phase && (PROBE_OPERATIONS as readonly string[]).includes(phase) ? phase as ProbeOperation : null;
}

/** The fsid written in a conf text, or null. */
const FSID = /[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}/i;

/** The first fsid (uuid) in a command's output, or null. */
export function fsidIn(text: string): string | null {
  return FSID.exec(text)?.[0]?.toLowerCase() ?? null;
}

/** Reads a conf file on this node: does it exist, which fsid and monitors does it name. */
export function localConfView(path: string, clientId: string | null = null): ConfView {
  if (!existsSync(path)) return { path, exists: false, fsid: null, monHost: null };
  try {
    const conf = parseCephConf(readFileSync(path, 'utf8'), path);
    const fsid = confValue(conf, 'fsid', clientId)?.value ?? null;
    return { path, exists: true, fsid: fsid === null ? null : fsidIn(fsid), monHost: confValue(conf, 'mon_host', clientId)?.value ?? null };
  } catch {
    return { path, exists: true, fsid: null, monHost: null };
  }
}

/** True when both paths name the same file (one may be a symlink to the other, as PVE sets up /etc/ceph/ceph.conf). */
export function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The conf to compare the failing one with when the user names none: the other of
 * /etc/pve/ceph.conf and /etc/ceph/ceph.conf (no conf means Ceph's default, /etc/ceph/ceph.conf),
 * if it exists and is not the same file. A storage's own conf (an external cluster) gets none:
 * its cluster is meant to differ.
 */
export function defaultCompareConf(conf: string | null, exists: (path: string) => boolean = existsSync): string | null {
  const other = conf === PVE_CEPH_CONF_PATH ? ETC_CEPH_CONF_PATH : conf === null || conf === ETC_CEPH_CONF_PATH ? PVE_CEPH_CONF_PATH : null;
  if (other === null || !exists(other)) return null;
  return sameFile(conf ?? ETC_CEPH_CONF_PATH, other) ? null : other;
}

/** Watcher addresses from `rbd status --format json` (or the plain `watcher=ADDR …` lines). */
export function parseWatchers(stdout: string): string[] {
  const text = stdout.trim();
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as { watchers?: { address?: unknown }[] };
    return (parsed.watchers ?? []).flatMap((w) => (typeof w.address === 'string' ? [w.address] : []));
  }
  return [...text.matchAll(/watcher=(\S+)/g)].map((m) => m[1] as string);
}

/** Locks from `rbd lock ls --format json` (an array, or an object keyed by lock id in older releases). */
export function parseLocks(stdout: string): ImageLock[] {
  const text = stdout.trim();
  if (text === '') return [];
  const parsed: unknown = JSON.parse(text);
  const entries: [string | null, unknown][] = Array.isArray(parsed)
    ? parsed.map((v) => [null, v])
    : parsed && typeof parsed === 'object' ? Object.entries(parsed) : [];
  return entries.flatMap(([key, v]) => {
    if (!v || typeof v !== 'object') return [];
    const o = v as Record<string, unknown>;
    const str = (x: unknown): string => (typeof x === 'string' ? x : '');
    return [{ locker: str(o['locker']), id: str(o['id']) || (key ?? ''), address: str(o['address']) }];
  });
}

/** Client addresses from `ceph osd blocklist ls` (`ADDR EXPIRY` per line; the count goes to stderr). */
export function parseBlocklist(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((a) => /^(?:v[12]:)?(?:\[[^\]]+\]|[\d.]+):\d+\/\d+$/.test(a));
}

/** `ip`, `port` and `nonce` of a Ceph entity address (`127.0.0.1:0/0`, `[::1]:6800/123`, `v1:…`). */
export function splitEntityAddr(addr: string): { ip: string; port: number; nonce: number } | null {
  const m = /^(?:v[12]:)?(?:\[([^\]]+)\]|([\d.]+)):(\d+)\/(\d+)$/.exec(addr);
  return m ? { ip: (m[1] ?? m[2] ?? '').toLowerCase(), port: Number(m[3]), nonce: Number(m[4]) } : null;
}

/** The blocklist entries on an address of this machine: whole-node fences and single instances. */
export function blocklistedHere(entries: readonly string[], localAddresses: readonly string[]): { node: string[]; instances: string[] } {
  const local = new Set(localAddresses.map((a) => a.toLowerCase()));
  const node: string[] = [];
  const instances: string[] = [];
  for (const entry of entries) {
    const a = splitEntityAddr(entry);
    if (!a || !local.has(a.ip)) continue;
    (a.port === 0 && a.nonce === 0 ? node : instances).push(entry);
  }
  return { node, instances };
}

/** Every address of this machine's interfaces. */
export function machineAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.toLowerCase()));
}

/** True when `rbd ls` output lists the image. */
export function listsImage(stdout: string, image: string): boolean {
  return stdout.split('\n').some((l) => l.trim() === image);
}
