/**
 * The journal file header (systemd's JOURNAL_FILE_FORMAT, "Header"): signature, feature flags,
 * state, the counters and the offsets every walk starts from. Fields added after the first
 * release (from `n_data` on) exist only when `header_size` covers them.
 */
import type { ByteWindow } from './byte-window.js';

/** The eight bytes every journal file starts with. */
export const JOURNAL_SIGNATURE = 'LPKSHHRH';

/** Incompatible flags: a reader that does not know one must refuse the file. */
export const INCOMPATIBLE_FLAGS = {
  'compressed-xz': 1 << 0,
  'compressed-lz4': 1 << 1,
  'keyed-hash': 1 << 2,
  'compressed-zstd': 1 << 3,
  compact: 1 << 4,
} as const;

/** Compatible flags: informative; unknown ones are ignored. */
export const COMPATIBLE_FLAGS = {
  sealed: 1 << 0,
  'tail-entry-boot-id': 1 << 1,
  'sealed-continuous': 1 << 2,
} as const;

/** An incompatible feature this reader knows. */
export type IncompatibleFeature = keyof typeof INCOMPATIBLE_FLAGS;
/** A compatible feature this reader knows by name. */
export type CompatibleFeature = keyof typeof COMPATIBLE_FLAGS;

/** `state`: offline (closed cleanly), online (open for writing, or its writer died), archived (rotated). */
export type JournalState = 'offline' | 'online' | 'archived' | 'unknown';

/** What the header says. Offsets and counters are byte offsets / counts as plain numbers. */
export interface JournalHeader {
  readonly compatible: ReadonlySet<CompatibleFeature>;
  readonly incompatible: ReadonlySet<IncompatibleFeature>;
  readonly state: JournalState;
  /** Hex, 32 characters. */
  readonly fileId: string;
  readonly machineId: string;
  readonly seqnumId: string;
  readonly headerSize: number;
  readonly arenaSize: number;
  readonly fieldHashTableOffset: number;
  readonly fieldHashTableSize: number;
  readonly tailObjectOffset: number;
  readonly nObjects: number;
  readonly nEntries: number;
  readonly headEntrySeqnum: number;
  readonly tailEntrySeqnum: number;
  /** First ENTRY_ARRAY of the chain that lists every entry (0: no entry yet). */
  readonly entryArrayOffset: number;
  readonly headEntryRealtime: number;
  readonly tailEntryRealtime: number;
  /** DATA objects; null when the header predates the counter. */
  readonly nData: number | null;
  /** Item offsets and entry-array items are 32-bit (the `compact` flag). */
  readonly compact: boolean;
  /** Where valid objects can be: the file size or header + arena, whichever is smaller. */
  readonly end: number;
}

/** Why a journal file cannot be read at all (bad header, unknown incompatible flag). */
export class JournalHeaderError extends Error {}

/** Bytes of the header up to `tail_entry_monotonic`: present in every revision. */
const MIN_HEADER_BYTES = 208;
/** Offset of `n_data`, the first field that needs a size check. */
const N_DATA_AT = 208;

/** A little-endian u64 as a number; values past 2^53 (never valid here) become NaN. */
export function u64(buf: Buffer, at: number): number {
  const high = buf.readUInt32LE(at + 4);
  if (high >= 0x200000) return Number.NaN;
  return high * 0x100000000 + buf.readUInt32LE(at);
}

/** 16 bytes as 32 lowercase hex digits (systemd's id128 text form). */
export function id128(buf: Buffer, at: number): string {
  return buf.toString('hex', at, at + 16);
}

function flagNames<T extends string>(value: number, table: Readonly<Record<T, number>>): { known: Set<T>; unknown: number } {
  const known = new Set<T>();
  let rest = value >>> 0;
  for (const [name, bit] of Object.entries(table) as [T, number][]) {
    if (value & bit) { known.add(name); rest &= ~bit; }
  }
  return { known, unknown: rest >>> 0 };
}

/** The bit numbers set in `mask`, for error messages. */
function bits(mask: number): string {
  const out: string[] = [];
  for (let i = 0; i < 32; i++) if (mask & (1 << i)) out.push(`bit ${i} (0x${(1 << i).toString(16)})`);
  return out.join(', ');
}

/** Reads and checks the header; throws JournalHeaderError with a one-line reason. */
export function readHeader(win: ByteWindow): JournalHeader {
  const head = win.bytes(0, Math.min(win.size, 272));
  if (!head || head.length < 8 || head.toString('latin1', 0, 8) !== JOURNAL_SIGNATURE) {
    throw new JournalHeaderError('not a journal file (no LPKSHHRH signature)');
  }
  if (head.length < MIN_HEADER_BYTES) throw new JournalHeaderError(`journal header cut at ${head.length} bytes (needs ${MIN_HEADER_BYTES})`);
  const incompatible = flagNames(head.readUInt32LE(12), INCOMPATIBLE_FLAGS);
  if (incompatible.unknown !== 0) {
    throw new JournalHeaderError(`unknown incompatible journal feature flag ${bits(incompatible.unknown)}: written by a newer systemd; read it with that version's journalctl --file=X -o export`);
  }
  const compressions = [...incompatible.known].filter((f) => f.startsWith('compressed-'));
  if (compressions.length > 1) throw new JournalHeaderError(`journal header names several compressions (${compressions.join(', ')})`);
  const compatible = flagNames(head.readUInt32LE(8), COMPATIBLE_FLAGS);
  const headerSize = u64(head, 88);
  const arenaSize = u64(head, 96);
  if (!(headerSize >= MIN_HEADER_BYTES) || headerSize % 8 !== 0 || headerSize > win.size) {
    throw new JournalHeaderError(`journal header_size ${Number.isFinite(headerSize) ? headerSize : 'over 2^53'} is not valid (file is ${win.size} bytes)`);
  }
  const has = (at: number, bytes: number): boolean => headerSize >= at + bytes && head.length >= at + bytes;
  const stateByte = head[16] ?? 255;
  const end = Number.isFinite(arenaSize) ? Math.min(win.size, headerSize + arenaSize) : win.size;
  return {
    compatible: compatible.known,
    incompatible: incompatible.known,
    state: stateByte === 0 ? 'offline' : stateByte === 1 ? 'online' : stateByte === 2 ? 'archived' : 'unknown',
    fileId: id128(head, 24),
    machineId: id128(head, 40),
    seqnumId: id128(head, 72),
    headerSize,
    arenaSize,
    fieldHashTableOffset: u64(head, 120),
    fieldHashTableSize: u64(head, 128),
    tailObjectOffset: u64(head, 136),
    nObjects: u64(head, 144),
    nEntries: u64(head, 152),
    tailEntrySeqnum: u64(head, 160),
    headEntrySeqnum: u64(head, 168),
    entryArrayOffset: u64(head, 176),
    headEntryRealtime: u64(head, 184),
    tailEntryRealtime: u64(head, 192),
    nData: has(N_DATA_AT, 8) ? u64(head, N_DATA_AT) : null,
    compact: incompatible.known.has('compact'),
    end,
  };
}
