/**
 * A Proxmox tasks directory (`/var/log/pve/tasks` or a copy): `index` (+ `index.1`) lines
 * `<UPID> <endtime %08X> <status>`, `active` lines `<UPID> <saved>[ <endtime>[ <status>]]`,
 * and the task logs `<D>/UPID:…` (docs/message-catalog.md, "Task workers").
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findUpid } from '../upid.js';
import type { Upid } from '../types.js';

/** A finished task as the index (or `active`) records it. */
export interface TaskIndexEntry {
  readonly upid: Upid;
  /** Epoch ms of the end, or null when the line has none. */
  readonly endMs: number | null;
  readonly status: string;
  /** The index file and 1-based line the entry comes from. */
  readonly source: string;
  readonly line: number;
}

/** What a tasks directory holds. */
export interface TasksDir {
  readonly dir: string;
  /** Task log files, oldest task first. */
  readonly files: string[];
  /** Finished tasks whose log file is gone: their index line is the only evidence left. */
  readonly orphans: TaskIndexEntry[];
}

const INDEX_FILES = ['index.1', 'index', 'active'] as const;
const HEX_DIR = /^[0-9A-Fa-f]$/;

/** True when `dir` looks like a tasks directory: an `index` or `active` file beside hex subfolders (or alone). */
export async function isTasksDir(dir: string): Promise<boolean> {
  let names: string[];
  try { names = await readdir(dir); } catch { return false; }
  if (!names.some((n) => n === 'index' || n === 'active' || n === 'index.1')) return false;
  return names.every((n) => HEX_DIR.test(n) || (INDEX_FILES as readonly string[]).includes(n) || n.startsWith('.'));
}

/** Parses one `index`/`active` line; null for running tasks and junk. */
export function parseIndexLine(text: string, source: string, line: number): TaskIndexEntry | null {
  const upid = findUpid(text);
  if (!upid || !text.startsWith(upid.text)) return null;
  const rest = text.slice(upid.text.length).trim();
  let fields = rest.split(' ');
  // `active`: a saved flag (0|1) comes first.
  if (source.endsWith('active')) {
    if (!/^[01]$/.test(fields[0] ?? '')) return null;
    fields = fields.slice(1);
  }
  const [end, ...status] = fields;
  if (!end || !/^[0-9A-Fa-f]{8}$/.test(end) || status.length === 0) return null;
  return { upid, endMs: parseInt(end, 16) * 1000, status: status.join(' '), source, line };
}

async function readIndex(path: string): Promise<TaskIndexEntry[]> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch { return []; }
  const out: TaskIndexEntry[] = [];
  text.split('\n').forEach((l, i) => {
    const entry = parseIndexLine(l.trimEnd(), path, i + 1);
    if (entry) out.push(entry);
  });
  return out;
}

/** Optional time window (epoch ms) on task end (index) or start (files without an index line). */
export interface TaskWindow {
  readonly fromMs?: number | null;
  readonly toMs?: number | null;
}

function inWindow(startMs: number, endMs: number | null, w: TaskWindow): boolean {
  if (w.toMs != null && startMs > w.toMs) return false;
  if (w.fromMs != null && (endMs ?? startMs) < w.fromMs) return false;
  return true;
}

/** Lists a tasks directory: its task files and the index lines of tasks whose file is gone. */
export async function readTasksDir(dir: string, window: TaskWindow = {}): Promise<TasksDir> {
  const root = dir.replace(/\/+$/, '') || '/';
  const files: { path: string; start: number; upid: string }[] = [];
  for (const sub of (await readdir(root).catch(() => [] as string[])).filter((n) => HEX_DIR.test(n)).sort()) {
    const subdir = join(root, sub);
    if (!(await stat(subdir).catch(() => null))?.isDirectory()) continue;
    for (const name of await readdir(subdir).catch(() => [] as string[])) {
      const upid = name.startsWith('UPID:') ? findUpid(name) : null;
      if (upid) files.push({ path: join(subdir, name), start: upid.startTime * 1000, upid: upid.text });
    }
  }
  const byUpid = new Map<string, TaskIndexEntry>();
  for (const name of INDEX_FILES) {
    for (const entry of await readIndex(join(root, name))) if (!byUpid.has(entry.upid.text)) byUpid.set(entry.upid.text, entry);
  }
  const withFile = new Set(files.map((f) => f.upid));
  const kept = files
    .filter((f) => inWindow(f.start, byUpid.get(f.upid)?.endMs ?? null, window))
    .sort((a, b) => a.start - b.start || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const orphans = [...byUpid.values()]
    .filter((e) => !withFile.has(e.upid.text) && inWindow(e.upid.startTime * 1000, e.endMs, window))
    .sort((a, b) => (a.endMs ?? 0) - (b.endMs ?? 0) || a.line - b.line);
  return { dir: root, files: kept.map((f) => f.path), orphans };
}
