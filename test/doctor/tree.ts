// Test helpers: copies a fixture tree to a temp dir and sets the modes git does not keep.
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** fixtures/doctor, from dist/test/doctor/*.js or test/doctor/*.ts alike. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'doctor');

const made: string[] = [];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.isFile() ? [p] : [];
  });
}

/** A temp copy of fixtures/doctor/<name> with every keyring at 0600 (symlinks kept as they are). */
export function copyTree(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rbdx-doctor-'));
  made.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true, verbatimSymlinks: true });
  for (const file of walk(dir)) if (file.endsWith('.keyring')) chmodSync(file, 0o600);
  return dir;
}

/** Writes a file into a copied tree (node path). */
export function writeInTree(root: string, path: string, text: string): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

/** Every cephx-shaped key planted anywhere under fixtures/doctor. */
export function plantedKeys(): string[] {
  const keys = new Set<string>();
  for (const file of walk(FIXTURES)) for (const m of readFileSync(file, 'utf8').matchAll(/AQ[A-Za-z0-9+/]{36}==/g)) keys.add(m[0]);
  return [...keys];
}

/** Removes the temp copies. */
export function cleanTrees(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
