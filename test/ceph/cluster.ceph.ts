/**
 * Real-cluster suite for cluster-side evidence (issue 17). Starts a three-monitor cluster once,
 * re-runs every scenario of cluster-events.ts for real (key re-created, caps narrowed, pool
 * renamed, blocklisted, two of three monitors stopped) and, per scenario:
 *
 * - `events`: the fresh audit/cluster log gives the same cluster events (kinds, subjects, status)
 *   as the committed fixture (fixtures/cluster/<id>), and the failing start fails the same way;
 * - `cause`: the fresh node logs plus the fresh monitor logs (files, and mon.a's lines as a journal)
 *   name the expected cause, confirmed, with confidence ≥ 90% and the event as evidence; the node
 *   logs alone do not confirm it.
 *
 * Everything started is stopped in `after`, and on exit/signals (cluster.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnalysisResult, ClusterEvent } from '../../src/types.js';
import type { Source } from '../../src/index.js';
import { ensurePackages } from './cluster.js';
import { CLUSTER_SCENARIOS, runClusterScenario, startClusterWorld, type ClusterRun, type ClusterWorld } from './cluster-events.js';
import { CLUSTER_FIXTURE_ROOT, writeClusterRun } from './cluster-capture.js';
import { normalise } from './runner.js';

interface Lib {
  analyze(input: { sources: readonly Source[] }, options?: { year?: number; clusterEvents?: boolean }): Promise<AnalysisResult>;
  buildClusterEvents?: never;
}
interface EventsLib {
  parseCephLogMessage(message: string, tz?: string): unknown;
  buildClusterEvents(lines: readonly { entry: unknown; record: unknown }[]): ClusterEvent[];
}

const t0 = Date.now();
const log = (m: string): void => console.log(`[cluster +${Math.round((Date.now() - t0) / 1000)}s] ${m}`);
let world: ClusterWorld | undefined;
let lib: Lib | null = null;
let events: EventsLib | null = null;
const root = mkdtempSync(join(tmpdir(), 'rbdx-cluster-'));
const fresh = new Map<string, ClusterRun>();

test.before(async () => {
  await ensurePackages(log);
  // Resolved at run time so this suite compiles whether or not the library is built yet.
  const spec = '../../src/index.js';
  lib = (await import(spec)) as Lib;
  const reader = (await import('../../src/records/ceph-log.js')) as unknown as Pick<EventsLib, 'parseCephLogMessage'>;
  const table = (await import('../../src/classify/cluster-events.js')) as unknown as Pick<EventsLib, 'buildClusterEvents'>;
  events = { ...reader, ...table };
  world = await startClusterWorld(log);
});

test.after(async () => {
  await world?.c.stop();
  if (process.env.RBD_EXPLAIN_KEEP_RENDER === '1') log(`renderings kept in ${root}`);
  else rmSync(root, { recursive: true, force: true });
  log('all processes stopped');
});

/** Kinds, subjects and status of the events of a scenario's audit + cluster log, order kept. */
function eventShape(dir: string): string[] {
  assert.ok(events);
  const e = events;
  const lines = ['ceph.audit.log', 'ceph.log'].flatMap((f) => {
    const p = join(dir, 'mon', f);
    if (!existsSync(p)) return [];
    return readFileSync(p, 'utf8').split('\n').filter(Boolean).flatMap((message, k) => {
      const entry = e.parseCephLogMessage(message, 'UTC');
      return entry ? [{ entry, record: { source: f, line: k + 1, time: null, epochMs: null, node: null, ident: null, pid: null, message, upid: null } }] : [];
    });
  });
  // Elections and health repeats vary with timing; what the scenario changed does not.
  const stable = new Set(['key-created', 'key-removed', 'key-recreated', 'caps-changed', 'pool-renamed', 'pool-deleted', 'client-blocklisted', 'client-unblocklisted', 'mon-down', 'mon-down-cleared']);
  return [...new Set(e.buildClusterEvents(lines).filter((x) => stable.has(x.kind)).map((x) => `${x.kind} ${x.entity ?? ''} ${x.pool ?? ''} ${x.status ?? ''}`))];
}

function nodeSources(dir: string): Source[] {
  return ['pve3', 'pve1'].filter((n) => existsSync(join(dir, n))).flatMap((n): Source[] => [
    { kind: 'file', path: join(dir, n, 'journal.short.log') }, { kind: 'tasks', dir: join(dir, n, 'tasks') },
  ]);
}

for (const s of CLUSTER_SCENARIOS) {
  test(`events: ${s.id}`, async () => {
    if (!world) throw new Error('cluster not started');
    const run = await runClusterScenario(world, s);
    const dir = join(root, s.id);
    writeClusterRun(dir, run);
    fresh.set(s.id, run);
    log(`${s.id}: exit ${run.failing.exitCode}; audit ${run.auditLog.split('\n').length - 1} lines, cluster ${run.clusterLog.split('\n').length - 1}`);
    const committed = join(CLUSTER_FIXTURE_ROOT, s.id);
    assert.ok(existsSync(committed), `no committed fixture fixtures/cluster/${s.id}: run node dist/test/ceph/cluster-capture.js ${s.id}`);
    const old = JSON.parse(readFileSync(join(committed, 'capture.json'), 'utf8')) as { failing: { exitCode: number | null; stderr: string } };
    assert.is(run.failing.exitCode, old.failing.exitCode, 'exit code of the failing start');
    assert.equal([...new Set(normalise(run.failing.stderr))].sort(), [...new Set(normalise(old.failing.stderr))].sort(), 'real QEMU error changed shape');
    assert.equal(eventShape(dir), eventShape(committed), 'cluster events changed');
  });

  test(`cause: ${s.id}`, async () => {
    assert.ok(lib && fresh.has(s.id), 'no fresh run');
    const dir = join(root, s.id);
    const year = new Date().getUTCFullYear();
    const alone = (await lib.analyze({ sources: nodeSources(dir) }, { year })).incidents.find((i) => i.node === 'pve3' && i.cause !== 'node-drift');
    assert.ok(alone, 'no incident from the node logs');
    assert.is(alone.confirmedBy, null, 'node logs alone must not be confirmed');
    for (const mon of [['ceph.audit.log', 'ceph.log'], ['journal.ceph-mon.short.log']]) {
      const files: Source[] = mon.map((f) => join(dir, 'mon', f)).filter((p) => existsSync(p)).map((path) => ({ kind: 'file', path }));
      const r = await lib.analyze({ sources: [...nodeSources(dir), ...files] }, { year, clusterEvents: true });
      const i = r.incidents.find((x) => x.node === 'pve3' && x.cause !== 'node-drift');
      const what = `${s.id} with ${mon.join('+')}`;
      assert.ok(i, `${what}: no incident`);
      assert.is(i.cause, s.cause, `${what}: cause (candidates ${i.candidates.map((c) => `${c.cause} ${c.confidence}`).join(', ')})`);
      assert.ok(i.confidence >= 0.9, `${what}: confidence ${i.confidence}`);
      assert.is(i.confirmedBy, s.confirmedBy, `${what}: confirmedBy`);
      const decisive = s.event === 'mon-down' ? ['mon-down', 'quorum-lost'] : [s.event];
      assert.ok(i.clusterEvents?.some((e) => decisive.includes(e.kind) && e.time !== null && e.by !== null), `${what}: event ${s.event} with time and who`);
      assert.ok(i.evidence.some((e) => e.role === 'cluster'), `${what}: cluster evidence`);
    }
  });
}

test.run();
