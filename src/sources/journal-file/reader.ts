/**
 * Reads the entries of one journal file, in file order, with all their fields as bytes.
 *
 * Two ways in:
 * - `entries()`: the header's entry-array chain, every entry (the plain reader);
 * - `selectedEntries(scan)`: the fast path. DATA objects are shared by every entry with the
 *   same field value, and the FIELD object `MESSAGE` heads a list of all `MESSAGE=` DATA
 *   objects. Their values are scanned once, in large batches, by `scan` (the byte prefilter);
 *   only entries that use a matching message are read, found through the DATA object's own
 *   entry list. Entry objects rise in offset with their sequence numbers, so sorting the
 *   offsets gives file order.
 *
 * Damage is expected (a file still being written, cut, or with bad objects): every entry that
 * reads whole is returned, each problem is kept in `problems` with its offset, and no walk can
 * loop or read past the file. When the fast path meets damage it starts over on the plain path,
 * which loses less.
 */
import { BufferWindow, FileWindow, type ByteWindow } from './byte-window.js';
import { readHeader, type JournalHeader } from './header.js';
import { entryArrayChain } from './entry-arrays.js';
import { fieldHashHeads, JournalObjectError, readData, readEntry, readField, type DataObject, type ObjectContext } from './objects.js';

/** One field of an entry: the name and the raw value (text or binary). */
export interface JournalField {
  readonly name: string;
  readonly value: Buffer;
}

/** One entry as journalctl's export format gives it. */
export interface JournalEntry {
  /** Byte offset of the ENTRY object. */
  readonly offset: number;
  readonly seqnum: number;
  /** Microseconds since the epoch (`__REALTIME_TIMESTAMP`). */
  readonly realtime: number;
  /** Microseconds since boot (`__MONOTONIC_TIMESTAMP`). */
  readonly monotonic: number;
  /** `_BOOT_ID`, 32 hex digits. */
  readonly bootId: string;
  /** The entry's fields in item order; a field may occur more than once. */
  readonly fields: readonly JournalField[];
}

/** A problem met while reading, at a byte offset of the file. */
export interface JournalProblem {
  readonly offset: number;
  readonly message: string;
}

/**
 * The prefilter as the fast path uses it: the start offsets of the lines of `buf[0, end)` that
 * hold a needle (lines end with `\n`).
 */
export type MessageScan = (buf: Buffer, end: number) => readonly number[];

/** Problems kept word for word; past this many only the count grows. */
const MAX_PROBLEMS = 20;
/** DATA objects whose payload is kept between entries (host, unit, boot id repeat on every entry). */
const DATA_CACHE_SIZE = 2048;
const SCAN_BATCH_BYTES = 1 << 20;
const MESSAGE_FIELD = 'MESSAGE';
const MESSAGE_PREFIX = Buffer.from('MESSAGE=', 'latin1');

/** One journal file opened for reading. */
export class JournalFileReader {
  readonly name: string;
  readonly header: JournalHeader;
  /** The first problems met (see `problemCount` for all). */
  readonly problems: JournalProblem[] = [];
  problemCount = 0;
  private readonly ctx: ObjectContext;
  private readonly dataCache = new Map<number, Buffer>();

  private constructor(name: string, win: ByteWindow) {
    this.name = name;
    try {
      this.header = readHeader(win);
    } catch (err) {
      win.close();
      throw err;
    }
    this.ctx = { win, header: this.header };
  }

  /** Opens a file; throws JournalHeaderError (not readable as a journal) or the fs error. */
  static open(path: string): JournalFileReader {
    return new JournalFileReader(path, new FileWindow(path));
  }

  /** Reads a journal held in memory (piped, or decompressed from gzip/xz/zstd). */
  static fromBuffer(data: Buffer, name: string): JournalFileReader {
    return new JournalFileReader(name, new BufferWindow(data));
  }

  close(): void {
    this.ctx.win.close();
    this.dataCache.clear();
  }

  /** Every entry of the file, in file order. */
  *entries(): Generator<JournalEntry> {
    const { header } = this;
    if (header.entryArrayOffset === 0 || header.nEntries === 0) return;
    for (const offset of entryArrayChain(this.ctx, header.entryArrayOffset, header.nEntries, (e) => this.note(e))) {
      const entry = this.entryAt(offset);
      if (entry) yield entry;
    }
  }

  /**
   * The entries whose MESSAGE holds a needle of `scan` (and possibly a few more: the caller
   * checks each record as it would a line), in file order.
   */
  *selectedEntries(scan: MessageScan): Generator<JournalEntry> {
    const offsets = this.candidateOffsets(scan);
    if (offsets === null) {
      yield* this.entries();
      return;
    }
    for (const offset of offsets) {
      const entry = this.entryAt(offset);
      if (entry) yield entry;
    }
  }

  /** Entry offsets of matching messages, ascending; null when damage forces the plain path. */
  private candidateOffsets(scan: MessageScan): number[] | null {
    let damaged = false;
    const onDamage = (err: JournalObjectError): void => { this.note(err); damaged = true; };
    let head: number;
    try {
      const field = this.findField(MESSAGE_FIELD);
      if (field === null) return [];
      head = field;
    } catch (err) {
      if (!(err instanceof JournalObjectError)) throw err;
      onDamage(err);
      return this.fallBack();
    }
    const found: number[] = [];
    const batch = new ScanBatch<DataObject>(scan);
    const take = (data: DataObject): void => {
      if (data.nEntries === 0 || data.entryOffset === 0) return;
      found.push(data.entryOffset);
      if (data.nEntries > 1) for (const e of entryArrayChain(this.ctx, data.entryArrayOffset, data.nEntries - 1, onDamage)) found.push(e);
    };
    // The list is built by prepending, so offsets fall along it; the step bound stops any loop.
    const maxSteps = this.header.nData ?? Math.floor(this.header.end / 64);
    let offset = head;
    for (let steps = 0; offset !== 0; steps++) {
      if (steps > maxSteps) { onDamage(new JournalObjectError(offset, `MESSAGE data list longer than the ${maxSteps} data objects the header counts`)); break; }
      let data;
      try { data = readData(this.ctx, offset, false); } catch (err) {
        if (!(err instanceof JournalObjectError)) throw err;
        onDamage(err);
        break;
      }
      if (data.payload.subarray(0, MESSAGE_PREFIX.length).equals(MESSAGE_PREFIX)) {
        for (const hit of batch.add(data, data.payload.subarray(MESSAGE_PREFIX.length))) take(hit);
      } else onDamage(new JournalObjectError(offset, `data object at ${offset} in the MESSAGE list holds another field`));
      offset = data.nextFieldOffset;
      if (damaged) break;
    }
    for (const hit of batch.flush()) take(hit);
    if (damaged) return this.fallBack();
    found.sort((a, b) => a - b);
    let unique = 0;
    for (let i = 0; i < found.length; i++) if (i === 0 || found[i] !== found[i - 1]) found[unique++] = found[i] as number;
    found.length = unique;
    return found;
  }

  /** The MESSAGE index is damaged (already noted with its offset): every entry is read instead. */
  private fallBack(): null {
    return null;
  }

  /** Offset of the FIELD object `name`'s first DATA object, or null when no entry has the field. */
  private findField(name: string): number | null {
    // Hash-free: the table is small (a few hundred slots) and field names few.
    const maxSteps = Math.floor(this.header.end / 40);
    let steps = 0;
    for (const headOffset of fieldHashHeads(this.ctx)) {
      for (let offset = headOffset; offset !== 0; steps++) {
        if (steps > maxSteps) throw new JournalObjectError(offset, 'field hash chain loops');
        const field = readField(this.ctx, offset);
        if (field.name === name) return field.headDataOffset === 0 ? null : field.headDataOffset;
        offset = field.nextHashOffset;
      }
    }
    return null;
  }

  /** The entry at `offset` with its fields, or null (noted) when any part of it is damaged. */
  private entryAt(offset: number): JournalEntry | null {
    try {
      const entry = readEntry(this.ctx, offset);
      const fields: JournalField[] = [];
      for (const item of entry.items) {
        const payload = this.payloadAt(item);
        const eq = payload.indexOf(61 /* = */);
        if (eq <= 0) throw new JournalObjectError(item, `data object at ${item} has no FIELD= name`);
        fields.push({ name: payload.toString('latin1', 0, eq), value: payload.subarray(eq + 1) });
      }
      return { offset, seqnum: entry.seqnum, realtime: entry.realtime, monotonic: entry.monotonic, bootId: entry.bootId, fields };
    } catch (err) {
      if (!(err instanceof JournalObjectError)) throw err;
      this.note(new JournalObjectError(err.offset, `entry at ${offset} skipped: ${err.message}`));
      return null;
    }
  }

  private payloadAt(offset: number): Buffer {
    const hit = this.dataCache.get(offset);
    if (hit) return hit;
    const payload = readData(this.ctx, offset).payload;
    if (this.dataCache.size >= DATA_CACHE_SIZE) this.dataCache.clear();
    this.dataCache.set(offset, payload);
    return payload;
  }

  private note(err: JournalObjectError): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ offset: err.offset, message: err.message });
  }
}

/** DATA objects waiting for the scan, their values joined by newlines in one buffer. */
class ScanBatch<T> {
  private readonly scan: MessageScan;
  private buf = Buffer.allocUnsafe(SCAN_BATCH_BYTES);
  private used = 0;
  private readonly starts: number[] = [];
  private readonly items: T[] = [];
  constructor(scan: MessageScan) {
    this.scan = scan;
  }

  /** Adds one value; returns the items of a batch that was full and has been scanned. */
  add(item: T, value: Buffer): T[] {
    const out = this.used + value.length + 1 > this.buf.length ? this.flush() : [];
    if (value.length + 1 > this.buf.length) this.buf = Buffer.allocUnsafe(value.length + 1);
    this.starts.push(this.used);
    this.items.push(item);
    value.copy(this.buf, this.used);
    this.used += value.length;
    this.buf[this.used++] = 10;
    return out;
  }

  /** Scans what is waiting; returns the items with a hit. */
  flush(): T[] {
    if (this.items.length === 0) return [];
    const hits = this.scan(this.buf, this.used);
    const out: T[] = [];
    // Both lists rise: walk them together. A value with inner newlines has several lines.
    let k = 0;
    let last = -1;
    for (const at of hits) {
      while (k + 1 < this.starts.length && (this.starts[k + 1] as number) <= at) k += 1;
      if (k !== last) { out.push(this.items[k] as T); last = k; }
    }
    this.starts.length = 0;
    this.items.length = 0;
    this.used = 0;
    if (this.buf.length > SCAN_BATCH_BYTES) this.buf = Buffer.allocUnsafe(SCAN_BATCH_BYTES);
    return out;
  }
}
