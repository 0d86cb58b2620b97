/**
 * The analysis path's argument parser: yargs-parser (the parser inside yargs, a single module)
 * over the option table. Loading full yargs costs ~100 ms at every start, so it is kept for what
 * only it does: --help, usage error messages and shell completion (src/cli/yargs-shell.ts).
 */
import parser from 'yargs-parser';
import { COMMANDS, type CommandName, type OptionSpec, type OptionTable } from './options.js';

/** Parsed option values by long name; repeatable options are arrays. */
export type OptionValues = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

/** What the arguments ask for. `tokens` are the arguments with each option's value attached. */
export type ParsedArgs =
  | { readonly kind: 'run'; readonly command: CommandName; readonly options: OptionValues; readonly positionals: readonly string[] }
  | { readonly kind: 'version' }
  /** --help, completion, or a usage error: full yargs decides (and words the message). */
  | { readonly kind: 'yargs'; readonly tokens: readonly string[]; readonly problem: string | null };

const ALL_OPTIONS: OptionTable = Object.assign({}, ...Object.values(COMMANDS).map((c) => c.options)) as OptionTable;

function specFor(table: OptionTable, token: string): OptionSpec | undefined {
  const name = token.startsWith('--') ? token.slice(2) : token.slice(1);
  return table[name] ?? Object.values(table).find((s) => token.length === 2 && s.alias === name);
}

/**
 * Attaches each value to its option (`--since -2d` → `--since=-2d`): an option that takes a value
 * takes the next argument whatever it looks like, as getopt and journalctl do, so time values
 * may start with `-`. Options never take more than one argument, so positionals stay positionals.
 */
export function attachValues(argv: readonly string[], table: OptionTable = ALL_OPTIONS): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') { out.push(...argv.slice(i)); break; }
    const spec = /^--?[^-=][^=]*$/.test(token) ? specFor(table, token) : undefined;
    if (spec && spec.type !== 'boolean' && i + 1 < argv.length) out.push(`${token}=${argv[++i] as string}`);
    else out.push(token);
  }
  return out;
}

function parserOptions(table: OptionTable): parser.Options {
  const names = Object.entries(table);
  return {
    // Numbers are read as text and converted in valueProblem, so a bad value is shown as given.
    string: names.filter(([, s]) => s.type !== 'boolean').map(([n]) => n),
    boolean: names.filter(([, s]) => s.type === 'boolean').map(([n]) => n),
    alias: Object.fromEntries(names.filter(([, s]) => s.alias).map(([n, s]) => [n, [s.alias as string]])),
    default: Object.fromEntries(names.filter(([, s]) => s.default !== undefined).map(([n, s]) => [n, s.default])),
    configuration: {
      'camel-case-expansion': false, 'strip-aliased': true, 'duplicate-arguments-array': true, 'greedy-arrays': false,
      'parse-positional-numbers': false, 'short-option-groups': false,
    },
  };
}

/** The problem with one option's value, or null. */
function valueProblem(name: string, spec: OptionSpec, value: unknown): string | null {
  const shown = `--${name} ${String(value)}`;
  if (spec.type === 'number') {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || Number.isNaN(n)) return `${shown}: not a number`;
    if (spec.integer && !Number.isInteger(n)) return `${shown}: must be a whole number`;
    if (spec.min !== undefined && n < spec.min) return `${shown}: must be at least ${spec.min}`;
    if (spec.max !== undefined && n > spec.max) return `${shown}: must be at most ${spec.max}`;
  }
  if (spec.type === 'string') {
    if (typeof value !== 'string') return `--${name} needs a value`;
    if (spec.choices && !spec.choices.includes(value)) return `${shown}: choose one of ${spec.choices.join(', ')}`;
    const problem = spec.check?.(value) ?? null;
    if (problem) return `${shown}: ${problem}`;
  }
  return null;
}

/** Values of one command's options; a usage problem as a one-line message. */
function readOptions(table: OptionTable, parsed: Record<string, unknown>): { options: Record<string, OptionValues[string]>; problem: string | null } {
  const options: Record<string, OptionValues[string]> = {};
  for (const key of Object.keys(parsed)) {
    if (key !== '_' && key !== '--' && !(key in table)) return { options, problem: `unknown option --${key}` };
  }
  for (const [name, spec] of Object.entries(table)) {
    const raw = parsed[name];
    if (raw === undefined) continue;
    const given = Array.isArray(raw) ? raw : [raw];
    for (const v of given) {
      const problem = valueProblem(name, spec, v);
      if (problem) return { options, problem };
    }
    // Given twice, a single-value option keeps the last value, as yargs does.
    const last = given[given.length - 1] as string | number | boolean;
    options[name] = spec.repeatable ? given.map(String) : spec.type === 'number' ? Number(last) : last;
  }
  return { options, problem: null };
}

/** Parses the command line without loading yargs. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const tokens = attachValues(argv);
  const end = tokens.includes('--') ? tokens.indexOf('--') : tokens.length;
  const flags = tokens.slice(0, end);
  if (flags.some((t) => t === '--help' || t === '-h' || t === '--get-yargs-completions')) return { kind: 'yargs', tokens, problem: null };
  if (flags.includes('--version')) return { kind: 'version' };
  const first = flags.findIndex((t) => !t.startsWith('-') || t === '-');
  const named = first >= 0 ? flags[first] : undefined;
  if (named === 'completion') return { kind: 'yargs', tokens, problem: null };
  const command: CommandName = named === 'doctor' || named === 'probe' ? named : 'analyze';
  const rest = command === 'analyze' ? tokens : tokens.filter((_, i) => i !== first);
  const table = COMMANDS[command].options;
  const detailed = parser.detailed([...rest], parserOptions(table));
  if (detailed.error) return { kind: 'yargs', tokens, problem: detailed.error.message };
  const { options, problem } = readOptions(table, detailed.argv as Record<string, unknown>);
  const positionals = detailed.argv._.map(String);
  if (problem) return { kind: 'yargs', tokens, problem };
  if (command !== 'analyze' && positionals.length > 0) return { kind: 'yargs', tokens, problem: `${command} takes no file argument: ${positionals.join(' ')}` };
  return { kind: 'run', command, options, positionals };
}
