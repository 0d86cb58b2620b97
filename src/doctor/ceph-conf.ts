/** Parser for ceph.conf files, with Ceph's lookup order for a client (`[client.X]`, `[client]`, `[global]`). */
import { lexIni, normalizeOptionName, type IniEntry, type IniSection } from './ini.js';
import type { ParseNote } from './types.js';

/** Where a pveceph-managed cluster keeps its conf (shared by every node through pmxcfs). */
export const PVE_CEPH_CONF_PATH = '/etc/pve/ceph.conf';
/** Where the shell's `ceph`/`rbd` and Proxmox's Ceph GUI/API look by default (node-local). */
export const ETC_CEPH_CONF_PATH = '/etc/ceph/ceph.conf';

/** A ceph.conf, as entries with line numbers. */
export interface CephConf {
  readonly file: string;
  readonly sections: readonly IniSection[];
  readonly entries: readonly IniEntry[];
  readonly notes: readonly ParseNote[];
}

/** One option value and where it was set. */
export interface ConfValue {
  readonly value: string;
  readonly section: string;
  readonly line: number;
}

/** Parses ceph.conf text; `file` is the node path used in line references. */
export function parseCephConf(text: string, file: string): CephConf {
  const sections: IniSection[] = [];
  const entries: IniEntry[] = [];
  const notes: ParseNote[] = [];
  lexIni(text, {
    section: (s) => { sections.push(s); },
    entry: (e) => {
      if (e.section === null) notes.push({ file, line: e.line, message: 'option before any [section]: Ceph ignores it' });
      else entries.push(e);
    },
    invalid: (line) => { notes.push({ file, line, message: 'line is neither a [section] nor name = value' }); },
  });
  return { file, sections, entries, notes };
}

/** Sections Ceph reads for `client.<id>`, most specific first. */
function sectionsFor(clientId: string | null): string[] {
  return clientId === null ? ['client', 'global'] : [`client.${clientId}`, 'client', 'global'];
}

/** The value a client would get for an option (the last setting in the most specific section wins). */
export function confValue(conf: CephConf, option: string, clientId: string | null = null): ConfValue | null {
  const name = normalizeOptionName(option);
  for (const section of sectionsFor(clientId)) {
    const hits = conf.entries.filter((e) => e.section === section && e.name === name);
    const last = hits[hits.length - 1];
    if (last) return { value: last.value, section, line: last.line };
  }
  return null;
}

/** Expands Ceph's `$cluster`, `$name`, `$id`, `$type` metavariables for a client of cluster `ceph`. */
export function expandMetavariables(value: string, clientId: string): string {
  return value
    .replace(/\$\{?cluster\}?/g, 'ceph')
    .replace(/\$\{?name\}?/g, `client.${clientId}`)
    .replace(/\$\{?id\}?/g, clientId)
    .replace(/\$\{?type\}?/g, 'client');
}
