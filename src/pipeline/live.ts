/**
 * Live mode: this node's own logs. journalctl is run for the units and identifiers where RBD
 * failures show up (src/sources/journalctl.ts), and the Proxmox tasks directory is read beside it,
 * with /var/log/ceph/ceph.audit.log and ceph.log when this node runs a monitor.
 */
import { existsSync } from 'node:fs';
import { findJournalctl, journalctlArgs, journalctlChunks } from '../sources/journalctl.js';
import { InputReadError } from '../sources/open-input.js';
import type { Source } from './sources.js';
import { cephClusterLogFiles } from '../sources/ceph-logs.js';

/** How far back live mode reads when no start is given (journalctl's `-24h`). */
export const DEFAULT_LIVE_SINCE_MS = 24 * 3_600_000;

/** What to read in live mode. */
export interface LiveOptions {
  /** Epoch ms of the first and last lines wanted (follow mode ignores `fromMs`: it reads from now). */
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  /** Units instead of the PVE daemons (kernel and PVE CLI identifiers are always read). */
  readonly units?: readonly string[] | undefined;
  /** A collected journal (`journalctl --directory`). */
  readonly journalDir?: string | undefined;
  /** The tasks directory read with the journal when it exists (default `/var/log/pve/tasks`; not in follow mode). */
  readonly tasksDir?: string | undefined;
  /** Keep reading new entries (`journalctl -f`). */
  readonly follow?: boolean | undefined;
  /** Where to look for journalctl (`PATH`, `RBD_EXPLAIN_JOURNALCTL`) and extra arguments (`RBD_EXPLAIN_JOURNALCTL_ARGS`). */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Each line journalctl writes to stderr ("No journal files were found", access hints). */
  readonly onJournalctlMessage?: ((line: string) => void) | undefined;
}

/** There is no journalctl to run. */
export class NoJournalctlError extends Error {
  override readonly name = 'NoJournalctlError';
}

/** Bytes journalctl writes for the newest entry of the journal it reads, with no filter: 0 when it reads no journal at all. */
async function anyEntryBytes(bin: string, extra: readonly string[]): Promise<number> {
  let bytes = 0;
  try {
    for await (const chunk of journalctlChunks(bin, ['-o', 'export', '--no-pager', '-n', '1', ...extra])) bytes += chunk.length;
  } catch { /* the failure of the real query was reported already */ }
  return bytes;
}

/**
 * Fails the input when journalctl gave no entry and can read no journal at all (none there, or
 * no access): that must not read as "no failure". An empty time range is fine.
 */
async function* checkedEmpty(chunks: AsyncIterable<Buffer>, bin: string, extra: readonly string[], where: string): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of chunks) { bytes += chunk.length; yield chunk; }
  if (bytes === 0 && await anyEntryBytes(bin, extra) === 0) {
    throw new InputReadError(`journalctl read no journal${where}: none there, or no access to it (run as root or in group systemd-journal or adm)`);
  }
}

/** The sources of live mode: journalctl's output, then the tasks directory. */
export function liveSources(options: LiveOptions = {}): Source[] {
  const env = options.env ?? process.env;
  const bin = findJournalctl(env);
  if (!bin) throw new NoJournalctlError('no input: no file, no stdin, and no journalctl on this machine to read the journal itself (pipe a log in or name files)');
  const follow = options.follow === true;
  const fromMs = follow ? undefined : options.fromMs ?? Date.now() - DEFAULT_LIVE_SINCE_MS;
  const extra = [
    ...(options.journalDir !== undefined ? [`--directory=${options.journalDir}`] : []),
    ...(env['RBD_EXPLAIN_JOURNALCTL_ARGS'] ?? '').split(' ').filter(Boolean),
  ];
  const args = journalctlArgs({
    ...(fromMs !== undefined ? { since: `@${Math.floor(fromMs / 1000)}` } : {}),
    ...(options.toMs !== undefined ? { until: `@${Math.ceil(options.toMs / 1000)}` } : {}),
    ...(options.units ? { units: options.units } : {}),
    extra,
    follow,
  });
  const where = options.journalDir !== undefined ? ` in ${options.journalDir}` : '';
  const chunks = (): AsyncIterable<Buffer> => {
    const out = journalctlChunks(bin, args, options.onJournalctlMessage);
    return follow ? out : checkedEmpty(out, bin, extra, where);
  };
  const sources: Source[] = [{ kind: 'stream', spec: { name: 'journalctl', chunks } }];
  const tasksDir = options.tasksDir ?? '/var/log/pve/tasks';
  if (!follow && existsSync(tasksDir)) sources.push({ kind: 'tasks', dir: tasksDir });
  // A monitor node's cluster and audit logs: cluster events for the incidents (issue 17).
  if (!follow) for (const path of cephClusterLogFiles()) sources.push({ kind: 'file', path });
  return sources;
}
