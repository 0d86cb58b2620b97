/**
 * Turns the journal's time stamps into ISO 8601 with an offset and epoch milliseconds.
 * Short formats carry no year and no zone: the year is inferred (or `--year`), the zone is
 * `--tz` (offset like +01:00, or an IANA name), else this machine's zone, as journalctl does.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Options that decide how year-less, zone-less stamps are read. */
export interface ClockOptions {
  /** Year of the first year-less stamp (later ones roll over at New Year); inferred when absent. */
  readonly year?: number;
  /** `+01:00`, `-0500`, `UTC`, or an IANA zone name. */
  readonly tz?: string;
  /** "Now" for year inference (file mtime for files). */
  readonly reference?: Date;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Offset in minutes east of UTC for a fixed offset text (`+0100`, `+01:00`, `Z`), or null. */
export function parseOffset(text: string): number | null {
  if (text === 'Z' || text === 'UTC' || text === 'GMT') return 0;
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(text);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

function zoneOffsetAt(utcGuessMs: number, tz: string | undefined): number {
  if (tz !== undefined) {
    const fixed = parseOffset(tz);
    if (fixed !== null) return fixed;
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(new Date(utcGuessMs));
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    return parseOffset(name.replace(/^GMT/, '') || 'Z') ?? 0;
  }
  return -new Date(utcGuessMs).getTimezoneOffset();
}

/** A wall-clock reading in a zone → ISO text and epoch ms. */
export function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string, tz: string | undefined): { iso: string; ms: number } {
  const naive = Date.UTC(y, mo, d, h, mi, s, Number((frac + '000').slice(0, 3)));
  let offset = zoneOffsetAt(naive, tz);
  offset = zoneOffsetAt(naive - offset * 60_000, tz); // settle DST edges
  const fracText = frac.length > 0 ? `.${frac}` : '';
  return {
    iso: `${pad(y, 4)}-${pad(mo + 1)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${fracText}${formatOffset(offset)}`,
    ms: naive - offset * 60_000,
  };
}

/** Reads year-less `Mon DD HH:MM:SS` stamps in order, inferring the year and its rollovers. */
export class YearlessClock {
  private year: number | null;
  private lastMonth = -1;
  private readonly options: ClockOptions;
  constructor(options: ClockOptions) {
    this.options = options;
    this.year = options.year ?? null;
  }

  /** ISO + epoch for `Dec 26 10:50:14[.frac]`. */
  read(month: string, day: number, clock: string): { iso: string; ms: number } | null {
    const mo = MONTHS.indexOf(month);
    const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(clock);
    if (mo < 0 || !m) return null;
    if (this.year === null) {
      // First stamp: the most recent year that does not put it in the future.
      const ref = this.options.reference ?? new Date();
      let y = ref.getFullYear();
      if (Date.UTC(y, mo, day) > ref.getTime() + 2 * 86_400_000) y -= 1;
      this.year = y;
    } else if (this.lastMonth === 11 && mo === 0) {
      this.year += 1; // Dec → Jan inside one log
    }
    this.lastMonth = mo;
    return wallClock(this.year, mo, day, Number(m[1]), Number(m[2]), Number(m[3]), m[4] ?? '', this.options.tz);
  }
}

/** ISO stamp with date (`2025-12-26T10:50:14.123+0100`, `2025-12-26 10:50:14 CET`). */
export function readDatedStamp(date: string, clock: string, zone: string | null, tz: string | undefined): { iso: string; ms: number } | null {
  const d = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
  const c = /^(\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(clock);
  if (!d || !c) return null;
  const fixed = zone !== null ? parseOffset(zone) : null;
  const zoneForWall = fixed !== null ? formatOffset(fixed) : tz;
  return wallClock(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(c[1]), Number(c[2]), Number(c[3]), c[4] ?? '', zoneForWall);
}

/** Latest instant a Date can hold (ECMAScript: ±8.64e15 ms around the epoch). */
const MAX_DATE_MS = 8.64e15;

/** ISO text for epoch microseconds (journal __REALTIME_TIMESTAMP); null when it is not a time a Date can hold. */
export function fromRealtimeMicros(text: string): { iso: string; ms: number } | null {
  if (!/^\d{1,20}$/.test(text)) return null;
  const ms = Math.floor(Number(text) / 1000);
  if (!(ms <= MAX_DATE_MS)) return null;
  return { iso: new Date(ms).toISOString(), ms };
}
