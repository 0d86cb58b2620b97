// Runs the CLI in-process with in-memory streams, or the real bin in a child process.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: readonly string[], stdinText: string | null = null, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (d: Buffer) => out.push(d));
  stderr.on('data', (d: Buffer) => err.push(d));
  const stdin = Object.assign(stdinText === null ? Readable.from([]) : Readable.from([Buffer.from(stdinText)]), { isTTY: stdinText === null });
  const code = await main(args, { stdin, stdout, stderr, env });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** The executable under test: this build's bin (the bundle package.json's `bin` runs), or another build's (RBD_EXPLAIN_BIN, to show a test failing before a change). */
export const BIN = process.env['RBD_EXPLAIN_BIN'] ?? 'dist/src/bin/cli.js';

/** Runs the real bin in a child process (stdin: the text given, or empty). */
export function runBin(args: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliRun {
  const res = spawnSync(process.execPath, [resolve(BIN), ...args], {
    input: options.stdin ?? '', encoding: 'utf8', cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env }, maxBuffer: 64 * 1024 * 1024,
  });
  return { code: res.status ?? (res.signal ? 128 : -1), stdout: res.stdout, stderr: res.stderr };
}
