/** Wraps a command runner: enforces the read-only allowlist and records every command in an audit log. */
import { refusalReason, ProbeRefusedError } from './allowlist.js';
import type { AuditEntry, CommandResult, CommandRunner, ProbeCommand } from './types.js';

/** A runner that refuses non-read-only commands (never starting them) and logs all of them. */
export interface AuditedRunner {
  /** Runs an allowed command; throws {@link ProbeRefusedError} for any other. */
  readonly run: (command: ProbeCommand) => Promise<CommandResult>;
  /** Every command asked for so far, in order. */
  readonly audit: readonly AuditEntry[];
}

/** Builds an {@link AuditedRunner} around `inner`. */
export function auditedRunner(inner: CommandRunner, now: () => number = Date.now): AuditedRunner {
  const audit: AuditEntry[] = [];
  return {
    audit,
    async run(command) {
      const reason = refusalReason(command.program, command.args);
      if (reason !== null) {
        audit.push({ program: command.program, args: [...command.args], allowed: false, refusedReason: reason, exitCode: null, timedOut: false, durationMs: 0 });
        throw new ProbeRefusedError(reason);
      }
      const started = now();
      const result = await inner(command);
      audit.push({ program: command.program, args: [...command.args], allowed: true, refusedReason: null, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: now() - started });
      return result;
    },
  };
}
