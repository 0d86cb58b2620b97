/**
 * Real single-node Ceph cluster harness (issue 3).
 *
 * Starts one monitor and one memstore OSD on 127.0.0.1 in a temporary directory with its own
 * ceph.conf, fsid and cephx keys, and tears everything down by the PIDs it started: on `stop()`,
 * on process exit (also after an uncaught exception) and on SIGINT/SIGTERM. No manager daemon is
 * started (rbd and the pool commands used here do not need one). Loopback only. Every spawned
 * command has a timeout.
 *
 * Typical use (see docs/real-cluster.md):
 *
 *   await ensurePackages();
 *   const c = await CephCluster.start({ name: 'a' });
 *   await c.createPools(['vmdata']);
 *   const keyring = await c.createClient('pve', { mon: 'profile rbd', osd: 'profile rbd' });
 *   const r = await run('rbd', ['-p', 'vmdata', '-c', c.confPath, '-n', 'client.pve', '--keyring', keyring, 'ls']);
 *   await c.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Outcome of one command. */
export interface RunResult {
  readonly argv: readonly string[];
  /** Exit status, or null when the process was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the harness killed it because the timeout expired. */
  readonly timedOut: boolean;
  /** PID of the process (the harness uses it as the Proxmox task worker pid). */
  readonly pid: number;
  readonly startedAt: Date;
  readonly durationMs: number;
}

export interface RunOptions {
  /** Kill the process (SIGKILL, by its PID) after this many ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Written to stdin, then stdin is closed. */
  readonly input?: string;
}

/** Default bound for every command the harness runs. */
export const DEFAULT_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// PID registry: everything the harness starts, so it can always be stopped by PID.

const livePids = new Set<number>();
const tempDirs = new Set<string>();
let handlersInstalled = false;

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Kill every process the harness started and still tracks, and remove its temp dirs (sync). */
export function killAllSync(): void {
  for (const pid of livePids) {
    killPid(pid, 'SIGCONT');
    killPid(pid, 'SIGKILL');
  }
  livePids.clear();
  if (process.env.RBD_EXPLAIN_KEEP_CLUSTER !== '1') {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    tempDirs.clear();
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllSync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

function track(child: ChildProcess): number {
  installHandlers();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${child.spawnfile}`);
  livePids.add(pid);
  child.once('exit', () => livePids.delete(pid));
  return pid;
}

// ---------------------------------------------------------------------------------------------
// Running commands

/** Run a command with a timeout; never throws for a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const startedAt = new Date();
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let pid: number;
    try {
      pid = track(child);
    } catch (e) {
      reject(e);
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {});
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killPid(pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        argv: [cmd, ...args],
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        pid,
        startedAt,
        durationMs: Math.round(performance.now() - t0),
      });
    });
    if (opts.input !== undefined) child.stdin.write(opts.input);
    child.stdin.end();
  });
}

/** Like {@link run}, but throws with the stderr when the command fails. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.exitCode !== 0) {
    throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.exitCode ?? r.signal}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim()}`);
  }
  return r;
}

/** A long-running process started by the harness (watchers, lock holders, daemons). */
export interface Background {
  readonly pid: number;
  readonly argv: readonly string[];
  /** stderr collected so far. */
  stderr(): string;
  /** SIGSTOP / SIGCONT it (simulates a hung client). */
  pause(): void;
  resume(): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Start a process in the background with stdin kept open (so `rbd watch` keeps running).
 * It is killed by PID at the latest after `maxLifeMs` (default 120 s) or on harness exit.
 */
export function spawnBackground(cmd: string, args: readonly string[], opts: { maxLifeMs?: number; logFile?: string } = {}): Background {
  const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const pid = track(child);
  const err: Buffer[] = [];
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  child.stdin?.on('error', () => {});
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const life = setTimeout(() => killPid(pid, 'SIGKILL'), opts.maxLifeMs ?? 120_000);
  life.unref();
  return {
    pid,
    argv: [cmd, ...args],
    stderr: () => Buffer.concat(err).toString('utf8'),
    pause: () => killPid(pid, 'SIGSTOP'),
    resume: () => killPid(pid, 'SIGCONT'),
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killPid(pid, 'SIGCONT');
      killPid(pid, 'SIGTERM');
      const t = setTimeout(() => killPid(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
      clearTimeout(life);
    },
  };
}

/** Resolve after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `probe` until it returns true or `timeoutMs` passes (then throw `what`). */
export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, everyMs = 250): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (nothing listens on it after return). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Packages

/** Debian packages the harness needs. */
export const PACKAGES = ['ceph-mon', 'ceph-osd', 'ceph-common', 'qemu-utils', 'qemu-block-extra'] as const;

function installed(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

/**
 * Install the packages that are missing (as root, through apt-get). Checks `apt-cache policy`
 * for a candidate first and runs `apt-get update` once when something must be installed.
 */
export async function ensurePackages(log: (msg: string) => void = () => {}): Promise<void> {
  const missing = PACKAGES.filter((p) => !installed(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing packages ${missing.join(' ')} and not root: install them or run as root`);
  log(`installing ${missing.join(' ')}`);
  await runOk('apt-get', ['update', '-qq'], { timeoutMs: 300_000 });
  const policy = await runOk('apt-cache', ['policy', ...missing], { timeoutMs: 60_000 });
  if (/Candidate: \(none\)/.test(policy.stdout)) throw new Error(`no install candidate for some of ${missing.join(' ')}:\n${policy.stdout}`);
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  await runOk('apt-get', ['install', '-y', '-qq', ...missing], { timeoutMs: 900_000 });
}

/** `ceph --version` and `qemu-img --version` first lines. */
export async function versions(): Promise<{ ceph: string; qemu: string }> {
  const c = await run('ceph', ['--version'], { timeoutMs: 10_000 });
  const q = await run('qemu-img', ['--version'], { timeoutMs: 10_000 });
  return { ceph: c.stdout.split('\n')[0] ?? '', qemu: q.stdout.split('\n')[0] ?? '' };
}

// ---------------------------------------------------------------------------------------------
// The cluster

/** Caps for a cephx client, e.g. `{ mon: 'profile rbd', osd: 'profile rbd pool=vmdata' }`. */
export interface Caps {
  readonly mon?: string;
  readonly osd?: string;
  readonly mgr?: string;
}

export interface ClusterOptions {
  /** Short name used in the temp dir and the log prefix (default `a`). */
  readonly name?: string;
  /** Extra `[osd]` options (e.g. `osd_client_watch_timeout`). */
  readonly osdOptions?: Readonly<Record<string, string | number>>;
  readonly log?: (msg: string) => void;
  /** Monitors to run (ids a, b, c, …), each on its own loopback ports. Default 1. */
  readonly mons?: number;
}

/** Monitor ids in start order. */
const MON_IDS = ['a', 'b', 'c', 'd', 'e'] as const;

function capsArgs(caps: Caps): string[] {
  const a: string[] = [];
  for (const k of ['mon', 'osd', 'mgr'] as const) {
    const v = caps[k];
    if (v !== undefined) a.push(k, v);
  }
  return a;
}

/** One running single-node cluster: a monitor and a memstore OSD on 127.0.0.1. */
export class CephCluster {
  /** Temporary directory holding everything of this cluster. */
  readonly dir: string;
  readonly name: string;
  readonly fsid: string;
  /** msgr2 and msgr1 ports of the first monitor (mon.a). */
  readonly monPorts: { readonly v2: number; readonly v1: number };
  /** Every monitor: id and ports (mon.a first). */
  readonly mons: readonly { readonly id: string; readonly v2: number; readonly v1: number }[];
  /** `mon_host` value as written in the client conf (all monitors). */
  readonly monHost: string;
  /** Client-facing ceph.conf: fsid, mon_host, cephx only (what /etc/pve/ceph.conf holds for clients). */
  readonly confPath: string;
  /** Conf used by the harness for admin commands (client.admin keyring, short timeouts). */
  readonly adminConfPath: string;
  readonly adminKeyring: string;
  private readonly daemonConf: string;
  private readonly daemons: Background[] = [];
  /** Running monitor daemons by id (stopMon/startMon). */
  private readonly monDaemons = new Map<string, Background>();
  private readonly log: (msg: string) => void;
  private stopped = false;

  private constructor(dir: string, name: string, fsid: string, mons: readonly { id: string; v2: number; v1: number }[], log: (msg: string) => void) {
    this.dir = dir;
    this.name = name;
    this.fsid = fsid;
    const first = mons[0];
    if (!first) throw new Error('a cluster needs a monitor');
    this.mons = mons;
    this.monPorts = { v2: first.v2, v1: first.v1 };
    this.monHost = mons.map((m) => CephCluster.monAddr(m)).join(',');
    this.confPath = join(dir, 'ceph.conf');
    this.adminConfPath = join(dir, 'admin.conf');
    this.adminKeyring = join(dir, 'ceph.client.admin.keyring');
    this.daemonConf = join(dir, 'daemon.conf');
    this.log = log;
  }

  /** Create and start a cluster (about 5–10 s). On failure everything started is stopped again. */
  static async start(opts: ClusterOptions = {}): Promise<CephCluster> {
    installHandlers();
    const name = opts.name ?? 'a';
    const dir = await mkdtemp(join(tmpdir(), `rbdx-${name}-`));
    tempDirs.add(dir);
    const taken = new Set<number>();
    const port = async (): Promise<number> => {
      let p = await freePort();
      while (taken.has(p)) p = await freePort();
      taken.add(p);
      return p;
    };
    const mons: { id: string; v2: number; v1: number }[] = [];
    for (const id of MON_IDS.slice(0, Math.max(1, Math.min(opts.mons ?? 1, MON_IDS.length)))) mons.push({ id, v2: await port(), v1: await port() });
    const c = new CephCluster(dir, name, randomUUID(), mons, opts.log ?? (() => {}));
    try {
      await c.bootstrap(opts.osdOptions ?? {});
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  private async bootstrap(osdOptions: Readonly<Record<string, string | number>>): Promise<void> {
    const d = this.dir;
    const t0 = Date.now();
    for (const sub of ['mon', 'osd0', 'run', 'log']) await mkdir(join(d, sub));
    const global = [
      '[global]',
      `fsid = ${this.fsid}`,
      `mon_host = ${this.monHost}`,
      'auth_cluster_required = cephx',
      'auth_service_required = cephx',
      'auth_client_required = cephx',
    ];
    await writeFile(this.confPath, global.join('\n') + '\n');
    await writeFile(
      this.adminConfPath,
      [...global, `keyring = ${this.adminKeyring}`, 'client_mount_timeout = 15', 'rados_mon_op_timeout = 15', 'rados_osd_op_timeout = 30', 'log_to_stderr = false', 'err_to_stderr = true', ''].join('\n'),
    );
    const daemonCommon = [`run_dir = ${d}/run`, `admin_socket = ${d}/run/$name.asok`, `log_file = ${d}/log/$name.log`, 'public_addr = 127.0.0.1', 'ms_bind_ipv6 = false'];
    await writeFile(
      this.daemonConf,
      [
        ...global,
        'osd_pool_default_size = 1',
        'osd_pool_default_min_size = 1',
        'osd_pool_default_pg_num = 8',
        'osd_crush_chooseleaf_type = 0',
        'mon_allow_pool_size_one = true',
        'mon_warn_on_pool_no_redundancy = false',
        // The cluster and audit logs stay in the temp dir, one copy per monitor as on real monitor nodes
        // (the default is /var/log/ceph/$cluster.*.log, and $cluster would be `daemon`, from this file's name).
        `mon_cluster_log_file = default=${d}/log/ceph-$id.$channel.log cluster=${d}/log/ceph-$id.log`,
        '[mon]',
        `mon_data = ${d}/mon/$id`,
        ...daemonCommon,
        '[osd]',
        `osd_data = ${d}/osd0`,
        `keyring = ${d}/osd0/keyring`,
        'osd_objectstore = memstore',
        'memstore_device_bytes = 536870912',
        'cluster_addr = 127.0.0.1',
        ...Object.entries(osdOptions).map(([k, v]) => `${k} = ${v}`),
        ...daemonCommon,
        '',
      ].join('\n'),
    );
    const monKeyring = join(d, 'mon.keyring');
    await runOk('ceph-authtool', ['--create-keyring', monKeyring, '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *']);
    await runOk('ceph-authtool', ['--create-keyring', this.adminKeyring, '--gen-key', '-n', 'client.admin', '--cap', 'mon', 'allow *', '--cap', 'osd', 'allow *', '--cap', 'mgr', 'allow *']);
    await runOk('ceph-authtool', [monKeyring, '--import-keyring', this.adminKeyring]);
    const monmap = join(d, 'monmap');
    await runOk('monmaptool', ['--create', '--fsid', this.fsid, ...this.mons.flatMap((m) => ['--addv', m.id, CephCluster.monAddr(m)]), monmap]);
    for (const m of this.mons) {
      await mkdir(join(d, 'mon', m.id));
      await runOk('ceph-mon', ['--mkfs', '-i', m.id, '--monmap', monmap, '--keyring', monKeyring, '-c', this.daemonConf]);
      this.startMon(m.id);
    }
    await waitFor(`mon of cluster ${this.name}`, 30_000, async () => (await this.ceph(['mon', 'stat'], 5_000)).exitCode === 0);
    this.log(`cluster ${this.name}: ${this.mons.length} mon(s) up on 127.0.0.1:${this.monPorts.v2}/${this.monPorts.v1}… after ${Date.now() - t0} ms`);

    const osdUuid = randomUUID();
    const key = (await runOk('ceph-authtool', ['--gen-print-key'])).stdout.trim();
    await runOk('ceph', ['-c', this.adminConfPath, '--connect-timeout', '10', 'osd', 'new', osdUuid, '-i', '-'], { input: JSON.stringify({ cephx_secret: key }) });
    await runOk('ceph-authtool', ['--create-keyring', join(d, 'osd0', 'keyring'), '-n', 'osd.0', '--add-key', key]);
    await runOk('ceph-osd', ['--mkfs', '-i', '0', '--osd-uuid', osdUuid, '-c', this.daemonConf], { timeoutMs: 60_000 });
    this.daemons.push(spawnBackground('ceph-osd', ['-f', '-i', '0', '-c', this.daemonConf], { maxLifeMs: 3_600_000 }));
    await waitFor(`osd.0 of cluster ${this.name} up`, 40_000, async () => {
      const r = await this.ceph(['osd', 'stat', '-f', 'json'], 5_000);
      if (r.exitCode !== 0) return false;
      try {
        return (JSON.parse(r.stdout) as { num_up_osds?: number }).num_up_osds === 1;
      } catch {
        return false;
      }
    });
    this.log(`cluster ${this.name}: osd.0 up after ${Date.now() - t0} ms (fsid ${this.fsid})`);
  }

  /** `[v2:127.0.0.1:P2,v1:127.0.0.1:P1]` of one monitor. */
  static monAddr(m: { readonly v2: number; readonly v1: number }): string {
    return `[v2:127.0.0.1:${m.v2},v1:127.0.0.1:${m.v1}]`;
  }

  /** Start (or restart) the monitor daemon `id`; its log is `log/mon.<id>.log` in the cluster dir. */
  startMon(id: string): void {
    const b = spawnBackground('ceph-mon', ['-f', '-i', id, '-c', this.daemonConf], { maxLifeMs: 3_600_000 });
    this.monDaemons.set(id, b);
    this.daemons.push(b);
  }

  /** Stop the monitor daemon `id` by its PID (SIGTERM, then SIGKILL). */
  async stopMon(id: string): Promise<void> {
    const b = this.monDaemons.get(id);
    if (!b) throw new Error(`mon.${id} is not running`);
    this.monDaemons.delete(id);
    await b.stop(2_000);
  }

  /** Path of a file the daemons write below the cluster dir (`log/mon.a.log`, …). */
  logPath(name: string): string {
    return join(this.dir, 'log', name);
  }

  /** Monitor `id`'s copy of the cluster log (`ceph.log`) or of another channel's log (`ceph.audit.log`). */
  clusterLogPath(id: string, channel: 'cluster' | 'audit' = 'cluster'): string {
    return this.logPath(channel === 'cluster' ? `ceph-${id}.log` : `ceph-${id}.${channel}.log`);
  }

  /** Run `ceph` as client.admin against this cluster. */
  ceph(args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS, input?: string): Promise<RunResult> {
    const o: RunOptions = input === undefined ? { timeoutMs } : { timeoutMs, input };
    return run('ceph', ['-c', this.adminConfPath, '--connect-timeout', String(Math.ceil(timeoutMs / 1000)), ...args], o);
  }

  /** Run `rbd` as client.admin against this cluster. */
  rbd(args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RunResult> {
    return run('rbd', ['-c', this.adminConfPath, ...args], { timeoutMs });
  }

  private async ok(r: Promise<RunResult>): Promise<RunResult> {
    const res = await r;
    if (res.exitCode !== 0) throw new Error(`${res.argv.join(' ')} failed (exit ${res.exitCode ?? res.signal}): ${res.stderr.trim()}`);
    return res;
  }

  /** Create replicated pools (size 1) and `rbd pool init` them. */
  async createPools(names: readonly string[]): Promise<void> {
    for (const n of names) await this.ok(this.ceph(['osd', 'pool', 'create', n, '8', '8']));
    await Promise.all(names.map((n) => this.ok(this.rbd(['pool', 'init', n], 60_000))));
  }

  /** Create an image (size in MiB). */
  async createImage(pool: string, image: string, sizeMiB = 16): Promise<void> {
    await this.ok(this.rbd(['-p', pool, 'create', image, '--size', `${sizeMiB}M`]));
  }

  /** Path of the keyring file the harness keeps for `client.<id>`. */
  keyringPath(id: string): string {
    return join(this.dir, `ceph.client.${id}.keyring`);
  }

  /** Create `client.<id>` with these caps; returns the path of a keyring file holding its key. */
  async createClient(id: string, caps: Caps): Promise<string> {
    const path = this.keyringPath(id);
    await this.ok(this.ceph(['auth', 'get-or-create', `client.${id}`, ...capsArgs(caps), '-o', path]));
    return path;
  }

  /**
   * Give `client.<id>` a new key (same caps) — a key rotation. Writes the new keyring to
   * {@link keyringPath}; the caller keeps a copy of the old file to reproduce a stale key.
   */
  async rotateKey(id: string): Promise<void> {
    const cur = await this.ok(this.ceph(['auth', 'get', `client.${id}`, '-f', 'json']));
    const ent = (JSON.parse(cur.stdout) as Array<{ caps: Record<string, string> }>)[0];
    if (!ent) throw new Error(`client.${id} not found`);
    const key = (await runOk('ceph-authtool', ['--gen-print-key'])).stdout.trim();
    const lines = [`[client.${id}]`, `\tkey = ${key}`, ...Object.entries(ent.caps).map(([k, v]) => `\tcaps ${k} = "${v}"`), ''];
    const tmp = join(this.dir, `rotate.${id}.keyring`);
    await writeFile(tmp, lines.join('\n'));
    await this.ok(this.ceph(['auth', 'import', '-i', tmp]));
    rmSync(tmp, { force: true });
    await this.ok(this.ceph(['auth', 'get', `client.${id}`, '-o', this.keyringPath(id)]));
  }

  /** Write a file in the cluster dir and return its path. */
  async writeFile(name: string, text: string): Promise<string> {
    const p = join(this.dir, name);
    await writeFile(p, text);
    return p;
  }

  /** Stop the daemons by PID (SIGTERM, then SIGKILL) and remove the temp dir. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.daemons.reverse().map((b) => b.stop(1_000)));
    if (process.env.RBD_EXPLAIN_KEEP_CLUSTER !== '1' && existsSync(this.dir)) {
      rmSync(this.dir, { recursive: true, force: true });
      tempDirs.delete(this.dir);
    }
    this.log(`cluster ${this.name}: stopped`);
  }
}
