/**
 * Random access to the bytes of a journal file. Journal files are linked structures (offsets
 * everywhere), so they are read by position, not streamed. A file is read through a small cache
 * of 1 MiB blocks with synchronous reads: objects are small and close together, and one
 * `readSync` per block costs far less than one promise per object.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes of a journal, read by offset. */
export interface ByteWindow {
  /** Bytes that can be read: the file size when it was opened (a file being written may grow after). */
  readonly size: number;
  /**
   * `length` bytes at `offset`, or null when they are not all inside `size`. The buffer may be a
   * view of a cached block: it is valid until the next call; copy what you keep.
   */
  bytes(offset: number, length: number): Buffer | null;
  close(): void;
}

/** A journal already in memory (a decompressed or piped journal file, tests). */
export class BufferWindow implements ByteWindow {
  readonly size: number;
  private readonly data: Buffer;
  constructor(data: Buffer) {
    this.data = data;
    this.size = data.length;
  }
  bytes(offset: number, length: number): Buffer | null {
    if (!inside(offset, length, this.size)) return null;
    return this.data.subarray(offset, offset + length);
  }
  close(): void { /* nothing held */ }
}

const BLOCK_BYTES = 1 << 20;
/** Blocks kept: the MESSAGE chain walks backwards, entries forwards; a few blocks cover both. */
const CACHED_BLOCKS = 8;

/** A journal file on disk, read through a block cache. */
export class FileWindow implements ByteWindow {
  readonly size: number;
  private fd: number | null;
  private readonly blocks = new Map<number, Buffer>();

  /** Opens `path`; throws the fs error (ENOENT, EACCES, EISDIR) for the caller to word. */
  constructor(path: string) {
    const fd = openSync(path, 'r');
    try {
      const info = fstatSync(fd);
      if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      this.size = info.size;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
  }

  bytes(offset: number, length: number): Buffer | null {
    if (!inside(offset, length, this.size)) return null;
    const first = Math.floor(offset / BLOCK_BYTES);
    const last = Math.floor((offset + length - 1) / BLOCK_BYTES);
    if (first === last || length === 0) {
      const block = this.block(first);
      const at = offset - first * BLOCK_BYTES;
      // A file cut while it is read gives a short block.
      return at + length <= block.length ? block.subarray(at, at + length) : null;
    }
    // Spans blocks: one direct read (large objects are read once, not cached).
    const out = Buffer.allocUnsafe(length);
    const got = readSync(this.handle(), out, 0, length, offset);
    return got === length ? out : null;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.blocks.clear();
  }

  private handle(): number {
    if (this.fd === null) throw new Error('journal file already closed');
    return this.fd;
  }

  private block(index: number): Buffer {
    const hit = this.blocks.get(index);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    let buf: Buffer;
    if (this.blocks.size >= CACHED_BLOCKS) {
      const oldest = this.blocks.keys().next().value as number;
      buf = this.blocks.get(oldest) as Buffer;
      this.blocks.delete(oldest);
      if (buf.length < BLOCK_BYTES) buf = Buffer.allocUnsafe(BLOCK_BYTES);
    } else buf = Buffer.allocUnsafe(BLOCK_BYTES);
    const start = index * BLOCK_BYTES;
    const want = Math.min(BLOCK_BYTES, this.size - start);
    const got = readSync(this.handle(), buf, 0, want, start);
    const block = buf.subarray(0, got);
    this.blocks.set(index, block);
    return block;
  }
}

function inside(offset: number, length: number, size: number): boolean {
  return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= size;
}
