/**
 * Live node mode: rbd-explain runs journalctl itself (`-o export`, lossless) for the units
 * and identifiers where RBD failures show up, plus the kernel (libceph/rbd lines).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputReadError } from './open-input.js';

/**
 * Units whose processes log RBD failures: the API daemon (and the tasks it forks), status
 * polling, HA, the scheduler (replication, backups), guest start at boot, QEMU event handling.
 */
export const DEFAULT_UNITS: readonly string[] = [
  'pvedaemon.service', 'pveproxy.service', 'pvestatd.service', 'pve-ha-lrm.service', 'pve-ha-crm.service',
  'pvescheduler.service', 'pve-guests.service', 'qmeventd.service',
];

/**
 * Syslog identifiers logged outside those units: CLI tasks run from a shell (`qm start`,
 * `pvesm`, `vzdump`), QEMU itself, Ceph's command-line tools, and the monitors (their audit and
 * cluster log entries are cluster events; other ceph-mon lines are dropped as look-alikes).
 */
export const DEFAULT_IDENTIFIERS: readonly string[] = ['qm', 'pvesm', 'pveceph', 'vzdump', 'pvesh', 'kvm', 'QEMU', 'rbd', 'ceph-mon'];

/** What to ask journalctl for. */
export interface JournalQuery {
  /** journalctl time expressions, passed as they are (`-24h`, `2025-01-14 10:00`, `@1736845200`). */
  readonly since?: string;
  readonly until?: string;
  /** Units instead of DEFAULT_UNITS (`pvedaemon` means `pvedaemon.service`). */
  readonly units?: readonly string[];
  /** `--directory=DIR` (a collected /var/log/journal) or `--file=F` and other selectors. */
  readonly extra?: readonly string[];
  /** Keep reading new entries (`-f`). */
  readonly follow?: boolean;
}

/**
 * The argument list. Matches are OR-ed with `+`: journalctl AND-s `-u` with `-t`, and `-k`
 * would limit the kernel lines to the current boot.
 */
export function journalctlArgs(q: JournalQuery): string[] {
  const units = (q.units && q.units.length > 0 ? q.units : DEFAULT_UNITS).map((u) => (u.includes('.') ? u : `${u}.service`));
  return [
    '-o', 'export', '--no-pager',
    ...(q.since !== undefined ? [`--since=${q.since}`] : []),
    ...(q.until !== undefined ? [`--until=${q.until}`] : []),
    ...(q.follow ? ['-f'] : []),
    ...(q.extra ?? []),
    ...units.map((u) => `_SYSTEMD_UNIT=${u}`),
    '+', ...DEFAULT_IDENTIFIERS.map((t) => `SYSLOG_IDENTIFIER=${t}`),
    '+', '_TRANSPORT=kernel',
  ];
}

/** The journalctl to run: `RBD_EXPLAIN_JOURNALCTL` or the first on `env.PATH`; null when there is none. */
export function findJournalctl(env: NodeJS.ProcessEnv): string | null {
  const candidates = env['RBD_EXPLAIN_JOURNALCTL']
    ? [env['RBD_EXPLAIN_JOURNALCTL']]
    : (env['PATH'] ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'journalctl'));
  for (const c of candidates) {
    try { accessSync(c, constants.X_OK); return c; } catch { /* next */ }
  }
  return null;
}

/**
 * Runs journalctl and yields its output; a failure (bad --since, unreadable directory) ends it
 * with an error. `onMessage` gets each line journalctl writes to stderr (errors, access hints).
 */
export async function* journalctlChunks(bin: string, args: readonly string[], onMessage?: (line: string) => void): AsyncGenerator<Buffer> {
  const child = spawn(bin, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString();
    if (!onMessage) return;
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onMessage(line);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (err) => { stderr += err.message; resolve(-1); });
    child.on('close', (code) => { if (pending.trim()) onMessage?.(pending); resolve(code); });
  });
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exited;
    if (code !== 0) throw new InputReadError(`journalctl failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
