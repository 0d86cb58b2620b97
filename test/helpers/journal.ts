// Real journal files for live-mode tests: a bundle's short-iso journal lines rendered as journalctl
// export entries and written by systemd-journal-remote (skipped where it is missing).
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const JOURNAL_REMOTE = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p)) ?? null;
export const JOURNALCTL = ['/usr/bin/journalctl', '/bin/journalctl'].find((p) => existsSync(p)) ?? null;
const BOOT = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** One journal export entry (text fields only). */
export function exportEntry(fields: Record<string, string>): string {
  return `${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join('\n')}\n\n`;
}

/**
 * The lines of a short-iso journal file as export entries (pvedaemon lines in pvedaemon.service,
 * others in init.scope). `shiftMs` moves every time stamp (to make a journal of the last hours).
 */
export function journalExport(file: string, shiftMs = 0): { text: string; lastMicros: number; lastMono: number } {
  let mono = 1_000_000;
  let lastMicros = 0;
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const m = /^(\S+) (\S+) ([\w-]+)\[(\d+)\]: (.*)$/.exec(line);
    if (!m) continue;
    const [, stamp, host, ident, pid, message] = m as unknown as [string, string, string, string, string, string];
    lastMicros = (Date.parse(stamp.replace(/(\d\d)(\d\d)$/, '$1:$2')) + shiftMs) * 1000;
    mono += 1000;
    const unit = ident === 'pvedaemon' ? 'pvedaemon.service' : 'init.scope';
    out.push(exportEntry({
      __REALTIME_TIMESTAMP: String(lastMicros), __MONOTONIC_TIMESTAMP: String(mono), _BOOT_ID: BOOT, _TRANSPORT: 'syslog', PRIORITY: '6',
      SYSLOG_IDENTIFIER: ident, SYSLOG_PID: pid, _PID: pid, _SYSTEMD_UNIT: unit, _HOSTNAME: host, MESSAGE: message,
    }));
  }
  return { text: out.join(''), lastMicros, lastMono: mono };
}

/** Writes `exportText` as a journal file in `dir` (systemd-journal-remote); the error text, or null. */
export function writeJournal(dir: string, exportText: string): string | null {
  if (!JOURNAL_REMOTE) return 'no systemd-journal-remote';
  const made = spawnSync(JOURNAL_REMOTE, [`--output=${join(dir, 'remote.journal')}`, '-'], { input: exportText, encoding: 'utf8' });
  return made.status === 0 ? null : made.stderr;
}
