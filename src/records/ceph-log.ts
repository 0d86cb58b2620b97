/**
 * Ceph monitor log lines: the cluster log and the audit log in their three renderings, and the
 * few monitor debug lines that say a quorum was lost. Every form is read from the message part
 * of a line, so the same reader serves `ceph.audit.log` / `ceph.log` files and `ceph-mon`
 * journal lines (short, ISO, json, export): the journal prefix is already gone.
 *
 * - file form (`mon_cluster_log_file`, and syslog/stderr copies with a leading channel word):
 *   `2026-12-05T21:58:29.222745+0000 mon.a (mon.0) 45 : audit [INF] <text>`
 * - debug form (the monitor's own log, and its stderr in the journal):
 *   `2026-12-05T21:58:29.217+0000 7f2bbeffd6c0  0 log_channel(audit) log [INF] : <text>`
 * - monitor state lines: `… 1 mon.a@0(leader).paxos(…) accept timeout, calling fresh election`
 *
 * Audit text: `from='<addr>' entity='<who>' cmd=[{…}]: dispatch`, `cmd='[{…}]': finished`,
 * `cmd=[{…}]:  access denied`.
 */
import type { InputSpec } from './read-records.js';
import type { LogRecord } from '../types.js';
import { readDatedStamp } from './clock.js';

/** Log channels the monitors write. */
export type CephLogChannel = 'audit' | 'cluster';

/** What happened to an audited command. */
export type AuditStatus = 'dispatch' | 'finished' | 'denied';

/** One audited monitor command. */
export interface AuditCommand {
  /** Where it came from: `client.? 10.0.0.1:0/123456`, `osd.0 [v2:…]`, `admin socket`. */
  readonly from: string;
  /** Who ran it: `client.admin`, `mon.`, `osd.0`. */
  readonly by: string;
  /** The command's arguments as sent (JSON); null when the JSON did not parse. */
  readonly args: Readonly<Record<string, unknown>> | null;
  /** `prefix` of the command (`auth get-or-create`, `osd pool rename`); from the text when the JSON is cut. */
  readonly prefix: string | null;
  readonly status: AuditStatus;
}

/** One cluster or audit log entry, whatever the rendering. */
export interface CephLogEntry {
  readonly channel: CephLogChannel;
  /** `DBG`, `INF`, `WRN`, `ERR`, `SEC`. */
  readonly priority: string;
  /** The entry's own time stamp, when the line carries one. */
  readonly time: { readonly iso: string; readonly ms: number } | null;
  /** The daemon that logged it (`mon.a`), when the line names it. */
  readonly who: string | null;
  /** Sequence number of the entry (file form): with `who`, unique in the cluster. */
  readonly seq: number | null;
  /** The text after `[PRIO]`. */
  readonly text: string;
  /** Audit channel: the command. */
  readonly audit: AuditCommand | null;
}

const STAMP = String.raw`(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d+)?)(Z|[+-]\d\d:?\d\d)?`;
const PRIORITY = String.raw`\[(DBG|INF|WRN|ERR|SEC)\]`;
/** `[channel ]STAMP who (rank) seq : channel [PRIO] text`; the stamp is absent in syslog copies. */
const FILE_FORM = new RegExp(String.raw`^(?:(?:audit|cluster) )?(?:${STAMP} )?((?:mon|mgr|osd|mds|client)\.[\w.?-]*) \(([\w.?-]+)\) (\d+) : (audit|cluster) ${PRIORITY} ?(.*)$`);
/** `STAMP TID LEVEL log_channel(channel) log [PRIO] : text` */
const DEBUG_FORM = new RegExp(String.raw`^(?:${STAMP} [0-9a-f]+ +-?\d+ )?log_channel\((audit|cluster)\) log ${PRIORITY} : ?(.*)$`);
/** `STAMP TID LEVEL mon.a@0(leader)…: … calling (fresh|new) election`: the monitor lost its quorum. */
const ELECTION_FORM = new RegExp(String.raw`^(?:${STAMP} [0-9a-f]+ +-?\d+ )?(mon\.[\w-]+)@\d+\((\w+)\)\S* (.*calling (?:fresh|new) election.*)$`);
const AUDIT_TEXT = /^from='([^']*)' entity='([^']*)' cmd=(.*?):\s+(dispatch|finished|access denied)$/;

/**
 * Cheap test for the substrings every form has; lets readers keep these lines although they come
 * from a Ceph daemon (those are dropped as look-alikes otherwise).
 */
export function isCephLogText(text: string): boolean {
  return text.includes(' : audit [') || text.includes(' : cluster [') || text.includes('log_channel(')
    || (text.includes(' election') && text.includes('mon.'));
}

/**
 * The monitor log entries that can be a cluster event (src/classify/cluster-events.ts): auth and pool
 * commands, blocklisting, elections, leaders, MON_DOWN, monmap changes. Everything else the monitors
 * log (pgmap, dashboard polling, `auth get`) is skipped before it costs an extraction. Quotes may be
 * JSON-escaped (journalctl -o json).
 */
const EVENT_WORDS = /prefix\\?"\s*:\s*\\?"(?:auth (?:get-or-create|add|rm|del|rotate|import|caps)|osd pool (?:rename|delete|rm|application)|osd bl(?:ock|ack)list)|calling (?:fresh|new|monitor) election|is new leader|MON_DOWN|monmap e\d/;

/** True when a line is a monitor log entry that can be a cluster event. */
export function isClusterEventText(text: string): boolean {
  // The event words first: they reject the monitors' routine lines (pgmap, polling) in one search.
  return EVENT_WORDS.test(text) && isCephLogText(text);
}

function stampOf(date: string | undefined, clock: string | undefined, zone: string | undefined, tz: string | undefined): CephLogEntry['time'] {
  if (!date || !clock) return null;
  return readDatedStamp(date, clock, zone ?? null, tz);
}

function auditOf(text: string): AuditCommand | null {
  const m = AUDIT_TEXT.exec(text);
  if (!m) return null;
  let cmd = m[3] ?? '';
  if (cmd.startsWith("'") && cmd.endsWith("'")) cmd = cmd.slice(1, -1);
  let args: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(cmd);
    const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
    if (typeof first === 'object' && first !== null && !Array.isArray(first)) args = first as Record<string, unknown>;
  } catch { /* cut or not JSON (admin socket commands): prefix from the text */ }
  const prefix = typeof args?.['prefix'] === 'string' ? args['prefix'] : /"prefix":\s*"([^"]+)"/.exec(cmd)?.[1] ?? null;
  const status: AuditStatus = m[4] === 'access denied' ? 'denied' : m[4] === 'finished' ? 'finished' : 'dispatch';
  return { from: m[1] ?? '', by: m[2] ?? '', args, prefix, status };
}

/** An entry from the pieces every form captures (its stamp as date, clock and zone). */
function entryOf(channel: CephLogChannel, priority: string | undefined, stamp: readonly (string | undefined)[], who: string | null, seq: number | null, body: string, tz: string | undefined): CephLogEntry {
  return {
    channel, priority: priority ?? 'INF', time: stampOf(stamp[0], stamp[1], stamp[2], tz),
    who, seq, text: body, audit: channel === 'audit' ? auditOf(body) : null,
  };
}

/** Reads one message (a file line, or the message of a journal line); null when it is none of the forms. */
export function parseCephLogMessage(message: string, tz?: string): CephLogEntry | null {
  if (!isCephLogText(message)) return null;
  const text = message.replace(/\s+$/, '');
  const file = FILE_FORM.exec(text);
  if (file) return entryOf(file[7] as CephLogChannel, file[8], file.slice(1, 4), file[4] ?? null, Number(file[6]), file[9] ?? '', tz);
  const debug = DEBUG_FORM.exec(text);
  if (debug) return entryOf(debug[4] as CephLogChannel, debug[5], debug.slice(1, 4), null, null, debug[6] ?? '', tz);
  const election = ELECTION_FORM.exec(text);
  if (election) return entryOf('cluster', 'DBG', election.slice(1, 4), election[4] ?? null, null, election[6] ?? '', tz);
  return null;
}

/** True when most of the first lines of an input are cluster/audit log file lines (format `ceph-log`). */
export function looksLikeCephLog(lines: readonly string[]): boolean {
  const sample = lines.filter((l) => l.trim().length > 0).slice(0, 20);
  if (sample.length === 0) return false;
  const hits = sample.filter((l) => FILE_FORM.test(l) || DEBUG_FORM.test(l)).length;
  return hits * 2 > sample.length;
}

/** `ident` of the records read from a `ceph-log` file: never classified as client failures. */
export const CEPH_LOG_IDENT = 'ceph-log';

/**
 * A line of a `ceph.log` / `ceph.audit.log` file as a record: its own stamp, the node from the
 * bundle folder. Lines that are none of the forms are kept too (counted, never classified).
 */
export function cephLogRecord(text: string, line: number, spec: InputSpec, tz: string | undefined): LogRecord | null {
  if (text.trim().length === 0) return null;
  const entry = parseCephLogMessage(text, tz);
  return {
    source: spec.name, line, time: entry?.time?.iso ?? null, epochMs: entry?.time?.ms ?? null,
    node: spec.nodeHint ?? null, ident: CEPH_LOG_IDENT, pid: null, message: text, upid: null,
  };
}
