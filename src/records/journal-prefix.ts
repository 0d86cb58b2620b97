/** Reads the part of a journal/syslog line before the message, with the JournalPrefix grammar. */
import { grammars } from '../extract/grammars.js';

/** The fields of a line prefix. */
export interface JournalPrefixParse {
  readonly stamp: 'short' | 'short-precise' | 'syslog' | 'short-iso' | 'short-iso-precise' | 'short-full';
  readonly month: string | null;
  readonly day: number | null;
  readonly date: string | null;
  readonly clock: string;
  /** Offset text (`+0100`, `+01:00`, `Z`) or zone name (`CET`), when the stamp has one. */
  readonly zone: string | null;
  readonly host: string;
  readonly ident: string;
  readonly pid: number | null;
  /** Length of the prefix; the message starts here. */
  readonly length: number;
}

type Stamp = Pick<JournalPrefixParse, 'stamp' | 'month' | 'day' | 'date' | 'clock' | 'zone'>;

const semantics = grammars.journalPrefix.createSemantics();
semantics.addOperation<Omit<JournalPrefixParse, 'length'>>('prefix', {
  prefix(stamp, _spaces, host, _sp, tag, _colon, _sp2) {
    const [identNode, pidIter] = tag.children;
    const pidText = pidIter?.children[0]?.sourceString ?? null;
    return {
      ...(stamp['stamp']() as Stamp),
      host: host.sourceString,
      ident: identNode?.sourceString ?? '',
      pid: pidText ? Number(pidText.slice(1, -1)) : null,
    };
  },
});
semantics.addOperation<Stamp>('stamp', {
  stamp(inner) { return inner['stamp']() as Stamp; },
  shortStamp(month, spaces, d1, d2, _sp, clock) {
    const padded = spaces.sourceString.length > 1 || d2.sourceString === '';
    const precise = clock.sourceString.includes('.');
    return {
      stamp: precise ? 'short-precise' : padded ? 'syslog' : 'short',
      month: month.sourceString,
      day: Number(d1.sourceString + d2.sourceString),
      date: null,
      clock: clock.sourceString,
      zone: null,
    };
  },
  fullStamp(_weekday, _sp, date, _sp2, clock, _sp3, zone) {
    return { stamp: 'short-full', month: null, day: null, date: date.sourceString, clock: clock.sourceString, zone: zone.sourceString };
  },
  isoStamp(date, _t, clock, zone) {
    return {
      stamp: clock.sourceString.includes('.') ? 'short-iso-precise' : 'short-iso',
      month: null,
      day: null,
      date: date.sourceString,
      clock: clock.sourceString,
      zone: zone.children[0]?.sourceString ?? null,
    };
  },
});

/** Parses the prefix of `line`; null when it is not a journal/syslog line. */
export function parseJournalPrefix(line: string): JournalPrefixParse | null {
  // Only the prefix goes to the grammar: up to the first ": " (the tag's colon).
  const colon = line.indexOf(': ');
  const end = colon >= 0 ? colon + 2 : line.endsWith(':') ? line.length : -1;
  if (end < 0 || end > 400) return null;
  const slice = line.slice(0, end);
  const match = grammars.journalPrefix.match(slice, 'prefix');
  if (match.failed()) return null;
  return { ...(semantics(match)['prefix']() as Omit<JournalPrefixParse, 'length'>), length: end };
}
