/** `--since`/`--until` values: the journalctl forms rbd-explain also applies to files and tasks. */

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const UNIT_WORDS: Readonly<Record<string, string>> = { second: 's', seconds: 's', minute: 'm', minutes: 'm', hour: 'h', hours: 'h', day: 'd', days: 'd', week: 'w', weeks: 'w' };

function startOfDay(now: Date, daysBack: number): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysBack).getTime();
}

/**
 * Epoch ms of a time argument, or null when it is not understood. Accepted: `@EPOCH`,
 * `-2h`/`-30m`/`-1d`, `2 hours ago`, `now`, `today`, `yesterday`, `YYYY-MM-DD[ HH:MM[:SS]]`
 * (this machine's zone, as journalctl reads it) and ISO 8601 with a zone.
 */
export function parseTimeArg(text: string, now: Date = new Date()): number | null {
  const t = text.trim();
  let m = /^@(\d+(?:\.\d+)?)$/.exec(t);
  if (m) return Math.round(Number(m[1]) * 1000);
  m = /^-(\d+)\s*(s|sec|m|min|h|d|w)$/.exec(t) ?? /^(\d+)\s*(\w+?)\s+ago$/.exec(t);
  if (m) {
    const unit = UNIT_MS[m[2] ?? ''] ?? UNIT_MS[UNIT_WORDS[m[2] ?? ''] ?? ''];
    return unit ? now.getTime() - Number(m[1]) * unit : null;
  }
  if (t === 'now') return now.getTime();
  if (t === 'today') return startOfDay(now, 0);
  if (t === 'yesterday') return startOfDay(now, 1);
  m = /^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?$/.exec(t);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
    return new Date(y ?? 0, (mo ?? 1) - 1, d, h, mi, s).getTime();
  }
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)$/.test(t)) {
    const ms = Date.parse(t.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
