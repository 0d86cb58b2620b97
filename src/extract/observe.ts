/**
 * Observations from any line, not only from known message shapes: the errno in whatever form it
 * takes, the command lines of rbd / rados / ceph / rbd-nbd / qemu-img with the identity and object
 * they name, and the object and operation named in plain words. The Observation grammar finds the
 * pieces (once per message shape); the tables below give them meaning.
 */
import type { Node } from 'ohm-js';
import { LazySemantics } from '../grammar/grammars.js';
import { grammarCache, spanOf, at, type Span } from '../grammar/shape-cache.js';
import { errnoFromText } from './errno.js';
import type { Phase, RbdTarget } from '../types.js';

/** Kinds of errno rendering, strongest first (an explicit number beats a name, a name beats a text). */
export type ErrnoForm = 'paren' | 'bracket' | 'negative' | 'trailing' | 'assigned' | 'exitStatus' | 'symbol' | 'exception' | 'strerror';
const FORM_STRENGTH: readonly ErrnoForm[] = ['paren', 'bracket', 'negative', 'trailing', 'assigned', 'symbol', 'exception', 'strerror'];

/** errno names as Linux numbers them. */
export const ERRNO_SYMBOLS: Readonly<Record<string, number>> = {
  EPERM: 1, ENOENT: 2, EIO: 5, ENXIO: 6, EAGAIN: 11, EACCES: 13, EBUSY: 16, EEXIST: 17, ENODEV: 19, EINVAL: 22,
  ENOSPC: 28, EROFS: 30, ENOSYS: 38, EOPNOTSUPP: 95, ENOTSUP: 95, ENETUNREACH: 101, ENOTCONN: 107, ESHUTDOWN: 108,
  EBLOCKLISTED: 108, ETIMEDOUT: 110, ECONNREFUSED: 111, EHOSTUNREACH: 113, EDQUOT: 122,
};

/** Python rados/rbd binding exceptions (and OSError kin) and the errno they stand for. */
export const EXCEPTION_ERRNO: Readonly<Record<string, number>> = {
  PermissionDeniedError: 13, PermissionError: 13, ObjectNotFound: 2, ImageNotFound: 2, ImageBusy: 16, ObjectBusy: 16,
  ImageExists: 17, ImageHasSnapshots: 39, TimedOut: 110, InvalidArgument: 22, ConnectionShutdown: 108, NoSpace: 28,
  ReadOnlyImage: 30,
};

/** One piece the grammar found. */
interface PieceSpan { readonly kind: ErrnoForm | 'program' | 'invocation'; readonly span: Span; readonly args?: readonly Span[]; readonly program?: Span }

const semantics = new LazySemantics('observation');
semantics.addOperation<readonly PieceSpan[]>('pieces', {
  scan(items) { return items.children.flatMap((c: Node) => c['pieces']() as PieceSpan[]); },
  skip(_) { return []; },
  // Every piece but a command line's program is an errno rendering named after its rule.
  piece(_start, kind) { return kind['pieces'](); },
  pieceKind(p) { return [{ kind: p.ctorName === 'commandStart' ? 'program' : p.ctorName as ErrnoForm, span: spanOf(p) }]; },
  commandAt(invocation, _rest) { return invocation['pieces'](); },
  invocation(program, args) {
    return [{ kind: 'invocation', span: spanOf(this), program: spanOf(program), args: args['argSpans']() as Span[] }];
  },
  _terminal() { return []; },
  _iter(...children) { return children.flatMap((c) => c['pieces']() as PieceSpan[]); },
});
semantics.addOperation<readonly Span[]>('argSpans', {
  goArgs(_open, list, _close) { return list['argSpans'](); },
  goList(first, rest) { return [...first.children.flatMap((a: Node) => a['argSpans']() as Span[]), ...(rest['argSpans']() as Span[])]; },
  argList(_spaces, args) { return args.children.map((a: Node) => a['argSpans']()[0] as Span); },
  arg(a) { return a['argSpans'](); },
  quoted_single(_o, body, _c) { return [spanOf(body)]; },
  quoted_double(_o, body, _c) { return [spanOf(body)]; },
  bareArg(n) { return [spanOf(n)]; },
});

// The scan iterates and never recurses: deep `[`/`{` cost it nothing.
const cache = grammarCache<readonly PieceSpan[]>('scan', semantics, 'pieces', { flat: true });
const commands = grammarCache<readonly PieceSpan[]>('commandAt', semantics, 'pieces', { flat: true });

/**
 * Command lines read per message, and how far one reads: each costs a parse of its own (a program
 * inside another command's arguments is read too: `kubectl … rook-ceph exec … -- rbd ls -l pool`),
 * and past these bounds a message is junk (a word repeated thousands of times).
 */
const MAX_COMMANDS = 16;
const MAX_COMMAND_CHARS = 2048;

/** A command line's program where the grammar's `program` rule would take it. */
const PROGRAM_SOURCE = '(?<![\\p{L}0-9_])(?:rbd-nbd|rbd|rados|ceph|qemu-img)(?![\\p{L}0-9_\\-./:\\]=)])';

/** Longest text the grammar scans: beyond it the pieces are looked for near the end only (errors close lines). */
const MAX_SCAN = 4096;

/** A command line found in the text. */
export interface Invocation {
  readonly program: string;
  /** Its arguments, unquoted. */
  readonly args: readonly string[];
}

/** What a line shows besides its known shape. */
export interface Observations {
  readonly errno: number | null;
  readonly errnoForm: ErrnoForm | null;
  /** `exit status N` of a command, when the line shows one. */
  readonly exitStatus: number | null;
  readonly invocations: readonly Invocation[];
}

function errnoOf(form: ErrnoForm, text: string): number | null {
  switch (form) {
    case 'paren': case 'bracket': case 'negative': case 'trailing': case 'exitStatus': {
      const m = /-?(\d+)\D*$/.exec(text.replace(/\)\s\S$/, ')'));
      return m?.[1] ? Number(m[1]) : null;
    }
    case 'assigned': {
      const value = /[=: ]\s*(\w+)$/.exec(text)?.[1] ?? '';
      return /^\d+$/.test(value) ? Number(value) : ERRNO_SYMBOLS[value] ?? null;
    }
    case 'symbol': return ERRNO_SYMBOLS[text] ?? null;
    case 'exception': return EXCEPTION_ERRNO[text.replace(/^(?:rados|rbd)\./, '')] ?? null;
    case 'strerror': return errnoFromText(text);
  }
}

/**
 * ASCII characters no piece of the scan can contain (errno pieces and programs are made of letters,
 * digits, spaces and `( ) [ ] - = : . /`; command lines' arguments are read apart, by commandLines).
 * The scan tries a piece again right after each of them, so the text between two of them is scanned
 * alike alone or in the whole message.
 */
const CUT = new Uint8Array(128);
for (let c = 0; c < 32; c++) CUT[c] = 1;
for (const ch of '!"#$%&\'*+,;<>?@\\^`{|}~\u007f') CUT[ch.charCodeAt(0)] = 1;
const isCut = (code: number): boolean => code < 128 && CUT[code] === 1;

/**
 * Where a piece may start: looser than the grammar (a false start costs one small parse, a missed
 * one loses a piece; test/observe.test.ts checks every literal of the grammar's lists against it).
 */
export const PIECE_START = new RegExp([
  '[(\\[]', ': -', 'errno', '[Ee]rror [A-Z]', 'exit(?:ed)? ', 'E[A-Z]{2}', '(?:rados|rbd)\\.',
  '[A-Z][a-z]*[A-Z]', // exception names (ImageNotFound, OSError)
  '[A-Z][a-z]*[ /-][a-z]', // strerror texts (No such file…, Input/output error, Read-only…)
  '(?<![\\p{L}0-9_])(?:returned|result|return|ret|rc|r|error|err|status)(?:=| = | |: )-',
  PROGRAM_SOURCE,
].join('|'), 'gu');

/** The pieces of `text`: the grammar runs only on the runs between cut characters where a piece may start. */
// Exported for test/observe.test.ts, which checks it against scanWhole.
export function scanPieces(text: string): readonly PieceSpan[] {
  const out: PieceSpan[] = [];
  PIECE_START.lastIndex = 0;
  for (let m = PIECE_START.exec(text); m !== null; m = PIECE_START.exec(text)) {
    let start = m.index;
    while (start > 0 && !isCut(text.charCodeAt(start - 1))) start -= 1;
    let end = m.index + 1;
    while (end < text.length && !isCut(text.charCodeAt(end))) end += 1;
    const pieces = cache.get(text.slice(start, end)) ?? [];
    for (const p of pieces) out.push(start === 0 ? p : shiftPiece(p, start));
    if (end >= text.length) break;
    PIECE_START.lastIndex = end + 1;
  }
  return out;
}

function shiftPiece(p: PieceSpan, by: number): PieceSpan {
  return { kind: p.kind, span: shiftSpan(p.span, by) };
}

/** The pieces of `text` from one scan of the whole text (what scanPieces must equal; for tests). */
export function scanWhole(text: string): readonly PieceSpan[] {
  return cache.get(text) ?? [];
}

/** The command lines that start at the programs the scan found (bounded by MAX_COMMANDS, MAX_COMMAND_CHARS). */
function commandLines(text: string, pieces: readonly PieceSpan[]): Invocation[] {
  const out: Invocation[] = [];
  for (const p of pieces) {
    if (p.kind !== 'program') continue;
    if (out.length >= MAX_COMMANDS) break;
    const from = p.span[0];
    const found = commands.get(text.slice(from, from + MAX_COMMAND_CHARS))?.[0];
    if (!found) continue;
    out.push({ program: at(text, shiftSpan(found.program!, from)).replace(/^.*\//, ''), args: (found.args ?? []).map((s) => at(text, shiftSpan(s, from))) });
  }
  return out;
}

const shiftSpan = (s: Span, by: number): Span => [s[0] + by, s[1] + by];

/** Observations of one message. Pure; one grammar parse per shape of each run that may hold a piece. */
export function observe(message: string): Observations {
  const text = message.length > MAX_SCAN ? message.slice(message.length - MAX_SCAN) : message;
  const pieces = scanPieces(text);
  let best: { form: ErrnoForm; errno: number } | null = null;
  let exitStatus: number | null = null;
  const invocations = commandLines(text, pieces);
  for (const p of pieces) {
    if (p.kind === 'program' || p.kind === 'invocation') continue;
    const value = errnoOf(p.kind, at(text, p.span));
    if (value === null || value === 0) continue;
    if (p.kind === 'exitStatus') { exitStatus = value; continue; }
    // The strongest form wins; among equals the last one (the innermost error ends the line).
    if (!best || FORM_STRENGTH.indexOf(p.kind) <= FORM_STRENGTH.indexOf(best.form)) best = { form: p.kind, errno: value };
  }
  return { errno: best?.errno ?? null, errnoForm: best?.form ?? null, exitStatus, invocations };
}

/** Options of the Ceph tools and the target field they set (`null`: a secret or irrelevant, skip its value). */
export const COMMAND_OPTIONS: Readonly<Record<string, keyof RbdTarget | 'name' | null>> = {
  '--id': 'clientId', '--user': 'clientId', '-n': 'name', '--name': 'name', '-c': 'conf', '--conf': 'conf',
  '-k': 'keyring', '--keyring': 'keyring', '-p': 'pool', '--pool': 'pool', '--namespace': 'namespace',
  '-m': 'monHosts', '--mon-host': 'monHosts', '--image': 'image', '--snap': 'snapshot', '--dest-pool': null,
  '--keyfile': null, '--key': null, '--cluster': null, '--format': null, '--options': null, '-o': null,
  '--image-feature': null, '--size': null, '-s': null, '--device-type': null, '-t': null, '--exclusive': null,
};

/**
 * rbd subcommands and the phase they belong to (`device map` reads as `map`): for command lines, and
 * for the subcommand Proxmox names in its own errors (`rbd create 'x' error:`, `rbd snapshot 'x' error:`).
 */
export const RBD_SUBCOMMAND_PHASE: Readonly<Record<string, Phase>> = {
  map: 'map', unmap: 'map', device: 'map', create: 'create', import: 'create', clone: 'clone', cp: 'clone', copy: 'clone',
  rm: 'remove', remove: 'remove', delete: 'remove', trash: 'remove', rename: 'remove', mv: 'remove', resize: 'resize',
  snap: 'snapshot', snapshot: 'snapshot', protect: 'snapshot', unprotect: 'snapshot', config: 'open', info: 'open', status: 'open', du: 'open', export: 'open', diff: 'open', feature: 'open',
  'object-map': 'open', lock: 'lock', watch: 'lock', ls: 'list', list: 'list', mirror: 'open', flatten: 'clone',
};

/** rbd subcommands followed by a verb of their own (`snap create`, `lock rm`, `trash mv`). */
const TWO_WORD_SUBCOMMANDS: ReadonlySet<string> = new Set(['snap', 'lock', 'feature', 'trash', 'mirror', 'group', 'namespace', 'config', 'image-meta', 'journal', 'migration', 'pool', 'object-map']);

/** What an invocation names: identity, object and the rbd subcommand. */
export interface InvocationTarget {
  readonly target: Partial<RbdTarget>;
  readonly subcommand: string | null;
}

/** Reads an invocation's arguments with COMMAND_OPTIONS; the first positional is the subcommand. */
export function invocationTarget(inv: Invocation): InvocationTarget {
  const out: { -readonly [K in keyof RbdTarget]?: RbdTarget[K] } = {};
  const positional: string[] = [];
  for (let i = 0; i < inv.args.length; i++) {
    const word = inv.args[i] ?? '';
    const eq = word.startsWith('-') ? word.indexOf('=') : -1;
    const name = eq > 0 ? word.slice(0, eq) : word;
    if (name in COMMAND_OPTIONS) {
      const field = COMMAND_OPTIONS[name];
      const value = eq > 0 ? word.slice(eq + 1) : inv.args[++i];
      if (value === undefined || field === null || field === undefined) continue;
      if (field === 'name') out.clientId ??= value.replace(/^client\./, '');
      else if (field === 'clientId') out.clientId ??= value.replace(/^client\./, '');
      else if (field === 'monHosts') out.monHosts ??= value.split(/[,;\s]+/).filter((h) => h !== '');
      else (out as Record<string, unknown>)[field] ??= value;
      continue;
    }
    if (word.startsWith('-')) continue;
    positional.push(word);
  }
  let subcommand: string | null = null;
  if (inv.program === 'rbd' || inv.program === 'rbd-nbd') {
    const words = positional.filter((w) => !/^(?:device|nbd)$/.test(w) || positional[0] !== w);
    // `rbd snap purge pool/img`: these subcommands take a second word before the object.
    const objectFrom = TWO_WORD_SUBCOMMANDS.has(words[0] ?? '') ? 2 : 1;
    subcommand = positional[0] === 'device' || positional[0] === 'nbd' ? positional[1] ?? null : positional[0] ?? null;
    // Prose that starts with "rbd" (`rbd image must be …`) is no command line: no subcommand, no target.
    if (subcommand === null || !(subcommand in RBD_SUBCOMMAND_PHASE)) return { target: {}, subcommand: null };
    const spec = words.slice(objectFrom).find((w) => /^[\w.-]+(?:\/[\w.-]+){0,2}(?:@[\w.:-]+)?$/.test(w) && !/^\d/.test(w));
    if (spec && subcommand !== 'ls' && subcommand !== 'list') {
      const [path, snap] = spec.split('@');
      const parts = (path ?? '').split('/');
      if (parts.length === 1) out.image ??= parts[0] ?? null;
      else if (parts.length === 2) { out.pool ??= parts[0] ?? null; out.image ??= parts[1] ?? null; }
      else { out.pool ??= parts[0] ?? null; out.namespace ??= parts[1] ?? null; out.image ??= parts[2] ?? null; }
      if (snap) out.snapshot ??= snap;
    } else if (spec && out.pool === undefined) {
      out.pool = spec.split('/')[0] ?? null;
    }
  } else if (!inv.args.some((a) => a.startsWith('-'))) {
    return { target: {}, subcommand: null };
  }
  return { target: out, subcommand };
}
