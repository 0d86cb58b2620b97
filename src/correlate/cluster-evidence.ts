/**
 * Cluster-side evidence: a pure pass over finished incidents and the cluster events read from
 * the Ceph audit and cluster logs. An event that concerns an incident's client, pool or monitors
 * and comes before its first failure becomes evidence (role `cluster`); the rules below decide
 * when it confirms a cause (article: Checklist C, done by the tool instead of by hand).
 */
import type { CauseId } from '../causes.js';
import type { Candidate, ClusterEvent, ClusterEventKind, Evidence, Incident } from '../types.js';
import { capsExcludePool } from '../classify/cluster-events.js';
import { COMMANDS_BY_CAUSE, fillTemplate } from '../classify/commands.js';
import { findUpid, taskLogPath } from '../upid.js';
import { compareIncidents } from './correlator.js';

/** How an event relates to an incident. */
type Subject =
  /** The event's entity is the incident's client (`client.<clientId>`). */
  | 'client'
  /** The client's caps after the event give no access to the incident's pool. */
  | 'client-caps'
  /** The event's pool is the incident's pool. */
  | 'pool'
  /** The monitors were down or without quorum when the first failure happened. */
  | 'mon-outage'
  /** An address was blocklisted before the failure and not taken off the list before it. */
  | 'blocklist'
  /** Monitor changes in the hour around the failures. */
  | 'mon-nearby'
  /** Any key event before the failure (the line names no entity). */
  | 'any-before';

/** One rule: which events, how they relate, what they prove. */
export interface ClusterCauseRule {
  readonly id: string;
  readonly kinds: readonly ClusterEventKind[];
  readonly subject: Subject;
  /** The cause this evidence is about; the incident must have it among its candidates. */
  readonly cause: CauseId;
  /** Failures in this phase only (connect: cephx; after-connect: caps, objects). */
  readonly phase?: 'connect' | 'after-connect';
  /** Confidence when a finished command (or a cluster-log entry) confirms it; null: evidence only. */
  readonly confirms: number | null;
  /** +0.05 when this is also known: other nodes work with the same storage, or the caps before the change. */
  readonly stronger?: 'others-work' | 'old-caps-known';
  /** Why, in our words; `{entity}`, `{pool}`, `{time}`, `{by}`, `{caps}`, `{oldCaps}`, `{detail}` are filled in. */
  readonly why: string;
  readonly fix: string;
}

export const CLUSTER_CAUSE_RULES: readonly ClusterCauseRule[] = [
  {
    id: 'key-recreated', kinds: ['key-recreated', 'key-rotated'], subject: 'client', cause: 'key-stale', phase: 'connect', confirms: 0.9, stronger: 'others-work',
    why: "{entity}'s key was re-created on the cluster at {time} by {by}; this node still presents the key it had before.",
    fix: 'Export the current key (ceph auth get {entity}) into the keyring this node uses, on every node that still has the old one.',
  },
  {
    id: 'key-removed', kinds: ['key-removed'], subject: 'client', cause: 'key-stale', phase: 'connect', confirms: 0.9, stronger: 'others-work',
    why: '{entity} was removed from the cluster at {time} by {by}; the key on this node no longer exists there.',
    fix: 'Re-create the client with the caps the storage needs (or point the storage at an existing client) and copy its keyring to every node.',
  },
  {
    id: 'keyring-imported', kinds: ['key-imported'], subject: 'any-before', cause: 'key-stale', phase: 'connect', confirms: null,
    why: 'A keyring was imported on the cluster at {time} by {by} (the audit line does not say for which client); keys replaced that way leave nodes with the old key.',
    fix: 'Compare the key hash of this node\'s keyring with ceph auth get for the storage\'s client.',
  },
  {
    id: 'caps-narrowed', kinds: ['caps-changed', 'key-created', 'key-recreated'], subject: 'client-caps', cause: 'caps-insufficient', phase: 'after-connect', confirms: 0.9, stronger: 'old-caps-known',
    why: "{entity}'s caps were set at {time} by {by} to {caps} (before: {oldCaps}); they no longer give access to pool {pool}.",
    fix: "Give {entity} access to pool {pool} again (ceph auth caps {entity} mon 'profile rbd' osd 'profile rbd pool={pool}, …' listing every pool it needs).",
  },
  {
    id: 'pool-renamed', kinds: ['pool-renamed'], subject: 'pool', cause: 'image-not-found', confirms: 0.95,
    why: 'Pool {pool} was renamed ({detail}) at {time} by {by}; the storage still names the old pool.',
    fix: 'Point the storage at the new pool name (pool in storage.cfg), or rename the pool back.',
  },
  {
    id: 'pool-deleted', kinds: ['pool-deleted'], subject: 'pool', cause: 'image-not-found', confirms: 0.95,
    why: 'Pool {pool} was deleted at {time} by {by}.',
    fix: 'Restore the data from backup into a new pool and point the storage at it; remove the storage if the pool is gone for good.',
  },
  {
    id: 'pool-application', kinds: ['pool-application-changed'], subject: 'pool', cause: 'image-not-found', confirms: null,
    why: "Pool {pool}'s application was changed ({detail}) at {time} by {by}.",
    fix: 'Check ceph osd pool application get {pool}: RBD pools need the rbd application.',
  },
  {
    id: 'quorum-lost', kinds: ['quorum-lost', 'mon-down'], subject: 'mon-outage', cause: 'mon-unreachable', confirms: 0.95,
    why: 'The monitors were down when this failed: {detail} (logged at {time} by {by}); clients cannot authenticate without a quorum.',
    fix: 'Bring the monitors back (systemctl status ceph-mon@*, ceph mon stat once a quorum answers); the failures stop when the quorum is back.',
  },
  {
    id: 'mon-changes', kinds: ['election-called', 'quorum-formed', 'monmap-changed', 'mon-down-cleared'], subject: 'mon-nearby', cause: 'mon-unreachable', confirms: null,
    why: 'The monitors changed around the failures: {detail} at {time}.',
    fix: 'Check ceph mon stat and the mon_host list this node uses.',
  },
  {
    id: 'blocklisted', kinds: ['client-blocklisted'], subject: 'blocklist', cause: 'image-busy', confirms: 0.95,
    why: 'Address {entity} was blocklisted at {time} by {by} ({detail}) and not removed before the failure.',
    fix: 'If the fenced client is really gone: ceph osd blocklist rm {entity}; then restart the guest on the node that owns it.',
  },
];

/** A failure up to this much before an event still counts as after it (stamps rounded to the second). */
const SKEW_MS = 1_000;
/** Monitor changes this close to the failures are shown with them. */
const NEARBY_MS = 3_600_000;
/** The most cluster events shown on one incident. */
const MAX_EVENTS_PER_INCIDENT = 8;

const ms = (iso: string | null): number | null => {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

function fill(text: string, e: ClusterEvent, i: Incident): string {
  const values: Record<string, string> = {
    entity: e.entity ?? (i.clientId ? `client.${i.clientId}` : 'the client'), pool: i.pool ?? e.pool ?? 'the pool',
    time: e.time ?? 'an unknown time', by: e.by ?? 'an unknown client', caps: e.caps ?? 'unknown caps',
    oldCaps: e.oldCaps ?? 'not in the log', detail: e.detail ?? e.kind,
  };
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

const PRE_CONNECT = new Set(['connect', 'config']);

function phaseOk(rule: ClusterCauseRule, i: Incident): boolean {
  if (rule.phase === 'connect') return i.phase === null || PRE_CONNECT.has(i.phase);
  if (rule.phase === 'after-connect') return i.phase === null || !PRE_CONNECT.has(i.phase);
  return true;
}

/** Does `e` bear on `i` under `rule`? `events` is the whole (time-ordered) list, for what came after. */
function relates(rule: ClusterCauseRule, e: ClusterEvent, i: Incident, events: readonly ClusterEvent[]): boolean {
  const first = ms(i.firstSeen);
  const at = ms(e.time);
  const before = first === null || at === null || at <= first + SKEW_MS;
  const client = i.clientId ? `client.${i.clientId}` : null;
  switch (rule.subject) {
    case 'client': return before && client !== null && e.entity === client;
    case 'any-before': return before && first !== null && at !== null;
    case 'client-caps': return before && client !== null && e.entity === client && i.pool !== null && capsExcludePool(e.caps, i.pool);
    case 'pool': return before && i.pool !== null && e.pool === i.pool;
    case 'blocklist': {
      if (!before || e.entity === null) return false;
      return !events.some((o) => o.kind === 'client-unblocklisted' && o.entity === e.entity && (ms(o.time) ?? -Infinity) > (at ?? -Infinity)
        && (first === null || (ms(o.time) ?? Infinity) <= first));
    }
    case 'mon-outage': {
      if (!before || first === null || at === null) return false;
      // Still open at the first failure: no quorum formed / MON_DOWN cleared in between.
      const closer: ClusterEventKind = e.kind === 'mon-down' ? 'mon-down-cleared' : 'quorum-formed';
      return !events.some((o) => o.kind === closer && (ms(o.time) ?? -Infinity) > at && (ms(o.time) ?? Infinity) < first);
    }
    case 'mon-nearby': {
      const last = ms(i.lastSeen) ?? first;
      return first !== null && at !== null && last !== null && at >= first - NEARBY_MS && at <= last + NEARBY_MS;
    }
  }
}

/** Incidents with their cluster evidence, and the events no incident took. */
export interface ClusterEvidenceResult {
  readonly incidents: Incident[];
  readonly unmatched: ClusterEvent[];
}

function toEvidence(e: ClusterEvent): Evidence {
  return { source: e.source, line: e.line, time: e.time, text: e.text, role: 'cluster' };
}

/** Nodes where the incident's storage works while this node fails (from node-drift incidents). */
function othersWork(i: Incident, all: readonly Incident[]): boolean {
  return all.some((d) => d.cause === 'node-drift' && i.node !== null && d.badNodes.includes(i.node) && d.goodNodes.length > 0
    && (d.storage ?? d.pool) === (i.storage ?? i.pool));
}

/** The new cause's commands first, then the ones the incident had. */
function commandsFor(i: Incident, cause: CauseId): Incident['commands'] {
  if (cause === i.cause) return i.commands;
  const upid = i.upid ? findUpid(i.upid) : null;
  const values = {
    conf: i.conf, clientId: i.clientId, keyring: i.keyring, pool: i.pool, image: i.image, snapshot: i.snapshot,
    monHosts: i.monHosts, storage: i.storage, upid: i.upid, taskLog: upid ? taskLogPath(upid) : null, vmid: i.vmid,
  };
  const fresh = COMMANDS_BY_CAUSE[cause].map((t) => ({ purpose: fillTemplate(t.purpose, values), command: fillTemplate(t.template, values), changesCluster: t.changesCluster }));
  const seen = new Set(fresh.map((c) => c.command));
  return [...fresh, ...i.commands.filter((c) => !seen.has(c.command))];
}

function promote(i: Incident, cause: CauseId, confidence: number): Candidate[] {
  const rest = i.candidates.filter((c) => c.cause !== cause).map((c) => ({ cause: c.cause, confidence: Math.min(c.confidence, Math.round((1 - confidence) * 100) / 100) }));
  return [{ cause, confidence }, ...rest];
}

/**
 * Joins cluster events to incidents. Pure: the same inputs give the same output. Incidents that
 * no event concerns get `clusterEvents: []` and keep `confirmedBy` (null unless set before).
 */
export function attachClusterEvidence(incidents: readonly Incident[], events: readonly ClusterEvent[]): ClusterEvidenceResult {
  const used = new Set<ClusterEvent>();
  const out = incidents.map((i): Incident => {
    const base: Incident = { ...i, clusterEvents: i.clusterEvents ?? [], confirmedBy: i.confirmedBy ?? (i.confirmed ? 'config' : null) };
    if (events.length === 0) return base;
    const hits: { rule: ClusterCauseRule; event: ClusterEvent }[] = [];
    for (const rule of CLUSTER_CAUSE_RULES) {
      const candidate = i.cause === rule.cause || i.candidates.some((c) => c.cause === rule.cause);
      const drift = i.cause === 'node-drift';
      if ((!candidate && !drift) || !phaseOk(rule, i)) continue;
      for (const e of events) if (rule.kinds.includes(e.kind) && relates(rule, e, i, events)) hits.push({ rule, event: e });
    }
    if (hits.length === 0) return base;
    // The latest event before the failure is the one that explains it; dispatch-only lines rank last.
    const rank = (h: { rule: ClusterCauseRule; event: ClusterEvent }): number =>
      (h.rule.confirms !== null && h.event.status !== 'dispatch' ? 2 : 0) + (ms(h.event.time) ?? 0) / 1e15;
    const best = [...hits].sort((a, b) => rank(b) - rank(a))[0];
    // The deciding event always, then the others closest to the first failure.
    const first = ms(i.firstSeen) ?? 0;
    const others = [...new Set(hits.map((h) => h.event))].filter((e) => e !== best?.event)
      .sort((a, b) => Math.abs((ms(a.time) ?? 0) - first) - Math.abs((ms(b.time) ?? 0) - first));
    const shown = [...(best ? [best.event] : []), ...others].slice(0, MAX_EVENTS_PER_INCIDENT)
      .sort((a, b) => (ms(a.time) ?? 0) - (ms(b.time) ?? 0));
    for (const e of shown) used.add(e);
    const withEvents: Incident = {
      ...base,
      clusterEvents: [...(base.clusterEvents ?? []), ...shown],
      evidence: [...shown.map(toEvidence), ...i.evidence],
    };
    // node-drift stays what it is: the events are shown, the per-node incidents carry the cause.
    if (!best || i.cause === 'node-drift') return withEvents;
    const { rule, event } = best;
    const text = { symptom: i.explanation.symptom, cause: fill(rule.why, event, i), fix: fill(rule.fix, event, i) };
    if (rule.confirms === null || event.status === 'dispatch') {
      // The command was sent but not seen applied (no `finished` line), or the line cannot prove it.
      const current = i.candidates.find((c) => c.cause === rule.cause)?.confidence ?? 0;
      const confidence = Math.max(current, Math.min(0.75, current + 0.2));
      if (confidence <= i.confidence && i.cause !== rule.cause) return withEvents;
      return { ...withEvents, cause: rule.cause, confidence, candidates: promote(i, rule.cause, confidence), explanation: text, commands: commandsFor(i, rule.cause) };
    }
    const stronger = (rule.stronger === 'others-work' && othersWork(i, incidents)) || (rule.stronger === 'old-caps-known' && event.oldCaps !== null);
    const confidence = Math.max(Math.round((rule.confirms + (stronger ? 0.05 : 0)) * 100) / 100,
      i.candidates.find((c) => c.cause === rule.cause)?.confidence ?? 0);
    return {
      ...withEvents,
      cause: rule.cause,
      confidence,
      candidates: promote(i, rule.cause, confidence),
      explanation: text,
      commands: commandsFor(i, rule.cause),
      discriminator: null,
      confirmed: true,
      confirmedBy: event.log,
      rules: [...i.rules, `cluster:${rule.id}`],
    };
  });
  return { incidents: used.size > 0 ? out.sort(compareIncidents) : out, unmatched: events.filter((e) => !used.has(e)) };
}
