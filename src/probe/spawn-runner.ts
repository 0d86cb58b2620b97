/** The real command runner: spawns ceph/rbd without a shell, with a hard timeout and a clean environment. */
import { execFile } from 'node:child_process';
import type { CephProgram, CommandRunner } from './types.js';

/** Paths of the tools, when they are not on PATH. */
export type ToolPaths = Partial<Record<CephProgram, string>>;

/** A runner that spawns the real tools; CEPH_ARGS/CEPH_CONF are dropped so the shell's setup does not change the identity. */
export function spawnRunner(tools: ToolPaths = {}): CommandRunner {
  const env = { ...process.env };
  delete env['CEPH_ARGS'];
  delete env['CEPH_CONF'];
  return (command) => new Promise((resolve) => {
    execFile(tools[command.program] ?? command.program, [...command.args], {
      timeout: command.timeoutMs, killSignal: 'SIGKILL', env, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8',
    }, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      const spawnError = err && typeof err.code === 'string' ? err.code : null;
      resolve({
        exitCode: err === null ? 0 : typeof err.code === 'number' ? err.code : null,
        stdout,
        stderr,
        timedOut: err?.killed === true && spawnError === null,
        spawnError,
      });
    });
  });
}
