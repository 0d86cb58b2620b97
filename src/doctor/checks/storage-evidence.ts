/** Evidence lines pointing at a storage's definition in storage.cfg. */
import type { Evidence } from '../../types.js';
import { fileEvidence } from '../finding.js';
import { STORAGE_CFG_PATH } from '../storage-cfg.js';
import type { RbdStorage } from '../types.js';

/** The `rbd: <id>` header plus the given options' lines (as `name value`). */
export function storageEvidence(storage: RbdStorage, options: readonly string[] = []): Evidence[] {
  const lines = [fileEvidence(STORAGE_CFG_PATH, storage.line, `rbd: ${storage.id}`)];
  const values: Record<string, string | null> = {
    pool: storage.pool, 'data-pool': storage.dataPool, monhost: storage.monhost, username: storage.username,
    keyring: storage.keyring, namespace: storage.namespace, nodes: storage.nodes?.join(',') ?? null,
  };
  for (const option of options) {
    const line = storage.optionLines[option];
    if (line !== undefined) lines.push(fileEvidence(STORAGE_CFG_PATH, line, `${option} ${values[option] ?? ''}`.trim()));
  }
  return lines;
}

/** Line of an option in the storage's section, falling back to the section header. */
export function storageOptionLine(storage: RbdStorage, option: string): number {
  return storage.optionLines[option] ?? storage.line;
}
