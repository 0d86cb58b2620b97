/**
 * `rbd-explain [files..]`: picks the inputs (files, stdin, or live mode), runs the library's
 * analysis, follow mode or config attachment, prints the report, and returns the exit code.
 */
import { availableParallelism } from 'node:os';
import type { AnalysisResult, InputError, InputFormat } from '../types.js';
import { analyze, type AnalyzeOptions } from '../pipeline/analyze.js';
import type { Source } from '../pipeline/sources.js';
import { toBufferChunks } from '../sources/open-input.js';
import { terminalWidth } from '../report/layout.js';
import { wantColor } from '../report/style.js';
import { parseTimeArg } from './time-arg.js';
import { progressBar } from './progress.js';
import { EXIT, UsageError, say, type CliIo } from './io.js';
import type { OptionValues } from './parse-args.js';

/** The analysis options, as parsed and checked against src/cli/options.ts. */
interface AnalysisArgs {
  readonly format: 'text' | 'json' | 'ndjson';
  readonly 'input-format'?: InputFormat;
  readonly year?: number;
  readonly tz?: string;
  readonly window: number;
  readonly evidence: number;
  readonly color?: boolean;
  readonly 'with-config': boolean;
  readonly root: readonly string[];
  readonly since?: string;
  readonly until?: string;
  readonly node?: readonly string[];
  readonly unit?: readonly string[];
  readonly 'journal-dir'?: string;
  readonly 'tasks-dir': string;
  readonly follow: boolean;
  readonly jobs?: number;
  readonly group: 'auto' | 'window' | 'storage';
  readonly 'cluster-events': boolean;
}

function timeArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimeArg(value);
  if (ms === null) throw new UsageError(`--${name} ${value}: use -2h, "2 hours ago", yesterday, 2025-01-14 10:00, an ISO time with zone, or @EPOCH`);
  return ms;
}

function reportProblems(io: CliIo, warnings: readonly InputError[], errors: readonly InputError[]): void {
  for (const w of warnings) say(io.stderr, `rbd-explain: warning: ${w.source}: ${w.message}`);
  for (const e of errors) say(io.stderr, `rbd-explain: ${e.source}: ${e.message}`);
}

/** Runs the analysis for the parsed options and file arguments; resolves to the exit code. */
export async function runAnalyzeCommand(options: OptionValues, files: readonly string[], io: CliIo): Promise<number> {
  const args = options as unknown as AnalysisArgs;
  const live = files.length === 0 && (io.stdin.isTTY === true || args['journal-dir'] !== undefined);
  if (args.unit && !live) throw new UsageError('--unit applies to live mode (no file, no stdin): filter with journalctl -u when piping');
  if (args.follow && args.format === 'json') throw new UsageError('--follow prints incidents as they change: use --format ndjson or text');
  if (args.follow && files.length > 0) throw new UsageError('--follow reads stdin (journalctl -f -o json | rbd-explain --follow) or, with no stdin, the live journal');
  // Modules only some runs need (live journal, follow, one report format) load when asked for:
  // every run pays for what it imports at start-up.
  const liveModule = live ? await import('../pipeline/live.js') : null;
  const fromMs = timeArg('since', args.since) ?? (liveModule && !args.follow ? Date.now() - liveModule.DEFAULT_LIVE_SINCE_MS : undefined);
  const untilMs = timeArg('until', args.until);
  let sources: Source[];
  let inputErrors: InputError[] = [];
  if (files.length > 0) {
    const expanded = await (await import('../pipeline/expand-inputs.js')).expandInputs(files);
    // Arguments that gave nothing to read are input errors: in the report too, even when no input is left.
    inputErrors = expanded.errors;
    sources = expanded.sources;
  } else if (liveModule) {
    sources = liveModule.liveSources({
      fromMs, toMs: untilMs, units: args.unit, journalDir: args['journal-dir'], tasksDir: args['tasks-dir'], follow: args.follow,
      env: io.env, onJournalctlMessage: (line) => say(io.stderr, `rbd-explain: journalctl: ${line}`),
    });
  } else {
    sources = [{ kind: 'stream', spec: { name: '<stdin>', chunks: (warn) => toBufferChunks(io.stdin as AsyncIterable<Buffer>, '<stdin>', warn) } }];
  }
  const fileCount = sources.filter((s) => s.kind === 'file' || s.kind === 'tasks').length;
  const progress = progressBar(io.stderr, !args.follow && io.stdout.isTTY === true, fileCount);
  const analyzeOptions: AnalyzeOptions = {
    windowMinutes: args.window,
    grouping: args.group,
    workers: args.jobs ?? availableParallelism(),
    onInputDone: (summary) => progress.tick(summary.source),
    ...(args.node && args.node.length > 0 ? { nodes: args.node } : {}),
    ...(fromMs !== undefined ? { fromMs } : {}),
    ...(untilMs !== undefined ? { toMs: untilMs } : {}),
    ...(args['input-format'] ? { inputFormat: args['input-format'] } : {}),
    ...(args.year !== undefined ? { year: args.year } : {}),
    ...(args.tz !== undefined ? { tz: args.tz } : {}),
    ...(args['cluster-events'] ? { clusterEvents: true } : {}),
  };
  if (args.follow) return printFollow(sources, analyzeOptions, args, io);

  let result: AnalysisResult;
  try { result = await analyze({ sources }, analyzeOptions); } finally { progress.end(); }
  if (inputErrors.length > 0) result = { ...result, errors: [...inputErrors, ...result.errors] };
  if (args['with-config']) result = (await import('../pipeline/with-config.js')).withConfig(result, args.root);
  if (args.format === 'ndjson') {
    const { formatNdjsonIncident } = await import('../report/json.js');
    for (const incident of result.incidents) io.stdout.write(formatNdjsonIncident(incident));
  } else if (args.format === 'json') {
    writeJsonDocument(io, result, (await import('../report/json.js')).formatJsonChunks);
  } else {
    const { formatText } = await import('../report/text.js');
    io.stdout.write(formatText(result, { color: wantColor(io.stdout, io.env, args.color), evidenceLines: args.evidence, width: terminalWidth(io.stdout) }));
  }
  reportProblems(io, result.warnings, result.errors);
  if (result.errors.length > 0) return EXIT.error;
  return result.incidents.length > 0 ? EXIT.incidents : EXIT.clean;
}

/** Pieces of text gathered before one write: few system calls, and no whole document in memory. */
const WRITE_BATCH_CHARS = 1 << 16;

/** The JSON document written piece by piece as it is produced (the same bytes as formatJson). */
function writeJsonDocument(io: CliIo, result: AnalysisResult, formatJsonChunks: (result: AnalysisResult) => Iterable<string>): void {
  let pending = '';
  for (const chunk of formatJsonChunks(result)) {
    pending += chunk;
    if (pending.length >= WRITE_BATCH_CHARS) {
      io.stdout.write(pending);
      pending = '';
    }
  }
  if (pending) io.stdout.write(pending);
}

/** Follow mode: each incident as soon as it is known, again (same id) when it gains evidence. */
async function printFollow(sources: readonly Source[], options: AnalyzeOptions, args: AnalysisArgs, io: CliIo): Promise<number> {
  let seen = 0;
  let errors = 0;
  const color = wantColor(io.stdout, io.env, args.color);
  const { follow } = await import('../pipeline/follow.js');
  const { formatNdjsonIncident } = await import('../report/json.js');
  const { formatIncident } = await import('../report/text.js');
  for await (const event of follow({ sources }, options)) {
    if (event.type === 'incident') {
      seen += 1;
      io.stdout.write(args.format === 'ndjson'
        ? formatNdjsonIncident(event.incident)
        : `${formatIncident(event.incident, seen, { color, evidenceLines: args.evidence, width: terminalWidth(io.stdout) })}\n\n`);
    } else if (event.type === 'input') {
      reportProblems(io, event.warnings, event.errors);
      errors += event.errors.length;
    }
  }
  if (errors > 0) return EXIT.error;
  return seen > 0 ? EXIT.incidents : EXIT.clean;
}
