/**
 * Opens one input (file or stream) as an async iterable of Buffer chunks,
 * decompressing by magic bytes (gzip, zstd, xz), never by file extension.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import * as zlib from 'node:zlib';
import type { Readable } from 'node:stream';

/** Chunk size for reading: large reads, few syscalls. */
export const CHUNK_BYTES = 1 << 20;

/** What the first bytes say the data is. */
export type Container = 'plain' | 'gzip' | 'zstd' | 'xz' | 'journal-file';

/** Identifies compressed or binary journal data from its first bytes. */
export function sniffContainer(head: Buffer): Container {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 8 && head.subarray(0, 8).toString('latin1') === 'LPKSHHRH') return 'journal-file';
  return 'plain';
}

/** Error with a message meant for one stderr line. */
export class InputReadError extends Error {}

async function* withHead(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

function decompressWithCommand(command: string, source: AsyncIterable<Buffer>): Readable {
  const child = spawn(command, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.on('error', (err) => child.stdout.destroy(new InputReadError(`cannot run ${command} to decompress: ${err.message}`)));
  child.on('close', (code) => {
    if (code && code !== 0) child.stdout.destroy(new InputReadError(`${command} -dc failed: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`));
  });
  child.stdin.on('error', () => { /* the child ended early; its exit status reports why */ });
  void (async () => {
    try {
      for await (const chunk of source) if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
    } catch { /* the read error is reported by the caller */ }
    child.stdin.end();
  })();
  return child.stdout;
}

/** Wraps a raw byte stream: sniffs the container and yields decompressed chunks. */
export async function* decodeContainer(raw: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const iterator = raw[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  const container = sniffContainer(head);
  const source = withHead(head, iterator);
  if (container === 'plain') { yield* source; return; }
  if (container === 'journal-file') {
    throw new InputReadError(`${name}: binary journal file; read it with: journalctl --file=${name} -o export | rbd-explain`);
  }
  let stream: Readable;
  if (container === 'gzip') {
    const gunzip = createGunzip();
    stream = gunzip;
    void (async () => {
      try { for await (const c of source) if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r)); gunzip.end(); }
      catch (err) { gunzip.destroy(err as Error); }
    })();
  } else if (container === 'zstd') {
    const make = (zlib as unknown as { createZstdDecompress?: () => Readable & NodeJS.WritableStream }).createZstdDecompress;
    if (make) {
      const z = make();
      stream = z;
      void (async () => {
        try { for await (const c of source) z.write(c); z.end(); } catch (err) { z.destroy(err as Error); }
      })();
    } else stream = decompressWithCommand('zstd', source);
  } else stream = decompressWithCommand('xz', source);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    const msg = (err as Error).message;
    if (/unexpected end of file/i.test(msg)) throw new InputReadError(`truncated ${container} data (unexpected end of file)`);
    throw new InputReadError(`${container} data is corrupt: ${msg}`);
  }
}

/** Opens a file path. Directories and unreadable files raise InputReadError. */
export async function* readFileChunks(path: string): AsyncGenerator<Buffer> {
  let info;
  try { info = await stat(path); } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputReadError(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message);
  }
  if (info.isDirectory()) throw new InputReadError('is a directory (pass files or a glob)');
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  try {
    yield* decodeContainer(stream as AsyncIterable<Buffer>, path);
  } catch (err) {
    if (err instanceof InputReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputReadError(code === 'EACCES' ? 'permission denied' : (err as Error).message);
  } finally {
    stream.destroy();
  }
}

/** Normalises any async iterable of strings/bytes into Buffer chunks (library input). */
export async function* toBufferChunks(input: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): AsyncGenerator<Buffer> {
  for await (const part of input as AsyncIterable<string | Uint8Array>) {
    yield typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.isBuffer(part) ? part : Buffer.from(part);
  }
}
