/**
 * Parse each message *shape* once. Grammar rules treat every digit alike (`digit`, `hexDigit`)
 * and never name a run of hex letters, so replacing each digit, each 8+ character hex run (hashes,
 * thread ids, pointers) and the hex fields of UPIDs with `0`s keeps the string's length and its
 * parse tree. Parsers run on that normalised copy, return character spans, and are
 * cached by it; callers read the values from the original text at those spans. Lines that differ
 * only in VMIDs, PIDs, times or task ids then share one ohm parse.
 */

import type { Grammar, Node, Semantics } from 'ohm-js';

/** A half-open character range [start, end) into the original text. */
export type Span = readonly [number, number];

const DIGITS = /[0-9]/g;
/** Hashes, thread ids, pointers, fsid groups: 8+ hex characters with a digit among them. */
const HEX_RUN = /\b(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}\b/g;
const UPID_HEX = /UPID:([^:\s]*):([0-9A-Fa-f]+):([0-9A-Fa-f]+):([0-9A-Fa-f]+):/g;

/** The normalised copy: same length, digits and UPID hex fields replaced by `0`. */
export function shapeKey(text: string): string {
  let out = text.replace(HEX_RUN, (run) => '0'.repeat(run.length)).replace(DIGITS, '0');
  if (out.includes('UPID:')) {
    out = out.replace(UPID_HEX, (_m, node: string, a: string, b: string, c: string) =>
      `UPID:${node}:${'0'.repeat(a.length)}:${'0'.repeat(b.length)}:${'0'.repeat(c.length)}:`);
  }
  return out;
}

/** A bounded cache from shape key to parse result (null = the grammar rejected that shape). */
export class ShapeCache<T> {
  private readonly map = new Map<string, T | null>();
  private readonly limit: number;
  private readonly parse: (normalised: string) => T | null;
  constructor(parse: (normalised: string) => T | null, limit = 2048) {
    this.parse = parse;
    this.limit = limit;
  }

  /** The parse of `text`'s shape (spans valid for `text` itself). */
  get(text: string): T | null {
    const key = shapeKey(text);
    let hit = this.map.get(key);
    if (hit === undefined) {
      hit = this.parse(key);
      if (this.map.size >= this.limit) this.map.clear();
      this.map.set(key, hit);
    }
    return hit;
  }
}

/** The span of a CST node. */
export function spanOf(node: Node): Span {
  return [node.source.startIdx, node.source.endIdx];
}

/**
 * A cache that runs `grammar` from `startRule` on each new shape and applies the semantics
 * operation `operation` (which must return spans); rejected shapes are cached as null.
 */
export function grammarCache<T>(grammar: Grammar, startRule: string, semantics: Semantics, operation: string): ShapeCache<T> {
  return new ShapeCache<T>((normalised) => {
    const match = grammar.match(normalised, startRule);
    return match.succeeded() ? (semantics(match)[operation]() as T) : null;
  });
}

/** The original text at a span. */
export function at(text: string, span: Span): string {
  return text.slice(span[0], span[1]);
}
