/**
 * Fleet grouping: repeated failures are counted, not repeated. Per-node incidents with the
 * same node, storage (or pool) and cause become one incident whose count, first/last seen
 * and per-hour timeline cover them all.
 */
import { incidentId } from '../incident-id.js';
import type { Evidence, Incident } from '../types.js';

/** The fleet grouping key of an incident: node, storage (else pool), cause. */
export function fleetKey(i: Incident): string {
  return `${i.node ?? ''}|${i.storage ?? i.pool ?? ''}|${i.cause}`;
}

/** The members' common value, else null (the fields compared are strings, numbers or null). */
function same<T extends string | number | null>(values: readonly T[]): T | null {
  const first = values[0];
  return first !== undefined && values.every((v) => v === first) ? first : null;
}

type Timeline = { hour: string; count: number }[];
const byHour = (a: { hour: string }, b: { hour: string }): number => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0);

/**
 * A per-hour count map as a timeline, oldest hour first. Hours are fixed-width
 * `YYYY-MM-DDTHH` strings, so code-unit order is time order (no localeCompare: ICU collation
 * was a tenth of a 10M-line run).
 */
export function timelineOf(hours: ReadonlyMap<string, number>): Timeline {
  return [...hours.entries()].map(([hour, count]) => ({ hour, count })).sort(byHour);
}

/** The members' failures per hour, added up. */
function hoursOf(members: readonly Incident[]): Map<string, number> {
  const hours = new Map<string, number>();
  for (const m of members) for (const t of m.timeline) hours.set(t.hour, (hours.get(t.hour) ?? 0) + t.count);
  return hours;
}

/** Evidence of all members: each member's first lines first, so every member is cited. */
function mergedEvidence(members: readonly Incident[], max: number): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  // Failure lines first (round-robin over the members), then context, so a merged incident
  // always shows what failed, not only the task framing around it.
  for (const role of ['failure', 'context'] as const) {
    const lists = members.map((m) => m.evidence.filter((x) => (x.role ?? 'failure') === role));
    for (let depth = 0; out.length < max; depth++) {
      let any = false;
      for (const list of lists) {
        const e = list[depth];
        if (!e) continue;
        any = true;
        const key = `${e.source}:${e.line}`;
        if (seen.has(key) || out.length >= max) continue;
        seen.add(key);
        out.push(e);
      }
      if (!any) break;
    }
  }
  return out.sort((a, b) => (a.source === b.source ? a.line - b.line : a.source < b.source ? -1 : 1));
}

/** The VMs of the members, when there are several: `{ vmids }`, else nothing. */
function vmidsOf(members: readonly Incident[]): { vmids?: number[] } {
  const ids = new Set<number>();
  for (const m of members) {
    if (m.vmid !== null) ids.add(m.vmid);
    for (const v of m.vmids ?? []) ids.add(v);
  }
  return ids.size > 1 ? { vmids: [...ids].sort((a, b) => a - b) } : {};
}

/** One incident for `members` (same fleet key), most important first in `members`. */
export function mergeGroup(members: readonly Incident[], maxEvidence: number): Incident {
  const [base] = members;
  if (!base) throw new Error('mergeGroup: no incident');
  const id = incidentId(`fleet|${fleetKey(base)}`);
  if (members.length === 1) return { ...base, id };
  const times = (pick: (i: Incident) => string | null): string[] => members.map(pick).filter((t): t is string => t !== null)
    .sort((x, y) => (Date.parse(x) || 0) - (Date.parse(y) || 0));
  return {
    ...base,
    id,
    rules: [...new Set(members.flatMap((m) => m.rules))],
    image: same(members.map((m) => m.image)),
    snapshot: same(members.map((m) => m.snapshot)),
    namespace: same(members.map((m) => m.namespace)),
    vmid: same(members.map((m) => m.vmid)),
    ...vmidsOf(members),
    upid: same(members.map((m) => m.upid)),
    operation: same(members.map((m) => m.operation)),
    firstSeen: times((m) => m.firstSeen)[0] ?? null,
    lastSeen: times((m) => m.lastSeen).pop() ?? null,
    count: members.reduce((n, m) => n + m.count, 0),
    timeline: timelineOf(hoursOf(members)),
    evidence: mergedEvidence(members, maxEvidence),
  };
}

/** Merges incidents by fleet key; `sorted` must be most important first (the first member leads). */
export function mergeByFleetKey(sorted: readonly Incident[], maxEvidence: number): Incident[] {
  const groups = new Map<string, Incident[]>();
  for (const i of sorted) {
    const key = i.cause === 'node-drift' ? `drift|${i.id}` : fleetKey(i);
    const list = groups.get(key);
    if (list) list.push(i); else groups.set(key, [i]);
  }
  return [...groups.values()].map((members) => mergeGroup(members, maxEvidence));
}

/** Instants of an incident's first and last line (NaN when unknown). */
function span(i: Incident): readonly [number, number] {
  return [Date.parse(i.firstSeen ?? ''), Date.parse(i.lastSeen ?? '')];
}

/**
 * Storage-less periodic lines (pvestatd's `rados_connect failed - …`, which name no storage) join the
 * incident of a storage that fails on the same node, with the same cause and errno, within `windowMs`
 * of them; where there is none they stay an incident of their own (one per node and cause).
 */
export function attachStorageless(incidents: readonly Incident[], windowMs: number, maxEvidence: number): Incident[] {
  const out = [...incidents];
  // Periodic connect failures that name nothing (pvestatd's rados_connect): no object, no task, no operation.
  const bare = (i: Incident): boolean => i.storage === null && i.pool === null && i.image === null && i.upid === null
    && i.operation === null && i.vmid === null && i.phase === 'connect' && i.cause !== 'node-drift';
  for (const loose of incidents.filter(bare)) {
    const [from, to] = span(loose);
    const home = out.findIndex((i) => i !== loose && !bare(i) && i.node === loose.node && i.cause === loose.cause
      && (i.errno === loose.errno || loose.errno === null)
      && (Number.isNaN(from) || Number.isNaN(to) || (() => { const [a, b] = span(i); return !Number.isNaN(a) && from <= b + windowMs && to >= a - windowMs; })()));
    if (home < 0) continue;
    const target = out[home]!;
    const times = [target.firstSeen, target.lastSeen, loose.firstSeen, loose.lastSeen].filter((t): t is string => t !== null)
      .sort((x, y) => (Date.parse(x) || 0) - (Date.parse(y) || 0));
    const evidence = [...target.evidence];
    // The loose lines are more of the same failure, not what decided it; the first is always cited.
    const looseFailures = loose.evidence.filter((e) => e.role === 'failure').map(withoutDecisive);
    looseFailures.forEach((e, k) => { if (k === 0 || evidence.length < maxEvidence) evidence.push(e); });
    out[home] = {
      ...target,
      count: target.count + loose.count,
      firstSeen: times[0] ?? null,
      lastSeen: times[times.length - 1] ?? null,
      timeline: timelineOf(hoursOf([target, loose])),
      evidence,
    };
    out.splice(out.indexOf(loose), 1);
  }
  return out;
}

function withoutDecisive(e: Evidence): Evidence {
  const { decisive: _drop, ...rest } = e;
  return rest;
}

