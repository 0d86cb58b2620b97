// mergeGroup on hand-built incidents: the fleet id, counts, first/last seen, timeline, values
// the members share, and which evidence is kept (failures before context, every member cited,
// duplicates once, the cap, source/line order).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mergeGroup } from '../src/correlate/merge.js';
import type { Evidence, Incident } from '../src/types.js';

function incident(over: Partial<Incident>): Incident {
  return {
    id: 'inc-local', cause: 'keyring-missing', confidence: 0.9, candidates: [{ cause: 'keyring-missing', confidence: 0.9 }],
    rules: [], explanation: { symptom: 's', cause: 'c', fix: 'f' }, discriminator: null,
    node: 'pve3', badNodes: [], goodNodes: [], storage: 'ext-ceph', pool: 'tenant-a', namespace: null, image: null, snapshot: null,
    clientId: 'pve', keyring: '/etc/pve/priv/ceph/ext-ceph.keyring', conf: null, monHosts: null, errno: 13, phase: 'connect',
    operation: null, vmid: null, upid: null, firstSeen: null, lastSeen: null, count: 1, timeline: [], evidence: [], commands: [],
    refs: [], configFindings: [], confirmed: false,
    ...over,
  };
}

const ev = (source: string, line: number, role: 'failure' | 'context' = 'failure'): Evidence => ({ source, line, time: null, text: `${source}:${line}`, role });
const where = (list: readonly Evidence[]): string[] => list.map((e) => `${e.source}:${e.line}`);
const fleetId = (key: string): string => `inc-${createHash('sha1').update(`fleet|${key}`).digest('hex').slice(0, 10)}`;

test('no member is an error', () => {
  assert.throws(() => mergeGroup([], 10), /no incident/);
});

test('one member: unchanged except for the fleet id (node|storage|cause)', () => {
  const only = incident({ count: 3, evidence: [ev('a.log', 2)] });
  assert.equal(mergeGroup([only], 1), { ...only, id: fleetId('pve3|ext-ceph|keyring-missing') });
  // The pool stands in for a missing storage.
  const noStorage = incident({ storage: null });
  assert.is(mergeGroup([noStorage], 1).id, fleetId('pve3|tenant-a|keyring-missing'));
});

test('counts add up, first/last seen span every member across time zones, timelines merge per hour', () => {
  const a = incident({
    count: 2, firstSeen: '2025-01-14T10:20:00+01:00', lastSeen: '2025-01-14T10:40:00+01:00',
    timeline: [{ hour: '2025-01-14T09', count: 2 }], rules: ['keyring-not-found', 'auth-none-fallback'],
  });
  const b = incident({
    count: 3, firstSeen: '2025-01-14T09:05:00Z', lastSeen: '2025-01-14T11:00:00Z',
    timeline: [{ hour: '2025-01-14T11', count: 1 }, { hour: '2025-01-14T09', count: 2 }], rules: ['auth-none-fallback', 'cephx-disabled-locally'],
  });
  const c = incident({ count: 1, firstSeen: null, lastSeen: null, timeline: [{ hour: '2025-01-14T08', count: 1 }] });
  const merged = mergeGroup([a, b, c], 10);
  assert.is(merged.count, 6);
  assert.is(merged.firstSeen, '2025-01-14T09:05:00Z', '09:05Z is before 10:20+01:00 (09:20Z)');
  assert.is(merged.lastSeen, '2025-01-14T11:00:00Z');
  assert.equal(merged.timeline, [{ hour: '2025-01-14T08', count: 1 }, { hour: '2025-01-14T09', count: 4 }, { hour: '2025-01-14T11', count: 1 }]);
  assert.equal(merged.rules, ['keyring-not-found', 'auth-none-fallback', 'cephx-disabled-locally']);
  assert.is(merged.id, fleetId('pve3|ext-ceph|keyring-missing'));
});

test('values the members share are kept, values they differ on become null; the rest comes from the first member', () => {
  const a = incident({ image: 'vm-101-disk-0', vmid: 101, upid: 'UPID:a', operation: 'start', namespace: 'ns', snapshot: null, confidence: 0.9, errno: 13 });
  const b = incident({ image: 'vm-102-disk-0', vmid: 101, upid: 'UPID:b', operation: 'start', namespace: 'ns', snapshot: 's', confidence: 0.5, errno: 2 });
  const merged = mergeGroup([a, b], 10);
  assert.equal(
    [merged.image, merged.vmid, merged.upid, merged.operation, merged.namespace, merged.snapshot],
    [null, 101, null, 'start', 'ns', null],
  );
  assert.equal([merged.confidence, merged.errno, merged.candidates], [0.9, 13, a.candidates]);
});

test('evidence: failures of every member before context, duplicates once, capped, then in source/line order', () => {
  const a = incident({ evidence: [ev('a.log', 5), ev('a.log', 1), ev('a.log', 3, 'context'), ev('a.log', 7)] });
  const b = incident({ evidence: [ev('b.log', 2), ev('a.log', 1), ev('b.log', 9, 'context')] });
  // Everything fits: each line once, sorted.
  assert.equal(where(mergeGroup([a, b], 10).evidence), ['a.log:1', 'a.log:3', 'a.log:5', 'a.log:7', 'b.log:2', 'b.log:9']);
  // Cap 3: round-robin over the failures (a5, b2, a1), no context.
  assert.equal(where(mergeGroup([a, b], 3).evidence), ['a.log:1', 'a.log:5', 'b.log:2']);
  // Cap 5: all four distinct failures, then the first context line.
  assert.equal(where(mergeGroup([a, b], 5).evidence), ['a.log:1', 'a.log:3', 'a.log:5', 'a.log:7', 'b.log:2']);
  // A member with context only comes after every failure, so a tight cap leaves it out.
  const framingOnly = incident({ evidence: [ev('c.log', 4, 'context')] });
  assert.equal(where(mergeGroup([a, framingOnly], 4).evidence), ['a.log:1', 'a.log:3', 'a.log:5', 'a.log:7']);
  assert.equal(where(mergeGroup([a, framingOnly], 5).evidence), ['a.log:1', 'a.log:3', 'a.log:5', 'a.log:7', 'c.log:4']);
  // Evidence without a role counts as a failure.
  const bare = incident({ evidence: [{ source: 'd.log', line: 1, time: null, text: 'x' }] });
  assert.equal(where(mergeGroup([framingOnly, bare], 1).evidence), ['d.log:1']);
});

test.run();
