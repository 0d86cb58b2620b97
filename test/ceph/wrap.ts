/**
 * Renders a real capture (verbatim stderr of rbd / qemu-img) the way Proxmox VE wraps it
 * (docs/message-catalog.md, "How a message reaches the log"): a task log named by UPID,
 * pvedaemon journal lines in `journalctl` short, short-iso and json renderings, and the bare stderr as a `cli` file.
 *
 * Only the wrapper is synthetic; every embedded message text comes from the capture.
 */
import { createHash } from 'node:crypto';
import type { Scenario, Tool } from './scenarios.js';
import { PVE } from './scenarios.js';

/** One real run, paths already rewritten to the Proxmox paths and keys redacted. */
export interface Capture {
  readonly scenario: string;
  readonly tool: Tool;
  /** argv of the real command, paths rewritten. */
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** ISO time the command started. */
  readonly startedAt: string;
  /** Real PID of the command (used as the task worker pid). */
  readonly pid: number;
  /** Clock ticks since boot when it started (UPID pstart). */
  readonly pstart: number;
  /** Verbatim stderr (paths rewritten, key material redacted). */
  readonly stderr: string;
  /** qemu-img: the filename given to it (`rbd:…` or `json:{…}`), rewritten. */
  readonly qemuFilename: string | null;
  /** qemu-img -blockdev: the rbd node members given to QEMU, rewritten. */
  readonly rbdNode: Readonly<Record<string, unknown>> | null;
  /** real path (or temp-dir prefix) → Proxmox path it stands for. */
  readonly pathMap: Readonly<Record<string, string>>;
  readonly versions: { readonly ceph: string; readonly qemu: string };
  /** What the harness changed compared with a stock Proxmox run (e.g. short client timeouts). */
  readonly harnessNotes: readonly string[];
}

/** A file of the rendered fixture and which of its lines are real captures. */
export interface RenderedFile {
  /** Path relative to the scenario dir. */
  readonly path: string;
  readonly text: string;
  /** Line notes: `N: real` (verbatim), `N: wrapper` or `N: wrapper around real text`. */
  readonly lines: readonly string[];
}

export interface Rendering {
  readonly upid: string;
  readonly taskError: string | null;
  readonly cli: RenderedFile;
  readonly taskLog: RenderedFile;
  readonly short: RenderedFile;
  readonly shortIso: RenderedFile;
  readonly json: RenderedFile;
}

// ---------------------------------------------------------------------------------------------
// run_command (pve-common) line handling

/** Split stderr into lines the way PVE's run_command does: `\n`, `\r\n`, `\r` and backspaces end a line. */
export function pveLines(stderr: string): string[] {
  const out: string[] = [];
  const re = /([^\x08\r\n]*)(?:\n|\x08+|\r\n?)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(stderr)) !== null) {
    out.push(m[1] ?? '');
    last = re.lastIndex;
    if (m[0].length === 0) break;
  }
  const rest = stderr.slice(last);
  if (rest.length > 0) out.push(rest);
  return out;
}

/** RBDPlugin's errfunc: strips the pre-Octopus `… librbd: ` prefix (never matches modern lines). */
function stripOldLibrbd(line: string): string {
  const m = /^\d+-\d+-\d+ \d+:\d+:\d+\.\d+ [0-9a-f]+ [-\d]+ librbd: (.*)$/.exec(line);
  return m?.[1] ?? line;
}

interface WrapOutcome {
  /** Lines printed into the task log before the final status (with their origin). */
  readonly printed: ReadonlyArray<{ text: string; note: string }>;
  /** The die text (null on success). */
  readonly error: string | null;
  readonly errorNote: string;
}

/** run_rbd_command for queries (silent errfunc): `rbd error: <last stderr line>`. */
function wrapQuery(lines: readonly string[], exitCode: number): WrapOutcome {
  if (exitCode === 0) return { printed: [], error: null, errorNote: '' };
  const last = lines.length > 0 ? lines[lines.length - 1] : undefined;
  if (last) return { printed: [], error: `rbd error: ${last}`, errorNote: `wrapper \`rbd error: \` + real stderr line ${lines.length}` };
  return { printed: [], error: `rbd error: exit code ${exitCode}`, errorNote: 'wrapper only (rbd wrote no stderr)' };
}

/**
 * run_rbd_command for mutating calls: every line but the last held-back one is printed (empty
 * lines are skipped by run_command's truthiness test); the error is `<errmsg>: <last printed line>`.
 */
function wrapMutate(lines: readonly string[], exitCode: number, errmsg: string): WrapOutcome {
  const printed: Array<{ text: string; note: string }> = [];
  let held: string | undefined;
  let heldNo = 0;
  let lasterr: string | undefined;
  let lasterrNo = 0;
  lines.forEach((line, i) => {
    if (held) {
      lasterr = stripOldLibrbd(held);
      lasterrNo = heldNo;
      printed.push({ text: lasterr, note: `real (stderr line ${heldNo})` });
    }
    held = line;
    heldNo = i + 1;
  });
  if (exitCode === 0) {
    if (held) printed.push({ text: held, note: `real (stderr line ${heldNo})` });
    return { printed, error: null, errorNote: '' };
  }
  if (lasterr !== undefined) return { printed, error: `${errmsg}: ${lasterr}`, errorNote: `wrapper \`${errmsg}: \` + real stderr line ${lasterrNo} (second-to-last; the last line is dropped)` };
  if (held) return { printed, error: `${errmsg}: ${held}`, errorNote: `wrapper \`${errmsg}: \` + real stderr line ${heldNo}` };
  return { printed, error: `${errmsg}: exit code ${exitCode}`, errorNote: 'wrapper only (rbd wrote no stderr)' };
}

// ---------------------------------------------------------------------------------------------
// QEMU

/** Canonical JSON (sorted keys, no whitespace) as qemu-server prints -blockdev arguments. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function nodeName(prefix: 'e' | 'f', volid: string): string {
  return prefix + createHash('sha256').update(`drive=scsi0,volid=${volid}`).digest('hex').slice(0, 30);
}

/** The `-drive` argument qemu-server builds around an `rbd:` filename. */
export function driveArg(rbdFilename: string): string {
  return `file=${rbdFilename},if=none,id=drive-scsi0,format=raw,cache=none,aio=io_uring,detect-zeroes=on`;
}

/** The nested throttle → raw → rbd `-blockdev` JSON of PVE 9 around the real rbd node. */
export function blockdevArg(rbdNode: Readonly<Record<string, unknown>>, image: string): string {
  const volid = `${PVE.storeid}:${image}`;
  const cache = { direct: true, 'no-flush': false };
  return canonicalJson({
    'detect-zeroes': 'on',
    discard: 'ignore',
    driver: 'throttle',
    file: {
      cache,
      'detect-zeroes': 'on',
      discard: 'ignore',
      driver: 'raw',
      file: { ...rbdNode, cache, 'detect-zeroes': 'on', discard: 'ignore', 'node-name': nodeName('e', volid), 'read-only': false },
      'node-name': nodeName('f', volid),
      'read-only': false,
    },
    'node-name': 'drive-scsi0',
    'read-only': false,
    'throttle-group': 'throttle-drive-scsi0',
  });
}

function wrapQemu(s: Scenario, c: Capture, lines: readonly string[]): WrapOutcome {
  const printed: Array<{ text: string; note: string }> = [];
  const prefix = `qemu-img: Could not open '${c.qemuFilename ?? ''}': `;
  lines.forEach((line, i) => {
    if (line === '') return;
    if (line.startsWith(prefix)) {
      const msg = line.slice(prefix.length);
      const loc = c.tool === 'qemu-blockdev' && c.rbdNode ? `-blockdev ${blockdevArg(c.rbdNode, s.image)}` : `-drive ${driveArg(c.qemuFilename ?? '')}`;
      printed.push({ text: `kvm: ${loc}: ${msg}`, note: `wrapper \`kvm: ${c.tool === 'qemu-blockdev' ? '-blockdev {…}' : '-drive …'}: \` + real message from stderr line ${i + 1} (after \`qemu-img: Could not open '…': \`)` });
    } else {
      printed.push({ text: line, note: `real (stderr line ${i + 1})` });
    }
  });
  if (c.exitCode === 0) return { printed, error: null, errorNote: '' };
  return { printed, error: 'start failed: QEMU exited with code 1', errorNote: 'wrapper (qemu-server QS-01)' };
}

// ---------------------------------------------------------------------------------------------
// UPID, task log and journal

const hex8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

export function makeUpid(node: string, pid: number, pstart: number, starttime: number, type: string, id: string): string {
  return `UPID:${node}:${hex8(pid)}:${hex8(pstart)}:${hex8(starttime)}:${type}:${id}:root@pam:`;
}

interface JournalEntry {
  readonly t: Date;
  readonly pid: number;
  readonly prio: number;
  readonly msg: string;
  readonly worker: boolean;
  readonly note: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** The node's time zone is UTC (the capture machine's), so the zone is +0000. */
function shortTs(t: Date): string {
  return `${MONTHS[t.getUTCMonth()] ?? '???'} ${p2(t.getUTCDate())} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`;
}
function isoTs(t: Date): string {
  return `${t.getUTCFullYear()}-${p2(t.getUTCMonth() + 1)}-${p2(t.getUTCDate())}T${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}+0000`;
}

const BOOT_ID = '5f0c0d6a1b8e4c7f9d2a3b4c5d6e7f80';

function jsonLine(e: JournalEntry, upid: string, monoUs: number): string {
  const us = BigInt(e.t.getTime()) * 1000n;
  const o: Record<string, string> = {
    __REALTIME_TIMESTAMP: us.toString(),
    __MONOTONIC_TIMESTAMP: String(monoUs),
    _BOOT_ID: BOOT_ID,
    PRIORITY: String(e.prio),
    SYSLOG_FACILITY: '3',
    SYSLOG_IDENTIFIER: 'pvedaemon',
    SYSLOG_PID: String(e.pid),
    _PID: String(e.pid),
    _UID: '0',
    _GID: '0',
    _COMM: e.worker ? 'task UPID:pve3:' : 'pvedaemon',
    _EXE: '/usr/bin/perl',
    _CMDLINE: e.worker ? `task ${upid}` : 'pvedaemon',
    _SYSTEMD_UNIT: 'pvedaemon.service',
    _TRANSPORT: 'syslog',
    _HOSTNAME: PVE.node,
    MESSAGE: e.msg,
  };
  return JSON.stringify(o);
}

/** Render one capture in all fixture forms. */
export function render(s: Scenario, c: Capture): Rendering {
  const lines = pveLines(c.stderr);
  const exit = c.exitCode ?? 1;
  const out =
    s.pve.kind === 'vmstart' ? wrapQemu(s, c, lines)
      : s.pve.kind === 'mutate' ? wrapMutate(lines, exit, s.pve.errmsg ?? 'rbd error')
        : wrapQuery(lines, exit);

  const start = new Date(c.startedAt);
  const startSec = Math.floor(start.getTime() / 1000);
  const end = new Date(start.getTime() + c.durationMs);
  const upid = makeUpid(PVE.node, c.pid, c.pstart, startSec, s.pve.task, String(s.pve.vmid));
  const d = upid.split(':')[4]?.slice(-1) ?? '0';
  const taskPath = `tasks/${d}/${upid}`;

  const taskLines: Array<{ text: string; note: string }> = [...out.printed];
  if (out.error === null) taskLines.push({ text: 'TASK OK', note: 'wrapper' });
  else taskLines.push({ text: `TASK ERROR: ${out.error}`, note: `\`TASK ERROR: \` + ${out.errorNote}` });

  const status = out.error ?? 'OK';
  const entries: JournalEntry[] = [
    { t: start, pid: PVE.daemonPid, prio: 6, msg: `<root@pam> starting task ${upid}`, worker: false, note: 'wrapper' },
  ];
  if (s.pve.task === 'qmstart') entries.push({ t: start, pid: c.pid, prio: 6, msg: `start VM ${s.pve.vmid}: ${upid}`, worker: true, note: 'wrapper' });
  if (out.error !== null) entries.push({ t: end, pid: c.pid, prio: 3, msg: out.error, worker: true, note: out.errorNote });
  entries.push({ t: end, pid: PVE.daemonPid, prio: 6, msg: `<root@pam> end task ${upid} ${status}`, worker: false, note: out.error === null ? 'wrapper' : `wrapper; status = ${out.errorNote}` });

  const mono0 = c.pstart * 10_000;
  const short = entries.map((e) => `${shortTs(e.t)} ${PVE.node} pvedaemon[${e.pid}]: ${e.msg}`);
  const iso = entries.map((e) => `${isoTs(e.t)} ${PVE.node} pvedaemon[${e.pid}]: ${e.msg}`);
  const json = entries.map((e, i) => jsonLine(e, upid, mono0 + (e.t.getTime() - start.getTime()) * 1000 + i));
  const notes = entries.map((e, i) => `${i + 1}: ${e.note}`);

  return {
    upid,
    taskError: out.error,
    cli: { path: 'cli.log', text: c.stderr, lines: ['all: real (verbatim stderr of the command, paths rewritten)'] },
    taskLog: { path: taskPath, text: taskLines.map((l) => l.text).join('\n') + '\n', lines: taskLines.map((l, i) => `${i + 1}: ${l.note}`) },
    short: { path: 'journal.short.log', text: short.join('\n') + '\n', lines: notes },
    shortIso: { path: 'journal.short-iso.log', text: iso.join('\n') + '\n', lines: notes },
    json: { path: 'journal.json.log', text: json.join('\n') + '\n', lines: notes },
  };
}
