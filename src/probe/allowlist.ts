/**
 * The probe's safety net: only read-only ceph/rbd subcommands with known options may be started.
 * Anything else (create, rm, caps, lock break, unknown options) is refused before spawning.
 */
import type { CephProgram } from './types.js';

const READ_ONLY_SUBCOMMANDS: Readonly<Record<CephProgram, readonly (readonly string[])[]>> = {
  ceph: [['-s'], ['status'], ['fsid'], ['health'], ['mon', 'dump'], ['quorum_status'], ['osd', 'pool', 'ls'], ['osd', 'blocklist', 'ls'], ['osd', 'blacklist', 'ls']],
  rbd: [['ls'], ['list'], ['info'], ['snap', 'ls'], ['snap', 'list'], ['status'], ['lock', 'ls'], ['lock', 'list']],
};

/** Options that take a value and only choose identity, config, output or timeouts. */
const VALUE_OPTIONS = new Set(['--conf', '-c', '--id', '--user', '--keyring', '-k', '--connect-timeout', '--format', '--pool', '-p', '--namespace']);
const FLAG_OPTIONS = new Set(['--long', '-l', '--pretty-format']);
/** How many operands (pool or image spec) a subcommand may take. */
const MAX_OPERANDS: Readonly<Record<CephProgram, number>> = { ceph: 0, rbd: 1 };

/** Thrown when a command is not on the read-only allowlist. */
export class ProbeRefusedError extends Error {
  override readonly name = 'ProbeRefusedError';
}

/** Why a command is refused, or null when it is on the allowlist. */
export function refusalReason(program: CephProgram, args: readonly string[]): string | null {
  if (!(program in READ_ONLY_SUBCOMMANDS)) return `program ${String(program)} is not allowed`;
  const words: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (program === 'ceph' && arg === '-s') { words.push(arg); continue; }
    if (arg.startsWith('-')) {
      const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
      if (VALUE_OPTIONS.has(name)) { if (!arg.includes('=')) i += 1; continue; }
      if (FLAG_OPTIONS.has(name)) continue;
      return `option ${name} is not on the read-only allowlist`;
    }
    words.push(arg);
  }
  const match = READ_ONLY_SUBCOMMANDS[program].find((sub) => sub.every((w, i) => words[i] === w));
  if (!match) return `'${program} ${words.join(' ')}' is not a read-only subcommand the probe may run`;
  if (words.length - match.length > MAX_OPERANDS[program]) return `too many operands for '${program} ${match.join(' ')}'`;
  return null;
}

/** Throws {@link ProbeRefusedError} unless the command is read-only. */
export function assertReadOnly(program: CephProgram, args: readonly string[]): void {
  const reason = refusalReason(program, args);
  if (reason !== null) throw new ProbeRefusedError(reason);
}
