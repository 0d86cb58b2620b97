/** Recognises a binary journal file by its first eight bytes (`LPKSHHRH`), never by its name. */
import { open, stat } from 'node:fs/promises';
import { JOURNAL_SIGNATURE } from './header.js';

const SIGNATURE = Buffer.from(JOURNAL_SIGNATURE, 'latin1');

/** True when `head` starts with the journal signature. */
export function hasJournalSignature(head: Uint8Array): boolean {
  return head.length >= SIGNATURE.length && SIGNATURE.equals(head.subarray(0, SIGNATURE.length));
}

/**
 * True when the regular file at `path` starts with the journal signature (false when it cannot be
 * read). FIFOs, devices and directories are never opened here: opening a FIFO without a writer
 * would block.
 */
export async function isJournalFile(path: string): Promise<boolean> {
  let handle;
  try {
    if (!(await stat(path)).isFile()) return false;
    handle = await open(path, 'r');
    const head = Buffer.alloc(SIGNATURE.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && hasJournalSignature(head);
  } catch {
    return false; // unreadable: the ordinary reader reports why
  } finally {
    await handle?.close();
  }
}

/** Largest journal file read into memory whole (from a stream or a compressed file). */
export const MAX_IN_MEMORY_JOURNAL_BYTES = 512 * 1024 * 1024;
