/**
 * Cluster events: what the monitors' audit and cluster logs say changed (keys, caps, pools,
 * blocklist, quorum, monmap). The kinds are data, one entry each with real sample lines; the
 * builder pairs `dispatch` with `finished`, drops copies of one entry (every monitor's
 * ceph.audit.log holds the whole log, the journal holds the debug copy), orders entries across
 * monitors by time, and derives what needs history: a key re-created after its removal, the
 * caps before a change, a monmap epoch that moved.
 */
import type { ClusterEvent, ClusterEventKind, LogRecord } from '../types.js';
import type { CephLogEntry } from '../records/ceph-log.js';
import { redact } from '../redact.js';

/** The fields a kind reads from its entry. */
interface EventFields {
  readonly entity?: string | null;
  readonly pool?: string | null;
  readonly caps?: string | null;
  readonly detail?: string | null;
}

/** One kind of cluster event: which entries it is and what it reads from them. */
export interface ClusterEventRule {
  readonly kind: ClusterEventKind;
  /** Short title for reports. */
  readonly title: string;
  /** Audit channel: command prefixes; cluster channel: a pattern on the entry text. */
  readonly when:
    | { readonly channel: 'audit'; readonly prefixes: readonly string[]; readonly op?: { readonly arg: string; readonly values: readonly string[] } }
    | { readonly channel: 'cluster'; readonly pattern: RegExp };
  /** Fields from the command's arguments (audit) or the pattern's groups (cluster). */
  readonly read: (args: Readonly<Record<string, unknown>>, groups: readonly (string | undefined)[]) => EventFields;
  /** Lines (as logged, any form) that must be this kind, and near misses that must not. */
  readonly samples: { readonly match: readonly string[]; readonly noMatch: readonly string[] };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** `["mon", "profile rbd", "osd", "profile rbd pool=a"]` → `mon 'profile rbd' osd 'profile rbd pool=a'`. */
export function capsText(caps: unknown): string | null {
  if (!Array.isArray(caps) || caps.length === 0) return null;
  const parts: string[] = [];
  for (let i = 0; i + 1 < caps.length; i += 2) parts.push(`${String(caps[i])} '${String(caps[i + 1])}'`);
  return parts.join(' ') || null;
}

const entityCaps = (a: Readonly<Record<string, unknown>>): EventFields => ({ entity: str(a['entity']), caps: capsText(a['caps']) });

// Real lines from fixtures/cluster (Ceph 16.2.15); the journal forms are the same text after `ceph-mon[PID]: `.
const A = "2026-12-05T21:58:27.153806+0000 mon.a (mon.0) 39 : audit [INF] from='client.? 127.0.0.1:0/1503471431' entity='client.admin' cmd=";

/** The kinds, in the order they are tried (first match wins). */
export const CLUSTER_EVENT_RULES: readonly ClusterEventRule[] = [
  {
    kind: 'key-created', title: 'cephx key created',
    when: { channel: 'audit', prefixes: ['auth get-or-create', 'auth get-or-create-key', 'auth add'] },
    read: entityCaps,
    samples: {
      match: [`${A}'[{"prefix": "auth get-or-create", "entity": "client.pve", "caps": ["mon", "profile rbd", "osd", "profile rbd"]}]': finished`],
      noMatch: [`${A}[{"prefix": "auth get", "entity": "client.pve"}]: dispatch`],
    },
  },
  {
    kind: 'key-removed', title: 'cephx key removed',
    when: { channel: 'audit', prefixes: ['auth rm', 'auth del'] },
    read: (a) => ({ entity: str(a['entity']) }),
    samples: {
      match: [`${A}'[{"prefix": "auth rm", "entity": "client.pve"}]': finished`],
      noMatch: [`${A}'[{"prefix": "auth caps", "entity": "client.pve", "caps": ["mon", "allow r"]}]': finished`],
    },
  },
  {
    kind: 'key-rotated', title: 'cephx key rotated',
    when: { channel: 'audit', prefixes: ['auth rotate'] },
    read: (a) => ({ entity: str(a['entity']) }),
    samples: {
      match: [`${A}'[{"prefix": "auth rotate", "entity": "client.pve"}]': finished`],
      noMatch: [`${A}'[{"prefix": "auth ls"}]': finished`],
    },
  },
  {
    // The keyring travels as the command's input, so the line names no entity.
    kind: 'key-imported', title: 'keyring imported (keys and caps replaced)',
    when: { channel: 'audit', prefixes: ['auth import'] },
    read: () => ({}),
    samples: {
      match: [`${A}'[{"prefix": "auth import"}]': finished`],
      noMatch: [`${A}'[{"prefix": "auth export", "entity": "client.pve"}]': finished`],
    },
  },
  {
    kind: 'caps-changed', title: 'client caps changed',
    when: { channel: 'audit', prefixes: ['auth caps'] },
    read: entityCaps,
    samples: {
      match: [`${A}'[{"prefix": "auth caps", "entity": "client.pve", "caps": ["mon", "profile rbd", "osd", "profile rbd pool=other"]}]': finished`],
      noMatch: [`${A}'[{"prefix": "auth get-or-create", "entity": "client.pve", "caps": ["mon", "profile rbd"]}]': finished`],
    },
  },
  {
    kind: 'pool-renamed', title: 'pool renamed',
    when: { channel: 'audit', prefixes: ['osd pool rename'] },
    read: (a) => ({ pool: str(a['srcpool']), detail: `${str(a['srcpool']) ?? '?'} → ${str(a['destpool']) ?? '?'}` }),
    samples: {
      match: [`${A}'[{"prefix": "osd pool rename", "srcpool": "other", "destpool": "other2"}]': finished`],
      noMatch: [`${A}'[{"prefix": "osd pool create", "pool": "other", "pg_num": 8, "pgp_num": 8}]': finished`],
    },
  },
  {
    kind: 'pool-deleted', title: 'pool deleted',
    when: { channel: 'audit', prefixes: ['osd pool delete', 'osd pool rm'] },
    read: (a) => ({ pool: str(a['pool']) }),
    samples: {
      match: [`${A}'[{"prefix": "osd pool rm", "pool": "vmdata", "pool2": "vmdata", "yes_i_really_really_mean_it": true}]': finished`],
      noMatch: [`${A}'[{"prefix": "osd pool ls"}]': finished`],
    },
  },
  {
    kind: 'pool-application-changed', title: 'pool application changed',
    when: { channel: 'audit', prefixes: ['osd pool application enable', 'osd pool application disable', 'osd pool application set', 'osd pool application rm'] },
    read: (a) => ({ pool: str(a['pool']), detail: `${str(a['prefix'])?.replace('osd pool application ', '') ?? ''} ${str(a['app']) ?? ''}`.trim() }),
    samples: {
      match: [`${A}'[{"prefix": "osd pool application enable","pool": "vmdata","app": "rbd"}]': finished`],
      noMatch: [`${A}'[{"prefix": "osd pool application get","pool": "vmdata"}]': finished`],
    },
  },
  {
    kind: 'client-blocklisted', title: 'client address blocklisted',
    when: { channel: 'audit', prefixes: ['osd blocklist', 'osd blacklist'], op: { arg: 'blocklistop', values: ['add'] } },
    read: (a) => ({ entity: str(a['addr']), detail: typeof a['expire'] === 'number' ? `for ${a['expire']} s` : null }),
    samples: {
      match: [`${A}'[{"prefix": "osd blocklist", "blocklistop": "add", "addr": "127.0.0.1:0/0", "expire": 600.0}]': finished`],
      noMatch: [`${A}'[{"prefix": "osd blocklist", "blocklistop": "rm", "addr": "127.0.0.1:0/0"}]': finished`],
    },
  },
  {
    kind: 'client-unblocklisted', title: 'client address removed from the blocklist',
    when: { channel: 'audit', prefixes: ['osd blocklist', 'osd blacklist'], op: { arg: 'blocklistop', values: ['rm'] } },
    read: (a) => ({ entity: str(a['addr']) }),
    samples: {
      match: [`${A}'[{"prefix": "osd blocklist", "blocklistop": "rm", "addr": "127.0.0.1:0/0"}]': finished`],
      noMatch: [`${A}'[{"prefix": "osd blocklist", "blocklistop": "add", "addr": "127.0.0.1:0/0", "expire": 600.0}]': finished`],
    },
  },
  {
    kind: 'monmap-changed', title: 'monitor map changed',
    when: { channel: 'audit', prefixes: ['mon add', 'mon rm', 'mon remove', 'mon set-addrs', 'mon set-rank'] },
    read: (a) => ({ entity: str(a['name']) ? `mon.${str(a['name']) ?? ''}` : null, detail: `${str(a['prefix']) ?? ''} ${str(a['addr']) ?? str(a['addrs']) ?? ''}`.trim() }),
    samples: {
      match: [`${A}'[{"prefix": "mon rm", "name": "c"}]': finished`],
      noMatch: [`${A}[{"prefix": "mon stat"}]: dispatch`],
    },
  },
  {
    // The monitor's own log: its leases or accepts timed out, the quorum is gone until an election succeeds.
    kind: 'quorum-lost', title: 'monitor lost its quorum',
    when: { channel: 'cluster', pattern: /calling (?:fresh|new) election/ },
    read: (_a, g) => ({ detail: `${g[0] ?? 'calling election'}: no quorum until an election succeeds` }),
    samples: {
      match: ['2026-12-05T22:01:04.141+0000 7f5694ff96c0  1 mon.a@0(leader).paxos(paxos updating c 1..29) accept timeout, calling fresh election'],
      noMatch: ['2026-12-05T22:01:20.149+0000 7f5685ffb6c0  0 log_channel(cluster) log [INF] : mon.a calling monitor election'],
    },
  },
  {
    kind: 'election-called', title: 'monitor election called',
    when: { channel: 'cluster', pattern: /^(mon\.\S+) calling monitor election/ },
    read: (_a, g) => ({ entity: g[1] ?? null }),
    samples: {
      match: ['2026-12-05T22:01:19.013625+0000 mon.b (mon.2) 1 : cluster [INF] mon.b calling monitor election'],
      noMatch: ['2026-12-05T22:01:20.166315+0000 mon.a (mon.0) 52 : cluster [INF] mon.a is new leader, mons a,c,b in quorum (ranks 0,1,2)'],
    },
  },
  {
    kind: 'quorum-formed', title: 'monitor quorum formed',
    when: { channel: 'cluster', pattern: /^(mon\.\S+) is new leader, (mons \S+ in quorum)/ },
    read: (_a, g) => ({ entity: g[1] ?? null, detail: g[2] ?? null }),
    samples: {
      match: ['2026-12-05T22:01:20.161+0000 7f5685ffb6c0  0 log_channel(cluster) log [INF] : mon.a is new leader, mons a,c,b in quorum (ranks 0,1,2)'],
      noMatch: ['2026-12-05T22:01:19.045871+0000 mon.c (mon.1) 1 : cluster [INF] mon.c calling monitor election'],
    },
  },
  {
    kind: 'mon-down', title: 'monitors down',
    when: { channel: 'cluster', pattern: /^Health check (?:failed|update): (\d+\/\d+ mons down, quorum \S+) \(MON_DOWN\)/ },
    read: (_a, g) => ({ detail: g[1] ?? null }),
    samples: {
      match: ['2026-12-05T22:00:49.207102+0000 mon.a (mon.0) 60 : cluster [WRN] Health check failed: 1/3 mons down, quorum a,c (MON_DOWN)'],
      noMatch: ['2026-12-05T22:01:20.203604+0000 mon.a (mon.0) 57 : cluster [WRN] Health detail: HEALTH_WARN mons are allowing insecure global_id reclaim'],
    },
  },
  {
    kind: 'mon-down-cleared', title: 'all monitors back',
    when: { channel: 'cluster', pattern: /^Health check cleared: MON_DOWN \(was: ([^)]*)\)/ },
    read: (_a, g) => ({ detail: g[1] ? `was: ${g[1]}` : null }),
    samples: {
      match: ['2026-12-05T22:01:25.000000+0000 mon.a (mon.0) 70 : cluster [INF] Health check cleared: MON_DOWN (was: 1/3 mons down, quorum a,c)'],
      noMatch: ['2026-12-05T22:01:25.000000+0000 mon.a (mon.0) 71 : cluster [INF] Cluster is now healthy'],
    },
  },
  {
    // Kept only when the epoch moved (every election logs the current monmap again).
    kind: 'monmap-changed', title: 'monitor map changed',
    when: { channel: 'cluster', pattern: /^monmap e(\d+): (\d+ mons at \S*)/ },
    read: (_a, g) => ({ detail: g[1] ? `e${g[1]}: ${g[2] ?? ''}` : null }),
    samples: {
      match: ['2026-12-05T21:58:15.539345+0000 mon.a (mon.0) 3 : cluster [DBG] monmap e1: 1 mons at {a=[v2:127.0.0.1:39279/0,v1:127.0.0.1:40763/0]} removed_ranks: {}'],
      noMatch: ['2026-12-05T21:58:15.565216+0000 mon.a (mon.0) 5 : cluster [DBG] osdmap e1: 0 total, 0 up, 0 in'],
    },
  },
];

/** A cluster log entry and the record it was read from. */
export interface ClusterLogLine {
  readonly entry: CephLogEntry;
  readonly record: LogRecord;
}

interface Matched {
  readonly rule: ClusterEventRule;
  readonly fields: EventFields;
  /** For pairing dispatch and finished: who ran what. */
  readonly key: string;
}

/** The kind an entry is, and its fields; null for entries that change nothing we track. */
export function matchClusterEvent(entry: CephLogEntry): Matched | null {
  for (const rule of CLUSTER_EVENT_RULES) {
    const w = rule.when;
    if (w.channel !== entry.channel) continue;
    if (w.channel === 'audit') {
      const audit = entry.audit;
      if (!audit?.prefix || !w.prefixes.includes(audit.prefix)) continue;
      const args = audit.args ?? { prefix: audit.prefix };
      if (w.op) {
        const op = args[w.op.arg] ?? args['blacklistop'];
        if (typeof op !== 'string' || !w.op.values.includes(op)) continue;
      }
      return { rule, fields: rule.read(args, []), key: `${audit.by}|${JSON.stringify(args)}` };
    }
    const m = w.pattern.exec(entry.text);
    if (m) return { rule, fields: rule.read({}, [...m]), key: `${entry.who ?? ''}|${entry.text}` };
  }
  return null;
}

/** A pending `dispatch` is matched by its `finished` line within this long. */
const PAIR_MS = 120_000;
/** Copies of one entry (several monitors' files, file and journal) are this close in time. */
const SAME_ENTRY_MS = 2_000;

/** Events from cluster log lines (any order, any mix of monitors and forms), oldest first. */
export function buildClusterEvents(lines: readonly ClusterLogLine[]): ClusterEvent[] {
  const timed = lines.map((l, i) => ({ ...l, i, ms: l.entry.time?.ms ?? l.record.epochMs ?? null }))
    .sort((a, b) => (a.ms ?? 0) - (b.ms ?? 0) || a.i - b.i);
  type Held = { event: ClusterEvent; ms: number | null; key: string; dropped: boolean };
  const events: Held[] = [];
  const pending = new Map<string, Held>();
  const seenEntries = new Set<string>();
  for (const l of timed) {
    const m = matchClusterEvent(l.entry);
    if (!m) continue;
    // One entry, many copies: every monitor's file holds the committed log (who + seq is unique).
    if (l.entry.who !== null && l.entry.seq !== null) {
      const id = `${l.entry.who}#${l.entry.seq}#${l.entry.channel}`;
      if (seenEntries.has(id)) continue;
      seenEntries.add(id);
    }
    const audit = l.entry.audit;
    const status = audit ? (audit.status === 'finished' ? 'finished' : 'dispatch') : null;
    const open = pending.get(m.key);
    const within = (e: Held, ms: number): boolean => e.ms === null || l.ms === null || Math.abs(l.ms - e.ms) <= ms;
    // A refused command changed nothing: its dispatch goes too.
    if (audit?.status === 'denied') { if (open) { open.dropped = true; pending.delete(m.key); } continue; }
    if (status === 'finished' && open && within(open, PAIR_MS)) { open.dropped = true; pending.delete(m.key); }
    // The same entry read twice (a monitor's journal and a ceph.audit.log file), or a command logged by
    // the monitor that received it and again by the leader it was forwarded to (two dispatch lines).
    if (events.some((e) => !e.dropped && e.key === m.key && e.event.status === status && within(e, SAME_ENTRY_MS)
      && (e.event.source !== l.record.source || status === 'dispatch'))) continue;
    const event: ClusterEvent = {
      time: l.entry.time?.iso ?? l.record.time,
      kind: m.rule.kind,
      entity: m.fields.entity ?? null,
      pool: m.fields.pool ?? null,
      caps: m.fields.caps ? redact(m.fields.caps) : null,
      oldCaps: null,
      detail: m.fields.detail ? redact(m.fields.detail) : null,
      by: audit ? audit.by : l.entry.who,
      status,
      log: l.entry.channel === 'audit' ? 'audit-log' : 'cluster-log',
      source: l.record.source,
      line: l.record.line,
      text: redact(l.record.message),
    };
    const held: Held = { event, ms: l.ms, key: m.key, dropped: false };
    if (status === 'dispatch') pending.set(m.key, held);
    events.push(held);
  }
  return deriveHistory(events.filter((e) => !e.dropped).map((e) => e.event));
}

/** Re-created keys, caps before a change, and monmap epochs that did not move. */
function deriveHistory(events: readonly ClusterEvent[]): ClusterEvent[] {
  const removed = new Set<string>();
  const caps = new Map<string, string>();
  let epoch: string | null = null;
  const out: ClusterEvent[] = [];
  for (const e of events) {
    let event = e;
    if (e.kind === 'monmap-changed' && e.log === 'cluster-log') {
      const now = /^e(\d+)/.exec(e.detail ?? '')?.[1] ?? null;
      const moved = epoch !== null && now !== null && now !== epoch;
      epoch = now ?? epoch;
      if (!moved) continue;
    }
    const entity = e.entity;
    if (entity !== null && e.status !== 'dispatch') {
      if (e.kind === 'key-removed') { removed.add(entity); caps.delete(entity); }
      if (e.kind === 'key-created' && removed.has(entity)) { event = { ...e, kind: 'key-recreated' }; removed.delete(entity); }
      if (e.kind === 'caps-changed') event = { ...event, oldCaps: caps.get(entity) ?? null };
      if ((e.kind === 'key-created' || e.kind === 'caps-changed') && e.caps) caps.set(entity, e.caps);
    }
    out.push(event);
  }
  return out;
}

/** Which caps an `osd '…'` grant string gives: every pool, or some pools by name. */
export function osdCapsPools(caps: string | null): { readonly allPools: boolean; readonly pools: readonly string[] } | null {
  if (caps === null) return null;
  const osd = /\bosd '([^']*)'/.exec(caps);
  if (!osd) return { allPools: false, pools: [] };
  const pools: string[] = [];
  let allPools = false;
  for (const grant of (osd[1] ?? '').split(/[,;]/).map((g) => g.trim()).filter(Boolean)) {
    const pool = /\bpool[= ]\s*"?([^\s",]+)"?/.exec(grant)?.[1];
    if (pool) pools.push(pool);
    else if (!/\bnamespace[= ]|\btag\b|\bobject_prefix\b/.test(grant)) allPools = true;
  }
  return { allPools, pools };
}

/** True when the caps are known to give no access to `pool` (a narrowing that took the pool away). */
export function capsExcludePool(caps: string | null, pool: string): boolean {
  const grant = osdCapsPools(caps);
  return grant !== null && !grant.allPools && !grant.pools.includes(pool);
}
