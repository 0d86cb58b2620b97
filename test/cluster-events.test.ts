// Cluster-side evidence (issue 17): the event table (rule-tester style), every form an audit line
// comes in, dispatch without finished, monitors out of order, redaction, and the real captures of
// fixtures/cluster (made by test/ceph/cluster-capture.ts on a three-monitor cluster).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyze, formatText, detectFormat } from '../src/index.js';
import type { AnalysisResult, ClusterEventKind, Incident } from '../src/types.js';
import type { Source } from '../src/index.js';
import { parseCephLogMessage, isClusterEventText } from '../src/records/ceph-log.js';
import { candidateLines } from '../src/sources/prefilter.js';
import { CLUSTER_EVENT_RULES, buildClusterEvents, matchClusterEvent, osdCapsPools, type ClusterLogLine } from '../src/classify/cluster-events.js';
import { CLUSTER_CAUSE_RULES } from '../src/correlate/cluster-evidence.js';

const ROOT = 'fixtures/cluster';
const SCENARIOS = readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'expected.json'))).sort();
interface Expected { scenario: string; cause: string; event: ClusterEventKind; confirmedBy: string; minConfidence: number; node: string; client: string; pool: string }
const expected = (id: string): Expected => JSON.parse(readFileSync(join(ROOT, id, 'expected.json'), 'utf8')) as Expected;
const YEAR = 2026;

/** The node's own logs: the failing node's journal and tasks, plus the working node's where there is one. */
function nodeSources(id: string, journal = 'journal.short.log'): Source[] {
  const out: Source[] = [];
  for (const node of ['pve3', 'pve1']) {
    const dir = join(ROOT, id, node);
    if (!existsSync(dir)) continue;
    out.push({ kind: 'file', path: join(dir, journal) }, { kind: 'tasks', dir: join(dir, 'tasks') });
  }
  return out;
}
const monFiles = (id: string, names: readonly string[]): Source[] =>
  names.map((n) => join(ROOT, id, 'mon', n)).filter((p) => existsSync(p)).map((path) => ({ kind: 'file', path }));

const failing = (r: AnalysisResult): Incident | undefined => r.incidents.find((i) => i.node === 'pve3' && i.cause !== 'node-drift');

function entriesOf(text: string, source = 'x'): ClusterLogLine[] {
  return text.split('\n').filter(Boolean).flatMap((message, k) => {
    const entry = parseCephLogMessage(message, 'UTC');
    return entry ? [{ entry, record: { source, line: k + 1, time: null, epochMs: null, node: null, ident: null, pid: null, message, upid: null } }] : [];
  });
}

// --- the table -------------------------------------------------------------------------------

for (const rule of CLUSTER_EVENT_RULES) {
  test(`event ${rule.kind} (${rule.when.channel}): samples`, () => {
    assert.ok(rule.samples.match.length > 0 && rule.samples.noMatch.length > 0, 'needs samples both ways');
    for (const line of rule.samples.match) {
      const entry = parseCephLogMessage(line, 'UTC');
      assert.ok(entry, `not read as a cluster log entry: ${line}`);
      assert.is(matchClusterEvent(entry)?.rule, rule, `should be ${rule.kind}: ${line}`);
    }
    for (const line of rule.samples.noMatch) {
      const entry = parseCephLogMessage(line, 'UTC');
      assert.ok(entry, `near misses are real entries too: ${line}`);
      assert.is.not(matchClusterEvent(entry)?.rule, rule, `should not be ${rule.kind}: ${line}`);
    }
  });
}

test('every kind a cause rule uses is produced by the table or derived (key-recreated)', () => {
  const produced = new Set<ClusterEventKind>([...CLUSTER_EVENT_RULES.map((r) => r.kind), 'key-recreated']);
  for (const rule of CLUSTER_CAUSE_RULES) for (const kind of rule.kinds) assert.ok(produced.has(kind), `${rule.id}: ${kind}`);
});

test('osd caps: pools granted', () => {
  assert.equal(osdCapsPools("mon 'profile rbd' osd 'profile rbd pool=other'"), { allPools: false, pools: ['other'] });
  assert.equal(osdCapsPools("mon 'profile rbd' osd 'profile rbd'"), { allPools: true, pools: [] });
  assert.equal(osdCapsPools("mon 'allow r' osd 'allow rwx pool=a, profile rbd pool=b'"), { allPools: false, pools: ['a', 'b'] });
});

// --- forms -----------------------------------------------------------------------------------

test('an audit entry reads the same from the file, the debug log and a journal line', () => {
  const file = readFileSync(join(ROOT, 'caps-narrowed/mon/ceph.audit.log'), 'utf8').split('\n').find((l) => l.includes('"auth caps"') && l.endsWith('finished'));
  const debug = readFileSync(join(ROOT, 'caps-narrowed/mon/journal.ceph-mon.short.log'), 'utf8').split('\n').find((l) => l.includes('"auth caps"') && l.endsWith('finished'));
  assert.ok(file && debug);
  const a = parseCephLogMessage(file, 'UTC');
  const b = parseCephLogMessage(debug.slice(debug.indexOf(']: ') + 3), 'UTC');
  assert.equal(a?.audit, b?.audit);
  assert.is(a?.audit?.prefix, 'auth caps');
  assert.is(a?.audit?.status, 'finished');
  assert.is(a?.who, 'mon.a');
  assert.is(b?.who, null);
  assert.equal(a?.audit?.args?.['caps'], ['mon', 'profile rbd', 'osd', 'profile rbd pool=other']);
});

test('the byte prefilter passes every real monitor journal line that can be a cluster event (short, export-free JSON)', () => {
  let events = 0;
  for (const scenario of readdirSync('fixtures/cluster').filter((d) => existsSync(join('fixtures/cluster', d, 'mon')))) {
    for (const [name, set] of [['journal.ceph-mon.short.log', 'journal'], ['journal.ceph-mon.json.log', 'json']] as const) {
      const path = join('fixtures/cluster', scenario, 'mon', name);
      if (!existsSync(path)) continue;
      const buf = readFileSync(path);
      const hits = new Set(candidateLines(buf, buf.length, set).lineIndexes);
      const lines = buf.toString('utf8').split('\n');
      for (const index of lines.keys()) {
        if (!isClusterEventText(lines[index]!)) continue;
        events += 1;
        assert.ok(hits.has(index), `${path}:${index + 1} is a cluster event the needles miss: ${lines[index]!.slice(0, 160)}`);
      }
    }
  }
  assert.ok(events >= 20, `only ${events} event lines in the fixtures`);
});

test('cluster log files are detected by content, also without their name', () => {
  for (const f of ['ceph.audit.log', 'ceph.log']) {
    const head = readFileSync(join(ROOT, 'quorum-lost/mon', f), 'utf8');
    assert.is(detectFormat('/bundle/mon1/var/log/ceph/ceph-renamed.txt', head), 'ceph-log', f);
  }
  assert.is.not(detectFormat('x', readFileSync(join(ROOT, 'quorum-lost/mon/journal.ceph-mon.short.log'), 'utf8')), 'ceph-log');
});

/** journalctl -o export text of json lines (text fields). */
function toExport(jsonLines: string): string {
  return jsonLines.split('\n').filter(Boolean).map((l) => Object.entries(JSON.parse(l) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join('\n') + '\n\n').join('');
}
/** journalctl -o short-iso from the short form (the stamps are UTC). */
function toShortIso(short: string): string {
  return short.split('\n').filter(Boolean).map((l) => {
    const inner = /ceph-mon\[\d+\]: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)/.exec(l)?.[1] ?? '';
    return `${inner}+0000 ${l.slice(16)}`;
  }).join('\n') + '\n';
}

test('every journal rendering of the monitor lines confirms the same cause (short, short-iso, json, export)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-audit-'));
  try {
    for (const id of SCENARIOS) {
      const e = expected(id);
      const short = readFileSync(join(ROOT, id, 'mon/journal.ceph-mon.short.log'), 'utf8');
      const json = readFileSync(join(ROOT, id, 'mon/journal.ceph-mon.json.log'), 'utf8');
      const forms: Record<string, string> = { short, 'short-iso': toShortIso(short), json, export: toExport(json) };
      for (const [form, text] of Object.entries(forms)) {
        const path = join(dir, `${id}.${form}.log`);
        writeFileSync(path, text);
        const r = await analyze({ sources: [...nodeSources(id), { kind: 'file', path }] }, { year: YEAR });
        assert.is(r.inputs.at(-1)?.format, form === 'export' ? 'export' : form, `${id} ${form}: detected format`);
        const i = failing(r);
        assert.ok(i, `${id} ${form}: no incident on pve3`);
        assert.is(i.cause, e.cause, `${id} ${form}: cause`);
        assert.ok(i.confidence >= e.minConfidence, `${id} ${form}: confidence ${i.confidence}`);
        assert.is(i.confirmedBy, e.event === 'mon-down' ? 'cluster-log' : 'audit-log', `${id} ${form}: confirmedBy`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// --- pairing, order, copies -----------------------------------------------------------------------

test('dispatch without finished: the event stays, marked dispatch, and confirms nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-audit-'));
  try {
    // Hand-cut from the real caps-narrowed log: the `finished` line of `auth caps` removed.
    const lines = readFileSync(join(ROOT, 'caps-narrowed/mon/ceph.audit.log'), 'utf8').split('\n').filter((l) => !(l.includes('"auth caps"') && l.endsWith('finished')));
    const events = buildClusterEvents(entriesOf(lines.join('\n')));
    const caps = events.find((e) => e.kind === 'caps-changed');
    assert.is(caps?.status, 'dispatch');
    const path = join(dir, 'ceph.audit.log');
    writeFileSync(path, lines.join('\n'));
    const alone = failing(await analyze({ sources: nodeSources('caps-narrowed') }, { year: YEAR }));
    const r = await analyze({ sources: [...nodeSources('caps-narrowed'), { kind: 'file', path }] }, { year: YEAR });
    const i = failing(r);
    assert.ok(i && alone);
    assert.ok(i.clusterEvents?.some((e) => e.kind === 'caps-changed' && e.status === 'dispatch'), 'event shown');
    assert.is(i.confirmedBy, null);
    assert.not.ok(i.confirmed);
    assert.ok(i.confidence <= alone.confidence, `no more than the node logs gave: ${i.confidence}`);
    assert.match(formatText(r), /dispatched;\s+no\s+finished\s+line\s+seen/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("one monitor node's journal without the leader's: its real dispatch lines are shown, nothing is confirmed", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-audit-'));
  try {
    const lines = readFileSync(join(ROOT, 'key-recreated/mon/journal.ceph-mon.short.log'), 'utf8').split('\n').filter(Boolean);
    const hosts = new Set(lines.map((l) => l.split(' ')[3]));
    const peon = [...hosts].find((h) => !lines.some((l) => l.split(' ')[3] === h && l.endsWith('finished')));
    assert.ok(peon, 'the capture has a monitor that only received commands');
    const path = join(dir, 'peon.log');
    writeFileSync(path, `${lines.filter((l) => l.split(' ')[3] === peon).join('\n')}\n`);
    const r = await analyze({ sources: [...nodeSources('key-recreated'), { kind: 'file', path }] }, { year: YEAR });
    const i = failing(r);
    assert.ok(i?.clusterEvents?.some((e) => e.status === 'dispatch'), 'dispatch events shown');
    assert.is(i?.confirmedBy, null);
    assert.not.ok(i?.confirmed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a get-or-create of an existing key is logged as dispatch only (real): no key-created event applied', () => {
  const events = buildClusterEvents(entriesOf(readFileSync(join(ROOT, 'blocklisted/mon/ceph.audit.log'), 'utf8')));
  const created = events.filter((e) => e.kind === 'key-created');
  assert.ok(created.length > 0 && created.every((e) => e.status === 'dispatch'));
});

test('events out of order across monitors, and copies of one entry, give the same events', () => {
  const text = readFileSync(join(ROOT, 'key-recreated/mon/ceph.audit.log'), 'utf8');
  const inOrder = buildClusterEvents(entriesOf(text)).map((e) => [e.kind, e.entity, e.status, e.time]);
  assert.equal(inOrder.map((e) => e[0]), ['key-created', 'key-removed', 'key-recreated']);
  const reversed = text.split('\n').filter(Boolean).reverse().join('\n');
  assert.equal(buildClusterEvents(entriesOf(reversed)).map((e) => [e.kind, e.entity, e.status, e.time]), inOrder);
  // Three monitors' files (same entries), plus the leader's journal copy: still three events.
  const monJournal = readFileSync(join(ROOT, 'key-recreated/mon/journal.ceph-mon.short.log'), 'utf8').split('\n').filter(Boolean).map((l) => l.slice(l.indexOf(']: ') + 3)).join('\n');
  const all = [...entriesOf(text, 'mon1/ceph.audit.log'), ...entriesOf(reversed, 'mon2/ceph.audit.log'), ...entriesOf(monJournal, 'journal')];
  assert.equal(buildClusterEvents(all).map((e) => e.kind), ['key-created', 'key-removed', 'key-recreated']);
});

test('cluster log lines never become incidents themselves', async () => {
  for (const id of SCENARIOS) {
    const r = await analyze({ sources: monFiles(id, ['ceph.audit.log', 'ceph.log', 'journal.ceph-mon.short.log', 'journal.ceph-mon.json.log']) }, { year: YEAR, clusterEvents: true });
    assert.equal(r.incidents, [], id);
    assert.ok((r.clusterEvents ?? []).length > 0, `${id}: events listed as unmatched`);
  }
});

// --- redaction --------------------------------------------------------------------------------

test('key material in audit lines and keyring output never reaches the output (hand-written lines)', async () => {
  const key = 'AQBv1RdnAAAAABAAx7Jd0vQ3z5Jm3c5nq3VhBw==';
  const text = [
    `2026-12-05T22:09:27.199691+0000 mon.a (mon.0) 40 : audit [INF] from='client.? 127.0.0.1:0/1' entity='client.admin' cmd='[{"prefix": "auth import"}]': finished`,
    `2026-12-05T22:09:27.299691+0000 mon.a (mon.0) 41 : audit [INF] from='client.? 127.0.0.1:0/1' entity='client.admin' cmd='[{"prefix": "auth add", "entity": "client.pve", "key": "${key}", "caps": ["mon", "profile rbd", "osd", "profile rbd"]}]': finished`,
    `2026-12-05T22:09:27.399+0000 7f50227fc6c0  0 log_channel(audit) log [INF] : from='client.? ' entity='client.admin' cmd='[{"prefix": "auth get-or-create", "entity": "client.pve", "caps": ["mon", "profile rbd key=${key}"]}]': finished`,
  ].join('\n');
  const journal = [
    'Dec 05 22:09:30 pve3 pvedaemon[1032]: <root@pam> starting task UPID:pve3:00003353:00017765:6B148B2A:qmstart:101:root@pam:',
    `Dec 05 22:09:30 pve3 pveceph[2001]: [client.pve]`,
    `Dec 05 22:09:30 pve3 pveceph[2001]: \tkey = ${key}`,
    "Dec 05 22:09:31 pve3 pvedaemon[13139]: kvm: -drive file=rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf:id=pve:keyring=/etc/pve/priv/ceph/ceph-vm.keyring,if=none,id=drive-scsi0,format=raw: error connecting: Permission denied",
    'Dec 05 22:09:31 pve3 pvedaemon[1032]: <root@pam> end task UPID:pve3:00003353:00017765:6B148B2A:qmstart:101:root@pam: start failed: QEMU exited with code 1',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-audit-'));
  try {
    writeFileSync(join(dir, 'ceph.audit.log'), `${text}\n`);
    writeFileSync(join(dir, 'journal.log'), `${journal}\n`);
    const r = await analyze({ files: [join(dir, 'journal.log'), join(dir, 'ceph.audit.log')] }, { year: YEAR, clusterEvents: true });
    const out = `${JSON.stringify(r)}\n${formatText(r, { evidenceLines: 50 })}`;
    assert.not.ok(out.includes(key.slice(2, 20)), 'a key leaked');
    assert.ok(r.incidents.some((i) => (i.clusterEvents ?? []).length > 0) || (r.clusterEvents ?? []).length >= 3, 'the events were read');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// --- the real captures --------------------------------------------------------------------------

for (const id of SCENARIOS) {
  test(`fixture ${id}: the node's logs alone do not confirm; with the audit/cluster logs the cause is confirmed`, async () => {
    const e = expected(id);
    const alone = failing(await analyze({ sources: nodeSources(id) }, { year: YEAR }));
    assert.ok(alone, 'an incident from the node logs');
    assert.is(alone.confirmedBy, null);
    assert.equal(alone.clusterEvents, []);
    for (const logs of [['ceph.audit.log', 'ceph.log'], ['journal.ceph-mon.short.log']]) {
      const r = await analyze({ sources: [...nodeSources(id), ...monFiles(id, logs)] }, { year: YEAR, clusterEvents: true });
      const i = failing(r);
      const what = `${id} with ${logs.join('+')}`;
      assert.ok(i, `${what}: no incident`);
      assert.is(i.cause, e.cause, `${what}: cause`);
      assert.ok(i.confidence >= e.minConfidence, `${what}: confidence ${i.confidence}`);
      assert.ok(i.confidence > alone.confidence || alone.cause !== e.cause, `${what}: no gain over the node logs alone`);
      assert.ok(i.confirmed);
      const kinds = i.clusterEvents?.map((x) => x.kind) ?? [];
      const decisive = e.event === 'mon-down' ? ['mon-down', 'quorum-lost'] : [e.event];
      assert.ok(kinds.some((k) => decisive.includes(k)), `${what}: events ${kinds.join(',')}`);
      assert.ok(i.evidence.some((x) => x.role === 'cluster'), `${what}: cluster evidence`);
      assert.ok(i.explanation.cause.length > 20);
      const text = formatText(r);
      assert.match(text, /confirmed\s+by\s+(audit|cluster)\s+log/);
      assert.match(text, new RegExp(`event\\s+\\S+\\s+${i.clusterEvents?.find((x) => decisive.includes(x.kind))?.kind ?? '?'}\\s`), `${what}: the event is in the text report`);
      assert.match(text, /Cluster events with no matching failure/);
    }
  });
}

test('key-recreated: the working node (pve1) makes it 95%, and the caps change shows old and new caps', async () => {
  const k = failing(await analyze({ sources: [...nodeSources('key-recreated'), ...monFiles('key-recreated', ['ceph.audit.log'])] }, { year: YEAR }));
  assert.is(k?.confidence, 0.95);
  const kNoGood = failing(await analyze({ sources: [nodeSources('key-recreated')[0] as Source, nodeSources('key-recreated')[1] as Source, ...monFiles('key-recreated', ['ceph.audit.log'])] }, { year: YEAR }));
  assert.is(kNoGood?.confidence, 0.9);
  const c = failing(await analyze({ sources: [...nodeSources('caps-narrowed'), ...monFiles('caps-narrowed', ['ceph.audit.log'])] }, { year: YEAR }));
  const ev = c?.clusterEvents?.find((e) => e.kind === 'caps-changed');
  assert.is(ev?.oldCaps, "mon 'profile rbd' osd 'profile rbd'");
  assert.is(ev?.caps, "mon 'profile rbd' osd 'profile rbd pool=other'");
  const p = failing(await analyze({ sources: [...nodeSources('pool-renamed'), ...monFiles('pool-renamed', ['ceph.audit.log'])] }, { year: YEAR }));
  assert.match(p?.explanation.cause ?? '', /ren → ren-old/);
});

test.run();
