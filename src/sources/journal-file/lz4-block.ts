/**
 * LZ4 block decoder (the raw block format, no frame). systemd stores an LZ4-compressed DATA
 * payload as the uncompressed size (u64 LE) followed by one block. The block format is a
 * sequence of: token (literal length high nibble, match length low nibble), extra length
 * bytes (255 = more follow), literals, a 2-byte LE match offset, extra match length bytes.
 * The last sequence has literals only. Written here rather than taken from npm: it is this
 * small, and every read is bounds-checked so a damaged block fails instead of overrunning.
 */

/** A block that does not decode to exactly `size` bytes. */
export class Lz4Error extends Error {}

const MIN_MATCH = 4;

/** Decodes `src` (one LZ4 block) into exactly `size` bytes. */
export function lz4DecodeBlock(src: Uint8Array, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let si = 0;
  let oi = 0;
  const end = src.length;
  for (;;) {
    if (si >= end) throw new Lz4Error('lz4 block ends inside a sequence');
    const token = src[si++] as number;
    let literals = token >>> 4;
    if (literals === 15) {
      for (;;) {
        if (si >= end) throw new Lz4Error('lz4 literal length runs past the block');
        const b = src[si++] as number;
        literals += b;
        if (b !== 255) break;
      }
    }
    if (si + literals > end || oi + literals > size) throw new Lz4Error('lz4 literals run past the block or the stated size');
    out.set(src.subarray(si, si + literals), oi);
    si += literals;
    oi += literals;
    if (si === end) break; // the last sequence carries literals only
    if (si + 2 > end) throw new Lz4Error('lz4 match offset cut');
    const distance = (src[si] as number) | ((src[si + 1] as number) << 8);
    si += 2;
    if (distance === 0 || distance > oi) throw new Lz4Error(`lz4 match offset ${distance} points before the output`);
    let matchLength = (token & 15) + MIN_MATCH;
    if ((token & 15) === 15) {
      for (;;) {
        if (si >= end) throw new Lz4Error('lz4 match length runs past the block');
        const b = src[si++] as number;
        matchLength += b;
        if (b !== 255) break;
      }
    }
    if (oi + matchLength > size) throw new Lz4Error('lz4 match runs past the stated size');
    let from = oi - distance;
    if (distance >= matchLength) {
      out.copyWithin(oi, from, from + matchLength);
      oi += matchLength;
    } else {
      // Overlapping copy (a run): byte by byte repeats the last `distance` bytes.
      for (let k = 0; k < matchLength; k++) out[oi++] = out[from++] as number;
    }
  }
  if (oi !== size) throw new Lz4Error(`lz4 block gave ${oi} bytes, ${size} stated`);
  return out;
}
