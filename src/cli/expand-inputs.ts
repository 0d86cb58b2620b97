/** Expands file arguments: globs (fast-glob), directories (all files below), plain paths. */
import fg from 'fast-glob';
import { stat } from 'node:fs/promises';

/** The files to read, and arguments that matched nothing. */
export interface ExpandedInputs {
  readonly files: string[];
  readonly unmatched: string[];
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Expands each argument in order; results of one glob or directory are sorted for stable output. */
export async function expandInputs(args: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const unmatched: string[] = [];
  for (const arg of args) {
    if (GLOB_CHARS.test(arg)) {
      const matches = (await fg(arg, { onlyFiles: true, dot: false, followSymbolicLinks: true })).sort();
      if (matches.length === 0) unmatched.push(arg);
      files.push(...matches);
      continue;
    }
    let isDir = false;
    try { isDir = (await stat(arg)).isDirectory(); } catch { /* a missing file is reported when it is read */ }
    if (isDir) {
      const pattern = `${fg.escapePath(arg.replace(/\/+$/, ''))}/**/*`;
      const matches = (await fg(pattern, { onlyFiles: true, dot: false })).sort();
      if (matches.length === 0) unmatched.push(arg);
      files.push(...matches);
    } else files.push(arg);
  }
  return { files, unmatched };
}
