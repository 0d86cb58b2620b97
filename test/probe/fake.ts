// The probe with canned tool outputs: a runner replaying them per command, and views of local files.
import { runProbe, type CommandResult, type CommandRunner, type ConfView, type PortChecker, type ProbeCommand, type ProbeOptions, type ProbeResult, type ProbeTarget } from '../../src/probe/index.js';
import { ok, out } from './outputs.js';

export const COMPARE_CONF = '/etc/pve/ceph.conf';
export const TARGET: ProbeTarget = {
  conf: '/etc/pve/priv/ceph/ext-rbd.conf', clientId: 'pve', keyring: '/etc/pve/priv/ceph/ext-rbd.keyring',
  pool: 'vmdata', image: 'vm-101-disk-0', monHosts: ['127.0.0.1'],
};

/** Canned replies by command: core steps, follow-ups, and `ls:POOL` for other pools. */
export type Replies = Partial<Record<string, CommandResult>>;

/** Which canned reply a command gets. */
function replyKey(command: ProbeCommand, targetPool = TARGET.pool, compareConf = COMPARE_CONF): string {
  const a = command.args;
  if (command.program === 'ceph') {
    if (a.includes('blocklist')) return 'blocklist';
    if (a.includes('pool')) return 'pools';
    if (a.includes('fsid')) return a[a.indexOf('--conf') + 1] === compareConf ? 'compareFsid' : 'fsid';
    return 'status';
  }
  if (a.includes('lock')) return 'lock';
  if (a.includes('status')) return 'rbdStatus';
  if (a.includes('snap')) return 'snap';
  if (a.includes('info')) return 'info';
  const pool = a[a.length - 1];
  return pool === targetPool ? 'ls' : `ls:${pool}`;
}

/** A runner replaying canned outputs, recording what it was asked to run. */
export function fakeRunner(replies: Replies, seen: ProbeCommand[] = [], targetPool = TARGET.pool): CommandRunner {
  return async (command) => {
    seen.push(command);
    const reply = replies[replyKey(command, targetPool)];
    if (!reply) throw new Error(`no canned reply for ${command.program} ${command.args.join(' ')}`);
    return reply;
  };
}

export const allOpen: PortChecker = async () => 'open';
export const allClosed: PortChecker = async () => 'closed';
export const healthy: Replies = {
  fsid: out.fsid, status: out.status, ls: out.ls, info: out.info, snap: out.snapLs,
  rbdStatus: out.recordedStatusNone, lock: out.recordedLocksNone, blocklist: out.recordedBlocklistEmpty, pools: out.recordedPools,
  'ls:other': ok('vm-104-disk-0\n'),
};
export const keyringOk = () => ({ exists: true, hasClientSection: true });
/** The conf files exist, with no fsid line (each test that needs fsids passes its own view). */
export const confPresent = (path: string): ConfView => ({ path, exists: true, fsid: null, monHost: null });

export function probe(replies: Replies, extra: ProbeOptions = {}, target: ProbeTarget = TARGET): Promise<ProbeResult> {
  return runProbe(target, { runner: fakeRunner(replies, [], target.pool), portChecker: allOpen, keyringView: keyringOk, confView: confPresent, localAddresses: ['127.0.0.1'], ...extra });
}

