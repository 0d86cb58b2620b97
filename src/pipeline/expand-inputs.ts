/**
 * Expands file arguments: globs (fast-glob), directories (all files below), plain paths.
 * Rotated logs come oldest first (`syslog.2.gz`, `syslog.1`, `syslog`), across all the
 * arguments (`syslog 'syslog.*'` too); a tasks directory
 * (`index`/`active` beside hex folders) becomes one tasks source; the per-node folders of
 * a support bundle give a node name for lines that carry none.
 */
import type FastGlob from 'fast-glob';
import { stat } from 'node:fs/promises';
import { dirname, normalize, relative, sep } from 'node:path';
import type { InputError } from '../types.js';
import type { Source } from './sources.js';
import { isTasksDir } from '../sources/tasks-dir.js';

/** fast-glob, loaded on the first glob or directory (plain file arguments never need it). */
const glob = async (): Promise<typeof FastGlob> => (await import('fast-glob')).default;

/** The sources to read, and the arguments that gave nothing to read. */
export interface ExpandedInputs {
  /** Plain files (tasks directories not included), in reading order. */
  readonly files: string[];
  readonly sources: Source[];
  /** Globs that matched nothing, directories that could not be read or held no file (they belong in the result's `errors`). */
  readonly errors: InputError[];
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

/** Rotations of one log oldest first, the live file last; different logs by name. */
function compareRotated(a: string, b: string): number {
  const [sa, na] = rotationKey(a);
  const [sb, nb] = rotationKey(b);
  return sa < sb ? -1 : sa > sb ? 1 : na - nb || (a < b ? -1 : a > b ? 1 : 0);
}

/** Orders files so that rotations of one log are read oldest first (and logs by name). */
export function sortRotated(paths: readonly string[]): string[] {
  return [...paths].sort(compareRotated);
}

/** The bundle folder a file sits in below `root`, when it looks like a node name. */
function nodeHintFor(root: string, path: string): string | null {
  const parts = relative(root, path).split(sep);
  if (parts.length < 2) return null;
  const first = parts[0] ?? '';
  return NODE_NAME.test(first) && !NOT_A_NODE.has(first.toLowerCase()) && !/^[0-9A-F]$/i.test(first) ? first : null;
}

/** Reads a directory's files into `sources`; a problem that left nothing to read, else null. */
async function expandDirectory(arg: string, sources: Source[]): Promise<string | null> {
  const root = arg.replace(/\/+$/, '') || '/';
  if (await isTasksDir(root)) { sources.push({ kind: 'tasks', dir: root }); return null; }
  const fg = await glob();
  let matches: string[];
  try {
    matches = await fg(`${fg.escapePath(root)}/**/*`, { onlyFiles: true, dot: false });
  } catch (err) {
    return `directory could not be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  if (matches.length === 0) return 'no file in this directory';
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
  }
  for (const dir of taskRoots.sort()) sources.push({ kind: 'tasks', dir });
  return null;
}

/**
 * Each rotation set (files of one stem: `syslog`, `syslog.1`, `syslog.2.gz`) read together,
 * oldest first, where its first member was named; other sources keep their order.
 */
function groupRotations(sources: readonly Source[]): Source[] {
  const stemOf = (s: Source): string | null => (s.kind === 'file' ? rotationKey(normalize(s.path))[0] : null);
  const sets = new Map<string, Extract<Source, { kind: 'file' }>[]>();
  for (const s of sources) if (s.kind === 'file') sets.set(stemOf(s) as string, [...(sets.get(stemOf(s) as string) ?? []), s]);
  const out: Source[] = [];
  for (const s of sources) {
    const stem = stemOf(s);
    if (stem === null) { out.push(s); continue; }
    const set = sets.get(stem);
    if (!set) continue; // placed with its first member
    sets.delete(stem);
    out.push(...set.sort((a, b) => compareRotated(a.path, b.path)));
  }
  return out;
}

/** Expands the arguments: each in order, except that rotation sets are read oldest first. */
export async function expandInputs(args: readonly string[]): Promise<ExpandedInputs> {
  const sources: Source[] = [];
  const errors: InputError[] = [];
  for (const arg of args) {
    if (GLOB_CHARS.test(arg)) {
      let matches: string[];
      try {
        matches = sortRotated(await (await glob())(arg, { onlyFiles: true, dot: false, followSymbolicLinks: true }));
      } catch (err) {
        errors.push({ source: arg, message: `could not be expanded: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        continue;
      }
      if (matches.length === 0) errors.push({ source: arg, message: 'no file matches' });
      for (const path of matches) sources.push({ kind: 'file', path });
      continue;
    }
    let isDir = false;
    try { isDir = (await stat(arg)).isDirectory(); } catch { /* a missing file is reported when it is read */ }
    if (!isDir) { sources.push({ kind: 'file', path: arg }); continue; }
    const problem = await expandDirectory(arg, sources);
    if (problem) errors.push({ source: arg, message: problem });
  }
  const ordered = groupRotations(sources);
  return { files: ordered.flatMap((s) => (s.kind === 'file' ? [s.path] : [])), sources: ordered, errors };
}
