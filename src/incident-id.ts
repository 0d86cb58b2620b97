/**
 * Incident ids: `inc-` and the first 10 hex digits of the SHA-1 of a grouping key, stable across
 * runs. node:crypto loads on the first id, so runs that find nothing never load it.
 */
import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | null = null;

/** The id of the incident grouped under `key`. */
export function incidentId(key: string): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return `inc-${crypto.createHash('sha1').update(key).digest('hex').slice(0, 10)}`;
}
