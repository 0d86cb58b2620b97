/**
 * Decompression of DATA payloads. Each compressed payload is independent:
 * - zstd: one zstd frame. Node's zlib where it has zstd (Node ≥ 22.15/23.8), else `fzstd`
 *   (pure JS, no dependencies);
 * - lz4: u64 LE uncompressed size, then one LZ4 block (lz4-block.ts);
 * - xz: one xz stream, through the `xz` command (xz-utils is on every Debian/Proxmox node);
 *   xz journals predate systemd 229, so the cost of one process per payload is rarely paid.
 * Why these: docs/journal-files.md (measured).
 */
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { decompress as fzstdDecompress } from 'fzstd';
import { lz4DecodeBlock } from './lz4-block.js';

/** Compression of one object (its flag bits). */
export type PayloadCompression = 'xz' | 'lz4' | 'zstd';

/** Object flag bits (ObjectHeader.flags). */
export const OBJECT_COMPRESSION_FLAGS: Readonly<Record<PayloadCompression, number>> = { xz: 1, lz4: 2, zstd: 4 };

/** A payload that does not decompress. */
export class DecompressError extends Error {}

/** The largest decompressed payload accepted (as the export reader's largest field). */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

type SyncZstd = (buf: Uint8Array, options?: { maxOutputLength?: number }) => Buffer;
const nodeZstd = (zlib as unknown as { zstdDecompressSync?: SyncZstd }).zstdDecompressSync;

/** Which zstd decoder runs here (for docs and the bench). */
export const ZSTD_DECODER: 'node:zlib' | 'fzstd' = nodeZstd ? 'node:zlib' : 'fzstd';

/** Decompresses one payload; throws DecompressError with a short reason. */
export function decompressPayload(compression: PayloadCompression, data: Uint8Array): Buffer {
  try {
    if (compression === 'zstd') {
      if (nodeZstd) return nodeZstd(data, { maxOutputLength: MAX_PAYLOAD_BYTES });
      const out = fzstdDecompress(data);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    }
    if (compression === 'lz4') {
      if (data.length < 8) throw new DecompressError('lz4 payload shorter than its size prefix');
      const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const size = view.readUInt32LE(0) + view.readUInt32LE(4) * 0x100000000;
      if (size > MAX_PAYLOAD_BYTES) throw new DecompressError(`lz4 payload claims ${size} bytes`);
      return lz4DecodeBlock(data.subarray(8), size);
    }
    return xzDecompress(data);
  } catch (err) {
    if (err instanceof DecompressError) throw err;
    throw new DecompressError(`${compression}: ${(err as Error).message}`);
  }
}

function xzDecompress(data: Uint8Array): Buffer {
  const run = spawnSync('xz', ['-dc'], { input: data, maxBuffer: MAX_PAYLOAD_BYTES, stdio: ['pipe', 'pipe', 'pipe'] });
  if (run.error) throw new DecompressError(`cannot run xz: ${run.error.message}`);
  if (run.status !== 0) throw new DecompressError(`xz -dc failed: ${run.stderr.toString().trim().split('\n').pop() ?? `exit ${run.status}`}`);
  return run.stdout;
}
