/**
 * Interleaves the record streams of several journal files by time, as journalctl shows the files
 * of one directory: each stream is in file order, and the merge always takes the earliest next
 * record (ties: the stream named first). Lazy: one batch per stream is held at a time.
 */
import type { LogRecord } from '../types.js';

const BATCH = 512;

interface Cursor {
  readonly source: AsyncIterator<readonly LogRecord[]>;
  batch: readonly LogRecord[];
  at: number;
}

async function fill(cursor: Cursor): Promise<boolean> {
  while (cursor.at >= cursor.batch.length) {
    const next = await cursor.source.next();
    if (next.done) return false;
    cursor.batch = next.value;
    cursor.at = 0;
  }
  return true;
}

/** Records of all `streams`, earliest first; records without a time go out as soon as they are met. */
export async function* mergeByTime(streams: readonly AsyncIterable<readonly LogRecord[]>[]): AsyncGenerator<LogRecord[]> {
  const live: Cursor[] = [];
  for (const s of streams) {
    const cursor: Cursor = { source: s[Symbol.asyncIterator](), batch: [], at: 0 };
    if (await fill(cursor)) live.push(cursor);
  }
  let out: LogRecord[] = [];
  while (live.length > 0) {
    let best = 0;
    let bestTime = Infinity;
    for (let i = 0; i < live.length; i++) {
      const c = live[i] as Cursor;
      const t = (c.batch[c.at] as LogRecord).epochMs ?? -Infinity;
      if (t < bestTime) { best = i; bestTime = t; }
    }
    const cursor = live[best] as Cursor;
    out.push(cursor.batch[cursor.at] as LogRecord);
    cursor.at += 1;
    if (!(await fill(cursor))) live.splice(best, 1);
    if (out.length >= BATCH) { yield out; out = []; }
  }
  if (out.length > 0) yield out;
}
