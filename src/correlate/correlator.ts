/**
 * Groups extracted lines into incidents: one task (UPID, or the task's PID), or one
 * node + image/pool + cause within a time window. Streaming: add lines one by one;
 * `incidents()` renders the current state at any time.
 */
import { incidentId } from '../incident-id.js';
import type { CauseId } from '../causes.js';
import type { Evidence, Incident, LogRecord, NoiseCount } from '../types.js';
import { noiseOf } from '../classify/noise.js';
import type { DetailedExtraction } from '../extract/extract.js';
import { findUpid, parseUpid, taskLogPath } from '../upid.js';
import { isFailure, matchRules, rankCauses } from '../classify/engine.js';
import type { Rule } from '../classify/rule-types.js';
import type { CommandValues } from '../classify/commands.js';
import { diagnose } from '../classify/diagnose.js';
import { redact } from '../redact.js';
import { crossNodeIncidents, type TaskSuccess } from './cross-node.js';
import { attachStorageless, fleetKey, mergeByFleetKey, mergeGroup, timelineOf } from './merge.js';

/** Options for grouping. */
export interface CorrelateOptions {
  /** Lines of one node and image/pool further apart than this start a new incident. Default 60. */
  readonly windowMinutes?: number;
  /** Evidence lines kept per incident (the count keeps counting). Default 12. */
  readonly maxEvidence?: number;
  /**
   * `window` (default): one incident per task, or per node + image/pool + cause within the window.
   * `storage`: one incident per node + storage (or pool) + cause over the whole period, with its
   * timeline (fleets, archives). `auto`: `storage` when the lines come from more than one node
   * (streamed updates use `window`).
   */
  readonly grouping?: 'window' | 'storage' | 'auto';
  /**
   * Follow mode: forget incidents idle for longer than this many minutes (by log time), so
   * memory stays flat over days. Default: never.
   */
  readonly expireIdleMinutes?: number;
}

interface Line {
  readonly record: LogRecord;
  readonly x: DetailedExtraction;
  readonly rules: readonly Rule[];
}

interface Group {
  readonly key: string;
  readonly node: string | null;
  upid: string | null;
  readonly failures: Line[];
  readonly context: Line[];
  readonly seenText: Set<string>;
  count: number;
  firstMs: number | null;
  lastMs: number | null;
  firstTime: string | null;
  lastTime: string | null;
  readonly ruleIds: Set<string>;
  readonly rules: Rule[];
  hasTaskFailure: boolean;
  /** Failures per UTC hour (`2025-12-26T10`). */
  readonly hours: Map<string, number>;
}

/** Successes kept per node and VM, and node/VM pairs kept (cross-node rules need a few, not all). */
const SUCCESSES_PER_VM = 4;
const MAX_SUCCESS_KEYS = 4096;
/** Distinct messages remembered per incident for de-duplicating evidence. */
const MAX_SEEN_TEXT = 512;
/** Task PIDs remembered (oldest forgotten first). */
const MAX_TASK_PIDS = 2048;

const MAX_PENDING_CONTEXT = 256;

/** The incident's cause family used in grouping keys when no task ties lines together. */
function lineCause(rules: readonly Rule[]): CauseId {
  return rankCauses(rules)[0]?.cause ?? 'unknown';
}

export class Correlator {
  private readonly groups = new Map<string, Group>();
  private readonly openByObject = new Map<string, Group>();
  /** node:pid → UPID, learned from task framing lines. */
  private readonly taskByPid = new Map<string, string>();
  /** Context lines of pasted text (no node, no time) waiting for the source's first failure. */
  private readonly pendingBySource = new Map<string, Line[]>();
  /** Framing/context lines waiting for a failure of their task. */
  private readonly pendingByUpid = new Map<string, Line[]>();
  /** Recent context lines that name an image or VM, per node, waiting for a failure nearby. */
  private readonly recentContext = new Map<string, Line[]>();
  /** Groups by node + image / node + vmid, for context lines that arrive after the failure. */
  private readonly groupsBySubject = new Map<string, Group>();
  /** Tasks that ended well, per node: the other half of node-drift. */
  private readonly successes = new Map<string, TaskSuccess[]>();
  /** Which storage (or pool) each VM's disks were seen on, from any node. */
  private readonly vmResources = new Map<number, string>();
  private readonly windowMs: number;
  private readonly maxEvidence: number;
  private readonly grouping: 'window' | 'storage' | 'auto';
  private readonly expireMs: number | null;
  /** Groups ever created: part of window-group keys, so an expired group's id is never reused. */
  private created = 0;
  private latestMs = -Infinity;
  /** Nodes seen in any line (for `auto` grouping), bounded. */
  private readonly nodesSeen = new Set<string>();
  private lastSweepMs = -Infinity;
  private lastFoldMs = -Infinity;
  /**
   * Fleet incidents folded from idle groups (fleet grouping only), by fleet key. The per-hour
   * counts are kept aside in a map and the incident carries an empty timeline until it is shown:
   * a fleet incident's timeline grows with the period, and re-merging it on every fold made
   * folding quadratic.
   */
  private readonly folded = new Map<string, { incident: Incident; readonly hours: Map<string, number> }>();
  /** Known noise per kind and node (bounded by the noise table times the nodes seen). */
  private readonly noiseCounts = new Map<string, { id: string; count: number; node: string | null; example: string }>();
  /** Attachable noise per kind and node: its span and count, decided when incidents are shown. */
  private readonly pendingNoise = new Map<string, { id: string; node: string | null; count: number; firstMs: number | null; lastMs: number | null; example: string }>();

  constructor(options: CorrelateOptions = {}) {
    this.windowMs = (options.windowMinutes ?? 60) * 60_000;
    this.maxEvidence = options.maxEvidence ?? 12;
    this.grouping = options.grouping ?? 'window';
    this.expireMs = options.expireIdleMinutes !== undefined ? Math.max(options.expireIdleMinutes * 60_000, this.windowMs) : null;
  }

  /** Incidents currently held (follow mode checks this stays bounded). */
  get size(): number {
    return this.groups.size;
  }

  /**
   * Fleet grouping keeps memory bounded: a group idle for longer than the window, whose cause is
   * known, is folded into its fleet incident (node, storage, cause) and dropped. A later line of
   * the same failure (e.g. its task log read after the journal) lands under the same fleet key
   * and merges at the end. `unknown` groups wait: a task log may still name their cause.
   */
  private foldIdle(): void {
    const fleet = this.grouping === 'storage' || (this.grouping === 'auto' && this.nodesSeen.size > 1);
    if (!fleet) return;
    const limit = this.latestMs - this.windowMs;
    let removed = false;
    for (const [key, g] of this.groups) {
      if (g.lastMs === null || g.lastMs >= limit) continue;
      const incident = this.render(g);
      if (incident.cause === 'unknown') continue;
      const fk = fleetKey(incident);
      const bare = { ...incident, timeline: [] };
      const had = this.folded.get(fk);
      if (!had) {
        this.folded.set(fk, { incident: bare, hours: new Map(incident.timeline.map((t) => [t.hour, t.count])) });
      } else {
        for (const t of incident.timeline) had.hours.set(t.hour, (had.hours.get(t.hour) ?? 0) + t.count);
        had.incident = mergeGroup([had.incident, bare].sort(compareIncidents), this.maxEvidence * 2);
      }
      this.groups.delete(key);
      removed = true;
    }
    if (removed) this.dropStaleRefs();
  }

  private dropStaleRefs(): void {
    for (const map of [this.openByObject, this.groupsBySubject]) {
      for (const [k, g] of map) if (!this.groups.has(g.key)) map.delete(k);
    }
  }

  /** Forgets groups idle longer than the expiry, and what points at them. */
  private sweep(): void {
    if (this.expireMs === null) return;
    const limit = this.latestMs - this.expireMs;
    let removed = false;
    for (const [key, g] of this.groups) {
      if (g.lastMs !== null && g.lastMs < limit) { this.groups.delete(key); removed = true; }
    }
    if (removed) this.dropStaleRefs();
  }

  /** Adds one line; returns the key of the incident it joined, or null for context kept aside. */
  add(record: LogRecord, x: DetailedExtraction): string | null {
    if (record.epochMs !== null && record.epochMs > this.latestMs) {
      this.latestMs = record.epochMs;
      if (this.expireMs !== null && this.latestMs - this.lastSweepMs >= 60_000) { this.lastSweepMs = this.latestMs; this.sweep(); }
      if (this.expireMs === null && this.latestMs - this.lastFoldMs >= this.windowMs) { this.lastFoldMs = this.latestMs; this.foldIdle(); }
    }
    if (record.node !== null && this.nodesSeen.size < 1024) this.nodesSeen.add(record.node);
    const upid = this.upidOf(record, x);
    this.learn(record, x, upid);
    if (x.framing === 'task-start' && x.upid && record.node) {
      this.taskByPid.set(`${x.upid.node}:${x.upid.pid}`, x.upid.text);
      if (this.taskByPid.size > MAX_TASK_PIDS) {
        const oldest = this.taskByPid.keys().next().value;
        if (oldest !== undefined) this.taskByPid.delete(oldest);
      }
    }
    const failure = isFailure(x) || x.framing === 'task-end-error' || x.framing === 'task-error';
    if (failure || x.shapes.length > 0) {
      const noise = noiseOf(record, x);
      if (noise) { this.countNoise(noise.id, record, noise.attachable === true); return null; }
    }
    const rules = failure || x.shapes.length > 0 ? matchRules(x) : [];
    const line: Line = { record, x, rules };
    if (rules.length === 0) {
      this.addContext(line, upid);
      return null;
    }
    const group = this.groupFor(line, upid);
    this.attach(group, line);
    return group.key;
  }

  private countNoise(id: string, record: LogRecord, attachable: boolean): void {
    const key = `${id}|${record.node ?? ''}`;
    const ms = record.epochMs;
    if (!attachable) {
      const had = this.noiseCounts.get(key);
      if (had) had.count += 1;
      else this.noiseCounts.set(key, { id, node: record.node, count: 1, example: redact(record.message) });
      return;
    }
    const had = this.pendingNoise.get(key);
    if (!had) { this.pendingNoise.set(key, { id, node: record.node, count: 1, firstMs: ms, lastMs: ms, example: redact(record.message) }); return; }
    had.count += 1;
    if (ms !== null) { had.firstMs = Math.min(had.firstMs ?? ms, ms); had.lastMs = Math.max(had.lastMs ?? ms, ms); }
  }

  /**
   * Known noise seen so far. Attachable noise (pvestatd's `got timeout`) counts as noise only where
   * no incident of its node overlaps it in time; otherwise incidents() counts it with that incident.
   */
  noise(): NoiseCount[] {
    const out: NoiseCount[] = [...this.noiseCounts.values()].map((n) => ({ ...n }));
    const groups = [...this.groups.values()];
    for (const n of this.pendingNoise.values()) {
      if (!groups.some((g) => this.overlaps(g, n))) out.push({ id: n.id, count: n.count, node: n.node, example: n.example });
    }
    return out.sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  }

  private overlaps(g: Group, n: { node: string | null; firstMs: number | null; lastMs: number | null }): boolean {
    if (g.node !== n.node) return false;
    if (g.firstMs === null || g.lastMs === null || n.firstMs === null || n.lastMs === null) return g.firstMs === null && n.firstMs === null;
    return n.firstMs <= g.lastMs + this.windowMs && n.lastMs >= g.firstMs - this.windowMs;
  }

  /** Remembers successes and VM → storage facts for cross-node rules. */
  private learn(record: LogRecord, x: DetailedExtraction, upid: string | null): void {
    const resource = x.storage ?? x.target?.pool ?? null;
    if (x.vmid !== null && resource !== null) this.vmResources.set(x.vmid, resource);
    if (x.framing === 'task-end-ok' || x.framing === 'task-ok') {
      const task = upid ? parseUpid(upid) : null;
      const node = record.node ?? task?.node ?? null;
      if (!node) return;
      const vmid = x.vmid ?? (task && /^\d+$/.test(task.id) ? Number(task.id) : null);
      // The latest few per node and VM are enough to show that a node works: memory stays flat.
      const key = `${node}|${vmid ?? ''}`;
      const list = this.successes.get(key) ?? [];
      if (list.length >= SUCCESSES_PER_VM) list.shift();
      list.push({
        node, vmid, ms: record.epochMs,
        evidence: { source: record.source, line: record.line, time: record.time, text: redact(record.message), role: 'context' },
      });
      this.successes.set(key, list);
      if (this.successes.size > MAX_SUCCESS_KEYS) {
        const oldest = this.successes.keys().next().value;
        if (oldest !== undefined) this.successes.delete(oldest);
      }
    }
  }

  private upidOf(record: LogRecord, x: DetailedExtraction): string | null {
    if (record.upid) return record.upid;
    if (x.upid) return x.upid.text;
    if (record.node && record.pid !== null) return this.taskByPid.get(`${record.node}:${record.pid}`) ?? null;
    return null;
  }

  private addContext(line: Line, upid: string | null): void {
    // A task that ended well is no evidence of a failure (it feeds node-drift through learn()).
    if (line.x.framing === 'task-end-ok' || line.x.framing === 'task-ok') return;
    // Pasted text (no node, no time): the command line before an error names its identity and object.
    if (line.record.node === null && line.record.epochMs === null && upid === null && line.x.target !== null) {
      const key = `src:${line.record.source}`;
      const group = this.groups.get(key);
      if (group) { this.pushEvidence(group, line, false); return; }
      const pending = this.pendingBySource.get(key) ?? [];
      if (pending.length < 8) pending.push(line);
      this.pendingBySource.set(key, pending);
      return;
    }
    if (upid) {
      const existing = this.groups.get(`task:${upid}`);
      if (existing) { this.pushEvidence(existing, line, false); return; }
    }
    const subjects = subjectsOf(line);
    if (subjects.length > 0) {
      for (const subject of subjects) {
        const group = this.groupsBySubject.get(subject);
        if (group && this.near(group, line) && sameTask(group, upid)) {
          if (upid && group.upid === null && !group.key.startsWith('task:')) group.upid = upid;
          this.pushEvidence(group, line, false);
          return;
        }
      }
      const node = line.record.node ?? '';
      const recent = this.recentContext.get(node) ?? [];
      recent.push(line);
      if (recent.length > 64) recent.shift();
      this.recentContext.set(node, recent);
    }
    if (upid) {
      const pending = this.pendingByUpid.get(upid) ?? [];
      if (pending.length < 8) pending.push(line);
      this.pendingByUpid.set(upid, pending);
      if (this.pendingByUpid.size > MAX_PENDING_CONTEXT) {
        const oldest = this.pendingByUpid.keys().next().value;
        if (oldest !== undefined) this.pendingByUpid.delete(oldest);
      }
    }
  }

  private groupFor(line: Line, upid: string | null): Group {
    const node = line.record.node ?? line.x.upid?.node ?? null;
    if (upid) {
      const key = `task:${upid}`;
      let group = this.groups.get(key);
      if (!group) {
        group = this.newGroup(key, node ?? parseUpid(upid)?.node ?? null);
        group.upid = upid;
        for (const pending of this.pendingByUpid.get(upid) ?? []) this.pushEvidence(group, pending, false);
        this.pendingByUpid.delete(upid);
      }
      return group;
    }
    // One command's bare stderr (no node, no time): everything in the source is one story.
    if (line.record.node === null && line.record.epochMs === null) {
      const key = `src:${line.record.source}`;
      const existing = this.groups.get(key);
      if (existing) return existing;
      const group = this.newGroup(key, null);
      for (const pending of this.pendingBySource.get(key) ?? []) this.pushEvidence(group, pending, false);
      this.pendingBySource.delete(key);
      return group;
    }
    const t = line.x.target;
    const object = t?.image ? `${t.pool ?? ''}/${t.image}` : t?.pool ?? line.x.storage ?? '*';
    const objectKey = `obj:${node ?? ''}:${object}:${lineCause(line.rules)}`;
    const open = this.openByObject.get(objectKey);
    const ms = line.record.epochMs;
    if (open && (ms === null || open.lastMs === null || ms - open.lastMs <= this.windowMs)) return open;
    const group = this.newGroup(`${objectKey}:${this.created}`, node);
    this.openByObject.set(objectKey, group);
    return group;
  }

  private newGroup(key: string, node: string | null): Group {
    const group: Group = {
      key, node, upid: null, failures: [], context: [], seenText: new Set(), count: 0,
      firstMs: null, lastMs: null, firstTime: null, lastTime: null, ruleIds: new Set(), rules: [], hasTaskFailure: false,
      hours: new Map(),
    };
    this.groups.set(key, group);
    this.created += 1;
    return group;
  }

  private near(group: Group, line: Line): boolean {
    const ms = line.record.epochMs;
    if (ms === null || group.lastMs === null || group.firstMs === null) return true;
    return ms >= group.firstMs - this.windowMs && ms <= group.lastMs + this.windowMs;
  }

  private attach(group: Group, line: Line): void {
    group.count += 1;
    if (line.record.epochMs !== null) {
      const hour = new Date(line.record.epochMs).toISOString().slice(0, 13);
      group.hours.set(hour, (group.hours.get(hour) ?? 0) + 1);
    }
    for (const subject of subjectsOf(line)) {
      if (!this.groupsBySubject.has(subject) || !group.key.startsWith('task:')) this.groupsBySubject.set(subject, group);
    }
    // Context seen just before (the kvm command line, the task start) belongs here too.
    const recent = this.recentContext.get(line.record.node ?? '') ?? [];
    const subjects = new Set(subjectsOf(line));
    for (let i = recent.length - 1; i >= 0; i--) {
      const ctx = recent[i];
      if (!ctx || !subjectsOf(ctx).some((s) => subjects.has(s))) continue;
      const ms = ctx.record.epochMs;
      const at = line.record.epochMs;
      if (ms !== null && at !== null && Math.abs(at - ms) > this.windowMs) continue;
      recent.splice(i, 1);
      const ctxUpid = ctx.x.upid?.text ?? null;
      if (!sameTask(group, ctxUpid)) continue;
      if (ctxUpid && group.upid === null) group.upid = ctxUpid;
      this.pushEvidence(group, ctx, false);
    }
    for (const rule of line.rules) {
      if (!group.ruleIds.has(rule.id)) { group.ruleIds.add(rule.id); group.rules.push(rule); }
    }
    if (line.x.framing === 'task-error' || line.x.framing === 'task-end-error' || line.x.layers.some((l) => l.kind === 'start-failed')) {
      group.hasTaskFailure = true;
    }
    this.pushEvidence(group, line, true);
  }

  private pushEvidence(group: Group, line: Line, failure: boolean): void {
    const { record } = line;
    if (record.epochMs !== null) {
      if (group.firstMs === null || record.epochMs < group.firstMs) { group.firstMs = record.epochMs; group.firstTime = record.time; }
      if (group.lastMs === null || record.epochMs >= group.lastMs) { group.lastMs = record.epochMs; group.lastTime = record.time; }
    } else if (record.time !== null) {
      group.firstTime ??= record.time;
      group.lastTime = record.time;
    }
    // Repeats are counted, not repeated: evidence keeps distinct messages.
    const text = record.message;
    if (group.seenText.has(text)) return;
    if (group.seenText.size < MAX_SEEN_TEXT) group.seenText.add(text);
    // Context may take half the slots at most: the failure lines are what the incident is about.
    if (group.failures.length + group.context.length >= this.maxEvidence) return;
    if (failure) group.failures.push(line);
    else if (group.context.length < Math.floor(this.maxEvidence / 2)) group.context.push(line);
  }

  /** Current incidents, most important first, with cross-node incidents derived from them. */
  incidents(): Incident[] {
    const folded = [...this.folded.values()].map((f) => ({ ...f.incident, timeline: timelineOf(f.hours) }));
    const perNode = [...folded, ...[...this.groups.values()].map((g) => this.render(g))];
    const drift = crossNodeIncidents(perNode, [...this.successes.values()].flat(), this.vmResources);
    const fleet = this.grouping === 'storage' || (this.grouping === 'auto' && this.nodesSeen.size > 1);
    const attached = attachStorageless(perNode.sort(compareIncidents), this.windowMs, this.maxEvidence);
    const shown = fleet ? mergeByFleetKey(attached, this.maxEvidence * 2) : foldMassFailures(attached, this.maxEvidence * 2);
    return [...drift, ...shown].sort(compareIncidents);
  }

  /** The current state of one incident (for streaming updates); with `storage` grouping, its fleet incident. */
  incident(key: string): Incident | null {
    const g = this.groups.get(key);
    if (!g) return null;
    const own = this.render(g);
    if (this.grouping !== 'storage') return own;
    const fk = fleetKey(own);
    const members = [...this.groups.values()].filter((o) => o !== g).map((o) => this.render(o)).filter((i) => fleetKey(i) === fk);
    return mergeGroup([own, ...members].sort(compareIncidents), this.maxEvidence * 2);
  }

  /** Attachable noise lines that belong to this group (same node, overlapping time). */
  private attachedNoise(g: Group): number {
    let n = 0;
    for (const p of this.pendingNoise.values()) if (this.overlaps(g, p)) n += p.count;
    return n;
  }

  private render(g: Group): Incident {
    const lines = [...g.failures, ...g.context];
    const first = <T>(pick: (l: Line) => T | null | undefined): T | null => {
      for (const l of lines) { const v = pick(l); if (v !== null && v !== undefined) return v; }
      return null;
    };
    const upid = g.upid ?? first((l) => l.x.upid?.text);
    const parsedUpid = upid ? findUpid(upid) : null;
    const values: CommandValues = {
      conf: first((l) => l.x.target?.conf),
      clientId: first((l) => l.x.target?.clientId),
      keyring: first((l) => l.x.target?.keyring),
      pool: first((l) => l.x.target?.pool),
      image: first((l) => l.x.target?.image),
      snapshot: first((l) => l.x.target?.snapshot),
      monHosts: first((l) => l.x.target?.monHosts),
      storage: first((l) => l.x.storage),
      upid,
      taskLog: parsedUpid ? taskLogPath(parsedUpid) : null,
      vmid: first((l) => l.x.vmid),
    };
    const failureLines = new Set(g.failures);
    const d = diagnose({
      lines: lines.map((l) => ({ x: l.x, rules: l.rules, failure: failureLines.has(l), fromTaskLog: l.record.upid !== null })),
      rules: g.rules,
      values,
    });
    const decisive = d.decidingLine !== null ? lines[d.decidingLine] : undefined;
    const evidence: Evidence[] = lines
      .map((l): Evidence => ({
        source: l.record.source, line: l.record.line, time: l.record.time, text: redact(l.record.message),
        role: failureLines.has(l) ? 'failure' : 'context', ...(l === decisive ? { decisive: true } : {}),
      }))
      .sort((a, b) => (a.source === b.source ? a.line - b.line : a.source < b.source ? -1 : 1));
    return {
      id: incidentId(g.key),
      cause: d.top.cause,
      confidence: d.top.confidence,
      candidates: [...d.candidates],
      rules: [...g.ruleIds],
      explanation: d.decidingRule ? { ...d.decidingRule.explanation } : { symptom: '', cause: '', fix: '' },
      discriminator: d.discriminator?.text ?? null,
      node: g.node ?? parsedUpid?.node ?? null,
      badNodes: [],
      goodNodes: [],
      storage: values.storage,
      pool: values.pool,
      namespace: first((l) => l.x.target?.namespace),
      image: values.image,
      snapshot: values.snapshot,
      clientId: values.clientId,
      keyring: values.keyring,
      conf: values.conf,
      monHosts: values.monHosts,
      errno: d.errno,
      phase: d.phase,
      operation: parsedUpid?.type ?? first((l) => l.x.operation),
      vmid: values.vmid,
      upid,
      firstSeen: g.firstTime,
      lastSeen: g.lastTime,
      count: g.count + this.attachedNoise(g),
      timeline: timelineOf(g.hours),
      evidence,
      commands: [...d.commands],
      refs: [...d.refs],
      configFindings: [],
      confirmed: false,
    };
  }
}

/** Incidents of one node, storage and cause beyond which they are folded into one (a mass failure). */
const FOLD_AT = 5;

/**
 * A mass failure (many VMs of one node failing with the same cause on the same storage) is one
 * incident with its VM list, not hundreds of blocks; fewer stay apart, one per task.
 */
function foldMassFailures(sorted: readonly Incident[], maxEvidence: number): Incident[] {
  const byKey = new Map<string, Incident[]>();
  for (const i of sorted) {
    const key = i.cause === 'node-drift' || (i.storage === null && i.pool === null) ? `own|${i.id}` : fleetKey(i);
    const list = byKey.get(key);
    if (list) list.push(i); else byKey.set(key, [i]);
  }
  return [...byKey.values()].flatMap((members) => (members.length >= FOLD_AT ? [mergeGroup(members, maxEvidence)] : members));
}

/** True unless the group already belongs to another task than `upid`. */
function sameTask(group: Group, upid: string | null): boolean {
  return upid === null || group.upid === null || group.upid === upid;
}

/** What a line is about, as grouping keys: node + image, node + VM. */
function subjectsOf(line: Line): string[] {
  const node = line.record.node ?? line.x.upid?.node ?? '';
  const out: string[] = [];
  const t = line.x.target;
  if (t?.image) out.push(`${node}|img|${t.pool ?? ''}/${t.image}`);
  if (line.x.vmid !== null) out.push(`${node}|vm|${line.x.vmid}`);
  return out;
}

function importance(i: Incident): number {
  // A cross-node finding explains the per-node ones, so it leads; then what failed a task an operator
  // started (a VM start, migration, clone, disk operation: it has a task or a VM) before background polling.
  const task = i.upid !== null || i.vmid !== null ? 4 : 0;
  return (i.cause === 'node-drift' ? 8 : 0) + task + (i.cause === 'unknown' ? 0 : 2) + (i.confidence >= 0.5 ? 1 : 0);
}

/** Most important first: a named cause, then confidence, then how often, then how recent. */
export function compareIncidents(a: Incident, b: Incident): number {
  return importance(b) - importance(a)
    || b.confidence - a.confidence
    || b.count - a.count
    || (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '');
}
