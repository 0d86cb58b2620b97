/**
 * Journal objects: the common 16-byte object header and the typed objects a reader follows
 * (DATA, FIELD, ENTRY, ENTRY_ARRAY, the hash tables). Every offset is checked before it is
 * read: 8-byte aligned, after the file header, the whole object inside the valid part of the
 * file, the expected type, a size the type allows. A check that fails raises
 * JournalObjectError naming the offset; the caller decides what it costs (one entry, or the
 * rest of a chain).
 */
import type { ByteWindow } from './byte-window.js';
import { u64, id128, type JournalHeader } from './header.js';
import { decompressPayload, MAX_PAYLOAD_BYTES, OBJECT_COMPRESSION_FLAGS, type PayloadCompression } from './decompress.js';

/** Object types (ObjectHeader.type). */
export const OBJECT_TYPE = {
  data: 1,
  field: 2,
  entry: 3,
  'data-hash-table': 4,
  'field-hash-table': 5,
  'entry-array': 6,
  tag: 7,
} as const;

/** An object type name. */
export type ObjectTypeName = keyof typeof OBJECT_TYPE;

/** A damaged or unexpected object, at `offset` in the file. */
export class JournalObjectError extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

const OBJECT_HEADER_BYTES = 16;

/** Bytes before the payload/items of each type (compact DATA has 8 more). */
const FIXED_BYTES: Readonly<Record<ObjectTypeName, number>> = {
  data: 64,
  field: 40,
  entry: 64,
  'data-hash-table': 16,
  'field-hash-table': 16,
  'entry-array': 24,
  tag: 64,
};

/** Everything an object read needs: the bytes and what the header says about them. */
export interface ObjectContext {
  readonly win: ByteWindow;
  readonly header: JournalHeader;
}

/** The bytes of the object of type `type` at `offset` (header included), checked. */
export function objectBytes(ctx: ObjectContext, offset: number, type: ObjectTypeName): Buffer {
  const { win, header } = ctx;
  if (!Number.isSafeInteger(offset) || offset % 8 !== 0) throw new JournalObjectError(offset, `${type} object offset ${offset} is not 8-byte aligned`);
  if (offset < header.headerSize || offset + OBJECT_HEADER_BYTES > header.end) {
    throw new JournalObjectError(offset, `${type} object offset ${offset} is outside the file (valid ${header.headerSize}..${header.end})`);
  }
  const head = win.bytes(offset, OBJECT_HEADER_BYTES);
  if (!head) throw new JournalObjectError(offset, `${type} object header at ${offset} cannot be read`);
  const actual = head[0] as number;
  if (actual !== OBJECT_TYPE[type]) throw new JournalObjectError(offset, `expected a ${type} object at ${offset}, found type ${actual}`);
  const size = u64(head, 8);
  const fixed = FIXED_BYTES[type] + (type === 'data' && header.compact ? 8 : 0);
  if (!(size >= fixed)) throw new JournalObjectError(offset, `${type} object at ${offset} has size ${size}, below its ${fixed}-byte minimum`);
  if (offset + size > header.end) throw new JournalObjectError(offset, `${type} object at ${offset} (${size} bytes) runs past the end of the file (${header.end})`);
  const bytes = win.bytes(offset, size);
  if (!bytes) throw new JournalObjectError(offset, `${type} object at ${offset} cannot be read`);
  return bytes;
}

/** A DATA object: one `FIELD=value` payload and the entries that use it. */
export interface DataObject {
  readonly offset: number;
  /** `NAME=value`, decompressed; a buffer of its own unless read with `keep: false`. */
  readonly payload: Buffer;
  readonly nextFieldOffset: number;
  /** The first entry using this data, stored inline. */
  readonly entryOffset: number;
  /** The entry-array chain of the other entries. */
  readonly entryArrayOffset: number;
  /** Entries using this data (the inline one included). */
  readonly nEntries: number;
}

const COMPRESSIONS = Object.entries(OBJECT_COMPRESSION_FLAGS) as [PayloadCompression, number][];

/**
 * Reads a DATA object and decompresses its payload. `keep: false` lets an uncompressed payload be
 * a view of the read cache (valid until the next read), for callers that only look at it once.
 */
export function readData(ctx: ObjectContext, offset: number, keep = true): DataObject {
  const bytes = objectBytes(ctx, offset, 'data');
  const flags = bytes[1] as number;
  const payloadAt = FIXED_BYTES.data + (ctx.header.compact ? 8 : 0);
  const raw = bytes.subarray(payloadAt);
  let payload: Buffer;
  const compressions = COMPRESSIONS.filter(([, bit]) => flags & bit);
  if (compressions.length > 1) throw new JournalObjectError(offset, `data object at ${offset} has several compression flags (0x${flags.toString(16)})`);
  const compression = compressions[0]?.[0];
  if (compression) {
    if (!ctx.header.incompatible.has(`compressed-${compression}`)) {
      throw new JournalObjectError(offset, `data object at ${offset} is ${compression}-compressed but the header does not declare ${compression}`);
    }
    try { payload = decompressPayload(compression, raw); } catch (err) {
      throw new JournalObjectError(offset, `data object at ${offset}: ${(err as Error).message}`);
    }
  } else payload = keep ? Buffer.from(raw) : raw; // a copy of its own: `bytes` is a view of a cached block
  if (payload.length > MAX_PAYLOAD_BYTES) throw new JournalObjectError(offset, `data object at ${offset} holds ${payload.length} bytes`);
  return {
    offset,
    payload,
    nextFieldOffset: u64(bytes, 32),
    entryOffset: u64(bytes, 40),
    entryArrayOffset: u64(bytes, 48),
    nEntries: u64(bytes, 56),
  };
}

/** The offsets stored from `from` on, one per `stride` bytes: 32-bit in compact files, else 64-bit. */
function offsetItems(bytes: Buffer, from: number, stride: number, compact: boolean): number[] {
  const n = Math.floor((bytes.length - from) / stride);
  const items = new Array<number>(n);
  for (let i = 0, at = from; i < n; i++, at += stride) items[i] = compact ? bytes.readUInt32LE(at) : u64(bytes, at);
  return items;
}

/** An ENTRY object: stamps, boot, and the DATA objects it binds. */
export interface EntryObject {
  readonly offset: number;
  readonly seqnum: number;
  /** Microseconds since the epoch. */
  readonly realtime: number;
  /** Microseconds since boot `bootId`. */
  readonly monotonic: number;
  /** 32 hex digits. */
  readonly bootId: string;
  /** Offsets of its DATA objects, in item order. */
  readonly items: readonly number[];
}

/** Reads an ENTRY object (regular items: offset + hash, 16 bytes; compact: 32-bit offset). */
export function readEntry(ctx: ObjectContext, offset: number): EntryObject {
  const bytes = objectBytes(ctx, offset, 'entry');
  const items = offsetItems(bytes, FIXED_BYTES.entry, ctx.header.compact ? 4 : 16, ctx.header.compact);
  return {
    offset,
    seqnum: u64(bytes, 16),
    realtime: u64(bytes, 24),
    monotonic: u64(bytes, 32),
    bootId: id128(bytes, 40),
    items,
  };
}

/** An ENTRY_ARRAY object: entry offsets (0 = unused slot, the array is not full yet) and the next array. */
export interface EntryArrayObject {
  readonly offset: number;
  readonly next: number;
  readonly items: readonly number[];
}

/** Reads an ENTRY_ARRAY object; trailing unused (0) slots are left out. */
export function readEntryArray(ctx: ObjectContext, offset: number): EntryArrayObject {
  const bytes = objectBytes(ctx, offset, 'entry-array');
  const items = offsetItems(bytes, FIXED_BYTES['entry-array'], ctx.header.compact ? 4 : 8, ctx.header.compact);
  const used = items.indexOf(0);
  if (used !== -1) items.length = used;
  return { offset, next: u64(bytes, 16), items };
}

/** A FIELD object: a field name and the head of the list of its DATA objects. */
export interface FieldObject {
  readonly offset: number;
  readonly name: string;
  readonly nextHashOffset: number;
  readonly headDataOffset: number;
}

/** Reads a FIELD object. */
export function readField(ctx: ObjectContext, offset: number): FieldObject {
  const bytes = objectBytes(ctx, offset, 'field');
  return {
    offset,
    name: bytes.toString('latin1', FIXED_BYTES.field),
    nextHashOffset: u64(bytes, 24),
    headDataOffset: u64(bytes, 32),
  };
}

/**
 * The heads of the field hash table's chains. The header points at the table's items (not at
 * its object header), 16 bytes each: head and tail offsets of a chain, 0 when empty.
 */
export function fieldHashHeads(ctx: ObjectContext): number[] {
  const { header } = ctx;
  const at = header.fieldHashTableOffset;
  const size = header.fieldHashTableSize;
  const tableObject = at - OBJECT_HEADER_BYTES;
  // Checks the object around the items (type, bounds) before reading them.
  const bytes = objectBytes(ctx, tableObject, 'field-hash-table');
  if (size % 16 !== 0 || OBJECT_HEADER_BYTES + size > bytes.length) {
    throw new JournalObjectError(at, `field hash table at ${at} has size ${size}, not within its object`);
  }
  const heads: number[] = [];
  for (let i = 0; i < size; i += 16) {
    const head = u64(bytes, OBJECT_HEADER_BYTES + i);
    if (head !== 0) heads.push(head);
  }
  return heads;
}
