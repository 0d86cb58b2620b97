/**
 * The INI dialect Ceph uses for ceph.conf and keyring files: `[section]`, `name = value`,
 * `#`/`;` comments. Option names are normalised the way Ceph does (`mon host` == `mon-host` == `mon_host`).
 */

/** One `name = value` line. The value is handed to the caller and not kept here. */
export interface IniEntry {
  readonly section: string | null;
  /** Normalised name: lower case, spaces and dashes turned into single underscores. */
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

/** A `[section]` header. */
export interface IniSection {
  readonly name: string;
  readonly line: number;
}

/** What the lexer found, line by line. */
export interface IniVisitor {
  section(section: IniSection): void;
  entry(entry: IniEntry): void;
  invalid(line: number): void;
}

/** Ceph's option-name normalisation: `Mon Host`, `mon-host` and `mon_host` are one option. */
export function normalizeOptionName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

function unquote(value: string): string {
  const trimmed = value.trim();
  const quoted = /^"(.*)"$/.exec(trimmed) ?? /^'(.*)'$/.exec(trimmed);
  return quoted ? (quoted[1] as string) : trimmed;
}

function stripComment(value: string): string {
  if (/^\s*["']/.test(value)) return value.replace(/(["'])\s*[#;].*$/, '$1');
  return value.replace(/\s[#;].*$/, '');
}

/** Walks Ceph INI text and reports sections, entries and lines it cannot read. */
export function lexIni(text: string, visitor: IniVisitor): void {
  let section: string | null = null;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] as string;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/.exec(trimmed);
    if (header) {
      section = header[1] as string;
      visitor.section({ name: section, line: index + 1 });
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq <= 0) { visitor.invalid(index + 1); continue; }
    visitor.entry({ section, name: normalizeOptionName(trimmed.slice(0, eq)), value: unquote(stripComment(trimmed.slice(eq + 1))), line: index + 1 });
  }
}
