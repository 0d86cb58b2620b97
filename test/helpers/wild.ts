// The wild corpus (fixtures/wild): real log excerpts copied from public bug reports, one case per
// file, each labelled with the cause its thread settled on and the fields its lines show. This
// module reads the cases, runs them through the public library API and scores the first incident.
// Shared by test/wild.test.ts and scripts/wild-score.js so both print the same report.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { analyzeText, CAUSE_IDS, isCauseId } from '../../src/index.js';
import type { CauseId, Incident } from '../../src/index.js';

/** Where the corpus lives, relative to the repository root. */
export const WILD_ROOT = 'fixtures/wild';

/** Cause hits needed for the corpus to pass (issue 12). */
export const CAUSE_THRESHOLD = 0.9;
/** Field hits needed for the corpus to pass (issue 12). */
export const FIELD_THRESHOLD = 0.85;

/** Incident fields a case may label, named as in the JSON contract. */
export const LABELLED_FIELDS = ['pool', 'namespace', 'image', 'clientId', 'errno', 'conf', 'keyring'] as const;
/** One of the incident fields a case may label. */
export type LabelledField = (typeof LABELLED_FIELDS)[number];

const HEADER_KEYS = new Set<string>(['source', 'ecosystem', 'cause', 'accept', 'year', 'why', ...LABELLED_FIELDS]);
const REQUIRED_KEYS = ['source', 'ecosystem', 'cause', 'why'] as const;

/** One parsed case file. */
export interface WildCase {
  /** Path below the corpus root without the extension, e.g. `ceph-csi/csi-2397-map-eio`. */
  readonly id: string;
  readonly file: string;
  readonly source: string;
  readonly ecosystem: string;
  readonly cause: CauseId;
  /** Other causes the thread leaves open. */
  readonly accept: readonly CauseId[];
  /** Year of the excerpt, for year-less timestamps. */
  readonly year: number | null;
  readonly why: string;
  readonly fields: Partial<Record<LabelledField, string>>;
  /** The log lines, exactly as copied. */
  readonly text: string;
}

/** A case file that does not follow the format. */
export interface WildParseError {
  readonly file: string;
  readonly message: string;
}

/** Parses one case file; every format problem is reported, none is guessed around. */
export function parseCase(file: string, content: string, root = WILD_ROOT): WildCase | WildParseError {
  const id = relative(root, file).split(sep).join('/').replace(/\.case$/, '');
  const lines = content.split('\n');
  const separator = lines.indexOf('---');
  if (separator < 0) return { file, message: 'no "---" line between the header and the log lines' };
  const header = new Map<string, string>();
  for (const line of lines.slice(0, separator)) {
    const m = /^# ([A-Za-z]+): ?(.*)$/.exec(line);
    if (!m) return { file, message: `header line is not "# key: value": ${JSON.stringify(line)}` };
    const [, key = '', value = ''] = m;
    if (!HEADER_KEYS.has(key)) return { file, message: `unknown header key "${key}"` };
    if (header.has(key)) return { file, message: `header key "${key}" given twice` };
    header.set(key, value.trim());
  }
  for (const key of REQUIRED_KEYS) {
    if (!header.get(key)) return { file, message: `header "${key}" missing or empty` };
  }
  const source = header.get('source') ?? '';
  if (!/^https?:\/\/\S+$/.test(source)) return { file, message: `source is not a URL: ${source}` };
  const cause = header.get('cause') ?? '';
  if (!isCauseId(cause)) return { file, message: `cause "${cause}" is not one of ${CAUSE_IDS.join(', ')}` };
  const accept: CauseId[] = [];
  for (const extra of (header.get('accept') ?? '').split(/\s+/).filter(Boolean)) {
    if (!isCauseId(extra)) return { file, message: `accept "${extra}" is not a cause id` };
    accept.push(extra);
  }
  const yearText = header.get('year');
  const year = yearText === undefined ? null : Number(yearText);
  if (year !== null && !(Number.isInteger(year) && year >= 1990 && year <= 2100)) return { file, message: `year "${yearText}" is not a year` };
  const fields: Partial<Record<LabelledField, string>> = {};
  for (const field of LABELLED_FIELDS) {
    const value = header.get(field);
    if (value === undefined) continue;
    if (value === '') return { file, message: `field "${field}" is empty (omit the line instead)` };
    if (field === 'errno' && !/^[1-9]\d*$/.test(value)) return { file, message: `errno "${value}" is not a positive integer` };
    if (field === 'clientId' && value.startsWith('client.')) return { file, message: `clientId "${value}" must not carry the "client." prefix` };
    fields[field] = value;
  }
  // Only the final newline of the file is not part of the excerpt.
  const body = lines.slice(separator + 1);
  if (body.length > 0 && body[body.length - 1] === '') body.pop();
  if (!body.some((line) => line.trim() !== '')) return { file, message: 'no log lines after "---"' };
  if (body.some((line) => /AQ[A-Za-z0-9+/]{30,}==/.test(line))) return { file, message: 'a line holds a cephx key: drop the case' };
  return {
    id, file, source, ecosystem: header.get('ecosystem') ?? '', cause, accept, year,
    why: header.get('why') ?? '', fields, text: `${body.join('\n')}\n`,
  };
}

function caseFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return caseFiles(path);
    return name.endsWith('.case') ? [path] : [];
  });
}

/** Every case below `root`, parsed; files that do not parse come back as errors. */
export function loadCorpus(root = WILD_ROOT): { cases: WildCase[]; errors: WildParseError[] } {
  const cases: WildCase[] = [];
  const errors: WildParseError[] = [];
  for (const file of caseFiles(root)) {
    const parsed = parseCase(file, readFileSync(file, 'utf8'), root);
    if ('message' in parsed) errors.push(parsed);
    else cases.push(parsed);
  }
  return { cases, errors };
}

/** One labelled field compared with what the first incident says. */
export interface FieldResult {
  readonly field: LabelledField;
  readonly expected: string;
  readonly got: string | null;
  readonly hit: boolean;
}

/** How one case scored. */
export interface CaseResult {
  readonly id: string;
  readonly expected: CauseId;
  /** Cause of the first incident; null when the analysis said nothing. */
  readonly got: CauseId | null;
  readonly causeHit: boolean;
  readonly fields: readonly FieldResult[];
}

function stripClient(value: string): string {
  return value.startsWith('client.') ? value.slice('client.'.length) : value;
}

function fieldValue(incident: Incident | undefined, field: LabelledField): string | null {
  const value = incident?.[field];
  return value === null || value === undefined ? null : String(value);
}

/** Compares one labelled field with the incident's value (errno by number, clientId without `client.`). */
export function fieldHit(field: LabelledField, expected: string, got: string | null): boolean {
  if (got === null) return false;
  if (field === 'errno') return Number(got) === Number(expected);
  if (field === 'clientId') return stripClient(got) === stripClient(expected);
  return got === expected;
}

/** Runs one case through `analyzeText` and scores its first incident. */
export async function scoreCase(c: WildCase): Promise<CaseResult> {
  const result = await analyzeText(c.text, { source: c.id, ...(c.year !== null ? { year: c.year } : {}) });
  const top = result.incidents[0];
  const got = top ? top.cause : null;
  const fields = LABELLED_FIELDS.flatMap((field): FieldResult[] => {
    const expected = c.fields[field];
    if (expected === undefined) return [];
    const value = fieldValue(top, field);
    return [{ field, expected, got: value, hit: fieldHit(field, expected, value) }];
  });
  return { id: c.id, expected: c.cause, got, causeHit: got !== null && (got === c.cause || c.accept.includes(got)), fields };
}

/** Totals over the corpus. */
export interface CorpusScore {
  readonly cases: number;
  readonly causeHits: number;
  readonly fieldTotal: number;
  readonly fieldHits: number;
  readonly silent: number;
  readonly results: readonly CaseResult[];
}

/** Scores every case, in file order. */
export async function scoreCorpus(cases: readonly WildCase[]): Promise<CorpusScore> {
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await scoreCase(c));
  const fields = results.flatMap((r) => r.fields);
  return {
    cases: results.length,
    causeHits: results.filter((r) => r.causeHit).length,
    fieldTotal: fields.length,
    fieldHits: fields.filter((f) => f.hit).length,
    silent: results.filter((r) => r.got === null).length,
    results,
  };
}

/** Share of hits; an empty total counts as 0 so an empty corpus never passes. */
export function ratio(hits: number, total: number): number {
  return total === 0 ? 0 : hits / total;
}

function percent(hits: number, total: number): string {
  return `${(ratio(hits, total) * 100).toFixed(1)}%`;
}

/** The report: the summary line, then every cause miss and field miss. */
export function formatReport(score: CorpusScore): string[] {
  const out = [
    `wild corpus: cause ${score.causeHits}/${score.cases} (${percent(score.causeHits, score.cases)}), ` +
      `fields ${score.fieldHits}/${score.fieldTotal} (${percent(score.fieldHits, score.fieldTotal)}), silent ${score.silent}`,
  ];
  for (const r of score.results) {
    if (!r.causeHit) out.push(`MISS ${r.id} expected=${r.expected} got=${r.got ?? 'none'}`);
  }
  for (const r of score.results) {
    for (const f of r.fields) {
      if (!f.hit) out.push(`FIELD ${r.id} ${f.field} expected=${f.expected} got=${f.got ?? 'none'}`);
    }
  }
  return out;
}

/** True when the score meets both thresholds of issue 12. */
export function passes(score: CorpusScore): boolean {
  return ratio(score.causeHits, score.cases) >= CAUSE_THRESHOLD && ratio(score.fieldHits, score.fieldTotal) >= FIELD_THRESHOLD;
}

function countBy(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Markdown tables of cases per ecosystem and per expected cause (for fixtures/wild/README.md). */
export function corpusTables(cases: readonly WildCase[]): string[] {
  const table = (title: string, rows: [string, number][]): string[] => [
    `| ${title} | cases |`, '|---|---:|', ...rows.map(([k, n]) => `| ${k} | ${n} |`), `| **total** | **${cases.length}** |`, '',
  ];
  return [
    ...table('ecosystem', countBy(cases.map((c) => c.ecosystem))),
    ...table('cause', countBy(cases.map((c) => c.cause))),
  ];
}
