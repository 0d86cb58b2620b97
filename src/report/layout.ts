/**
 * Fitting text to a terminal: prose wrapped at word boundaries, log lines shortened in the
 * middle (the start says what it is, the end carries the error), shell commands broken only
 * where a `\` line continuation keeps them runnable when pasted.
 */

/** Width used when the output is not a terminal (a file, a pipe, a CI log). */
export const DEFAULT_WIDTH = 80;
/** Below this a report cannot be laid out sensibly; narrower terminals get this width. */
const MIN_WIDTH = 40;

/** The width to lay the report out for: the terminal's columns on a TTY, else {@link DEFAULT_WIDTH}. */
export function terminalWidth(stream: { readonly isTTY?: boolean; readonly columns?: number }): number {
  const columns = stream.isTTY === true ? stream.columns : undefined;
  return columns !== undefined && Number.isFinite(columns) && columns > 0 ? Math.max(MIN_WIDTH, Math.floor(columns)) : DEFAULT_WIDTH;
}

/** Usable width, never below {@link MIN_WIDTH}. */
export function clampWidth(width: number | undefined): number {
  return width === undefined || !Number.isFinite(width) ? DEFAULT_WIDTH : Math.max(MIN_WIDTH, Math.floor(width));
}

/**
 * Wraps prose to `width` columns. The first line starts after `first` (already printed by the
 * caller, e.g. `   what   `), the others are indented with `rest`. Breaks only at spaces; a word
 * longer than a line is kept whole on a line of its own rather than cut.
 */
export function wrapText(text: string, width: number, first: string, rest: string = ' '.repeat(first.length)): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/** Characters after which a log line may be cut: the end part then starts at a readable place. */
const BOUNDARY = /[\s,:;='"(]/;

/**
 * Shortens a log line to `width` by cutting out its middle: the start (what kind of line) and
 * the end (`…: error connecting: Permission denied`) stay. The end gets the larger share; both
 * cuts move to a nearby word or option boundary when there is one.
 */
export function shortenMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return '…';
  const budget = width - 1;
  let headLength = Math.floor(budget * 0.4);
  let tailLength = budget - headLength;
  // Start the end part just after a boundary, giving back at most a quarter of its room.
  const tailStart = text.length - tailLength;
  for (let i = tailStart; i < text.length && i - tailStart < tailLength / 4; i++) {
    if (BOUNDARY.test(text[i - 1] ?? '')) { headLength += i - tailStart; tailLength -= i - tailStart; break; }
  }
  let head = text.slice(0, headLength);
  const cut = Math.max(...[...',:;= '].map((c) => head.lastIndexOf(c)));
  if (cut > headLength * 0.75) head = head.slice(0, cut + 1);
  return `${head}…${text.slice(text.length - tailLength)}`;
}

/** Splits a shell command into words and operators outside quotes (quotes and escapes kept as written). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote !== null) {
      word += c;
      if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else if (c === quote) quote = null;
    } else if (c === '\\' && i + 1 < command.length) {
      word += c + command[++i];
    } else if (c === "'" || c === '"') {
      quote = c;
      word += c;
    } else if (c === ' ' || c === '\t') {
      if (word) words.push(word);
      word = '';
    } else {
      word += c;
    }
  }
  if (word) words.push(word);
  return words;
}

const OPERATORS = new Set(['&&', '||', '|', ';']);

/** A word that ends a statement: an operator, or `sha256sum;` (a `;` glued to the word). */
function endsStatement(word: string): boolean {
  return OPERATORS.has(word) || (word.endsWith(';') && !word.endsWith('\\;'));
}

/** Options and their values stay together (`--keyring /etc/…`), so a break never parts them. */
function layoutUnits(words: readonly string[]): string[] {
  const units: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const word = words[k] as string;
    const next = words[k + 1];
    if (/^-{1,2}[A-Za-z]/.test(word) && next !== undefined && !next.startsWith('-') && !endsStatement(word) && !OPERATORS.has(next)) {
      units.push(`${word} ${next}`);
      k += 1;
    } else {
      units.push(word);
    }
  }
  return units;
}

/**
 * Splits a word longer than a line with backslash-newline continuations (the shell drops them
 * inside a word as long as the next line starts at column 0). Cuts after a `/` when the rest
 * then fits, else after the last `/` or `:` that fits. Only for unquoted words: inside quotes the
 * continuation would become part of the text.
 */
function splitLongWord(word: string, room: number, width: number): string[] | null {
  if (/['"\\]/.test(word)) return null;
  const pieces: string[] = [];
  let rest = word;
  let space = room;
  while (rest.length > space) {
    const fits = rest.slice(0, space - 1);
    const slash = fits.lastIndexOf('/');
    const cut = slash > 0 && rest.length - slash - 1 <= width ? slash + 1 : Math.max(slash, fits.lastIndexOf(':')) + 1 || fits.length;
    if (cut <= 0) return null;
    pieces.push(`${rest.slice(0, cut)}\\`);
    rest = rest.slice(cut);
    space = width;
  }
  pieces.push(rest);
  return pieces;
}

/**
 * Lays a shell command out in `width` columns after `prefix` (`   $ `). A command that does not fit
 * is broken between words with ` \` continuations (continuation lines indented by `indent`), so
 * pasting it still runs the same command; options keep their value on their line, and a break
 * near an operator (`&&`, `|`, `;`) comes right after it. A word too long for any line (a task
 * log path) is split inside with a continuation at column 0, which the shell joins back.
 */
export function layoutCommand(command: string, width: number, prefix: string, indent: string): string[] {
  if (prefix.length + command.length <= width) return [`${prefix}${command}`];
  const units = layoutUnits(shellWords(command));
  const lines: string[] = [];
  let line = prefix;
  let empty = true;
  for (let k = 0; k < units.length; k++) {
    const unit = units[k] as string;
    const next = units[k + 1];
    // Keep room for the ` \` continuation mark, unless this is the last unit.
    const reserve = next === undefined ? 0 : 2;
    // A unit too long even for a fresh line is split where it starts instead.
    const tooLong = indent.length + unit.length + reserve > width;
    if (!empty && !tooLong && line.length + 1 + unit.length + reserve > width) {
      lines.push(`${line} \\`);
      line = indent;
      empty = true;
    }
    if (line.length + (empty ? 0 : 1) + unit.length + reserve > width) {
      const start = line.length + (empty ? 0 : 1);
      const pieces = splitLongWord(unit, width - start, width - reserve);
      if (pieces !== null && pieces.length > 1) {
        lines.push(`${line}${empty ? '' : ' '}${pieces[0]}`, ...pieces.slice(1, -1));
        line = pieces[pieces.length - 1] as string;
        empty = false;
        continue;
      }
    }
    line += empty ? unit : ` ${unit}`;
    empty = false;
    // Prefer breaking right after an operator when the rest of the statement would not fit.
    if (next !== undefined && endsStatement(unit.split(' ').pop() ?? unit)) {
      let rest = 0;
      for (let j = k + 1; j < units.length; j++) {
        rest += (units[j] as string).length + 1;
        if (endsStatement(units[j] as string)) break;
      }
      if (line.length + rest + 2 > width) {
        lines.push(`${line} \\`);
        line = indent;
        empty = true;
      }
    }
  }
  if (!empty) lines.push(line);
  return lines;
}

/**
 * Integers as a compact list of ranges: `101-105, 110, 200-201`. Sorted, duplicates dropped.
 */
export function compactIds(ids: readonly number[]): string[] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    out.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return out;
}

/**
 * Packs `parts` (`pve3`, `storage ext-ceph`, …) onto lines of `width` joined by `sep`, breaking only
 * between parts; a part too long for a line of its own is wrapped at spaces.
 */
export function wrapParts(parts: readonly string[], width: number, first: string, rest: string = ' '.repeat(first.length), sep = ' · '): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const part of parts) {
    if (!empty && line.length + sep.length + part.length > width) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    if (empty && line.length + part.length > width) {
      const wrapped = wrapText(part, width, line, rest);
      lines.push(...wrapped.slice(0, -1));
      line = wrapped[wrapped.length - 1] ?? rest;
    } else {
      line += empty ? part : `${sep}${part}`;
    }
    empty = false;
  }
  lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/**
 * Wraps a log line to `width`: at spaces where it can, and inside a token longer than a line
 * (a `-drive` spec, a path) after a `,` `:` or `/` near the line's end, else at the width.
 */
export function wrapLogLine(text: string, width: number, indent: string): string[] {
  const room = width - indent.length;
  const lines: string[] = [];
  let rest = text.trim();
  while (rest.length > room) {
    let cut = rest.lastIndexOf(' ', room);
    if (cut < room / 2) {
      const window = rest.slice(0, room);
      const soft = Math.max(window.lastIndexOf(','), window.lastIndexOf(':'), window.lastIndexOf('/'));
      cut = soft >= room * 0.6 ? soft + 1 : room;
      lines.push(`${indent}${rest.slice(0, cut)}`);
      rest = rest.slice(cut);
    } else {
      lines.push(`${indent}${rest.slice(0, cut)}`);
      rest = rest.slice(cut + 1);
    }
  }
  lines.push(`${indent}${rest}`);
  return lines;
}
