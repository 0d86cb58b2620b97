// Real-cluster probe tests (issue 6): the probe confirms each cause with the failing identity, and
// with a full-caps client an audit shows it never ran a mutating command.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProbeText, probeToNdjson, refusalReason, runProbe, type ProbeResult, type ProbeTarget } from '../../src/probe/index.js';
import { CephCluster, ensurePackages, freePort } from './cluster.js';

let cluster: CephCluster | null = null;
const POOL = 'vmdata';
const IMAGE = 'vm-101-disk-0';

function c(): CephCluster {
  if (cluster === null) throw new Error('cluster not started');
  return cluster;
}

function target(over: Partial<ProbeTarget>): ProbeTarget {
  return { conf: c().confPath, clientId: 'full', keyring: c().keyringPath('full'), pool: POOL, image: IMAGE, monHosts: [c().monHost], ...over };
}

function probe(t: ProbeTarget): Promise<ProbeResult> {
  return runProbe(t, { timeoutMs: 15_000, portTimeoutMs: 1_000 });
}

test.before(async () => {
  await ensurePackages();
  cluster = await CephCluster.start({ name: 'probe' });
  await c().createPools([POOL, 'other']);
  await c().createImage(POOL, IMAGE);
  await c().rbd(['snap', 'create', `${POOL}/${IMAGE}@before`]);
  await c().createClient('full', { mon: 'allow *', osd: 'allow *', mgr: 'allow *' });
  await c().createClient('scoped', { mon: 'profile rbd', osd: 'profile rbd pool=other' });
});

test.after(async () => {
  await cluster?.stop();
});

test('full-caps client: everything works, and the audit shows only allowlisted read-only commands', async () => {
  const before = (await c().rbd(['ls', '-l', POOL])).stdout;
  const r = await probe(target({}));
  assert.is(r.verdict.cause, null, r.verdict.summary);
  assert.is(r.fsid, c().fsid);
  assert.ok(r.monitors.every((m) => m.state === 'open'));
  assert.ok(r.audit.length >= 5);
  for (const a of r.audit) {
    assert.ok(a.allowed);
    assert.is(refusalReason(a.program, a.args), null);
    assert.not.ok(a.args.some((w) => ['create', 'rm', 'remove', 'caps', 'import', 'del', 'delete', 'add', 'break', 'purge', 'rollback'].includes(w)), a.args.join(' '));
  }
  assert.is((await c().rbd(['ls', '-l', POOL])).stdout, before, 'the pool is unchanged');
});

test('client with caps on another pool: caps-insufficient', async () => {
  const r = await probe(target({ clientId: 'scoped', keyring: c().keyringPath('scoped') }));
  assert.is(r.verdict.cause, 'caps-insufficient', JSON.stringify(r.steps));
});

test('image that does not exist: image-not-found', async () => {
  const r = await probe(target({ image: 'vm-999-disk-0' }));
  assert.is(r.verdict.cause, 'image-not-found', JSON.stringify(r.steps));
});

test('keyring with only [client.admin] used as client.full: client-mismatch, and no key in any output', async () => {
  const r = await probe(target({ keyring: c().adminKeyring }));
  assert.is(r.verdict.cause, 'client-mismatch', JSON.stringify(r.steps));
  const key = /key = (\S+)/.exec(readFileSync(c().adminKeyring, 'utf8'))?.[1] ?? 'no key read';
  for (const text of [formatProbeText(r), probeToNdjson(r), JSON.stringify(r)]) assert.not.ok(text.includes(key));
});

test('malformed key (Ceph echoes it in its error): keyring-missing, and the key is not passed on', async () => {
  const path = await c().writeFile('malformed.keyring', '[client.full]\n\tkey = AQBhZG1pbmFkbWluYWRtaW5hZG1pbmFkbWluYQ==\n');
  const r = await probe(target({ keyring: path }));
  assert.is(r.verdict.cause, 'keyring-missing', JSON.stringify(r.steps));
  assert.not.ok(JSON.stringify(r).includes('AQBhZG1pbmFkbWluYWRtaW5hZG1pbmFkbWluYQ=='));
});

test('key rotated in the cluster, old keyring on this node: key-stale', async () => {
  await c().createClient('rotated', { mon: 'profile rbd', osd: `profile rbd pool=${POOL}` });
  const old = await c().writeFile('rotated.old.keyring', readFileSync(c().keyringPath('rotated'), 'utf8'));
  await c().rotateKey('rotated');
  const r = await probe(target({ clientId: 'rotated', keyring: old }));
  assert.is(r.verdict.cause, 'key-stale', JSON.stringify(r.steps));
  const fresh = await probe(target({ clientId: 'rotated', keyring: c().keyringPath('rotated') }));
  assert.is(fresh.verdict.cause, null, 'the current key works');
});

test('keyring path that does not exist: keyring-missing', async () => {
  const r = await probe(target({ keyring: `${c().dir}/nope.keyring` }));
  assert.is(r.verdict.cause, 'keyring-missing', JSON.stringify(r.steps));
});

test('monitor on a port where nothing listens: mon-unreachable, confirmed by the port check', async () => {
  const port = await freePort();
  const conf = `${c().dir}/dead.conf`;
  await writeFile(conf, `[global]\nfsid = ${c().fsid}\nmon_host = 127.0.0.1:${port}\nclient_mount_timeout = 5\n`);
  const r = await runProbe(target({ conf, monHosts: [`127.0.0.1:${port}`] }), { timeoutMs: 10_000, portTimeoutMs: 500 });
  assert.is(r.verdict.cause, 'mon-unreachable', JSON.stringify(r.steps));
  assert.ok(r.verdict.confirmed);
});

test.run();
