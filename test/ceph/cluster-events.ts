/**
 * Cluster-side scenarios (issue 17): a change made on a real three-monitor cluster, then a VM start
 * (QEMU's rbd driver through `qemu-img info 'rbd:…'`, like fixtures/real's `qemu-drive`) that fails
 * because of it. What the monitors logged meanwhile is kept: the real `ceph.audit.log` and
 * `ceph.log` lines of the scenario's time window (mon.a's copy), and every monitor's own log lines
 * (its `log_channel(…)` and election lines), which is what a Proxmox node's journal holds as
 * `ceph-mon[PID]: …`. A command is logged as `finished` only by the leader, so one peon's journal may
 * hold its `dispatch` alone: the journals of all monitor nodes are kept.
 *
 * - key-recreated:  `auth rm` + `auth get-or-create` of client.rot; pve1 got the new keyring and starts the VM,
 *                   pve3 kept the old one and fails (key-stale)
 * - caps-narrowed:  `auth caps client.nar … osd 'profile rbd pool=other'`; the VM's disk is in vmdata (caps-insufficient)
 * - pool-renamed:   `osd pool rename ren ren-old`; the storage still names `ren` (image-not-found)
 * - blocklisted:    `osd blocklist add 127.0.0.1:0/0` (this node fenced) (image-busy)
 * - quorum-lost:    mon.b stopped (MON_DOWN), then mon.c: mon.a alone has no quorum (mon-unreachable)
 *
 * Used by cluster-capture.ts (writes fixtures/cluster/) and cluster.ceph.ts (re-runs and classifies).
 */
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';
import type { CauseId } from '../../src/causes.js';
import type { ClusterEventKind } from '../../src/types.js';
import { CephCluster, run, sleep, versions, waitFor, type RunResult } from './cluster.js';
import { redact } from './runner.js';
import { PVE, type Scenario } from './scenarios.js';
import { render, type Capture, type Rendering } from './wrap.js';

/** What a scenario must come out as, with the cluster logs. */
export interface ClusterExpectation {
  readonly cause: CauseId;
  readonly event: ClusterEventKind;
  readonly confirmedBy: 'audit-log' | 'cluster-log';
}

/** What a scenario's change left for the VM start. */
interface Staged {
  readonly client: string;
  readonly pool: string;
  readonly image: string;
  /** Keyring the failing node (pve3) uses. */
  readonly keyring: string;
  /** Conf the failing node uses (default: the cluster's client conf). */
  readonly conf?: string;
  /** Keyring of a node where the same start works (pve1), if the scenario has one. */
  readonly goodKeyring?: string;
  /** Undo the change after the failing start. */
  readonly undo?: () => Promise<void>;
  readonly notes?: readonly string[];
}

export interface ClusterScenario extends ClusterExpectation {
  readonly id: string;
  readonly title: string;
  readonly stage: (w: ClusterWorld) => Promise<Staged>;
}

export interface ClusterWorld {
  readonly c: CephCluster;
  readonly versions: { readonly ceph: string; readonly qemu: string };
}

const RBD = { mon: 'profile rbd', osd: 'profile rbd' };

async function ok(p: Promise<RunResult>): Promise<RunResult> {
  const r = await p;
  if (r.exitCode !== 0) throw new Error(`${r.argv.join(' ')} failed: ${r.stderr.trim()}`);
  return r;
}

/** Wait until `file` has a line matching `re` (the cluster log is written when entries commit). */
async function waitForLine(file: string, re: RegExp, what: string, timeoutMs: number, fromByte = 0): Promise<void> {
  await waitFor(what, timeoutMs, async () => {
    try { return re.test(readFileSync(file).subarray(fromByte).toString('utf8')); } catch { return false; }
  }, 500);
}

/** Bytes in a log file now (0 when it does not exist yet): where to look for what comes next. */
function sizeOf(file: string): number {
  try { return statSync(file).size; } catch { return 0; }
}

export const CLUSTER_SCENARIOS: readonly ClusterScenario[] = [
  {
    id: 'key-recreated', title: 'client key removed and re-created; pve1 has the new keyring, pve3 the old one',
    cause: 'key-stale', event: 'key-recreated', confirmedBy: 'audit-log',
    async stage({ c }) {
      await c.createClient('rot', RBD);
      const old = join(c.dir, 'old.client.rot.keyring');
      copyFileSync(c.keyringPath('rot'), old);
      await ok(c.ceph(['auth', 'rm', 'client.rot']));
      await c.createClient('rot', RBD);
      return { client: 'rot', pool: 'vmdata', image: 'vm-101-disk-0', keyring: old, goodKeyring: c.keyringPath('rot') };
    },
  },
  {
    id: 'caps-narrowed', title: "client caps narrowed to another pool (osd 'profile rbd pool=other')",
    cause: 'caps-insufficient', event: 'caps-changed', confirmedBy: 'audit-log',
    async stage({ c }) {
      const keyring = await c.createClient('nar', RBD);
      await ok(c.ceph(['auth', 'caps', 'client.nar', 'mon', 'profile rbd', 'osd', 'profile rbd pool=other']));
      return { client: 'nar', pool: 'vmdata', image: 'vm-101-disk-0', keyring };
    },
  },
  {
    id: 'pool-renamed', title: 'pool renamed while the storage still names the old pool',
    cause: 'image-not-found', event: 'pool-renamed', confirmedBy: 'audit-log',
    async stage({ c }) {
      await c.createPools(['ren']);
      await c.createImage('ren', 'vm-105-disk-0');
      const keyring = await c.createClient('pve', RBD);
      await ok(c.ceph(['osd', 'pool', 'rename', 'ren', 'ren-old']));
      return { client: 'pve', pool: 'ren', image: 'vm-105-disk-0', keyring };
    },
  },
  {
    id: 'blocklisted', title: "this node's address blocklisted (fenced)",
    cause: 'image-busy', event: 'client-blocklisted', confirmedBy: 'audit-log',
    async stage({ c }) {
      const keyring = await c.createClient('pve', RBD);
      await ok(c.ceph(['osd', 'blocklist', 'add', '127.0.0.1:0/0', '600']));
      await sleep(500);
      return { client: 'pve', pool: 'vmdata', image: 'vm-101-disk-0', keyring, undo: async () => { await ok(c.ceph(['osd', 'blocklist', 'rm', '127.0.0.1:0/0'])); } };
    },
  },
  {
    id: 'quorum-lost', title: 'two of three monitors stopped: no quorum',
    cause: 'mon-unreachable', event: 'mon-down', confirmedBy: 'cluster-log',
    async stage({ c }) {
      const audit = c.clusterLogPath('a', 'audit');
      const before = sizeOf(audit);
      const keyring = await c.createClient('pve', RBD);
      // The audit entry reaches the log after a commit: stopping monitors first can lose it.
      await waitForLine(audit, /auth get-or-create[^\n]*client\.pve/, 'the get-or-create in ceph.audit.log', 30_000, before);
      const conf = await c.writeFile('short-timeout.conf', `${readFileSync(c.confPath, 'utf8')}client_mount_timeout = 5\n`);
      await c.stopMon('b');
      await waitForLine(c.clusterLogPath('a'), /MON_DOWN/, 'MON_DOWN in ceph.log', 60_000);
      await c.stopMon('c');
      await waitFor('mon.a out of quorum', 40_000, async () => {
        const r = await run('ceph', ['--admin-daemon', join(c.dir, 'run', 'mon.a.asok'), 'mon_status'], { timeoutMs: 5_000 });
        try { return ['probing', 'electing'].includes((JSON.parse(r.stdout) as { state?: string }).state ?? ''); } catch { return false; }
      }, 1_000);
      return {
        client: 'pve', pool: 'vmdata', image: 'vm-101-disk-0', keyring, conf,
        notes: ['the client conf has client_mount_timeout = 5 (Ceph default 300 s) so the start fails in seconds'],
        undo: async () => {
          c.startMon('b');
          c.startMon('c');
          await waitFor('quorum back', 60_000, async () => (await c.ceph(['mon', 'stat'], 5_000)).exitCode === 0, 1_000);
          await waitForLine(c.clusterLogPath('a'), /Health check cleared: MON_DOWN/, 'MON_DOWN cleared', 60_000);
        },
      };
    },
  },
];

/** Start the three-monitor cluster with pools vmdata and other and the image the VM starts use. */
export async function startClusterWorld(log: (m: string) => void): Promise<ClusterWorld> {
  const c = await CephCluster.start({ name: 'c3', mons: 3, log });
  try {
    await c.createPools(['vmdata', 'other']);
    await c.createImage('vmdata', 'vm-101-disk-0');
    return { c, versions: await versions() };
  } catch (e) {
    await c.stop();
    throw e;
  }
}

/** One scenario run for real: the captures of both nodes and the monitors' log lines. */
export interface ClusterRun {
  readonly scenario: ClusterScenario;
  readonly failing: Capture;
  readonly good: Capture | null;
  /** Real lines of the window, key material redacted. */
  readonly auditLog: string;
  readonly clusterLog: string;
  /** Each monitor's own log lines of the window that its node's journal would carry (log_channel and election lines), by mon id. */
  readonly monLogs: Readonly<Record<string, string>>;
}

/** The Proxmox scenario shape wrap.ts renders: a VM start with QEMU's `-drive` rbd string. */
export function pveScenario(s: ClusterScenario, staged: { client: string; pool: string; image: string }): Scenario {
  return {
    id: s.id, title: s.title, cause: s.cause, tool: 'qemu-drive', pool: staged.pool, image: staged.image, client: staged.client,
    keyring: 'pve', conf: 'a', pve: { kind: 'vmstart', task: 'qmstart', vmid: Number(/\d+/.exec(staged.image)?.[0] ?? 101) }, phase: null, errno: null,
  };
}

async function vmStart(w: ClusterWorld, s: ClusterScenario, staged: Staged, keyring: string): Promise<Capture> {
  const conf = staged.conf ?? w.c.confPath;
  const filename = `rbd:${staged.pool}/${staged.image}:conf=${conf}:id=${staged.client}:keyring=${keyring}`;
  const pstart = Math.floor(uptime() * 100);
  const r = await run('qemu-img', ['info', filename], { timeoutMs: 45_000 });
  const map: Record<string, string> = { [conf]: PVE.conf, [keyring]: PVE.keyring, [w.c.dir]: '/var/lib/rbdx/c3' };
  const rw = (t: string): string => redact(Object.keys(map).sort((x, y) => y.length - x.length).reduce((acc, k) => acc.split(k).join(map[k] ?? k), t));
  return {
    scenario: s.id, tool: 'qemu-drive', argv: ['qemu-img', 'info', filename].map(rw), exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut,
    durationMs: r.durationMs, startedAt: r.startedAt.toISOString(), pid: r.pid, pstart, stderr: rw(r.stderr), qemuFilename: rw(filename), rbdNode: null,
    pathMap: Object.fromEntries(Object.entries(map).map(([k, v]) => [k.split(w.c.dir).join('<tmp:c3>'), v])), versions: w.versions,
    harnessNotes: [...(staged.notes ?? [])],
  };
}

/** Lines of `file` whose leading ISO stamp is in [from, to] (ms), and that `keep` accepts. */
function slice(file: string, from: number, to: number, keep: (line: string) => boolean = () => true): string {
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch { return ''; }
  const out = text.split('\n').filter((l) => {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(\d\d)/.exec(l);
    if (!m) return false;
    const t = Date.parse(`${m[1]}${m[2]}:${m[3]}`);
    return t >= from && t <= to && keep(l);
  });
  return out.length > 0 ? `${out.map(redact).join('\n')}\n` : '';
}

/** Run one scenario: the change, the failing start (pve3), the working one (pve1), the undo, the log windows. */
export async function runClusterScenario(w: ClusterWorld, s: ClusterScenario): Promise<ClusterRun> {
  const from = Date.now() - 500;
  const staged = await s.stage(w);
  let failing: Capture;
  let good: Capture | null = null;
  try {
    failing = await vmStart(w, s, staged, staged.keyring);
    if (staged.goodKeyring) good = await vmStart(w, s, staged, staged.goodKeyring);
  } finally {
    await staged.undo?.();
  }
  await sleep(1_500); // entries reach the log files when they commit
  const to = Date.now();
  const c = w.c;
  return {
    scenario: s,
    failing,
    good,
    auditLog: slice(c.clusterLogPath('a', 'audit'), from, to),
    clusterLog: slice(c.clusterLogPath('a'), from, to),
    monLogs: Object.fromEntries(c.mons.map((m) => [m.id, slice(c.logPath(`mon.${m.id}.log`), from, to, (l) => l.includes('log_channel(') || / calling (?:fresh|new) election/.test(l))])),
  };
}

/** Node and pid of each monitor's journal lines (the real pids are not kept: they vary). */
export const MON_NODES: Readonly<Record<string, { readonly node: string; readonly pid: number }>> = {
  a: { node: 'pve1', pid: 1190 }, b: { node: 'pve2', pid: 1191 }, c: { node: 'pve4', pid: 1192 },
};

/** The monitors' lines merged in time order, each with its node and pid (a journal read from several nodes). */
function monLines(monLogs: Readonly<Record<string, string>>): { line: string; ms: number; node: string; pid: number }[] {
  return Object.entries(monLogs).flatMap(([id, text]) => text.split('\n').filter(Boolean).map((line) => ({
    line, ms: Date.parse(`${line.slice(0, 23)}Z`), node: MON_NODES[id]?.node ?? `mon-${id}`, pid: MON_NODES[id]?.pid ?? 1190,
  }))).sort((x, y) => x.ms - y.ms);
}

/** As `journalctl` short lines (`Dec 05 21:58:29 pve1 ceph-mon[1190]: <real line>`). */
export function monJournalShort(monLogs: Readonly<Record<string, string>>): string {
  return monLines(monLogs).map(({ line, ms, node, pid }) => {
    const t = new Date(ms);
    const mon = t.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
    return `${mon} ${String(t.getUTCDate()).padStart(2, '0')} ${t.toISOString().slice(11, 19)} ${node} ceph-mon[${pid}]: ${line}\n`;
  }).join('');
}

/** The same lines as `journalctl -o json`. */
export function monJournalJson(monLogs: Readonly<Record<string, string>>): string {
  return monLines(monLogs).map(({ line, ms, node, pid }) => `${JSON.stringify({
    __REALTIME_TIMESTAMP: String(ms * 1000), _HOSTNAME: node, SYSLOG_IDENTIFIER: 'ceph-mon',
    _PID: String(pid), PRIORITY: '6', MESSAGE: line,
  })}\n`).join('');
}

/** The failing node's rendering (pve3), and the working node's (pve1: the same wrapper, node renamed). */
export function renderRun(r: ClusterRun, staged: { client: string; pool: string; image: string }): { bad: Rendering; good: Rendering | null } {
  const s = pveScenario(r.scenario, staged);
  const bad = render(s, r.failing);
  if (!r.good) return { bad, good: null };
  const g = render({ ...s, cause: null }, r.good);
  const rename = (t: string): string => t.split(PVE.node).join('pve1');
  const file = <F extends { path: string; text: string }>(f: F): F => ({ ...f, path: rename(f.path), text: rename(f.text) });
  return { bad, good: { ...g, upid: rename(g.upid), cli: file(g.cli), taskLog: file(g.taskLog), short: file(g.short), shortIso: file(g.shortIso), json: file(g.json) } };
}

/** Client, pool and image of a capture (read back from its qemu filename). */
export function stagedOf(c: Capture): { client: string; pool: string; image: string } {
  const m = /^rbd:([^/]+)\/([^:]+):.*:id=([^:]+):/.exec(c.qemuFilename ?? '');
  return { pool: m?.[1] ?? 'vmdata', image: m?.[2] ?? 'vm-101-disk-0', client: m?.[3] ?? 'pve' };
}
