/**
 * Parse each message *shape* once. Grammar rules treat every digit alike (`digit`, `hexDigit`)
 * and never name a run of hex letters, so replacing each digit, each 8+ character hex word
 * (hashes, thread ids, pointers), each UUID and MAC address (whole: `-smbios uuid=…`,
 * `vmgenid,guid=…`, `mac=…` make every VM's kvm command line unique otherwise) and the hex
 * fields of UPIDs with `0`s keeps the string's length and its parse tree. Parsers run on that
 * normalised copy, return character spans, and are cached by it; callers read the values from
 * the original text at those spans. Lines that differ only in VMIDs, PIDs, times, task ids or
 * VM identities then share one ohm parse (test/shape-cache.test.ts checks the spans against a
 * parse of the original text on every fixture).
 */

import { Buffer } from 'node:buffer';
import type { Node } from 'ohm-js';
import { grammars, type GrammarName, type LazySemantics } from './grammars.js';

/** A half-open character range [start, end) into the original text. */
export type Span = readonly [number, number];

// ASCII classes. A word is a run of letters and digits: `_` separates, so an id glued to a name
// by an underscore (`…Z_<uuid>` in ceph-crash's report paths) is still found whole.
const WORD = 1;
const HEX = 2;
const DIGIT = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const isDigit = c >= 48 && c <= 57;
  const isHexLetter = (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
  const isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  CLASS[c] = (isDigit || isLetter ? WORD : 0) | (isDigit || isHexLetter ? HEX : 0) | (isDigit ? DIGIT : 0);
}
const ZERO = 48;
const HYPHEN = 45;
const COLON = 58;

function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? CLASS[c]! : 0;
}

function hexAt(text: string, from: number, count: number): boolean {
  for (let k = from; k < from + count; k++) if ((classAt(text, k) & HEX) === 0) return false;
  return true;
}

/** Length of the UUID (8-4-4-4-12) or MAC (6 × 2, colons) that starts with the hex word [i, end), else 0. */
function identifierLength(text: string, i: number, end: number): number {
  const n = text.length;
  const wordEndsAt = (k: number): boolean => k === n || (classAt(text, k) & WORD) === 0;
  if (end - i === 8 && i + 36 <= n
    && text.charCodeAt(i + 8) === HYPHEN && hexAt(text, i + 9, 4)
    && text.charCodeAt(i + 13) === HYPHEN && hexAt(text, i + 14, 4)
    && text.charCodeAt(i + 18) === HYPHEN && hexAt(text, i + 19, 4)
    && text.charCodeAt(i + 23) === HYPHEN && hexAt(text, i + 24, 12) && wordEndsAt(i + 36)) return 36;
  if (end - i === 2 && i + 17 <= n) {
    for (let group = 1; group < 6; group++) {
      if (text.charCodeAt(i + 3 * group - 1) !== COLON || !hexAt(text, i + 3 * group, 2)) return 0;
    }
    if (wordEndsAt(i + 17)) return 17;
  }
  return 0;
}

/** After `UPID`: `:node:pid:pstart:starttime:` (the hex fields are zeroed). */
const UPID_FIELDS = /:([^:\s]*):([0-9A-Fa-f]+):([0-9A-Fa-f]+):([0-9A-Fa-f]+):/y;

/** Reused output buffer: one key per candidate line, and most are short. */
let keyBuffer = new Uint16Array(4096);

/** The normalised copy: same length, digits and ids replaced by `0` (one pass, no regex per word). */
export function shapeKey(text: string): string {
  const n = text.length;
  if (keyBuffer.length < n) keyBuffer = new Uint16Array(Math.max(n, keyBuffer.length * 2));
  const out = keyBuffer;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (((c < 128 ? CLASS[c]! : 0) & WORD) === 0) { out[i++] = c; continue; }
    let end = i;
    let hexOnly = true;
    let digits = false;
    for (; end < n; end++) {
      const k = classAt(text, end);
      if ((k & WORD) === 0) break;
      if ((k & HEX) === 0) hexOnly = false;
      if ((k & DIGIT) !== 0) digits = true;
    }
    const idLength = hexOnly ? identifierLength(text, i, end) : 0;
    if (idLength > 0) {
      for (const stop = i + idLength; i < stop; i++) out[i] = (classAt(text, i) & HEX) !== 0 ? ZERO : text.charCodeAt(i);
      continue;
    }
    if (hexOnly && digits && end - i >= 8) {
      for (; i < end; i++) out[i] = ZERO;
      continue;
    }
    for (; i < end; i++) {
      const ch = text.charCodeAt(i);
      out[i] = digits && ch >= 48 && ch <= 57 ? ZERO : ch;
    }
  }
  // Each UPID's pid, pstart and starttime (the colons between them are not hex), wherever
  // `UPID:` starts, as the grammar's `upid` rule and findUpid read it.
  for (let at = text.indexOf('UPID:'); at !== -1; at = text.indexOf('UPID:', at + 5)) {
    UPID_FIELDS.lastIndex = at + 4;
    const m = UPID_FIELDS.exec(text);
    if (!m) continue;
    for (let k = at + 6 + m[1]!.length; k < UPID_FIELDS.lastIndex - 1; k++) if ((classAt(text, k) & HEX) !== 0) out[k] = ZERO;
  }
  return Buffer.from(out.buffer, out.byteOffset, n * 2).toString('utf16le');
}

/**
 * Deepest `[`/`{` nesting a grammar is given. Ohm's recursive descent uses the JS stack for each
 * level (about 250 levels of `[` overflow it); no real `-blockdev`, `json:` or journal value comes
 * near this.
 */
export const MAX_NESTING = 64;

/**
 * Longest text a grammar is given. Ohm costs tens of µs per character on adversarial text and
 * memoises per position: a 6 KiB message parses in about half a second, a 1 MiB one takes tens of
 * seconds and gigabytes. Readers cut longer messages to 6 KiB and a marker (src/records); this is
 * the backstop for library callers.
 */
export const MAX_GRAMMAR_INPUT = 6 * 1024 + 16;

/**
 * True when `[`/`{` nest deeper than `limit` in `text`, outside double-quoted strings (as JSON and
 * the BlockdevJson grammar nest: a string is a leaf). Counts the openers first, so an ordinary line
 * costs a few indexOf calls.
 */
export function nestingExceeds(text: string, limit: number): boolean {
  let openers = 0;
  for (const opener of ['[', '{']) {
    for (let at = text.indexOf(opener); at !== -1 && openers <= limit; at = text.indexOf(opener, at + 1)) openers += 1;
  }
  if (openers <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i += 1;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) { if (++depth > limit) return true; }
    else if ((c === 93 || c === 125) && depth > 0) depth -= 1;
  }
  return false;
}

/** Characters of keys a cache holds at most (keys of long lines would otherwise pin gigabytes). */
const CACHE_CHAR_BUDGET = 8 * 1024 * 1024;

/**
 * A bounded cache from shape key to parse result (null = the grammar rejected that shape).
 * Texts longer than MAX_GRAMMAR_INPUT or nested deeper than MAX_NESTING are rejected without
 * running the parser, and a parser that throws counts as a rejection: one odd line never ends
 * its input.
 */
export class ShapeCache<T> {
  private readonly map = new Map<string, T | null>();
  private readonly limit: number;
  private chars = 0;
  private readonly parse: (normalised: string) => T | null;
  private readonly nestingLimit: number;
  /** `nestingLimit`: Infinity for a grammar without recursive rules (nesting costs it nothing). */
  constructor(parse: (normalised: string) => T | null, limit = 2048, nestingLimit = MAX_NESTING) {
    this.parse = parse;
    this.limit = limit;
    this.nestingLimit = nestingLimit;
  }

  /** The parse of `text`'s shape (spans valid for `text` itself). */
  get(text: string): T | null {
    if (text.length > MAX_GRAMMAR_INPUT || (this.nestingLimit !== Infinity && nestingExceeds(text, this.nestingLimit))) return null;
    const key = shapeKey(text);
    let hit = this.map.get(key);
    if (hit === undefined) {
      try {
        hit = this.parse(key);
      } catch {
        hit = null; // a stack overflow or a semantics bug on one shape: that shape is unreadable
      }
      if (this.map.size >= this.limit || this.chars + key.length > CACHE_CHAR_BUDGET) { this.map.clear(); this.chars = 0; }
      this.map.set(key, hit);
      this.chars += key.length;
    }
    return hit;
  }
}

/** The span of a CST node. */
export function spanOf(node: Node): Span {
  return [node.source.startIdx, node.source.endIdx];
}

/**
 * A cache that runs the semantics' grammar from `startRule` on each new shape and applies the
 * semantics operation `operation` (which must return spans); rejected shapes are cached as null.
 * The grammar loads on the first shape. `flat`: the grammar has no recursive rules, so no nesting gate.
 */
export function grammarCache<T>(startRule: string, semantics: LazySemantics<GrammarName>, operation: string, options: { readonly flat?: boolean } = {}): ShapeCache<T> {
  return new ShapeCache<T>((normalised) => {
    const match = grammars[semantics.grammar].match(normalised, startRule);
    return match.succeeded() ? (semantics.get()(match)[operation]() as T) : null;
  }, undefined, options.flat ? Infinity : MAX_NESTING);
}

/** The original text at a span. */
export function at(text: string, span: Span): string {
  return text.slice(span[0], span[1]);
}
