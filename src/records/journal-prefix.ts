/** Reads the part of a journal/syslog line before the message, with the JournalPrefix grammar. */
import type { Node } from 'ohm-js';
import { LazySemantics } from '../grammar/grammars.js';
import { grammarCache, spanOf, at, type Span } from '../grammar/shape-cache.js';

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

type StampSpans = {
  readonly stamp: JournalPrefixParse['stamp'];
  readonly month: Span | null;
  readonly day: Span | null;
  readonly date: Span | null;
  readonly clock: Span;
  readonly zone: Span | null;
};
interface PrefixSpans extends StampSpans {
  readonly host: Span;
  readonly ident: Span;
  readonly pid: Span | null;
}

const span = spanOf;

const semantics = new LazySemantics('journalPrefix');
semantics.addOperation<PrefixSpans>('prefix', {
  prefix(stamp, _spaces, host, _sp, tag, _colon, _sp2) {
    const [identNode, pidIter] = tag.children as [Node, Node];
    const pidNode = pidIter.children[0];
    return {
      ...(stamp['stamp']() as StampSpans),
      host: span(host),
      ident: span(identNode),
      pid: pidNode ? [pidNode.source.startIdx + 1, pidNode.source.endIdx - 1] : null,
    };
  },
});
semantics.addOperation<StampSpans>('stamp', {
  stamp(inner) { return inner['stamp']() as StampSpans; },
  shortStamp(month, spaces, d1, d2, _sp, clock) {
    const padded = spaces.sourceString.length > 1 || d2.sourceString === '';
    const precise = clock.sourceString.includes('.');
    return {
      stamp: precise ? 'short-precise' : padded ? 'syslog' : 'short',
      month: span(month),
      day: [d1.source.startIdx, d2.source.endIdx],
      date: null,
      clock: span(clock),
      zone: null,
    };
  },
  fullStamp(_weekday, _sp, date, _sp2, clock, _sp3, zone) {
    return { stamp: 'short-full', month: null, day: null, date: span(date), clock: span(clock), zone: span(zone) };
  },
  isoStamp(date, _t, clock, zone) {
    const z = zone.children[0];
    return {
      stamp: clock.sourceString.includes('.') ? 'short-iso-precise' : 'short-iso',
      month: null, day: null, date: span(date), clock: span(clock), zone: z ? span(z) : null,
    };
  },
});

const cache = grammarCache<PrefixSpans>('prefix', semantics, 'prefix');

/** Parses the prefix of `line`; null when it is not a journal/syslog line. */
export function parseJournalPrefix(line: string): JournalPrefixParse | null {
  // Only the prefix goes to the grammar: up to the first ": " (the tag's colon).
  const colon = line.indexOf(': ');
  const end = colon >= 0 ? colon + 2 : line.endsWith(':') ? line.length : -1;
  if (end < 0 || end > 400) return null;
  const slice = line.slice(0, end);
  const s = cache.get(slice);
  if (!s) return null;
  const v = (sp: Span | null): string | null => (sp ? at(slice, sp) : null);
  return {
    stamp: s.stamp,
    month: v(s.month),
    day: s.day ? Number(at(slice, s.day)) : null,
    date: v(s.date),
    clock: at(slice, s.clock),
    zone: v(s.zone),
    host: at(slice, s.host),
    ident: at(slice, s.ident),
    pid: s.pid ? Number(at(slice, s.pid)) : null,
    length: end,
  };
}
