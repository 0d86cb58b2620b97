/**
 * Splits Buffer chunks into numbered lines with bounded memory. With the prefilter on,
 * only lines that contain a needle are decoded; the others are only counted.
 */
import { candidateLines, type NeedleSet } from './prefilter.js';
import { cutBeforePartialWord } from '../redact.js';

/** Longest line kept; the rest of a longer line is counted and dropped (a warning says so). */
export const MAX_LINE_BYTES = 1 << 20;
const NEWLINE = Buffer.from('\n');

/** The first MAX_LINE_BYTES of an over-long line, without the partial word at the cut (it may be a key's head). */
function cutLine(buf: Buffer): Buffer {
  return buf.subarray(0, cutBeforePartialWord((i) => buf[i]!, MAX_LINE_BYTES));
}

/** Which lines to decode: all of them, or those with a needle of one of the sets. */
export type Prefilter = 'off' | NeedleSet;

/** A decoded line and its 1-based number in the input. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/** Counters the reader fills in while it goes. */
export interface ScanStats {
  lines: number;
  truncatedLines: number;
  nulBytes: number;
  invalidUtf8Lines: number;
}

export function newScanStats(): ScanStats {
  return { lines: 0, truncatedLines: 0, nulBytes: 0, invalidUtf8Lines: 0 };
}

function decode(buf: Buffer, start: number, end: number, stats: ScanStats): string {
  let stop = end;
  if (stop > start && buf[stop - 1] === 13) stop -= 1; // CRLF
  let text = buf.toString('utf8', start, stop);
  if (text.includes('\u0000')) {
    const before = text.length;
    text = text.replace(/\u0000/g, '');
    stats.nulBytes += before - text.length;
  }
  if (text.includes('\uFFFD') && !buf.subarray(start, stop).includes(Buffer.from('\uFFFD'))) stats.invalidUtf8Lines += 1;
  return text;
}

/** Splits one region [0, end) that ends on a line boundary. */
function splitRegion(buf: Buffer, end: number, firstLine: number, prefilter: Prefilter, stats: ScanStats): NumberedLine[] {
  const out: NumberedLine[] = [];
  if (prefilter !== 'off') {
    const hits = candidateLines(buf, end, prefilter);
    for (let i = 0; i < hits.starts.length; i += 1) {
      const start = hits.starts[i]!;
      const nl = buf.indexOf(10, start);
      const stop = nl === -1 || nl >= end ? end : nl;
      out.push({ text: decode(buf, start, stop, stats), line: firstLine + hits.lineIndexes[i]! });
    }
    stats.lines += hits.newlines;
    return out;
  }
  let start = 0;
  let line = firstLine;
  while (start < end) {
    const nl = buf.indexOf(10, start);
    const stop = nl === -1 || nl >= end ? end : nl;
    out.push({ text: decode(buf, start, stop, stats), line });
    line += 1;
    start = stop + 1;
  }
  stats.lines += out.length;
  return out;
}

/**
 * Yields batches of numbered lines. A final line without a newline is included.
 * Lines longer than MAX_LINE_BYTES are cut (counted in `stats.truncatedLines`).
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, prefilter: Prefilter, stats: ScanStats): AsyncGenerator<NumberedLine[]> {
  let carry: Buffer | null = null; // start of a line that continues in the next chunk (bounded)
  let skipping = false; // inside an over-long line: drop bytes until its newline
  for await (const chunk of chunks) {
    let buf: Buffer = chunk;
    const nl = buf.indexOf(10);
    if (skipping || carry) {
      if (nl === -1) {
        if (!skipping && carry) {
          carry = Buffer.concat([carry, buf]);
          if (carry.length > MAX_LINE_BYTES) { carry = Buffer.from(cutLine(carry)); skipping = true; }
        }
        continue;
      }
      // Only the line that spans the chunk boundary is joined; the chunk itself is never copied.
      const head = skipping ? (carry ?? Buffer.alloc(0)) : Buffer.concat([carry ?? Buffer.alloc(0), buf.subarray(0, nl)]);
      const line = head.length > MAX_LINE_BYTES ? cutLine(head) : head;
      if (skipping || head.length > MAX_LINE_BYTES) stats.truncatedLines += 1;
      const batch = splitRegion(Buffer.concat([line, NEWLINE]), line.length + 1, stats.lines + 1, prefilter, stats);
      if (batch.length > 0) yield batch;
      carry = null;
      skipping = false;
      buf = buf.subarray(nl + 1);
    }
    const lastNl = buf.lastIndexOf(10);
    if (lastNl === -1) {
      if (buf.length > MAX_LINE_BYTES) { carry = Buffer.from(cutLine(buf)); skipping = true; }
      else if (buf.length > 0) carry = Buffer.from(buf);
      continue;
    }
    const end = lastNl + 1;
    const batch = splitRegion(buf, end, stats.lines + 1, prefilter, stats);
    if (batch.length > 0) yield batch;
    if (end < buf.length) {
      const tail = buf.subarray(end);
      if (tail.length > MAX_LINE_BYTES) { carry = Buffer.from(cutLine(tail)); skipping = true; }
      else carry = Buffer.from(tail);
    }
  }
  if (carry && carry.length > 0) {
    if (skipping) stats.truncatedLines += 1;
    const withNl = Buffer.concat([carry, NEWLINE]);
    const batch = splitRegion(withNl, withNl.length, stats.lines + 1, prefilter, stats);
    if (batch.length > 0) yield batch;
  }
}
