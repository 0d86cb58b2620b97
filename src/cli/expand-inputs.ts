/**
 * Expands file arguments: globs (fast-glob), directories (all files below), plain paths.
 * Rotated logs come oldest first (`syslog.2.gz`, `syslog.1`, `syslog`); a tasks directory
 * (`index`/`active` beside hex folders) becomes one tasks source; the per-node folders of
 * a support bundle give a node name for lines that carry none.
 */
import type FastGlob from 'fast-glob';
import { stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import type { Source } from '../pipeline/sources.js';
import { isTasksDir } from '../sources/tasks-dir.js';

/** fast-glob, loaded on the first glob or directory (plain file arguments never need it). */
const glob = async (): Promise<typeof FastGlob> => (await import('fast-glob')).default;

/** The sources to read, and arguments that matched nothing. */
export interface ExpandedInputs {
  /** Plain files (tasks directories not included), in reading order. */
  readonly files: string[];
  readonly sources: Source[];
  readonly unmatched: string[];
}

const GLOB_CHARS = /[*?[\]{}]/;
const ROTATED = /^(.*?)(?:\.(\d+)|-(\d{8}))?(?:\.(?:gz|xz|zst|bz2))?$/;
/** Folder names of a bundle that are not node names. */
const NOT_A_NODE = new Set(['var', 'log', 'logs', 'etc', 'pve', 'tasks', 'journal', 'ceph', 'apt', 'installer', 'private', 'syslog', 'qemu-server', 'lxc']);
const NODE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** Sort key of a possibly rotated log: its stem, then oldest rotation first, the live file last. */
function rotationKey(path: string): [string, number] {
  const m = ROTATED.exec(path);
  if (!m) return [path, Infinity];
  if (m[2] !== undefined) return [m[1] ?? path, -Number(m[2])];
  if (m[3] !== undefined) return [m[1] ?? path, Number(m[3]) - 1e9];
  return [m[1] ?? path, Infinity];
}

/** Orders files so that rotations of one log are read oldest first. */
export function sortRotated(paths: readonly string[]): string[] {
  return [...paths].sort((a, b) => {
    const [sa, na] = rotationKey(a);
    const [sb, nb] = rotationKey(b);
    return sa < sb ? -1 : sa > sb ? 1 : na - nb || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/** The bundle folder a file sits in below `root`, when it looks like a node name. */
function nodeHintFor(root: string, path: string): string | null {
  const parts = relative(root, path).split(sep);
  if (parts.length < 2) return null;
  const first = parts[0] ?? '';
  return NODE_NAME.test(first) && !NOT_A_NODE.has(first.toLowerCase()) && !/^[0-9A-F]$/i.test(first) ? first : null;
}

async function expandDirectory(arg: string, sources: Source[], files: string[]): Promise<boolean> {
  const root = arg.replace(/\/+$/, '') || '/';
  if (await isTasksDir(root)) { sources.push({ kind: 'tasks', dir: root }); return true; }
  const fg = await glob();
  const matches = await fg(`${fg.escapePath(root)}/**/*`, { onlyFiles: true, dot: false });
  if (matches.length === 0) return false;
  const taskRoots: string[] = [];
  for (const m of matches) {
    const base = m.slice(m.lastIndexOf('/') + 1);
    const parent = dirname(m);
    if ((base === 'index' || base === 'active' || base === 'index.1') && !taskRoots.includes(parent) && await isTasksDir(parent)) taskRoots.push(parent);
  }
  const inTasks = (p: string): boolean => taskRoots.some((t) => p.startsWith(`${t}/`));
  for (const path of sortRotated(matches.filter((m) => !inTasks(m)))) {
    const nodeHint = nodeHintFor(root, path);
    sources.push({ kind: 'file', path, ...(nodeHint ? { nodeHint } : {}) });
    files.push(path);
  }
  for (const dir of taskRoots.sort()) sources.push({ kind: 'tasks', dir });
  return true;
}

/** Expands each argument in order. */
export async function expandInputs(args: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const sources: Source[] = [];
  const unmatched: string[] = [];
  for (const arg of args) {
    if (GLOB_CHARS.test(arg)) {
      const matches = sortRotated(await (await glob())(arg, { onlyFiles: true, dot: false, followSymbolicLinks: true }));
      if (matches.length === 0) unmatched.push(arg);
      for (const path of matches) { files.push(path); sources.push({ kind: 'file', path }); }
      continue;
    }
    let isDir = false;
    try { isDir = (await stat(arg)).isDirectory(); } catch { /* a missing file is reported when it is read */ }
    if (isDir) {
      if (!(await expandDirectory(arg, sources, files))) unmatched.push(arg);
    } else { files.push(arg); sources.push({ kind: 'file', path: arg }); }
  }
  return { files, sources, unmatched };
}
