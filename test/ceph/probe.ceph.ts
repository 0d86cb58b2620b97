// Real-cluster probe tests (issue 6). On the scenario world of runner.ts (cluster A, cluster B with
// another fsid, clients with chosen caps, images), each scenario's failing identity is probed — the
// operation hint taken from the committed fixture's incident, as `probe --from` does — and the
// probe must name the scenario's cause. Every audit holds only allowlisted read-only commands; a
// full-caps client runs every kind of step while the cluster state is compared before and after,
// and the allowlist refuses, on the real runner, the commands that would lift a fence or a lock.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { probeTarget } from '../../src/cli/probe-command.js';
import {
  auditedRunner, formatProbeText, localConfView, probeToNdjson, ProbeRefusedError, refusalReason, runProbe, spawnRunner,
  type ProbeOptions, type ProbeResult, type ProbeTarget,
} from '../../src/probe/index.js';
import { FIXTURE_ROOT } from './capture.js';
import { ensurePackages } from './cluster.js';
import { around, startWorld, stopWorld, type World } from './runner.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

const t0 = Date.now();
const log = (m: string): void => console.log(`[probe +${Math.round((Date.now() - t0) / 1000)}s] ${m}`);
let world: World | undefined;
const POOL = 'vmdata';
const IMAGE = 'vm-101-disk-0';
const MUTATING = ['create', 'rm', 'remove', 'caps', 'import', 'del', 'delete', 'add', 'break', 'purge', 'rollback', 'clear', 'resize', 'clone', 'flatten', 'mv', 'rename'];

function w(): World {
  if (world === undefined) throw new Error('world not started');
  return world;
}

/** Monitors named by a conf (none when it is missing): the ports the probe may test. */
function monHostsOf(conf: string): string[] {
  const mon = localConfView(conf).monHost;
  return mon ? [mon] : [];
}

function target(over: Partial<ProbeTarget>): ProbeTarget {
  const a = w().a;
  return { conf: a.confPath, clientId: 'full', keyring: a.keyringPath('full'), pool: POOL, image: IMAGE, monHosts: monHostsOf(a.confPath), ...over };
}

function probe(t: ProbeTarget, extra: ProbeOptions = {}): Promise<ProbeResult> {
  return runProbe(t, { timeoutMs: 15_000, portTimeoutMs: 1_000, ...extra });
}

/** Every command the probe ran passed the allowlist and carries no mutating word. */
function assertReadOnlyAudit(r: ProbeResult): void {
  assert.ok(r.audit.length > 0);
  for (const a of r.audit) {
    assert.ok(a.allowed, a.args.join(' '));
    assert.is(refusalReason(a.program, a.args), null, a.args.join(' '));
    assert.not.ok(a.args.some((word) => MUTATING.includes(word)), a.args.join(' '));
  }
}

test.before(async () => {
  await ensurePackages(log);
  world = await startWorld(log);
  await world.a.createClient('full', { mon: 'allow *', osd: 'allow *', mgr: 'allow *' });
  await world.a.rbd(['snap', 'create', `${POOL}/${IMAGE}@before`]);
});

test.after(async () => {
  await stopWorld(world);
  log('all processes stopped');
});

// State held around a scenario: the same setup as the capture runner (runner.ts `around`).
const hold = (s: Scenario): Promise<() => Promise<void>> => around(w(), s);

// ---------------------------------------------------------------------------------------------
// Each scenario's failing identity, probed

/** The image the failing rbd command names (`rbd create NAME` names a new one). */
function imageOf(s: Scenario): string {
  return s.op?.[0] === 'create' ? (s.op[1] ?? s.image) : s.image;
}

for (const s of SCENARIOS.filter((x) => x.tool === 'rbd')) {
  test(`scenario ${s.id}: probe says ${s.cause ?? 'no cause'} with client.${s.client}`, async () => {
    const conf = w().confs[s.conf];
    const keyring = s.keyring === 'fallback-none' ? w().keyrings.missing : w().keyrings[s.keyring];
    const flags = { conf, id: s.client, keyring, pool: s.pool, image: imageOf(s), mon: monHostsOf(conf), root: '/', timeout: 15, format: 'json' as const };
    // As `probe --from LOG` does: the incident's phase is the operation hint (scenarios without a failure have no incident).
    const fromLog = s.cause === null ? undefined : [join(FIXTURE_ROOT, s.id, 'journal.short-iso.log')];
    const t = await probeTarget({ ...flags, from: fromLog });
    const release = await hold(s);
    let r: ProbeResult;
    try {
      r = await probe(t, { compareConf: w().confs.a, userHosts: t.monHosts });
    } finally {
      await release();
    }
    log(`${s.id}: ${r.verdict.cause === null ? 'no cause' : `${r.verdict.confirmed ? 'confirmed' : 'likely'} ${r.verdict.cause}`} (op ${t.operation ?? '-'}, ${r.audit.length} read-only commands)`);
    const why = `${r.verdict.summary}\n${JSON.stringify(r.steps.map((x) => [x.name, x.outcome, x.detail]))}`;
    assert.is(r.verdict.cause, s.cause, why);
    if (s.cause !== null && s.cause !== 'key-stale') assert.ok(r.verdict.confirmed, `not confirmed: ${why}`);
    for (const a of r.audit) {
      assert.ok(a.args.join(' ').includes(`--id ${s.client} --keyring ${keyring}`), `the failing identity: ${a.args.join(' ')}`);
    }
    assertReadOnlyAudit(r);
    if (s.id.startsWith('caps-readonly--rbd-snap')) assert.is(t.operation, 'snapshot', 'the phase of the logged incident');
    if (s.id.startsWith('caps-readonly--rbd-create')) assert.is(t.operation, 'create');
    if (s.id.startsWith('image-other-pool')) assert.equal(r.observations.imageFoundIn, ['other']);
    if (s.id.startsWith('pool-missing')) assert.equal(r.observations.imageFoundIn, [POOL]);
    if (s.id.startsWith('config-split-other-cluster')) {
      assert.is(r.observations.confFsid, w().b.fsid);
      assert.equal([r.observations.compare?.fsid, r.observations.compare?.identityWorks], [w().a.fsid, true]);
    }
    if (s.id.startsWith('busy-blocklisted')) assert.equal(r.observations.blocklistedHere, ['127.0.0.1:0/0']);
    if (s.id.startsWith('busy-stale-lock')) assert.is(r.observations.locks?.length, 1);
    if (s.id.startsWith('busy-watchers')) assert.ok((r.observations.watchers?.length ?? 0) > 0);
  });
}

// ---------------------------------------------------------------------------------------------
// Never a mutating command

/** What a probe could change: pools, images, snapshots, locks, watchers, the blocklist, clients' caps (keys hashed). */
async function clusterState(): Promise<string> {
  const a = w().a;
  const parts: string[] = [(await a.ceph(['osd', 'pool', 'ls'])).stdout, (await a.ceph(['osd', 'blocklist', 'ls'])).stdout];
  for (const pool of ['vmdata', 'other']) {
    const images = (await a.rbd(['ls', '-l', pool])).stdout;
    parts.push(images);
    for (const image of images.split('\n').slice(1).map((l) => l.split(/\s+/)[0]).filter((x): x is string => !!x && !x.includes('@'))) {
      parts.push((await a.rbd(['lock', 'ls', `${pool}/${image}`])).stdout, (await a.rbd(['status', `${pool}/${image}`])).stdout);
    }
  }
  const auth = JSON.parse((await a.ceph(['auth', 'ls', '-f', 'json'])).stdout) as { auth_dump: { entity: string; caps: unknown }[] };
  parts.push(JSON.stringify(auth.auth_dump.map((e) => [e.entity, e.caps])));
  return parts.join('\n---\n');
}

test('full-caps client through every kind of step: only allowlisted read-only commands, and the cluster is unchanged', async () => {
  const before = await clusterState();
  const results = [
    await probe(target({})),
    await probe(target({ operation: 'snapshot' })),
    await probe(target({ image: 'vm-104-disk-0' })),
    await probe(target({ pool: 'ssdpool' })),
    await probe(target({ conf: w().confs.b }), { compareConf: w().confs.a }),
  ];
  assert.is(results[0]?.verdict.cause, null, results[0]?.verdict.summary);
  assert.is(results[0]?.fsid, w().a.fsid);
  assert.ok(results[0]?.monitors.every((m) => m.state === 'open'));
  assert.is(results[1]?.verdict.cause, 'caps-insufficient', 'full caps, yet the log says a write failed: the probe does not try it');
  assert.equal(results.slice(2).map((r) => r.verdict.cause), ['image-not-found', 'image-not-found', 'config-split']);
  const kinds = new Set(results.flatMap((r) => r.steps.map((s) => s.name)));
  for (const kind of ['ceph-fsid', 'ceph-status', 'rbd-ls', 'rbd-info', 'rbd-snap-ls', 'rbd-status', 'rbd-lock-ls', 'blocklist-ls', 'pool-ls', 'rbd-ls-other', 'compare-fsid'] as const) {
    assert.ok(kinds.has(kind), `step ${kind} ran`);
  }
  for (const r of results) assertReadOnlyAudit(r);
  assert.is(await clusterState(), before, 'pools, images, snapshots, locks, watchers, blocklist and caps are unchanged');
});

test('on the real runner the allowlist refuses lifting a fence, breaking a lock, rm, snap create and caps: never started, state unchanged', async () => {
  const a = w().a;
  const fence = '10.255.255.1:0/4242';
  assert.is((await a.ceph(['osd', 'blocklist', 'add', fence, '600'])).exitCode, 0);
  // An advisory exclusive lock taken by the harness stands for a lock the probe might be tempted to break.
  assert.is((await a.rbd(['lock', 'add', `${POOL}/vm-102-disk-0`, 'held-by-harness'])).exitCode, 0);
  try {
    const lock = JSON.parse((await a.rbd(['lock', 'ls', '--format', 'json', `${POOL}/vm-102-disk-0`])).stdout) as { id: string; locker: string }[];
    assert.is(lock.length, 1);
    const id = ['--conf', a.confPath, '--id', 'full', '--keyring', a.keyringPath('full')];
    const before = await clusterState();
    const runner = auditedRunner(spawnRunner());
    const attempts: [ 'ceph' | 'rbd', string[]][] = [
      ['ceph', [...id, 'osd', 'blocklist', 'rm', fence]],
      ['ceph', [...id, 'osd', 'blocklist', 'clear']],
      ['rbd', [...id, 'lock', 'rm', `${POOL}/vm-102-disk-0`, lock[0]?.id ?? '', lock[0]?.locker ?? '']],
      ['rbd', [...id, 'rm', `${POOL}/vm-103-disk-0`]],
      ['rbd', [...id, 'snap', 'create', `${POOL}/${IMAGE}@probe`]],
      ['rbd', [...id, 'snap', 'rm', `${POOL}/${IMAGE}@before`]],
      ['ceph', [...id, 'auth', 'caps', 'client.pve', 'mon', 'allow *', 'osd', 'allow *']],
      ['ceph', [...id, 'osd', 'pool', 'create', 'probe-made']],
    ];
    for (const [program, args] of attempts) {
      let refused: unknown = null;
      try { await runner.run({ program, args, timeoutMs: 10_000 }); } catch (e) { refused = e; }
      assert.ok(refused instanceof ProbeRefusedError, `${program} ${args.join(' ')}`);
    }
    assert.is(runner.audit.length, attempts.length);
    assert.ok(runner.audit.every((e) => !e.allowed && e.refusedReason !== null && e.exitCode === null));
    assert.is(await clusterState(), before, 'the fence, the lock, the images, the snapshots and the caps are all still there');
    assert.match((await a.ceph(['osd', 'blocklist', 'ls'])).stdout, /10\.255\.255\.1:0\/4242/);
  } finally {
    const lock = JSON.parse((await a.rbd(['lock', 'ls', '--format', 'json', `${POOL}/vm-102-disk-0`])).stdout) as { locker: string }[];
    await a.rbd(['lock', 'rm', `${POOL}/vm-102-disk-0`, 'held-by-harness', lock[0]?.locker ?? '']);
    await a.ceph(['osd', 'blocklist', 'rm', fence]);
  }
});

// ---------------------------------------------------------------------------------------------
// Key material

test('keyring with only [client.admin] used as client.full: client-mismatch, and no key in any output', async () => {
  const r = await probe(target({ keyring: w().a.adminKeyring }));
  assert.is(r.verdict.cause, 'client-mismatch', JSON.stringify(r.steps));
  const key = /key = (\S+)/.exec(readFileSync(w().a.adminKeyring, 'utf8'))?.[1] ?? 'no key read';
  for (const text of [formatProbeText(r), probeToNdjson(r), JSON.stringify(r)]) assert.not.ok(text.includes(key));
});

test('malformed key (Ceph echoes it in its error): keyring-missing, and the key is not passed on', async () => {
  const path = await w().a.writeFile('malformed.keyring', '[client.full]\n\tkey = AQBhZG1pbmFkbWluYWRtaW5hZG1pbmFkbWluYQ==\n');
  const r = await probe(target({ keyring: path }));
  assert.is(r.verdict.cause, 'keyring-missing', JSON.stringify(r.steps));
  assert.not.ok(JSON.stringify(r).includes('AQBhZG1pbmFkbWluYWRtaW5hZG1pbmFkbWluYQ=='));
});

test('key rotated: the current keyring works (the old one is scenario key-stale)', async () => {
  const fresh = await probe(target({ clientId: 'rotated', keyring: w().a.keyringPath('rotated') }));
  assert.is(fresh.verdict.cause, null, fresh.verdict.summary);
});

test.run();
