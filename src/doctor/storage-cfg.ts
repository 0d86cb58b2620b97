/** Parser for Proxmox's /etc/pve/storage.cfg, keeping the `rbd:` sections and their line numbers. */
import type { ParseNote, RbdStorage } from './types.js';

/** Where Proxmox keeps the storage definitions (shared by every node through pmxcfs). */
export const STORAGE_CFG_PATH = '/etc/pve/storage.cfg';

const HEADER = /^([a-z][a-z0-9_-]*):\s*(\S+)\s*$/i;
const OPTION = /^\s+(\S+)(?:\s+(.*?))?\s*$/;

interface RawSection {
  readonly type: string;
  readonly id: string;
  readonly line: number;
  readonly options: Map<string, { value: string; line: number }>;
}

/** Result of reading storage.cfg: the rbd storages and lines that could not be understood. */
export interface StorageCfg {
  readonly storages: readonly RbdStorage[];
  readonly notes: readonly ParseNote[];
}

function flag(value: string | undefined, whenBare: boolean): boolean {
  if (value === undefined) return false;
  if (value === '') return whenBare;
  return value === '1' || value.toLowerCase() === 'yes' || value.toLowerCase() === 'true';
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,;]+/).filter((v) => v.length > 0);
}

function toRbdStorage(section: RawSection): RbdStorage {
  const get = (name: string): string | undefined => section.options.get(name)?.value;
  const optionLines: Record<string, number> = {};
  for (const [name, { line }] of section.options) optionLines[name] = line;
  const nodes = get('nodes');
  return {
    id: section.id,
    line: section.line,
    pool: get('pool') || 'rbd',
    dataPool: get('data-pool') || null,
    namespace: get('namespace') || null,
    monhost: get('monhost') || null,
    username: get('username') || null,
    keyring: get('keyring') || null,
    krbd: flag(get('krbd'), true),
    disabled: flag(get('disable'), true),
    content: splitList(get('content')),
    nodes: nodes === undefined ? null : splitList(nodes),
    optionLines,
  };
}

/** Parses storage.cfg text; `file` names it in notes. Non-rbd sections are skipped. */
export function parseStorageCfg(text: string, file: string = STORAGE_CFG_PATH): StorageCfg {
  const sections: RawSection[] = [];
  const notes: ParseNote[] = [];
  let current: RawSection | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '' ) { current = null; return; }
    if (raw.trimStart().startsWith('#')) return;
    const header = HEADER.exec(raw);
    if (header && !/^\s/.test(raw)) {
      current = { type: (header[1] as string).toLowerCase(), id: header[2] as string, line, options: new Map() };
      sections.push(current);
      return;
    }
    const option = OPTION.exec(raw);
    if (option && current) {
      current.options.set(option[1] as string, { value: option[2] ?? '', line });
      return;
    }
    notes.push({ file, line, message: current ? 'line not understood' : 'option outside of a section' });
  });
  return { storages: sections.filter((s) => s.type === 'rbd').map(toRbdStorage), notes };
}
