// Property-based fuzzing of the readers, grammars, rules, redaction and the whole analysis with its
// formatters. Inputs are real fixture lines (test/fuzz/corpus.ts) damaged by a chain of mutations:
// byte flips, truncations, splices of two lines, deep `[`/`{` nesting, quote/escape/separator
// insertion (next to `rbd:`, `-blockdev {`, `json:{` or anywhere), long repeats, and last a cephx key
// put anywhere (glued, URL-, QEMU- or JSON-escaped, or in place of a word: pool, image, host…).
// Properties: no exception; no call over TIME_LIMIT_MS of CPU per line (a hang or a blow-up, not a
// speed target: those live in `npm run bench`); no byte of the key in any output field; the incident of
// an untouched good line survives any bad neighbour, in short, JSON and export input.
import fc from 'fast-check';
import type { SeedLine } from './corpus.js';
import { parseLine } from '../../src/pipeline/parse-line.js';
import { analyzeText } from '../../src/pipeline/analyze.js';
import { parseRbdSpec } from '../../src/extract/rbd-spec.js';
import { findBlockdevTargets } from '../../src/extract/blockdev.js';
import { parsePayload } from '../../src/extract/payload.js';
import { extractMessage } from '../../src/extract/extract.js';
import { classify } from '../../src/classify/engine.js';
import { parseJournalPrefix } from '../../src/records/journal-prefix.js';
import { parseUpid } from '../../src/upid.js';
import { redact } from '../../src/redact.js';
import { formatText } from '../../src/report/text.js';
import { formatJson, formatNdjsonIncident } from '../../src/report/json.js';
import type { AnalysisResult } from '../../src/types.js';

/**
 * A call that takes more CPU than this per line is a failure: the caps make every line cost well
 * under a second. CPU time (this process, all threads), not wall time: the machine may be busy.
 */
export const TIME_LIMIT_MS = 2000;

/** The key of issue 13's example; any 8 consecutive characters of it in an output is a leak. */
export const KEY = 'AQBhZG1pbmFkbWluYWRtaW5hZG1pbmFkbWluYQ==';
const BARE_KEY = KEY.replace(/=+$/, '');
/** The first window of the key found in `text`, or null. */
export function keyLeak(text: string): string | null {
  for (let i = 0; i + 8 <= BARE_KEY.length; i++) {
    const window = BARE_KEY.slice(i, i + 8);
    if (text.includes(window)) return window;
  }
  return null;
}

/** How the key is written where it is put. */
const KEY_FORMS: readonly string[] = [
  KEY,
  `secret_${KEY}`,
  `key%3D${KEY.replace(/=/g, '%3D')}`,
  `${KEY.slice(0, 18)}\\${KEY.slice(18)}`, // QEMU escape
  `\\u0041${KEY.slice(1)}`, // JSON escape
  `key=${KEY}`,
  `keyring=${KEY}`,
  `:key=${KEY}`,
  `"key":"${KEY}"`,
  ` key = ${KEY}`,
  `val=${KEY}: Malformed input`,
  KEY.slice(0, -2),
];

type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly code: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'splice'; readonly at: number; readonly other: number; readonly otherAt: number }
  | { readonly kind: 'nest'; readonly at: number; readonly anchor: string; readonly depth: number; readonly opener: string }
  | { readonly kind: 'insert'; readonly at: number; readonly anchor: string; readonly text: string }
  | { readonly kind: 'repeat'; readonly at: number; readonly length: number; readonly times: number };

/** A damaged line: a corpus line, mutations applied in order, then maybe a key. */
export interface Case {
  readonly seed: number;
  readonly mutations: readonly Mutation[];
  readonly key: { readonly at: number; readonly form: number; readonly replaceWord: boolean } | null;
}

const ANCHORS = ['', 'rbd:', '-blockdev {', 'json:{', '"', ':', 'UPID:', "'"];
const INSERTS = ["'", '"', '\\', ':', '@', '/', '=', ',', '{', '}', '[', ']', ': ', '\\:', '\\"', '\\u0000', '%', '\u0000', '\r', '\n', ' ', '\uFFFD', '\u{1F600}', 'rbd:', '-blockdev {', 'json:{"driver":"rbd",', "command '", "' failed: ", ' (2) ', 'UPID:'];
const OPENERS = ['[', '{', '{"a":', '["', '[{"file":'];

const position = fc.nat({ max: 1 << 16 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, code: fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('splice' as const), at: position, other: fc.nat(), otherAt: position }),
  fc.record({ kind: fc.constant('nest' as const), at: position, anchor: fc.constantFrom(...ANCHORS), depth: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 70 }), weight: 3 }, { arbitrary: fc.integer({ min: 200, max: 1200 }), weight: 1 }), opener: fc.constantFrom(...OPENERS) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, anchor: fc.constantFrom(...ANCHORS), text: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 40 }), times: fc.oneof({ arbitrary: fc.integer({ min: 2, max: 20 }), weight: 3 }, { arbitrary: fc.integer({ min: 21, max: 2000 }), weight: 1 }) }),
);

/** Arbitrary damaged lines over a corpus of `size` lines. */
export function caseArbitrary(size: number): fc.Arbitrary<Case> {
  return fc.record({
    seed: fc.nat({ max: size - 1 }),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 4 }),
    key: fc.option(fc.record({ at: position, form: fc.nat({ max: KEY_FORMS.length - 1 }), replaceWord: fc.boolean() }), { freq: 2 }),
  });
}

/** Where an anchored edit goes: just after an occurrence of the anchor (picked by `at`), else at `at`. */
function anchoredAt(text: string, anchor: string, at: number): number {
  if (anchor !== '') {
    const found: number[] = [];
    for (let i = text.indexOf(anchor); i !== -1 && found.length < 16; i = text.indexOf(anchor, i + 1)) found.push(i + anchor.length);
    if (found.length > 0) return found[at % found.length]! + (at % 7);
  }
  return at % (text.length + 1);
}

const MAX_CASE_CHARS = 200 * 1024;

/** The damaged line of a case. */
export function buildLine(corpus: readonly SeedLine[], c: Case): string {
  let text = corpus[c.seed % corpus.length]!.line;
  for (const m of c.mutations) {
    const at = Math.min(m.at % (text.length + 1), text.length);
    switch (m.kind) {
      case 'flip': text = text.slice(0, at) + String.fromCharCode(m.code) + text.slice(at + 1); break;
      case 'truncate': text = text.slice(0, at); break;
      case 'splice': {
        const other = corpus[m.other % corpus.length]!.line;
        text = text.slice(0, at) + other.slice(m.otherAt % (other.length + 1));
        break;
      }
      case 'nest': {
        const p = Math.min(anchoredAt(text, m.anchor, m.at), text.length);
        const close = m.opener.startsWith('{') ? '}' : ']';
        text = text.slice(0, p) + m.opener.repeat(m.depth) + close.repeat(m.depth) + text.slice(p);
        break;
      }
      case 'insert': {
        const p = Math.min(anchoredAt(text, m.anchor, m.at), text.length);
        text = text.slice(0, p) + m.text + text.slice(p);
        break;
      }
      case 'repeat': text = text.slice(0, at) + text.slice(at, at + m.length).repeat(m.times) + text.slice(at); break;
    }
    if (text.length > MAX_CASE_CHARS) text = text.slice(0, MAX_CASE_CHARS);
  }
  if (c.key) {
    const form = KEY_FORMS[c.key.form % KEY_FORMS.length]!;
    const at = c.key.at % (text.length + 1);
    if (c.key.replaceWord) {
      // In place of the word around `at`: a pool, an image, a host, a client id…
      const stop = /[\s/:@,='"[\]{}]/;
      let start = at;
      while (start > 0 && !stop.test(text.charAt(start - 1))) start -= 1;
      let end = at;
      while (end < text.length && !stop.test(text.charAt(end))) end += 1;
      text = text.slice(0, start) + form + text.slice(end);
    } else text = text.slice(0, at) + form + text.slice(at);
  }
  return text;
}

/** Fails a property with a message that says what went wrong. */
class PropertyFailure extends Error {}

function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

function timed<T>(what: string, run: () => T): T {
  const start = cpuMs();
  const out = run();
  const ms = cpuMs() - start;
  if (ms > TIME_LIMIT_MS) throw new PropertyFailure(`${what} took ${Math.round(ms)} ms of CPU`);
  return out;
}

async function timedAsync<T>(what: string, lines: number, run: () => Promise<T>): Promise<T> {
  const start = cpuMs();
  const out = await run();
  const ms = cpuMs() - start;
  if (ms > TIME_LIMIT_MS * lines) throw new PropertyFailure(`${what} took ${Math.round(ms)} ms of CPU for ${lines} lines`);
  return out;
}

function noKey(what: string, text: string): void {
  const leak = keyLeak(text);
  if (leak) throw new PropertyFailure(`${what} leaks key bytes "${leak}": ${text.slice(Math.max(0, text.indexOf(leak) - 80), text.indexOf(leak) + 40)}`);
}

/** A corpus line that makes an incident on its own, and the evidence text it gives. */
export interface GoodLine {
  readonly seed: SeedLine;
  readonly evidenceText: string;
  readonly host: string;
  readonly ident: string;
  readonly message: string;
}

/** Corpus lines with a journal prefix that each make an incident alone (checked here, not assumed). */
export async function goodLines(corpus: readonly SeedLine[], limit = 60): Promise<GoodLine[]> {
  const out: GoodLine[] = [];
  for (const seed of corpus) {
    if (out.length >= limit) break;
    const prefix = parseJournalPrefix(seed.line);
    if (!prefix || keyLeak(seed.line)) continue;
    const result = await analyzeText(`${seed.line}\n`, { year: 2025, tz: 'UTC' });
    const evidence = result.incidents[0]?.evidence.find((e) => e.line === 1);
    if (evidence) out.push({ seed, evidenceText: evidence.text, host: prefix.host, ident: prefix.ident, message: seed.line.slice(prefix.length) });
  }
  return out;
}

type Format = 'short' | 'json' | 'export';

function serialise(format: Format, line: string, index: number): string {
  if (format === 'short') return `${line}\n`;
  const prefix = parseJournalPrefix(line);
  const fields: Record<string, string> = {
    __REALTIME_TIMESTAMP: String(1766742615000000 + index * 1000000),
    _HOSTNAME: prefix?.host ?? 'pve9',
    SYSLOG_IDENTIFIER: prefix?.ident ?? 'pvedaemon',
    MESSAGE: prefix ? line.slice(prefix.length) : line,
  };
  if (format === 'json') return `${JSON.stringify(fields)}\n`;
  return `${Object.entries(fields).map(([k, v]) => `${k}=${v.replace(/\n/g, ' ')}`).join('\n')}\n\n`;
}

/** The outcome of one target's run. */
export interface TargetRun {
  readonly target: string;
  readonly runs: number;
  readonly seed: number;
  readonly ms: number;
  readonly failure: string | null;
}

/** One fuzz target: runs its property for `runs` inputs from `seed` (and `path`, to replay one failing case). */
export interface Target {
  readonly name: string;
  readonly run: (corpus: readonly SeedLine[], good: readonly GoodLine[], runs: number, seed: number, path?: string) => Promise<TargetRun>;
}

function target<T>(name: string, property: (corpus: readonly SeedLine[], good: readonly GoodLine[]) => fc.IRawProperty<[T]>): Target {
  return {
    name,
    run: async (corpus, good, runs, seed, path) => {
      const start = performance.now();
      const details = await fc.check(property(corpus, good), { numRuns: runs, seed, ...(path ? { path } : {}), endOnFailure: false });
      const ms = performance.now() - start;
      if (!details.failed) return { target: name, runs: details.numRuns, seed, ms, failure: null };
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      const example = JSON.stringify(details.counterexample?.[0] ?? null).slice(0, 2000);
      return {
        target: name,
        runs: details.numRuns,
        seed,
        ms,
        failure: `${error}\n  counterexample: ${example}\n  replay: node dist/test/fuzz/run.js --target ${name} --seed ${seed} --path ${details.counterexamplePath ?? ''} --runs 1`,
      };
    },
  };
}

/** What the analyzeText target damages: bad lines around one good line, in one input format. */
interface NeighbourCase {
  readonly bad: readonly Case[];
  readonly good: number;
  readonly goodFirst: boolean;
  readonly format: Format;
  readonly damageSerialised: { readonly at: number; readonly code: number } | null;
}

const rbdToken = (text: string): string => {
  const at = text.indexOf('rbd:');
  const from = at === -1 ? 0 : at;
  const end = text.slice(from).search(/[\s,'"]/);
  return end === -1 ? text.slice(from) : text.slice(from, from + end);
};

/** Every target, in the order `npm run fuzz` runs them. */
export const TARGETS: readonly Target[] = [
  target('parseLine', (corpus) => fc.property(caseArbitrary(corpus.length), (c) => {
    const line = buildLine(corpus, c);
    const parsed = timed('parseLine', () => parseLine(line, { year: 2025, tz: 'UTC' }));
    if (c.key) noKey('parseLine result', JSON.stringify(parsed));
  })),
  target('parseRbdSpec', (corpus) => fc.property(caseArbitrary(corpus.length), (c) => {
    const token = rbdToken(buildLine(corpus, c));
    timed('parseRbdSpec', () => parseRbdSpec(token.startsWith('rbd:') ? token : `rbd:${token}`));
  })),
  target('findBlockdevTargets', (corpus) => fc.property(caseArbitrary(corpus.length), (c) => {
    const line = buildLine(corpus, c);
    timed('findBlockdevTargets', () => findBlockdevTargets(line));
  })),
  target('parsePayload', (corpus) => fc.property(caseArbitrary(corpus.length), (c) => {
    const line = buildLine(corpus, c);
    const prefix = parseJournalPrefix(line);
    timed('parsePayload', () => parsePayload(prefix ? line.slice(prefix.length) : line));
  })),
  target('parseJournalPrefix', (corpus) => fc.property(caseArbitrary(corpus.length), (c) => {
    const line = buildLine(corpus, c);
    timed('parseJournalPrefix', () => parseJournalPrefix(line));
  })),
  target('parseUpid', (corpus) => fc.property(caseArbitrary(corpus.length), (c) => {
    const line = buildLine(corpus, c);
    const at = line.indexOf('UPID:');
    timed('parseUpid', () => parseUpid(at === -1 ? line : line.slice(at)));
  })),
  target('classify', (corpus) => fc.property(caseArbitrary(corpus.length), (c) => {
    const line = buildLine(corpus, c);
    const prefix = parseJournalPrefix(line);
    timed('extract + classify', () => classify(extractMessage(prefix ? line.slice(prefix.length) : line)));
  })),
  target('redact', (corpus) => fc.property(caseArbitrary(corpus.length), (c) => {
    const line = buildLine(corpus, c);
    const out = timed('redact', () => redact(line));
    if (c.key) noKey('redact', out);
  })),
  target<NeighbourCase>('analyzeText', (corpus, good) => fc.asyncProperty(
    fc.record({
      bad: fc.array(caseArbitrary(corpus.length), { minLength: 1, maxLength: 3 }),
      good: fc.nat({ max: good.length - 1 }),
      goodFirst: fc.boolean(),
      format: fc.constantFrom<Format>('short', 'json', 'export'),
      damageSerialised: fc.option(fc.record({ at: position, code: fc.integer({ min: 0, max: 0x7f }) }), { freq: 4 }),
    }),
    async (x) => {
      const goodLine = good[x.good % good.length]!;
      const bad = x.bad.map((c, i) => {
        let text = serialise(x.format, buildLine(corpus, c), i + 1);
        if (x.damageSerialised && i === 0) {
          const at = x.damageSerialised.at % text.length;
          // Damage inside the key makes it no key (the leak property is about intact keys); the
          // window reaches 6 characters past `at` so that damage on the `\` of `\u0041` counts too.
          if (c.key && /AQ|\\u0041/.test(text.slice(Math.max(0, at - 64), at + 6))) return text;
          text = text.slice(0, at) + String.fromCharCode(x.damageSerialised.code) + text.slice(at + 1);
          if (!text.endsWith('\n')) text += '\n';
        }
        return text;
      });
      // Blank lines around the good entry so that damage to a neighbour cannot run into it.
      const goodText = `\n${serialise(x.format, goodLine.seed.line, 0)}\n`;
      const input = x.goodFirst ? [goodText, ...bad].join('') : [...bad, goodText].join('');
      const result: AnalysisResult = await timedAsync('analyzeText', x.bad.length + 1, () => analyzeText(input, { year: 2025, tz: 'UTC', inputFormat: x.format }));
      const survived = result.incidents.some((i) => i.evidence.some((e) => e.text === goodLine.evidenceText));
      if (!survived) throw new PropertyFailure(`the good line's incident is lost: ${goodLine.seed.line}`);
      const outputs = [formatText(result, { evidenceLines: 100, width: 100000 }), formatJson(result), ...result.incidents.map(formatNdjsonIncident)];
      if (x.bad.some((c) => c.key !== null)) for (const out of outputs) noKey('analyzeText output', out);
    },
  )),
];

