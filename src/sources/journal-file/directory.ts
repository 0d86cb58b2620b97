/**
 * The journal files of a directory, as `journalctl --directory=DIR` takes them: the files in DIR
 * and in its direct subdirectories (`/var/log/journal/<machine-id>/`, `remote/`), recognised by
 * their signature whatever their name (`system.journal`, `system@….journal~`, `remote-<host>.journal`).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isJournalFile } from './sniff.js';

/** Journal file paths below `dir` (one level down), sorted; throws the fs error when `dir` cannot be listed. */
export async function journalFilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (at: string, depth: number): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true });
    for (const e of entries) {
      const path = join(at, e.name);
      if (e.isDirectory() && depth === 0) await visit(path, 1).catch(() => undefined);
      else if (e.isFile() && await isJournalFile(path)) found.push(path);
    }
  };
  await visit(dir, 0);
  return found.sort();
}
