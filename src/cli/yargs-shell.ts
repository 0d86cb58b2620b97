/**
 * Full yargs, built from the option table: loaded only for --help, usage errors and shell
 * completion (it costs ~100 ms to load). Each command lists only its own options.
 */
import yargs, { type Argv, type Options } from 'yargs';
import { COMMANDS, EPILOG, SUMMARY, type CommandSpec } from './options.js';

function withOptions(y: Argv, command: CommandSpec): Argv {
  let out = y;
  for (const [name, spec] of Object.entries(command.options)) {
    const options: Options = {
      type: spec.type, describe: spec.describe,
      ...(spec.alias ? { alias: spec.alias } : {}),
      ...(spec.default !== undefined ? { default: spec.default } : {}),
      ...(spec.choices ? { choices: [...spec.choices] } : {}),
    };
    out = out.option(name, options);
  }
  for (const [cmd, description] of command.examples) out = out.example(cmd, description);
  return out;
}

/** What yargs printed (help, completion) or the usage error it found, as one line. */
export interface YargsOutcome {
  readonly output: string;
  readonly error: string | null;
}

/** Runs full yargs on the arguments (values already attached to their options). */
export async function runYargs(tokens: readonly string[], version: string, columns: number | undefined): Promise<YargsOutcome> {
  const { analyze, doctor, probe } = COMMANDS;
  const y = yargs()
    .scriptName('rbd-explain')
    .usage(`$0 [files..]\n\n${SUMMARY}`)
    .command(analyze.usage, analyze.describe, (c) => withOptions(c, analyze).positional('files', {
      type: 'string', array: true,
      describe: 'Log files, globs or directories (plain, .gz, .zst, .xz; /var/log/pve/tasks; a support bundle with per-node folders)',
    }))
    .command(doctor.usage, doctor.describe, (c) => withOptions(c, doctor))
    .command(probe.usage, probe.describe, (c) => withOptions(c, probe))
    .parserConfiguration({ 'camel-case-expansion': false })
    .epilog(EPILOG)
    .strict()
    .help().alias('help', 'h')
    .version(version)
    .completion('completion', false)
    .wrap(Math.min(110, columns ?? 100))
    .exitProcess(false);
  let error: string | null = null;
  let output = '';
  try {
    await y.parseAsync([...tokens], {}, (err: Error | undefined, _argv: unknown, out: string) => {
      output = out;
      // One line: yargs spreads some messages over several lines.
      if (err) error = err.message.replace(/\s*\n\s*/g, ' ');
    });
  } catch (err) {
    error ??= (err as Error).message.replace(/\s*\n\s*/g, ' ');
  }
  return { output, error };
}
