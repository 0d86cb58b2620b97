/** Our own version, from our own package.json (yargs would guess from the nearest one, a consumer's). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version in rbd-explain's package.json, found by walking up from this module. */
export function ownVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rbd-explain' && pkg.version) return pkg.version;
    } catch { /* no package.json here: go up */ }
    if (dirname(dir) === dir) return 'unknown';
  }
}
