/**
 * The pipeline: sources → records → extract → classify → correlate. Streaming: records
 * are read in batches and each line is classified as it arrives; `analyzeStream` yields
 * incident updates, `analyze*` collect the final result.
 */
import { stat } from 'node:fs/promises';
import type { AnalysisResult, Incident, InputError, InputFormat, InputSummary, LogRecord } from './types.js';
import { readFileChunks, toBufferChunks } from './sources/open-input.js';
import { readRecords, type InputSpec, type ReadOptions, type ReadReport } from './records/read-records.js';
import { newScanStats } from './sources/split-lines.js';
import { extractMessage, type DetailedExtraction } from './extract/extract.js';
import { Correlator, type CorrelateOptions } from './correlate/correlator.js';

/** Options for an analysis. */
export interface AnalyzeOptions extends ReadOptions, CorrelateOptions {
  /** Called once per input when it is done (progress). */
  readonly onInputDone?: (summary: InputSummary) => void;
  /** Emit an `incident` event each time an incident gains evidence (follow mode). Default true. */
  readonly updates?: boolean;
}

/** What can be analysed: file paths, raw byte/text chunks, or lines. */
export type AnalyzeInput =
  | { readonly files: readonly string[] }
  | { readonly chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>; readonly source?: string }
  | { readonly lines: AsyncIterable<string> | Iterable<string>; readonly source?: string };

/** One step of a streaming analysis. */
export type AnalysisEvent =
  | { readonly type: 'incident'; readonly incident: Incident }
  | { readonly type: 'input'; readonly input: InputSummary; readonly errors: readonly InputError[]; readonly warnings: readonly InputError[] }
  | { readonly type: 'done'; readonly incidents: readonly Incident[] };

const MAX_CACHE = 4096;

/** Extraction is pure: repeated messages (pvestatd every 10 s, retries) are parsed once. */
class ExtractionCache {
  private readonly map = new Map<string, DetailedExtraction>();
  get(message: string): DetailedExtraction {
    let x = this.map.get(message);
    if (!x) {
      x = extractMessage(message);
      if (this.map.size >= MAX_CACHE) this.map.clear();
      this.map.set(message, x);
    }
    return x;
  }
}

async function* linesToChunks(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<Buffer> {
  let batch: string[] = [];
  for await (const line of lines as AsyncIterable<string>) {
    batch.push(line.endsWith('\n') ? line : `${line}\n`);
    if (batch.length >= 1024) { yield Buffer.from(batch.join(''), 'utf8'); batch = []; }
  }
  if (batch.length > 0) yield Buffer.from(batch.join(''), 'utf8');
}

/** Turns an AnalyzeInput into input specs. */
export async function inputSpecs(input: AnalyzeInput): Promise<InputSpec[]> {
  if ('files' in input) {
    return Promise.all(input.files.map(async (path) => {
      let reference: Date | undefined;
      try { reference = (await stat(path)).mtime; } catch { /* reported when read */ }
      return { name: path, chunks: () => readFileChunks(path), ...(reference ? { reference } : {}) };
    }));
  }
  if ('chunks' in input) return [{ name: input.source ?? '<stream>', chunks: () => toBufferChunks(input.chunks) }];
  return [{ name: input.source ?? '<lines>', chunks: () => linesToChunks(input.lines) }];
}

/** Reads one input's records (exported for tools that want records, not incidents). */
export async function* records(spec: InputSpec, options: ReadOptions, report: ReadReport): AsyncGenerator<LogRecord[]> {
  yield* readRecords(spec, options, report);
}

/** Streams incident updates as lines arrive: an incident is re-emitted when it gains evidence. */
export async function* analyzeStream(input: AnalyzeInput, options: AnalyzeOptions = {}): AsyncGenerator<AnalysisEvent> {
  const correlator = new Correlator(options);
  const cache = new ExtractionCache();
  for (const spec of await inputSpecs(input)) {
    const report: ReadReport = { format: null, stats: newScanStats(), errors: [], warnings: [] };
    for await (const batch of readRecords(spec, options, report)) {
      const touched = new Set<string>();
      for (const record of batch) {
        const key = correlator.add(record, cache.get(record.message));
        if (key) touched.add(key);
      }
      if (options.updates === false) continue;
      for (const key of touched) {
        const incident = correlator.incident(key);
        if (incident) yield { type: 'incident', incident };
      }
    }
    const summary: InputSummary = { source: spec.name, format: report.format ?? ('cat' as InputFormat), lines: report.stats.lines };
    options.onInputDone?.(summary);
    yield { type: 'input', input: summary, errors: report.errors, warnings: report.warnings };
  }
  yield { type: 'done', incidents: correlator.incidents() };
}

/** Analyses everything and returns the JSON-contract result. */
export async function analyze(input: AnalyzeInput, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const inputs: InputSummary[] = [];
  const errors: InputError[] = [];
  const warnings: InputError[] = [];
  let incidents: readonly Incident[] = [];
  for await (const event of analyzeStream(input, { ...options, updates: false })) {
    if (event.type === 'input') { inputs.push(event.input); errors.push(...event.errors); warnings.push(...event.warnings); }
    else if (event.type === 'done') incidents = event.incidents;
  }
  return { schemaVersion: 1, incidents, inputs, errors, warnings };
}

/** Analyses files (paths already expanded). */
export function analyzeFiles(paths: readonly string[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  return analyze({ files: paths }, options);
}

/** Analyses a text (e.g. a pasted journal excerpt). */
export function analyzeText(text: string, options: AnalyzeOptions & { readonly source?: string } = {}): Promise<AnalysisResult> {
  return analyze({ chunks: [text], source: options.source ?? '<text>' }, options);
}
