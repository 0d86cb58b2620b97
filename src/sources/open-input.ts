/**
 * Opens one input (file or stream) as an async iterable of Buffer chunks,
 * decompressing by magic bytes (gzip, zstd, xz), never by file extension.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import type { Readable } from 'node:stream';
import { hasJournalSignature } from './journal-file/sniff.js';

/** Chunk size for reading: large reads, few syscalls. */
export const CHUNK_BYTES = 1 << 20;
/** Reads of a plain file in flight while the caller scans a chunk (libuv's pool runs them). */
const READS_AHEAD = 2;
/** Buffers used in turn: the chunk being scanned, the one before it, and those being read. */
const READ_BUFFERS = READS_AHEAD + 2;

/** What the first bytes say the data is. */
export type Container = 'plain' | 'gzip' | 'zstd' | 'xz' | 'journal-file';

/** Identifies compressed or binary journal data from its first bytes. */
export function sniffContainer(head: Buffer): Container {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (hasJournalSignature(head)) return 'journal-file';
  return 'plain';
}

/** Error with a message meant for one stderr line. */
export class InputReadError extends Error {}

async function* withHead(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}

/** Where a reader sends what is worth a warning but does not stop the input (one line, no file name). */
export type WarningSink = (message: string) => void;

/** Last non-empty line of a command's stderr (its error message), bounded, without the `command: ` it starts with. */
function lastLine(text: string, command: string): string {
  const line = text.trim().split('\n').pop()?.slice(0, 300) ?? '';
  return line.startsWith(`${command}: `) ? line.slice(command.length + 2) : line;
}

/**
 * Decompresses through `command -dc`. The input is done only when the command has exited: a
 * non-zero status (truncated or corrupt data) is an error even after all its output was read.
 */
async function* decompressWithCommand(command: string, container: Container, source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // Loaded with the first compressed input: a plain run does not pay for child_process at start-up.
  const { spawn } = await import('node:child_process');
  const child = spawn(command, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString(); });
  const exited = new Promise<{ code: number | null; error: Error | null }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code, error: null }));
  });
  child.stdin.on('error', () => { /* the child ended early; its exit status reports why */ });
  void (async () => {
    try {
      for await (const chunk of source) if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
    } catch { /* the read error is reported by the caller */ }
    child.stdin.end();
  })();
  let finished = false;
  try {
    try {
      for await (const chunk of child.stdout) yield chunk as Buffer;
    } catch { /* the exit status below says why the output stopped */ }
    const status = await exited;
    if (status.error) throw new InputReadError(`cannot run ${command} to decompress ${container} data: ${status.error.message}`);
    if (status.code !== 0) throw new InputReadError(`${container} data is truncated or corrupt (${command}: ${lastLine(stderr, command) || `exit ${status.code}`})`);
    finished = true;
  } finally {
    if (!finished && child.exitCode === null) child.kill();
  }
}

/** Input pieces fed to the inflater at a time: a piece inflates to at most ~16 MiB (deflate's 1032:1). */
const INFLATE_PIECE = 16 * 1024;

/** Length of the gzip member header at the start of `buf`; -1 when more bytes are needed, -2 when it is not gzip. */
function gzipHeaderLength(buf: Buffer): number {
  if (buf.length < 10) return -1;
  if (buf[0] !== 0x1f || buf[1] !== 0x8b || buf[2] !== 8) return -2;
  const flags = buf[3]!;
  let at = 10;
  if (flags & 4) { // FEXTRA
    if (buf.length < at + 2) return -1;
    at += 2 + buf.readUInt16LE(at);
  }
  for (const flag of [8, 16]) { // FNAME, FCOMMENT: zero-terminated
    if (flags & flag) {
      const zero = buf.indexOf(0, at);
      if (zero === -1) return -1;
      at = zero + 1;
    }
  }
  if (flags & 2) at += 2; // FHCRC
  return buf.length < at ? -1 : at;
}


/**
 * gzip, member by member, with the header and trailer read here and the deflate data inflated raw.
 * Node's gunzip drops the output of its last call when bytes after the data are not another member;
 * here every byte of every member is kept and what follows the last one is a warning, as `gzip -d`
 * does. A truncated member or a CRC/length mismatch is an error.
 */
async function* gunzipMembers(raw: AsyncIterable<Buffer>, warn: WarningSink): AsyncGenerator<Buffer> {
  // Loaded with the first compressed input: a plain run does not pay for zlib at start-up.
  const zlib = await import('node:zlib');
  const crc32 = (zlib as unknown as { crc32?: (data: Buffer, value?: number) => number }).crc32;
  const source = raw[Symbol.asyncIterator]();
  let pending: Buffer = Buffer.alloc(0);
  let eof = false;
  const pull = async (): Promise<boolean> => {
    if (eof) return false;
    const next = await source.next();
    if (next.done) { eof = true; return false; }
    pending = pending.length === 0 ? next.value : Buffer.concat([pending, next.value]);
    return true;
  };
  try {
    for (let member = 0; ; member++) {
      while (pending.length < 10 && await pull()) { /* header bytes */ }
      if (pending.length === 0) return;
      let header = gzipHeaderLength(pending);
      while (header === -1 && await pull()) header = gzipHeaderLength(pending);
      if (header === -2 || (header === -1 && member > 0)) {
        let extra = pending.length;
        let nonZero = pending.some((b) => b !== 0);
        for (let next = await source.next(); !next.done; next = await source.next()) {
          extra += next.value.length;
          nonZero ||= next.value.some((b) => b !== 0);
        }
        if (member === 0) throw new InputReadError('gzip data is corrupt: bad header');
        if (nonZero) warn(`${extra} bytes of trailing garbage after the gzip data ignored`);
        return;
      }
      if (header === -1) throw new InputReadError('truncated gzip data (header cut)');
      pending = pending.subarray(header);
      const inflate = zlib.createInflateRaw();
      const out: Buffer[] = [];
      let failure: Error | null = null;
      inflate.on('data', (d: Buffer) => out.push(d));
      const failed = new Promise<void>((resolve) => inflate.on('error', (err) => { failure = err; resolve(); }));
      let fed = 0;
      let size = 0;
      let crc = 0;
      const take = function* (): Generator<Buffer> {
        for (const d of out) { size = (size + d.length) >>> 0; if (crc32) crc = crc32(d, crc); yield d; }
        out.length = 0;
      };
      try {
        for (;;) {
          if (pending.length === 0 && !(await pull())) {
            await Promise.race([new Promise<void>((resolve) => { inflate.once('end', resolve); inflate.end(); }), failed]);
            yield* take();
            if (failure) throw new InputReadError('truncated gzip data (unexpected end of file)');
            throw new InputReadError('truncated gzip data (trailer missing)');
          }
          const piece = pending.subarray(0, INFLATE_PIECE);
          pending = pending.subarray(piece.length);
          fed += piece.length;
          await Promise.race([new Promise<void>((resolve) => inflate.write(piece, () => resolve())), failed]);
          yield* take();
          if (failure) throw new InputReadError(`gzip data is corrupt: ${(failure as Error).message}`);
          // The inflater took less than it was given: its deflate stream ended inside this piece.
          if (inflate.bytesWritten < fed) {
            const unused = fed - inflate.bytesWritten;
            pending = pending.length === 0 ? piece.subarray(piece.length - unused) : Buffer.concat([piece.subarray(piece.length - unused), pending]);
            break;
          }
        }
      } finally {
        inflate.destroy();
      }
      while (pending.length < 8 && await pull()) { /* trailer bytes */ }
      if (pending.length < 8) throw new InputReadError('truncated gzip data (trailer cut)');
      if (pending.readUInt32LE(4) !== size || (crc32 && pending.readUInt32LE(0) !== crc >>> 0)) {
        throw new InputReadError('gzip data is corrupt: length or CRC mismatch');
      }
      pending = pending.subarray(8);
    }
  } finally {
    await source.return?.();
  }
}

/**
 * Wraps a raw byte stream: sniffs the container and yields decompressed chunks. Truncated or
 * corrupt data are InputReadErrors; trailing garbage after gzip data is a warning. A binary journal
 * file passes as it is (the record reader reads it natively). `_name`: the input's name (unused).
 */
export async function* decodeContainer(raw: AsyncIterable<Buffer>, _name: string, warn: WarningSink = () => {}): AsyncGenerator<Buffer> {
  const iterator = raw[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  const container = sniffContainer(head);
  const source = withHead(head, iterator);
  // A journal file passes as it is: the record reader knows it by the same signature.
  if (container === 'plain' || container === 'journal-file') { yield* source; return; }
  let stream: AsyncIterable<Buffer>;
  if (container === 'gzip') stream = gunzipMembers(source, warn);
  else if (container === 'zstd') {
    const zlib = await import('node:zlib');
    const make = (zlib as unknown as { createZstdDecompress?: () => Readable & NodeJS.WritableStream }).createZstdDecompress;
    if (make) {
      const z = make();
      stream = z as AsyncIterable<Buffer>;
      void (async () => {
        try { for await (const c of source) if (!z.write(c)) await new Promise((r) => z.once('drain', r)); z.end(); } catch (err) { z.destroy(err as Error); }
      })();
    } else stream = decompressWithCommand('zstd', container, source);
  } else stream = decompressWithCommand('xz', container, source);
  try {
    for await (const chunk of stream) yield chunk;
  } catch (err) {
    if (err instanceof InputReadError) throw err;
    const msg = (err as Error).message;
    if (/unexpected end of file/i.test(msg)) throw new InputReadError(`truncated ${container} data (unexpected end of file)`);
    throw new InputReadError(`${container} data is corrupt: ${msg}`);
  }
}

/** Raw chunks of an open file, each in a new buffer (the decompressors keep them a while). */
async function* freshChunks(handle: FileHandle, first: Buffer): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await handle.read(buf, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) return;
    yield buf.subarray(0, bytesRead);
  }
}

/** How long a named pipe may go without a writer before it is skipped. */
export const FIFO_WRITER_WAIT_MS = 3000;
/** Pause between reads of a named pipe that has a writer but no data yet. */
const FIFO_POLL_MS = 20;

/** Options for opening a file. */
export interface OpenOptions {
  /** Receives warnings (trailing garbage, a pipe without a writer). */
  readonly warn?: WarningSink;
  /** Overrides FIFO_WRITER_WAIT_MS (tests). */
  readonly fifoWaitMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A named pipe (or `<(command)` process substitution), opened without blocking: a blocking open
 * waits for a writer in one of libuv's four pool threads, forever when none comes, and the
 * other inputs wait behind it. Reads are non-blocking too: EAGAIN means a writer is there
 * but quiet; 0 bytes before any writer was seen means none is. Waits `waitMs` for one, then
 * skips the pipe with a warning.
 */
async function* readFifo(path: string, waitMs: number, warn: WarningSink): AsyncGenerator<Buffer> {
  const handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  try {
    const deadline = Date.now() + waitMs;
    let writerSeen = false;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buf, 0, CHUNK_BYTES, null));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        writerSeen = true;
        await sleep(FIFO_POLL_MS);
        continue;
      }
      if (bytesRead > 0) { writerSeen = true; yield buf.subarray(0, bytesRead); continue; }
      if (writerSeen) return; // the writer closed: end of data
      if (Date.now() >= deadline) {
        warn(`named pipe with no writer after ${Math.round(waitMs / 100) / 10} s (skipped)`);
        return;
      }
      await sleep(FIFO_POLL_MS * 5);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Opens a file path. Directories and unreadable files raise InputReadError.
 * A plain file is read READS_AHEAD chunks ahead (the reads run in libuv's thread pool while the
 * caller scans the chunk before them; with one read ahead the scan waited for it on every chunk)
 * into READ_BUFFERS buffers used in turn. A chunk therefore stays valid until the caller has asked
 * for the next two; the line splitter copies what it keeps. A short read ends the file. Reusing
 * warm buffers saves a page fault per 4 KiB (~40 ms per 157 MB against a new buffer per chunk).
 * Named pipes are read without blocking the thread pool (see readFifo).
 */
export async function* readFileChunks(path: string, options: OpenOptions = {}): AsyncGenerator<Buffer> {
  const warn = options.warn ?? (() => {});
  let info;
  try { info = await stat(path); } catch (err) {
    throw new InputReadError(errorText(err));
  }
  if (info.isDirectory()) throw new InputReadError('is a directory (pass files or a glob)');
  if (info.isFIFO()) {
    try {
      yield* decodeContainer(readFifo(path, options.fifoWaitMs ?? FIFO_WRITER_WAIT_MS, warn), path, warn);
    } catch (err) {
      if (err instanceof InputReadError) throw err;
      throw new InputReadError(errorText(err));
    }
    return;
  }
  let handle: FileHandle | undefined;
  /** Reads of a plain file started and not yet awaited, oldest first. */
  const inFlight: Promise<number>[] = [];
  try {
    handle = await open(path, 'r');
    const head = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await handle.read(head, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) return;
    const first = head.subarray(0, bytesRead);
    if (sniffContainer(first) !== 'plain') {
      yield* decodeContainer(freshChunks(handle, first), path, warn);
      return;
    }
    const buffers = [head, ...Array.from({ length: READ_BUFFERS - 1 }, () => Buffer.allocUnsafe(CHUNK_BYTES))];
    const file = handle;
    // A regular file is read at explicit offsets: several reads are in flight at once, each into its
    // own buffer, and a short read is its end. A device (`/dev/zero`, a terminal) has no offsets:
    // one read at a time from where the last one stopped, until one returns nothing.
    const seekable = info.isFile();
    const readsAhead = seekable ? READS_AHEAD : 1;
    let offset = bytesRead;
    const readInto = (turn: number): Promise<number> => {
      const at = offset;
      offset += CHUNK_BYTES;
      const read = file.read(buffers[turn]!, 0, CHUNK_BYTES, seekable ? at : null).then((r) => r.bytesRead);
      // A read that fails while an earlier one is awaited is no unhandled rejection: its error is
      // thrown where it is awaited in turn.
      read.catch(() => {});
      return read;
    };
    for (let k = 1; k <= readsAhead; k += 1) inFlight.push(readInto(k));
    yield first;
    for (let turn = 1; ; turn = (turn + 1) % READ_BUFFERS) {
      const n = await (inFlight.shift() as Promise<number>);
      if (n === 0) return;
      inFlight.push(readInto((turn + readsAhead) % READ_BUFFERS));
      yield buffers[turn]!.subarray(0, n);
      if (seekable && n < CHUNK_BYTES) return;
    }
  } catch (err) {
    if (err instanceof InputReadError) throw err;
    throw new InputReadError(errorText(err));
  } finally {
    // A caller that stops early leaves reads in flight: let them settle before closing.
    await Promise.allSettled(inFlight);
    await handle?.close();
  }
}

function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory (pass files or a glob)' : (err as Error).message;
}

async function* asBuffers(input: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): AsyncGenerator<Buffer> {
  for await (const part of input as AsyncIterable<string | Uint8Array>) {
    if (part.length === 0) continue;
    yield typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.isBuffer(part) ? part : Buffer.from(part);
  }
}

/**
 * Normalises any async iterable of strings/bytes into Buffer chunks (library input, stdin),
 * decompressed by magic bytes like files (`zcat`-less `rbd-explain < syslog.gz`).
 */
export function toBufferChunks(input: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, name = '<stream>', warn?: WarningSink): AsyncGenerator<Buffer> {
  return decodeContainer(asBuffers(input), name, warn);
}
