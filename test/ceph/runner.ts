/**
 * Sets up the clusters, clients, images and files the scenarios need (the "world"), runs one
 * scenario for real and turns the outcome into a {@link Capture} (paths rewritten to the Proxmox
 * paths, key material redacted). Also the normaliser used to compare a fresh run with the fixture.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';
import { CephCluster, freePort, run, sleep, spawnBackground, versions, waitFor, type Background, type RunResult } from './cluster.js';
import { PVE, type ConfRef, type KeyringRef, type Scenario } from './scenarios.js';
import type { Capture } from './wrap.js';

export interface World {
  readonly a: CephCluster;
  readonly b: CephCluster;
  readonly keyrings: Readonly<Record<Exclude<KeyringRef, 'fallback-none'>, string>>;
  readonly confs: Readonly<Record<ConfRef, string>>;
  /** Conf of the storage in the keyring-missing fallback (no usable keyring). */
  readonly fallbackConf: string;
  readonly versions: { readonly ceph: string; readonly qemu: string };
}

type Log = (msg: string) => void;

/** Start cluster A (the right one) and B (another fsid) and create everything the scenarios use. */
export async function startWorld(log: Log): Promise<World> {
  const t0 = Date.now();
  const [a, b] = await Promise.all([
    CephCluster.start({ name: 'a', log, osdOptions: { osd_client_watch_timeout: 5 } }),
    CephCluster.start({ name: 'b', log }),
  ]);
  try {
    await Promise.all([a.createPools(['vmdata', 'other']), b.createPools(['vmdata'])]);
    for (const img of ['vm-101-disk-0', 'vm-102-disk-0', 'vm-103-disk-0']) await a.createImage('vmdata', img);
    await a.createImage('other', 'vm-104-disk-0');
    await b.createImage('vmdata', 'vm-101-disk-0');
    const rbdCaps = { mon: 'profile rbd', osd: 'profile rbd' };
    const pve = await a.createClient('pve', rbdCaps);
    await b.createClient('pve', rbdCaps);
    const ro = await a.createClient('ro', { mon: 'profile rbd', osd: 'profile rbd-read-only' });
    const scoped = await a.createClient('scoped', { mon: 'profile rbd', osd: 'profile rbd pool=other' });
    const nobl = await a.createClient('nobl', { mon: 'allow r', osd: 'profile rbd' });
    await a.createClient('rotated', rbdCaps);
    const stale = join(a.dir, 'stale.client.rotated.keyring');
    copyFileSync(a.keyringPath('rotated'), stale);
    await a.rotateKey('rotated');
    const adminSection = join(a.dir, 'admin-section.keyring');
    copyFileSync(a.adminKeyring, adminSection);
    const deadV2 = await freePort();
    const deadV1 = await freePort();
    const dead = await a.writeFile(
      'dead.conf',
      readFileSync(a.confPath, 'utf8').replace(/^mon_host = .*$/m, `mon_host = [v2:127.0.0.1:${deadV2},v1:127.0.0.1:${deadV1}]`) + 'client_mount_timeout = 5\n',
    );
    const missingKeyring = join(a.dir, 'absent', 'ceph-vm.keyring');
    const fallbackConf = await a.writeFile('fallback-storage.conf', `[global]\nkeyring = ${missingKeyring}\nclient_mount_timeout = 5\n`);
    log(`world ready after ${Date.now() - t0} ms`);
    return {
      a,
      b,
      keyrings: { pve, ro, scoped, nobl, stale, 'admin-section': adminSection, missing: missingKeyring },
      confs: { a: a.confPath, b: b.confPath, dead, missing: join(a.dir, 'absent', 'ceph.conf') },
      fallbackConf,
      versions: await versions(),
    };
  } catch (e) {
    await Promise.all([a.stop(), b.stop()]);
    throw e;
  }
}

export async function stopWorld(w: World | undefined): Promise<void> {
  if (w) await Promise.all([w.a.stop(), w.b.stop()]);
}

/** Replace key material: `key = …` values and bare base64 cephx keys. */
export function redact(text: string): string {
  return text.replace(/(\bkey\s*=\s*)\S+/g, '$1<redacted>').replace(/\bAQ[A-Za-z0-9+/]{36}==/g, '<redacted>');
}

function rewrite(text: string, map: Readonly<Record<string, string>>): string {
  let t = text;
  for (const real of Object.keys(map).sort((x, y) => y.length - x.length)) t = t.split(real).join(map[real] ?? real);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Things held around the failing command

/** Sets up what a scenario holds around its failing command (watcher, hung lock owner, blocklist); returns the release. */
export async function around(w: World, s: Scenario): Promise<() => Promise<void>> {
  const a = w.a;
  const asPve = ['-p', s.pool, '-c', a.confPath, '-n', 'client.pve', '--keyring', w.keyrings.pve];
  switch (s.around) {
    case undefined:
      return async () => {};
    case 'watcher': {
      const bg: Background = spawnBackground('rbd', [...asPve, 'watch', s.image], { maxLifeMs: 60_000 });
      await waitFor(`watcher on ${s.image}`, 15_000, async () => /watcher=/.test((await a.rbd(['-p', s.pool, 'status', s.image], 10_000)).stdout));
      return () => bg.stop();
    }
    case 'stale-lock': {
      const bg = spawnBackground('rbd', [...asPve, 'bench', '--io-type', 'write', '--io-size', '4K', '--io-threads', '1', '--io-total', '100G', s.image], { maxLifeMs: 120_000 });
      await waitFor(`exclusive lock on ${s.image}`, 15_000, async () => /client\.\d+/.test((await a.rbd(['-p', s.pool, 'lock', 'ls', s.image], 10_000)).stdout));
      bg.pause();
      return async () => {
        await bg.stop(1_000);
        await a.ceph(['osd', 'blocklist', 'clear'], 15_000);
      };
    }
    case 'node-blocklisted': {
      const r = await a.ceph(['osd', 'blocklist', 'add', '127.0.0.1:0/0', '600'], 15_000);
      if (r.exitCode !== 0) throw new Error(`blocklist add failed: ${r.stderr}`);
      await sleep(500);
      return async () => {
        await a.ceph(['osd', 'blocklist', 'rm', '127.0.0.1:0/0'], 15_000);
        await sleep(500);
      };
    }
    default:
      throw new Error(`unknown around: ${String(s.around)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// One scenario

/** Run one scenario for real and return the capture (rewritten, redacted). */
export async function runScenario(w: World, s: Scenario): Promise<Capture> {
  const a = w.a;
  const map: Record<string, string> = {};
  const notes: string[] = [];
  const fallback = s.keyring === 'fallback-none';
  const keyring = fallback ? null : w.keyrings[s.keyring];
  const conf = w.confs[s.conf];
  // A bare host:port is tried as msgr2 first (like the default port 3300), so give the v2 port.
  const monAddr = `127.0.0.1:${a.monPorts.v2}`;
  if (keyring) map[keyring] = PVE.keyring;
  if (s.conf === 'dead') notes.push('conf has client_mount_timeout = 5 (Ceph default 300 s) so the unreachable-monitor case fails in seconds');
  if (fallback) {
    map[w.fallbackConf] = PVE.storageConf;
    map[w.keyrings.missing] = PVE.keyring;
    notes.push('fallback storage conf has client_mount_timeout = 5 so a hanging connect fails in seconds');
  }

  let cmd: string;
  let args: string[];
  let qemuFilename: string | null = null;
  let rbdNode: Record<string, unknown> | null = null;
  if (s.tool === 'rbd') {
    map[conf] = PVE.conf;
    const auth = fallback ? ['-c', w.fallbackConf, '-m', monAddr, '--auth_supported', 'none'] : ['-c', conf];
    cmd = 'rbd';
    args = ['-p', s.pool, ...auth, '-n', `client.${s.client}`, ...(keyring ? ['--keyring', keyring] : []), ...(s.op ?? [])];
  } else if (s.tool === 'qemu-drive') {
    map[conf] = PVE.conf;
    qemuFilename = fallback
      ? `rbd:${s.pool}/${s.image}:conf=${w.fallbackConf}:mon_host=${monAddr.replace(/:/g, '\\:')}:auth_supported=none`
      : `rbd:${s.pool}/${s.image}:conf=${conf}:id=${s.client}:keyring=${keyring ?? ''}`;
    cmd = 'qemu-img';
    args = ['info', qemuFilename];
  } else {
    let storageConf: string;
    if (fallback) {
      storageConf = w.fallbackConf;
      rbdNode = { 'auth-client-required': ['none'], conf: storageConf, driver: 'rbd', image: s.image, pool: s.pool, server: [{ host: '127.0.0.1', port: String(a.monPorts.v2) }] };
    } else {
      storageConf = s.conf === 'missing' ? join(a.dir, 'absent', 'ceph-vm.conf') : await a.writeFile(`storage-${s.id}.conf`, `${readFileSync(conf, 'utf8')}keyring = ${keyring ?? ''}\n`);
      rbdNode = { conf: storageConf, driver: 'rbd', image: s.image, pool: s.pool, user: s.client };
    }
    map[storageConf] = PVE.storageConf;
    qemuFilename = `json:${JSON.stringify({ driver: 'raw', file: rbdNode })}`;
    cmd = 'qemu-img';
    args = ['info', qemuFilename];
  }

  const release = await around(w, s);
  let r: RunResult;
  let pstart: number;
  try {
    pstart = Math.floor(uptime() * 100);
    r = await run(cmd, args, { timeoutMs: s.around === 'stale-lock' ? 90_000 : 45_000 });
  } finally {
    await release();
  }
  // Anything left of a temp dir would leak a harness path into the fixture.
  map[a.dir] = '/var/lib/rbdx/a';
  map[w.b.dir] = '/var/lib/rbdx/b';
  const rw = (t: string): string => redact(rewrite(t, map));
  return {
    scenario: s.id,
    tool: s.tool,
    argv: [cmd, ...args].map(rw),
    exitCode: r.exitCode,
    signal: r.signal,
    timedOut: r.timedOut,
    durationMs: r.durationMs,
    startedAt: r.startedAt.toISOString(),
    pid: r.pid,
    pstart,
    stderr: rw(r.stderr),
    qemuFilename: qemuFilename === null ? null : rw(qemuFilename),
    rbdNode: rbdNode === null ? null : (JSON.parse(rw(JSON.stringify(rbdNode))) as Record<string, unknown>),
    // keys: the real path with the cluster's temp dir shown as <tmp:a> / <tmp:b>
    pathMap: Object.fromEntries(Object.entries(map).map(([k, v]) => [k.split(a.dir).join('<tmp:a>').split(w.b.dir).join('<tmp:b>'), v])),
    versions: w.versions,
    harnessNotes: notes,
  };
}

// ---------------------------------------------------------------------------------------------
// Shape comparison

/**
 * Normalise the volatile parts of captured text so two runs of the same scenario compare equal:
 * timestamps, thread ids, pointers, fsids/uuids, ports, nonces, client/global ids, object names,
 * tids, handles and cookies. Blank lines are dropped and consecutive duplicates collapsed (retry
 * loops repeat a line a varying number of times).
 */
export function normalise(text: string): string[] {
  const out: string[] = [];
  // rbd's own stderr and Ceph's log thread can write into one line without a newline between them:
  // a Ceph time stamp in the middle of a line starts a line of its own.
  const lines = text.split(/\r\n?|\n|\x08+/).flatMap((l) => l.split(/(?<=\S)(?=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+[+-]\d{4} [0-9a-f]+ )/));
  for (const raw of lines) {
    const l = raw
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d{2}:?\d{2}/g, '<TS>')
      .replace(/<TS> [0-9a-f]{8,16} /g, '<TS> <TID> ')
      .replace(/0x[0-9a-f]+/g, '<PTR>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<UUID>')
      .replace(/127\.0\.0\.1(\\?:)\d+/g, '127.0.0.1$1<PORT>')
      .replace(/"port":"\d+"/g, '"port":"<PORT>"')
      .replace(/(<PORT>|:0)\/\d+/g, '$1/<NONCE>')
      .replace(/\bclient\.\d+\b/g, 'client.<N>')
      .replace(/\b(tid|handle|cookie|global_id)=\d+/g, '$1=<N>')
      .replace(/watch failed: \d+/g, 'watch failed: <N>')
      .replace(/rbd_(data|header|id|object_map)\.[0-9a-f]+(\.[0-9a-f]+)?/g, 'rbd_$1.<ID>')
      .replace(/\d+% complete/g, '<P>% complete')
      .replace(/\s+$/, '');
    if (l === '') continue;
    if (out[out.length - 1] === l) continue;
    out.push(l);
  }
  return out;
}
