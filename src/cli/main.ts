/**
 * The command line: parses the arguments (yargs-parser over src/cli/options.ts), hands them to
 * the command, and turns usage problems into one line on stderr and exit code 2. Full yargs is
 * loaded only for --help, usage errors and completion; each command loads its own modules.
 */
import { parseArgs, type OptionValues } from './parse-args.js';
import { EXIT, UsageError, say, type CliIo } from './io.js';
import { ownVersion } from './version.js';
import type { DoctorArgs } from './doctor-command.js';
import type { ProbeArgs } from './probe-command.js';

export type { CliIo } from './io.js';
export { EXIT } from './io.js';

function usageProblem(io: CliIo, message: string): number {
  say(io.stderr, `rbd-explain: ${message}`);
  say(io.stderr, 'Run rbd-explain --help for usage.');
  return EXIT.error;
}

function probeArgs(o: OptionValues): ProbeArgs {
  const { 'compare-conf': compareConf, ...rest } = o;
  return { ...(rest as unknown as ProbeArgs), ...(compareConf !== undefined ? { compareConf: compareConf as string } : {}) };
}

/** Errors that are the user's to fix (a bad value, a missing input), not a fault of ours. */
function isUsageError(err: unknown): err is Error {
  return err instanceof UsageError || (err instanceof Error && (err.name === 'ProbeUsageError' || err.name === 'NoJournalctlError'));
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'version') {
    say(io.stdout, ownVersion());
    return EXIT.clean;
  }
  if (parsed.kind === 'yargs') {
    const { runYargs } = await import('./yargs-shell.js');
    const { output, error } = await runYargs(parsed.tokens, ownVersion(), io.stdout.columns);
    const problem = error ?? parsed.problem;
    if (problem !== null) return usageProblem(io, problem);
    if (output) say(io.stdout, output);
    return EXIT.clean;
  }
  try {
    if (parsed.command === 'doctor') {
      const args = { root: [], ...parsed.options } as unknown as DoctorArgs;
      return (await import('./doctor-command.js')).runDoctorCommand(args, io.stdout);
    }
    if (parsed.command === 'probe') return await (await import('./probe-command.js')).runProbeCommand(probeArgs(parsed.options), io.stdout);
    const options = { root: [], ...parsed.options };
    return await (await import('./analyze-command.js')).runAnalyzeCommand(options, parsed.positionals, io);
  } catch (err) {
    if (isUsageError(err)) {
      say(io.stderr, `rbd-explain: ${err.message}`);
      return EXIT.error;
    }
    throw err;
  }
}
