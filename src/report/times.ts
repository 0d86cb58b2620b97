/**
 * One zone per report. Inputs carry their zone when the format has one (`short-iso`, or `--tz`
 * for the short formats); journal JSON/export and task logs are read as UTC (`…Z`). Mixed in one
 * report, `10:05:00+01:00 → 09:05:02.000Z` reads like time going backwards, so UTC times are shown
 * in the inputs' offset: the offset of the nearest time that has one (so a report spanning a DST
 * change keeps each side's offset). With no such time, everything stays UTC.
 */
import type { AnalysisResult, Evidence, Incident } from '../types.js';

const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)$/;

/** Offset in minutes east of UTC written in an ISO time, null for `Z` or a time without one. */
function offsetOf(iso: string): number | null {
  const zone = ISO.exec(iso)?.[8];
  if (zone === undefined || zone === 'Z') return null;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `+01:00`, `-05:30`, `+00:00`. */
export function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The same instant written with another offset; the fraction of a second is kept as written. */
export function withOffset(iso: string, minutes: number): string {
  const m = ISO.exec(iso);
  const ms = Date.parse(iso);
  if (!m || Number.isNaN(ms)) return iso;
  const d = new Date(ms + minutes * 60_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${m[7] ?? ''}${formatOffset(minutes)}`;
}

/** Converts the UTC times of a report into the offset of the nearest time that carries one. */
export class ZoneNormalizer {
  /** Known offsets by instant, sorted. */
  private readonly anchors: { readonly ms: number; readonly offset: number }[];

  /** `times`: every time of the report (any order; nulls and unparsable ones skipped). */
  constructor(times: Iterable<string | null>) {
    const anchors: { ms: number; offset: number }[] = [];
    for (const t of times) {
      if (t === null) continue;
      const offset = offsetOf(t);
      const ms = Date.parse(t);
      if (offset !== null && !Number.isNaN(ms)) anchors.push({ ms, offset });
    }
    this.anchors = anchors.sort((a, b) => a.ms - b.ms);
  }

  /** The offset a time is shown in, or null when the report has no zone (all UTC). */
  offsetFor(iso: string): number | null {
    const own = offsetOf(iso);
    if (own !== null || this.anchors.length === 0) return own;
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return null;
    let best = this.anchors[0] as { ms: number; offset: number };
    for (const a of this.anchors) if (Math.abs(a.ms - ms) < Math.abs(best.ms - ms)) best = a;
    return best.offset;
  }

  /** The time in the report's zone (unchanged when it already carries an offset, or when there is none). */
  normalize(iso: string | null): string | null {
    if (iso === null || offsetOf(iso) !== null) return iso;
    const offset = this.offsetFor(iso);
    return offset === null ? iso : withOffset(iso, offset);
  }

  /** An incident with its first/last seen and evidence times in the report's zone. */
  incident(incident: Incident): Incident {
    const evidence = incident.evidence.map((e): Evidence => (e.time === null || offsetOf(e.time) !== null ? e : { ...e, time: this.normalize(e.time) }));
    return { ...incident, firstSeen: this.normalize(incident.firstSeen), lastSeen: this.normalize(incident.lastSeen), evidence };
  }
}

/** Every time an incident carries. */
export function incidentTimes(incident: Incident): (string | null)[] {
  return [incident.firstSeen, incident.lastSeen, ...incident.evidence.map((e) => e.time)];
}

/** The result with every incident's times in one zone (see {@link ZoneNormalizer}). */
export function inOneZone(result: AnalysisResult): AnalysisResult {
  const zone = new ZoneNormalizer(result.incidents.flatMap(incidentTimes));
  return { ...result, incidents: result.incidents.map((i) => zone.incident(i)) };
}

/** One incident in one zone, for streamed output where the rest of the report is not known yet. */
export function incidentInOneZone(incident: Incident): Incident {
  return new ZoneNormalizer(incidentTimes(incident)).incident(incident);
}

/**
 * A time for people: `2025-01-14 10:00:00` (no fraction, no offset: the report states its zone
 * once per incident). Falls back to the text as given when it is not ISO.
 */
export function shortTime(iso: string): string {
  const m = ISO.exec(iso);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : iso;
}

/** The zone a (normalised) time is written in, for people: `+01:00`, or `UTC` for `Z`. */
export function zoneLabel(iso: string): string {
  const offset = offsetOf(iso);
  return offset === null ? (ISO.test(iso) ? 'UTC' : '') : formatOffset(offset);
}
