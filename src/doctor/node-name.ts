/**
 * Which node a `--root` stands for. A collected tree is another machine: its findings must carry
 * that machine's name, never the name of the machine the doctor runs on.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import type { NodeInput } from './types.js';

/** The tree's own host name (`etc/hostname`, first word), or null when it has none. */
function treeHostname(root: string): string | null {
  try {
    const name = readFileSync(resolve(root, 'etc/hostname'), 'utf8').trim().split(/\s+/)[0] ?? '';
    return /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(name) ? name : null;
  } catch {
    return null;
  }
}

/**
 * Nodes for `--root` values: `NODE=DIR` names the node; a bare `DIR` is named by the tree's
 * `etc/hostname`, else by its folder; `/` (or no root at all) is this machine, `thisHost`.
 */
export function nodeInputsFromRoots(roots: readonly string[], thisHost: string = hostname()): NodeInput[] {
  if (roots.length === 0) return [{ node: thisHost, root: '/' }];
  return roots.map((r) => {
    const eq = r.indexOf('=');
    if (eq > 0) return { node: r.slice(0, eq), root: r.slice(eq + 1) };
    if (resolve(r) === '/') return { node: thisHost, root: r };
    return { node: treeHostname(r) ?? (basename(resolve(r)) || r), root: r };
  });
}
