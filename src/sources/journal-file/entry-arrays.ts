/**
 * Walking an entry-array chain: the header's chain lists every entry of the file, and each
 * DATA object has one for the entries that use it (after the first, which it stores inline).
 * Arrays are appended, so each next array lies after the one before, and entry offsets rise
 * strictly along the chain. The walk insists on both, so a damaged chain (a loop, an offset
 * pointing back) ends it instead of looping, and it never yields more than `limit` entries
 * (the count the header or the DATA object states, as journalctl does).
 */
import { JournalObjectError, readEntryArray, type ObjectContext } from './objects.js';

/** Entry offsets along the chain starting at `first`; damage goes to `onDamage` and ends the walk. */
export function* entryArrayChain(
  ctx: ObjectContext,
  first: number,
  limit: number,
  onDamage: (err: JournalObjectError) => void,
): Generator<number> {
  let arrayOffset = first;
  let previousArray = 0;
  let lastEntry = 0;
  let count = 0;
  while (arrayOffset !== 0 && count < limit) {
    if (arrayOffset <= previousArray) {
      onDamage(new JournalObjectError(previousArray, `entry-array chain at ${previousArray} points back to ${arrayOffset}`));
      return;
    }
    let array;
    try { array = readEntryArray(ctx, arrayOffset); } catch (err) {
      if (err instanceof JournalObjectError) { onDamage(err); return; }
      throw err;
    }
    for (const entry of array.items) {
      if (count >= limit) return;
      if (entry <= lastEntry) {
        onDamage(new JournalObjectError(arrayOffset, `entry-array at ${arrayOffset} lists entry ${entry} after ${lastEntry} (offsets must rise)`));
        return;
      }
      lastEntry = entry;
      count += 1;
      yield entry;
    }
    previousArray = arrayOffset;
    arrayOffset = array.next;
  }
}
