/**
 * The command line: argument parsing (yargs), I/O and exit codes around the library.
 * Exit codes: 0 no incident, 1 incidents found, 2 usage error or an input not read whole.
 */
import yargs from 'yargs';
import type { Readable, Writable } from 'node:stream';
import { analyze, analyzeStream, type AnalyzeOptions } from '../pipeline/analyze.js';
import type { AnalysisResult, InputFormat } from '../types.js';
import { formatText } from '../report/text.js';
import { formatJson, formatNdjsonIncident } from '../report/json.js';
import { wantColor } from '../report/style.js';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import type { Source } from '../pipeline/sources.js';
import { toBufferChunks } from '../sources/open-input.js';
import { findJournalctl, journalctlArgs, journalctlChunks, liveMatchGroups } from '../sources/journalctl.js';
import { parseTimeArg } from './time-arg.js';
import { progressBar } from './progress.js';
import { formatIncident } from '../report/text.js';
import type { DoctorArgs } from './doctor-command.js';
import type { ProbeArgs } from './probe-command.js';
// doctor, probe, --with-config and glob expansion load their modules only when used: start-up
// time is part of every run (see docs/benchmark.md).

/** The process pieces the CLI touches (tests pass their own). */
export interface CliIo {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

export const INPUT_FORMATS: readonly InputFormat[] = [
  'short', 'short-precise', 'short-iso', 'short-iso-precise', 'short-full', 'syslog', 'json', 'export', 'cat', 'tasklog', 'cli',
];

export const EXIT = { clean: 0, incidents: 1, error: 2 } as const;

class UsageError extends Error {}

function say(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let usageError: string | null = null;
  const parser = yargs([...argv])
    .scriptName('rbd-explain')
    .usage('$0 [files..]\n\nExplain Proxmox VE "RBD: error opening" failures from logs: the root cause and the commands to confirm and fix it.\nReads stdin when no file is given (e.g. journalctl -u pvedaemon | rbd-explain). With neither, on a node, it reads the journal itself (journalctl, last 24 h) and /var/log/pve/tasks.')
    .command('$0 [files..]', 'Analyse logs (files, globs, directories, tasks directories; stdin when none; else this node\'s journal)', (y) =>
      y.positional('files', { type: 'string', array: true, describe: 'Log files, globs or directories (plain, .gz, .zst, .xz; /var/log/pve/tasks; a support bundle with per-node folders)' })
        .option('with-config', { type: 'boolean', default: false, describe: 'Also check this node\'s config (doctor) and attach the findings to the incidents' })
        .option('since', { type: 'string', describe: 'Only lines from then on: -24h, "2 hours ago", yesterday, 2025-01-14 10:00, @EPOCH (live mode default -24h)' })
        .option('until', { type: 'string', describe: 'Only lines up to then (same forms as --since)' })
        .option('node', { type: 'string', array: true, describe: 'Only lines of these nodes (repeatable)' })
        .option('unit', { type: 'string', array: true, describe: 'Live mode: read these units instead of the PVE daemons (kernel and PVE CLI lines are always read)' })
        .option('journal-dir', { type: 'string', describe: 'Live mode on a collected journal (a journal-remote collector, /var/log/journal): its journal files read natively (--follow: journalctl --directory=DIR)' })
        .option('tasks-dir', { type: 'string', default: '/var/log/pve/tasks', describe: 'Live mode: the tasks directory read with the journal (skipped when absent)' })
        .option('follow', { type: 'boolean', default: false, describe: 'Print each incident as soon as it is known and again when it gains evidence (stdin, or journalctl -f in live mode)' })
        .option('jobs', { type: 'number', describe: 'Worker threads reading files in parallel (default: the number of cores)' })
        .option('group', { choices: ['auto', 'window', 'storage'] as const, default: 'auto' as const, describe: 'Incidents per task/window, or per node+storage+cause with a timeline; auto: storage when several nodes are seen' }))
    .command('doctor', 'Check the node\'s own Ceph/Proxmox config, or collected trees (read-only)', (y) =>
      y.option('pools', { type: 'string', describe: 'File with `ceph osd pool ls` output, to check storage pools' })
        .option('fail-on', { choices: ['error', 'warning'] as const, default: 'error' as const, describe: 'Lowest severity that makes the exit status 1' })
        .example('$0 doctor', 'Check this node')
        .example('$0 doctor --root pve1=/bundle/pve1 --root pve2=/bundle/pve2 --root pve3=/bundle/pve3', 'Compare three collected nodes'))
    .command('probe', 'Confirm a diagnosis live with read-only commands (never changes the cluster)', (y) =>
      y.option('conf', { type: 'string', describe: 'ceph.conf the failing process used' })
        .option('id', { type: 'string', describe: 'Client id without "client." (default admin)' })
        .option('keyring', { type: 'string', describe: 'Keyring path the failing process used' })
        .option('pool', { type: 'string' })
        .option('namespace', { type: 'string' })
        .option('image', { type: 'string' })
        .option('mon', { type: 'string', array: true, describe: 'Monitor host(s) to test; only loopback or hosts named here are contacted' })
        .option('storage', { type: 'string', describe: 'Take conf, id, keyring and pool from this storage in storage.cfg' })
        .option('from', { type: 'string', array: true, describe: 'Take them from the top incident of these log files' })
        .option('incident', { type: 'string', describe: 'With --from: the incident id to probe' })
        .option('op', { choices: ['create', 'snapshot', 'clone', 'resize', 'remove', 'lock'] as const, describe: 'The operation that failed (never tried); with --from, the incident\'s phase' })
        .option('compare-conf', { type: 'string', describe: 'Conf that should lead to the right cluster, to compare fsids (default: the other of /etc/pve/ceph.conf and /etc/ceph/ceph.conf)' })
        .option('timeout', { type: 'number', default: 20, describe: 'Seconds per command' })
        .example('$0 probe --from /var/log/syslog', 'Probe the identity of the most important incident')
        .example('$0 probe --storage ceph-vm --image vm-101-disk-0', 'Probe a storage as Proxmox would use it'))
    .option('root', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'Config root (default /); repeat as --root NODE=DIR for several nodes (doctor, --with-config, probe --storage)' })
    .option('format', { alias: 'f', choices: ['text', 'json', 'ndjson'] as const, default: 'text' as const, describe: 'Output format' })
    .option('input-format', { choices: INPUT_FORMATS, describe: 'Force the input format (default: detected per input)' })
    .option('year', { type: 'number', describe: 'Year for short formats without one (default: inferred)' })
    .option('tz', { type: 'string', describe: 'Zone of year-less short stamps: +01:00, UTC or Europe/Paris (default: this machine\'s)' })
    .option('window', { type: 'number', default: 60, describe: 'Minutes within which failures of one node and image form one incident' })
    .option('evidence', { type: 'number', default: 6, describe: 'Evidence lines per incident in the text report' })
    .option('color', { type: 'boolean', describe: 'Colour the text report (default: on a TTY; honours NO_COLOR and FORCE_COLOR)' })
    .example('journalctl -u pvedaemon -S -2h | $0', 'Explain the failures of the last two hours')
    .example("$0 --format json '/var/log/syslog*'", 'Rotated syslogs (gzip too), as one JSON document')
    .example('journalctl -o json -u pvedaemon | $0 --format ndjson', 'One incident per line for other tools')
    .example('$0 --since -2d --node pve3', 'On a node: its journal and task logs of the last two days')
    .example('$0 /bundle', 'A support bundle: per-node folders, rotated and compressed logs, tasks directories')
    .example('journalctl -f -o json | $0 --follow --format ndjson', 'Incidents as they happen')
    .epilog('Exit status: 0 no incident, 1 incidents found, 2 usage error or an input that could not be read whole.')
    .strict()
    .help()
    .version()
    .wrap(Math.min(110, (io.stdout as { columns?: number }).columns ?? 100))
    .exitProcess(false)
    // One line on stderr: yargs spreads some messages over several lines.
    .fail((msg, err) => { usageError = (msg ?? err?.message ?? 'usage error').replace(/\s*\n\s*/g, ' '); });

  let args;
  try {
    args = await parser.parseAsync();
  } catch (err) {
    usageError ??= (err as Error).message;
  }
  if (usageError !== null || !args) {
    say(io.stderr, `rbd-explain: ${usageError ?? 'usage error'}`);
    say(io.stderr, 'Run rbd-explain --help for usage.');
    return EXIT.error;
  }
  if (argv.includes('--help') || argv.includes('-h') || argv.includes('--version')) return EXIT.clean;

  try {
    const command = String(args._[0] ?? '');
    if (command === 'doctor') return (await import('./doctor-command.js')).runDoctorCommand(args as unknown as DoctorArgs, io.stdout);
    if (command === 'probe') {
      const probeArgs = { ...(args as unknown as ProbeArgs), root: (args.root as string[])[0] ?? '/' };
      return await (await import('./probe-command.js')).runProbeCommand(probeArgs, io.stdout);
    }
    return await runAnalysis(args as unknown as AnalysisArgs, io);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && err.name === 'ProbeUsageError')) {
      say(io.stderr, `rbd-explain: ${err.message}`);
      return EXIT.error;
    }
    throw err;
  }
}

interface AnalysisArgs {
  readonly files?: readonly string[] | undefined;
  readonly format: 'text' | 'json' | 'ndjson';
  readonly 'input-format'?: InputFormat | undefined;
  readonly year?: number | undefined;
  readonly tz?: string | undefined;
  readonly window: number;
  readonly evidence: number;
  readonly color?: boolean | undefined;
  readonly 'with-config': boolean;
  readonly root: readonly string[];
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly node?: readonly string[] | undefined;
  readonly unit?: readonly string[] | undefined;
  readonly 'journal-dir'?: string | undefined;
  readonly 'tasks-dir': string;
  readonly follow: boolean;
  readonly jobs?: number | undefined;
  readonly group: 'auto' | 'window' | 'storage';
}

const DEFAULT_LIVE_SINCE = '-24h';

function timeArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimeArg(value);
  if (ms === null) throw new UsageError(`--${name} ${value}: use -2h, "2 hours ago", yesterday, 2025-01-14 10:00, an ISO time with zone, or @EPOCH`);
  return ms;
}

/** Live mode: this node's journal (journalctl; a --journal-dir is read natively) and tasks directory. */
function liveSources(args: AnalysisArgs, io: CliIo, fromMs: number | undefined, untilMs: number | undefined): Source[] {
  const tasks: Source[] = !args.follow && existsSync(args['tasks-dir']) ? [{ kind: 'tasks', dir: args['tasks-dir'] }] : [];
  if (args['journal-dir'] !== undefined && !args.follow) {
    return [{ kind: 'journal-dir', dir: args['journal-dir'], match: liveMatchGroups(args.unit).flat() }, ...tasks];
  }
  const bin = findJournalctl(io.env);
  if (!bin) throw new UsageError('no input: no file, no stdin, and no journalctl on this machine to read the journal itself (pipe a log in or name files)');
  const extra = [
    ...(args['journal-dir'] !== undefined ? [`--directory=${args['journal-dir']}`] : []),
    ...(io.env['RBD_EXPLAIN_JOURNALCTL_ARGS'] ?? '').split(' ').filter(Boolean),
  ];
  const jargs = journalctlArgs({
    ...(fromMs !== undefined && !args.follow ? { since: `@${Math.floor(fromMs / 1000)}` } : {}),
    ...(untilMs !== undefined ? { until: `@${Math.ceil(untilMs / 1000)}` } : {}),
    ...(args.unit ? { units: args.unit } : {}),
    extra,
    follow: args.follow,
  });
  return [{ kind: 'stream', spec: { name: 'journalctl', chunks: () => journalctlChunks(bin, jargs) } }, ...tasks];
}

async function runAnalysis(args: AnalysisArgs, io: CliIo): Promise<number> {
  const positional = [...(args.files ?? [])];
  let sources: Source[];
  let preErrors = 0;
  const live = positional.length === 0 && (io.stdin.isTTY === true || args['journal-dir'] !== undefined);
  if (args.unit && !live) throw new UsageError('--unit applies to live mode (no file, no stdin): filter with journalctl -u when piping');
  if (args.follow && args.format === 'json') throw new UsageError('--follow prints incidents as they change: use --format ndjson or text');
  if (args.follow && positional.length > 0) throw new UsageError('--follow reads stdin (journalctl -f -o json | rbd-explain --follow) or, with no stdin, the live journal');
  const fromMs = timeArg('since', args.since ?? (live && !args.follow ? DEFAULT_LIVE_SINCE : undefined));
  const untilMs = timeArg('until', args.until);
  if (positional.length > 0) {
    const expanded = await (await import('./expand-inputs.js')).expandInputs(positional);
    for (const u of expanded.unmatched) say(io.stderr, `rbd-explain: ${u}: no file matches`);
    preErrors += expanded.unmatched.length;
    if (expanded.sources.length === 0) throw new UsageError('no input file to read');
    sources = expanded.sources;
  } else if (live) {
    sources = liveSources(args, io, fromMs, untilMs);
  } else {
    sources = [{ kind: 'stream', spec: { name: '<stdin>', chunks: () => toBufferChunks(io.stdin as AsyncIterable<Buffer>) } }];
  }
  if (args.tz !== undefined) {
    try { new Intl.DateTimeFormat('en-US', { timeZone: /^[+-]\d/.test(args.tz) ? 'UTC' : args.tz }); }
    catch { throw new UsageError(`--tz ${args.tz}: unknown time zone`); }
  }
  const fileCount = sources.filter((s) => s.kind === 'file' || s.kind === 'tasks').length;
  const progress = args.follow ? progressBar(io.stderr, false, 0) : progressBar(io.stderr, io.stdout.isTTY === true, fileCount);
  const options: AnalyzeOptions = {
    windowMinutes: args.window,
    grouping: args.follow && args.group === 'auto' ? 'window' : args.group,
    workers: Math.max(0, Math.floor(args.jobs ?? availableParallelism())),
    onInputDone: (summary) => progress.tick(summary.source),
    ...(args.follow ? { expireIdleMinutes: args.window } : {}),
    ...(args.node && args.node.length > 0 ? { nodes: args.node } : {}),
    ...(fromMs !== undefined ? { fromMs } : {}),
    ...(untilMs !== undefined ? { toMs: untilMs } : {}),
    ...(args['input-format'] ? { inputFormat: args['input-format'] } : {}),
    ...(args.year !== undefined ? { year: args.year } : {}),
    ...(args.tz !== undefined ? { tz: args.tz } : {}),
  };
  if (args.follow) return follow(sources, options, args, io);

  let result: AnalysisResult;
  try { result = await analyze({ sources }, options); } finally { progress.end(); }
  if (args['with-config']) {
    const { doctorReport, nodeInputs, storagePools } = await import('./doctor-command.js');
    const { attachConfig } = await import('../correlate/attach-config.js');
    const report = doctorReport({ root: args.root });
    result = { ...result, incidents: attachConfig(result.incidents, report.findings, nodeInputs(args.root).length === 1, storagePools(args.root)) };
  }
  if (args.format === 'ndjson') {
    for (const incident of result.incidents) io.stdout.write(formatNdjsonIncident(incident));
  } else {
    if (args.format === 'json') io.stdout.write(formatJson(result));
    else io.stdout.write(formatText(result, { color: wantColor(io.stdout, io.env, args.color), evidenceLines: args.evidence }));
  }
  for (const w of result.warnings) say(io.stderr, `rbd-explain: warning: ${w.source}: ${w.message}`);
  for (const e of result.errors) say(io.stderr, `rbd-explain: ${e.source}: ${e.message}`);
  if (result.errors.length > 0 || preErrors > 0) return EXIT.error;
  return result.incidents.length > 0 ? EXIT.incidents : EXIT.clean;
}

/** Follow mode: each incident as soon as it is known, again (same id) when it gains evidence. */
async function follow(sources: readonly Source[], options: AnalyzeOptions, args: AnalysisArgs, io: CliIo): Promise<number> {
  let seen = 0;
  let errors = 0;
  const color = wantColor(io.stdout, io.env, args.color);
  for await (const event of analyzeStream({ sources }, options)) {
    if (event.type === 'incident') {
      seen += 1;
      io.stdout.write(args.format === 'ndjson'
        ? formatNdjsonIncident(event.incident)
        : `${formatIncident(event.incident, seen, { color, evidenceLines: args.evidence })}\n\n`);
    } else if (event.type === 'input') {
      for (const w of event.warnings) say(io.stderr, `rbd-explain: warning: ${w.source}: ${w.message}`);
      for (const e of event.errors) say(io.stderr, `rbd-explain: ${e.source}: ${e.message}`);
      errors += event.errors.length;
    }
  }
  if (errors > 0) return EXIT.error;
  return seen > 0 ? EXIT.incidents : EXIT.clean;
}

/** Streaming variant used by follow mode. */
export { analyzeStream };
