/**
 * Parser for Ceph keyring files. The key itself is hashed (sha256) as soon as it is read and never
 * kept: only the hash, the line it sat on and the caps remain.
 */
import { lexIni } from './ini.js';
import { sha256Hex } from './rooted-fs.js';
import type { ParseNote } from './types.js';

/** One `[client.X]` (or other entity) section of a keyring. */
export interface KeyringSection {
  /** Entity name as written in the header (`client.pve`). */
  readonly entity: string;
  readonly line: number;
  /** sha256 of the key text, or null when the section has no `key =` line. */
  readonly keySha256: string | null;
  readonly keyLine: number | null;
  /** Caps by service (`mon`, `osd`, `mgr`), with their lines. */
  readonly caps: Readonly<Record<string, { readonly value: string; readonly line: number }>>;
}

/** A parsed keyring file. */
export interface Keyring {
  readonly file: string;
  readonly sections: readonly KeyringSection[];
  readonly notes: readonly ParseNote[];
}

interface MutableSection {
  entity: string;
  line: number;
  keySha256: string | null;
  keyLine: number | null;
  caps: Record<string, { value: string; line: number }>;
}

/** Parses keyring text; the key values are hashed, never stored. */
export function parseKeyring(text: string, file: string): Keyring {
  const sections: MutableSection[] = [];
  const notes: ParseNote[] = [];
  let current: MutableSection | null = null;
  lexIni(text, {
    section: (s) => {
      current = { entity: s.name, line: s.line, keySha256: null, keyLine: null, caps: {} };
      sections.push(current);
    },
    entry: (e) => {
      const section: MutableSection | null = current;
      if (section === null) { notes.push({ file, line: e.line, message: 'entry before any [section]' }); return; }
      if (e.name === 'key') { section.keySha256 = sha256Hex(e.value); section.keyLine = e.line; return; }
      const cap = /^caps_(\w+)$/.exec(e.name);
      if (cap) section.caps[cap[1] as string] = { value: e.value, line: e.line };
    },
    invalid: (line) => { notes.push({ file, line, message: 'line is neither a [section] nor name = value' }); },
  });
  return { file, sections, notes };
}

/** The section for `client.<clientId>`, or undefined. */
export function findClientSection(keyring: Keyring, clientId: string): KeyringSection | undefined {
  return keyring.sections.find((s) => s.entity === `client.${clientId}`);
}
