/** Everything the checks read on one node, read once and cached (storage.cfg, confs, keyrings, file facts). */
import { parseCephConf, type CephConf } from './ceph-conf.js';
import { parseKeyring, type Keyring } from './keyring.js';
import { RootedFs } from './rooted-fs.js';
import { resolveStorageAccess, storagePrivPath, type StorageAccess } from './storage-access.js';
import { STORAGE_CFG_PATH, parseStorageCfg } from './storage-cfg.js';
import type { FileFacts, NodeInput, ParseNote, RbdStorage } from './types.js';

/** One node's files, parsed on demand. */
export class NodeContext {
  readonly node: string | null;
  readonly root: string;
  readonly fs: RootedFs;
  /** Every rbd storage defined in storage.cfg (including disabled ones and ones for other nodes). */
  readonly storages: readonly RbdStorage[];
  private readonly notes: ParseNote[] = [];
  private readonly factsByPath = new Map<string, FileFacts>();
  private readonly confs = new Map<string, CephConf | null>();
  private readonly keyrings = new Map<string, Keyring | null>();

  constructor(input: NodeInput) {
    this.node = input.node;
    this.root = input.root;
    this.fs = new RootedFs(input.root);
    this.facts(STORAGE_CFG_PATH);
    const cfg = parseStorageCfg(this.fs.readText(STORAGE_CFG_PATH) ?? '', STORAGE_CFG_PATH);
    this.storages = cfg.storages;
    this.notes.push(...cfg.notes);
  }

  /** Facts about a node path (cached, and listed in the report's files). */
  facts(path: string): FileFacts {
    let facts = this.factsByPath.get(path);
    if (!facts) { facts = this.fs.facts(path); this.factsByPath.set(path, facts); }
    return facts;
  }

  /** The parsed ceph.conf at a node path, or null when it cannot be read. */
  conf(path: string): CephConf | null {
    return this.parsed(this.confs, path, parseCephConf);
  }

  /** The parsed keyring at a node path, or null when it cannot be read. */
  keyring(path: string): Keyring | null {
    return this.parsed(this.keyrings, path, parseKeyring);
  }

  private parsed<T extends { readonly notes: readonly ParseNote[] }>(cache: Map<string, T | null>, path: string, parse: (text: string, file: string) => T): T | null {
    if (!cache.has(path)) {
      this.facts(path);
      const text = this.fs.readText(path);
      const value = text === null ? null : parse(text, path);
      if (value) this.notes.push(...value.notes);
      cache.set(path, value);
    }
    return cache.get(path) ?? null;
  }

  /** Conf, client id and keyring Proxmox uses for a storage on this node. */
  access(storage: RbdStorage): StorageAccess {
    return resolveStorageAccess(storage, this.facts(storagePrivPath(storage.id, 'conf')).exists);
  }

  /** True when the storage is enabled and not restricted to other nodes. */
  uses(storage: RbdStorage): boolean {
    if (storage.disabled) return false;
    return storage.nodes === null || this.node === null || storage.nodes.includes(this.node);
  }

  /** Files read so far, sorted by path. */
  filesRead(): FileFacts[] {
    return [...this.factsByPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * Why nothing could be checked on this node, or null: the root is missing or not a directory,
   * or storage.cfg (the list of storages every check starts from) is missing or unreadable.
   */
  problem(): string | null {
    const root = this.fs.rootState();
    if (root !== 'directory') return `${this.root} ${root === 'missing' ? 'does not exist or cannot be read' : 'is not a directory'}`;
    const cfg = this.facts(STORAGE_CFG_PATH);
    const where = this.root === '/' ? '' : ` under ${this.root}`;
    if (!cfg.exists) return `${STORAGE_CFG_PATH} does not exist${where}: not a Proxmox VE node, or /etc/pve (pmxcfs) is not mounted`;
    if (!cfg.readable) return `${STORAGE_CFG_PATH}${where} cannot be read (run as root)`;
    return null;
  }

  /** Lines that could not be parsed so far. */
  parseNotes(): ParseNote[] {
    return [...this.notes];
  }
}
