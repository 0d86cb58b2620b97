/**
 * Reads a node's files from under a root directory. Symlinks are followed inside the root, so a
 * collected tree where `/etc/ceph/ceph.conf -> /etc/pve/ceph.conf` resolves to the tree's own copy.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileFacts } from './types.js';

const MAX_LINK_HOPS = 40;

/** Where a node path lands on this machine once symlinks are followed inside the root. */
interface ResolvedPath {
  readonly hostPath: string;
  /** The node path after following links. */
  readonly nodePath: string;
  /** Target of the last component when it was a symlink, else null. */
  readonly linkTarget: string | null;
}

function resolveInRoot(root: string, nodePath: string): ResolvedPath {
  let pending = nodePath.split('/').filter((p) => p.length > 0);
  let done: string[] = [];
  let linkTarget: string | null = null;
  let hops = 0;
  while (pending.length > 0) {
    const part = pending[0] as string;
    pending = pending.slice(1);
    if (part === '.') continue;
    if (part === '..') { done = done.slice(0, -1); continue; }
    const candidate = join(root, ...done, part);
    let isLink = false;
    try { isLink = lstatSync(candidate).isSymbolicLink(); } catch { done = [...done, part, ...pending]; break; }
    if (!isLink || hops >= MAX_LINK_HOPS) { done = [...done, part]; continue; }
    hops += 1;
    const target = readlinkSync(candidate);
    if (pending.length === 0) linkTarget = target;
    if (target.startsWith('/')) done = [];
    pending = [...target.split('/').filter((p) => p.length > 0), ...pending];
  }
  return { hostPath: join(root, ...done), nodePath: `/${done.join('/')}`, linkTarget };
}

/** sha256 hex digest of a buffer or string, as `sha256sum` prints it. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Read access to the files of one node, all paths given as seen on that node. */
export class RootedFs {
  /** Directory standing for the node's `/`. */
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Existence, mode, hash and link target of a node path; never throws. */
  facts(path: string): FileFacts {
    const resolved = resolveInRoot(this.root, path);
    let mode: number | null = null;
    try {
      const st = statSync(resolved.hostPath);
      mode = st.mode & 0o7777;
      if (!st.isFile()) return { path, exists: true, readable: false, mode, sha256: null, linkTarget: resolved.linkTarget };
    } catch {
      return { path, exists: false, readable: false, mode: null, sha256: null, linkTarget: resolved.linkTarget };
    }
    const bytes = this.readBytes(path);
    return { path, exists: true, readable: bytes !== null, mode, sha256: bytes === null ? null : sha256Hex(bytes), linkTarget: resolved.linkTarget };
  }

  /** Whether the root itself is a directory this process can list. */
  rootState(): 'directory' | 'not-directory' | 'missing' {
    try {
      if (!statSync(this.root).isDirectory()) return 'not-directory';
      readdirSync(this.root);
      return 'directory';
    } catch {
      return 'missing';
    }
  }

  /** The file's text, or null when it is missing or unreadable. */
  readText(path: string): string | null {
    return this.readBytes(path)?.toString('utf8') ?? null;
  }

  /** The node path a path ends at once symlinks inside the root are followed. */
  realPath(path: string): string {
    return resolveInRoot(this.root, path).nodePath;
  }

  private readBytes(path: string): Buffer | null {
    try { return readFileSync(resolveInRoot(this.root, path).hostPath); } catch { return null; }
  }
}
