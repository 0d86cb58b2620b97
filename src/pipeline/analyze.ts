/**
 * The pipeline: sources → records → extract → classify → correlate. Streaming: records
 * are read in batches and each line is classified as it arrives; `analyzeStream` yields
 * incident updates, `analyze*` collect the final result. Files may be read and extracted
 * by worker threads (`workers`); correlation stays here, in input order, so the result is
 * the same as reading them one by one.
 */
import { realpath } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import type { AnalysisResult, ClusterEvent, Incident, InputError, InputFormat, InputSummary, LogRecord, NoiseCount } from '../types.js';
import { toBufferChunks } from '../sources/open-input.js';
import { sealed, type InputSpec, type ReadOptions, type ReadReport } from '../records/read-records.js';
import { isJournalFile } from '../sources/journal-file/sniff.js';
import { newScanStats } from '../sources/split-lines.js';
import { Correlator, type CorrelateOptions } from '../correlate/correlator.js';
import { ExtractionCache, fileSpec, readExtracted, type ExtractedBatch } from './read-extract.js';
import type { FileResult } from './worker-pool.js';
import type { Source } from './sources.js';
import { CEPH_LOG_IDENT, parseCephLogMessage } from '../records/ceph-log.js';
import { buildClusterEvents, type ClusterLogLine } from '../classify/cluster-events.js';
import { attachClusterEvidence } from '../correlate/cluster-evidence.js';

export type { Source } from './sources.js';

/** Options for an analysis. */
export interface AnalyzeOptions extends ReadOptions, CorrelateOptions {
  /** Called once per input when it is done (progress). */
  readonly onInputDone?: (summary: InputSummary) => void;
  /** Emit an `incident` event each time an incident gains evidence (follow mode). Default true. */
  readonly updates?: boolean;
  /** Worker threads that read and extract files in parallel, at most one per core; 0 or 1 reads in this thread. Default 0. */
  readonly workers?: number;
  /** Keep only lines of these nodes (lines without a node are kept). */
  readonly nodes?: readonly string[];
  /** Keep only lines at or after this instant (epoch ms; lines without a time are kept). */
  readonly fromMs?: number;
  /** Keep only lines at or before this instant (epoch ms). */
  readonly toMs?: number;
  /** Also return the cluster events (Ceph audit/cluster log) that no incident took, as `clusterEvents`. */
  readonly clusterEvents?: boolean;
}

/** What can be analysed: file paths, raw byte/text chunks, lines, or a mix of sources. */
export type AnalyzeInput =
  | { readonly files: readonly string[] }
  | { readonly chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>; readonly source?: string }
  | { readonly lines: AsyncIterable<string> | Iterable<string>; readonly source?: string }
  | { readonly sources: readonly Source[] };

/** One step of a streaming analysis. */
export type AnalysisEvent =
  | { readonly type: 'incident'; readonly incident: Incident }
  | { readonly type: 'input'; readonly input: InputSummary; readonly errors: readonly InputError[]; readonly warnings: readonly InputError[] }
  | { readonly type: 'done'; readonly incidents: readonly Incident[]; readonly noise: readonly NoiseCount[]; readonly unmatchedClusterEvents: readonly ClusterEvent[] };

async function* linesToChunks(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<Buffer> {
  let batch: string[] = [];
  for await (const line of lines as AsyncIterable<string>) {
    batch.push(line.endsWith('\n') ? line : `${line}\n`);
    if (batch.length >= 1024) { yield Buffer.from(batch.join(''), 'utf8'); batch = []; }
  }
  if (batch.length > 0) yield Buffer.from(batch.join(''), 'utf8');
}

function toSources(input: AnalyzeInput): readonly Source[] {
  if ('sources' in input) return input.sources;
  if ('files' in input) return input.files.map((path) => ({ kind: 'file', path }));
  if ('chunks' in input) {
    const name = input.source ?? '<stream>';
    return [{ kind: 'stream', spec: { name, chunks: (warn) => toBufferChunks(input.chunks, name, warn) } }];
  }
  return [{ kind: 'stream', spec: { name: input.source ?? '<lines>', chunks: () => linesToChunks(input.lines) } }];
}

/** Turns an AnalyzeInput into input specs (tasks directories and record sources are left out). */
export async function inputSpecs(input: AnalyzeInput): Promise<InputSpec[]> {
  const out: InputSpec[] = [];
  for (const s of toSources(input)) {
    if (s.kind === 'file') out.push(await fileSpec(s.path, s.nodeHint));
    else if (s.kind === 'stream') out.push(s.spec);
  }
  return out;
}


type FlatSource = Exclude<Source, { kind: 'tasks' }>;

/**
 * Expands tasks directories (task files + index lines of tasks whose file is gone), drops files
 * named twice (a task file given alone and inside its directory, say), and makes the journal
 * files of one directory one input, interleaved as journalctl does (a single one stays a plain file).
 */
export async function resolveSources(sources: readonly Source[], options: Pick<AnalyzeOptions, 'fromMs' | 'toMs'> = {}): Promise<FlatSource[]> {
  const out: FlatSource[] = [];
  const seen = new Set<string>();
  const journalDirs = new Map<string, { index: number; paths: string[]; nodeHint: string | null }>();
  const addFile = async (path: string, nodeHint?: string | null): Promise<void> => {
    const real = await realpath(path).catch(() => path);
    if (seen.has(real)) return;
    seen.add(real);
    out.push({ kind: 'file', path, ...(nodeHint ? { nodeHint } : {}) });
  };
  const addJournalFile = (path: string, nodeHint: string | null): void => {
    const dir = dirname(path);
    const group = journalDirs.get(dir);
    if (group) { group.paths.push(path); return; }
    journalDirs.set(dir, { index: out.length, paths: [path], nodeHint });
    out.push({ kind: 'file', path, ...(nodeHint ? { nodeHint } : {}) });
  };
  for (const s of sources) {
    if (s.kind === 'file') {
      if (await isJournalFile(s.path)) {
        const real = await realpath(s.path).catch(() => s.path);
        if (!seen.has(real)) { seen.add(real); addJournalFile(s.path, s.nodeHint ?? null); }
      } else await addFile(s.path, s.nodeHint);
    } else if (s.kind !== 'tasks') out.push(s);
    else {
      // Modules that only some inputs need load with the first such input (start-up of the rest).
      const { readTasksDir } = await import('../sources/tasks-dir.js');
      const { taskIndexRecords } = await import('../records/task-index.js');
      const tasks = await readTasksDir(s.dir, { fromMs: options.fromMs ?? null, toMs: options.toMs ?? null });
      for (const path of tasks.files) await addFile(path);
      if (tasks.orphans.length > 0) {
        const records = taskIndexRecords(tasks.orphans);
        out.push({ kind: 'records', name: `${tasks.dir}/index`, format: 'tasklog', records: async function* () { yield records; } });
      }
    }
  }
  for (const [dir, group] of journalDirs) {
    if (group.paths.length > 1) out[group.index] = { kind: 'journal-files', name: dir, paths: group.paths, nodeHint: group.nodeHint };
  }
  return out;
}

function recordFilter(options: AnalyzeOptions): ((r: LogRecord) => boolean) | null {
  const nodes = options.nodes && options.nodes.length > 0 ? new Set(options.nodes) : null;
  const from = options.fromMs ?? null;
  const to = options.toMs ?? null;
  if (!nodes && from === null && to === null) return null;
  return (r) => (nodes === null || r.node === null || nodes.has(r.node))
    && (r.epochMs === null || ((from === null || r.epochMs >= from) && (to === null || r.epochMs <= to)));
}

interface Opened {
  readonly name: string;
  readonly batches: AsyncIterable<ExtractedBatch> | Iterable<ExtractedBatch>;
  /** Read after the batches are consumed. */
  readonly report: () => { format: InputFormat | null; lines: number; errors: readonly InputError[]; warnings: readonly InputError[] };
}

/**
 * Threads for `files` files: as asked, but never more than the files or the cores (more
 * threads than cores only add memory and switching: 128 took 2 GB and ran 5x slower).
 */
export function workerCount(requested: number, files: number): number {
  return Math.max(0, Math.min(Math.floor(requested), files, availableParallelism()));
}

/** Streams incident updates as lines arrive: an incident is re-emitted when it gains evidence. */
export async function* analyzeStream(input: AnalyzeInput, options: AnalyzeOptions = {}): AsyncGenerator<AnalysisEvent> {
  const sources = await resolveSources(toSources(input), options);
  const correlator = new Correlator(options);
  const cache = new ExtractionCache();
  const keep = recordFilter(options);
  // Ceph audit/cluster log lines become cluster events, never incidents; joined to incidents at the end.
  const clusterLines: ClusterLogLine[] = [];
  let clusterEvents: ClusterEvent[] | null = null;
  const withClusterEvidence = (incidents: readonly Incident[]): ReturnType<typeof attachClusterEvidence> => {
    clusterEvents ??= buildClusterEvents(clusterLines);
    return attachClusterEvidence(incidents, clusterEvents);
  };
  const fileCount = sources.filter((s) => s.kind === 'file').length;
  const workers = workerCount(options.workers ?? 0, fileCount);
  const pool = workers > 1 ? new (await import('./worker-pool.js')).WorkerPool(workers, {
    ...(options.year !== undefined ? { year: options.year } : {}),
    ...(options.tz !== undefined ? { tz: options.tz } : {}),
    ...(options.inputFormat !== undefined ? { inputFormat: options.inputFormat } : {}),
  }) : null;
  // Files handed to the pool ahead of the one being correlated (bounded: results wait in memory).
  const ahead = new Map<number, Promise<FileResult>>();
  const prefetch = (from: number): void => {
    if (!pool) return;
    for (let j = from; j < sources.length && ahead.size < workers * 2; j++) {
      const s = sources[j];
      if (s?.kind === 'file' && !ahead.has(j)) ahead.set(j, pool.read(s.path, s.nodeHint ?? null));
    }
  };
  /** Several journal files as one input: read natively, interleaved as journalctl does. */
  const openJournalFiles = async (name: string, paths: readonly string[], nodeHint: string | null, match: readonly string[] | undefined, listErrors: InputError[]): Promise<Opened> => {
    const reports = paths.map((): ReadReport => ({ format: null, stats: newScanStats(), errors: [], warnings: [] }));
    const jobs = await Promise.all(paths.map(async (path, i) => ({ input: { path }, spec: await fileSpec(path, nodeHint), report: reports[i] as ReadReport })));
    const { readJournalFilesRecords } = await import('../records/journal-file.js');
    const batches = (async function* () {
      for await (const records of sealed(readJournalFilesRecords(jobs, match))) yield { records, extractions: records.map((r) => cache.get(r.message)) };
    })();
    return {
      name,
      batches,
      report: () => ({
        format: 'journal-file',
        lines: reports.reduce((n, r) => n + r.stats.lines, 0),
        errors: [...listErrors, ...reports.flatMap((r) => r.errors)],
        warnings: reports.flatMap((r) => r.warnings),
      }),
    };
  };
  const open = async (index: number, s: FlatSource): Promise<Opened> => {
    if (s.kind === 'journal-files') return openJournalFiles(s.name, s.paths, s.nodeHint ?? null, s.match, []);
    if (s.kind === 'journal-dir') {
      let paths: string[] = [];
      const listErrors: InputError[] = [];
      try { paths = await (await import('../sources/journal-file/directory.js')).journalFilesIn(s.dir); } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        listErrors.push({ source: s.dir, message: code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : `cannot list: ${(err as Error).message}` });
      }
      if (paths.length === 0 && listErrors.length === 0) listErrors.push({ source: s.dir, message: 'no journal file in this directory' });
      return openJournalFiles(s.dir, paths, null, s.match, listErrors);
    }
    if (s.kind === 'file' && pool) {
      prefetch(index);
      const result = await (ahead.get(index) as Promise<FileResult>);
      ahead.delete(index);
      prefetch(index + 1);
      return { name: s.path, batches: result.batches, report: () => result.done };
    }
    if (s.kind === 'records') {
      let lines = 0;
      const batches = (async function* () {
        for await (const recs of s.records()) { lines += recs.length; yield { records: recs, extractions: recs.map((r) => cache.get(r.message)) }; }
      })();
      return { name: s.name, batches, report: () => ({ format: s.format, lines, errors: [], warnings: [] }) };
    }
    const spec = s.kind === 'file' ? await fileSpec(s.path, s.nodeHint) : s.spec;
    const report: ReadReport = { format: null, stats: newScanStats(), errors: [], warnings: [] };
    return { name: spec.name, batches: readExtracted(spec, options, report, cache), report: () => ({ ...report, lines: report.stats.lines }) };
  };
  try {
    for (const [index, source] of sources.entries()) {
      const opened = await open(index, source);
      for await (const batch of opened.batches) {
        const touched = new Set<string>();
        batch.records.forEach((record, i) => {
          if (keep && !keep(record)) return;
          const entry = parseCephLogMessage(record.message, options.tz);
          if (entry) { clusterLines.push({ entry, record }); clusterEvents = null; return; }
          if (record.ident === CEPH_LOG_IDENT) return; // a line of a ceph.log file that is no entry
          const key = correlator.add(record, batch.extractions[i] as NonNullable<(typeof batch.extractions)[number]>);
          if (key) touched.add(key);
        });
        if (options.updates === false) continue;
        for (const key of touched) {
          const incident = correlator.incident(key);
          if (incident) yield { type: 'incident', incident: withClusterEvidence([incident]).incidents[0] ?? incident };
        }
      }
      const report = opened.report();
      const summary: InputSummary = { source: opened.name, format: report.format ?? 'cat', lines: report.lines };
      options.onInputDone?.(summary);
      yield { type: 'input', input: summary, errors: report.errors, warnings: report.warnings };
    }
  } finally {
    await pool?.close();
  }
  const finished = withClusterEvidence(correlator.incidents());
  yield { type: 'done', incidents: finished.incidents, noise: correlator.noise(), unmatchedClusterEvents: finished.unmatched };
}

/** Analyses everything and returns the JSON-contract result. */
export async function analyze(input: AnalyzeInput, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const inputs: InputSummary[] = [];
  const errors: InputError[] = [];
  const warnings: InputError[] = [];
  let incidents: readonly Incident[] = [];
  let noise: readonly NoiseCount[] = [];
  let unmatched: readonly ClusterEvent[] = [];
  for await (const event of analyzeStream(input, { ...options, updates: false })) {
    if (event.type === 'input') { inputs.push(event.input); errors.push(...event.errors); warnings.push(...event.warnings); }
    else if (event.type === 'done') { incidents = event.incidents; noise = event.noise; unmatched = event.unmatchedClusterEvents; }
  }
  return { schemaVersion: 1, incidents, noise, inputs, errors, warnings, ...(options.clusterEvents ? { clusterEvents: unmatched } : {}) };
}

/** Analyses files (paths already expanded). */
export function analyzeFiles(paths: readonly string[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  return analyze({ files: paths }, options);
}

/** Analyses a text (e.g. a pasted journal excerpt). */
export function analyzeText(text: string, options: AnalyzeOptions & { readonly source?: string } = {}): Promise<AnalysisResult> {
  return analyze({ chunks: [text], source: options.source ?? '<text>' }, options);
}
