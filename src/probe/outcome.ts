/**
 * Reads a ceph/rbd command's result into a step outcome. Connect-phase failures are recognised
 * first, because after a failed connect `rbd ls` still prints a `(13)` that is not about caps.
 * The python `ceph` CLI logs a default-path keyring search before it applies `--keyring`, so
 * a cephx refusal outranks "unable to find a keyring" lines, and lines about the default search
 * list alone do not make a missing keyring (a monitor timeout after them is a timeout).
 */
import { redactSecrets } from '../doctor/redact.js';
import type { CommandResult, StepOutcome } from './types.js';

/** cephx offered and refused: a key was loaded, so earlier "no keyring found" lines are only the default search. */
const CEPHX_REFUSED = /handle_auth_bad_method server allowed_methods \[[^\]]*\] but i only support \[[^\]]*2[^\]]*\]/i;
const KEYRING_MISSING = /unable to find a keyring|no keyring found|failed to load .*keyring|keyring not found|missing keyring|handle_auth_bad_method server allowed_methods \[[^\]]*\] but i only support \[1\]/i;
/** The python CLI's search of the default keyring paths, logged even when --keyring is given: not evidence on its own. */
const DEFAULT_KEYRING_SEARCH = /^.*\/etc\/ceph\/keyring\.bin.*$/gm;
const UNREACHABLE = /\((110|111|113)\)|errno (110|111|113)|timed out|connection refused|no route to host/i;
const NO_MONITORS = /cannot identify monitors|failed to identify monitor|no monitors? (specified|found)|unable to get monitor info/i;
const CONNECT_FAILED = /couldn't connect to the cluster|error connecting to the cluster|handle_auth_bad_method|monclient.*authenticate/i;
const NOT_FOUND = /\(2\) No such file or directory|error opening (image|pool)[^\n]*No such file|does not exist|errno 2\b/i;
const BLOCKLISTED = /\(108\) Cannot send after transport endpoint shutdown|errno 108\b/i;
const CONF_UNREADABLE = /unable to open config file|error calling conf_read_file|parse error setting|error reading config file/i;
const DENIED = /\((1|13)\) (Operation not permitted|Permission denied)|errno (1|13)\b|permission denied|not permitted/i;

/** Outcomes of a failed connect (or a conf the tools could not read): nothing reached the cluster. */
export const CONNECT_FAILURES: readonly StepOutcome[] = ['unreachable', 'no-monitors', 'keyring-missing', 'auth-rejected', 'conf-unreadable'];

/** True when some step got past connecting and authenticating. */
export function reachedCluster(steps: readonly { readonly outcome: StepOutcome }[]): boolean {
  return steps.some((s) => !CONNECT_FAILURES.includes(s.outcome) && !['skipped', 'failed', 'tool-missing'].includes(s.outcome));
}

/** The errno a Ceph tool printed last (`(13) …` or `[errno 13] …`), or null. */
export function lastErrno(text: string): number | null {
  const all = [...text.matchAll(/\((\d{1,3})\) [A-Z]|errno (\d{1,3})/g)];
  const last = all[all.length - 1];
  return last ? Number(last[1] ?? last[2]) : null;
}

/** The most telling line of the output: the last one naming an error, else the last line. Redacted. */
export function tellingLine(result: CommandResult): string | null {
  const lines = `${result.stderr}\n${result.stdout}`.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const errorLines = lines.filter((l) => /error|fail|denied|not permitted|no such|timed out|couldn't|unable/i.test(l));
  const line = errorLines[errorLines.length - 1] ?? (result.exitCode === 0 ? null : lines[lines.length - 1]);
  return line === undefined || line === null ? null : redactSecrets(line);
}

/** Classifies one result. */
export function classifyResult(result: CommandResult): StepOutcome {
  if (result.spawnError === 'ENOENT') return 'tool-missing';
  if (result.spawnError !== null) return 'failed';
  if (result.timedOut) return 'unreachable';
  if (result.exitCode === 0) return 'ok';
  const text = `${result.stderr}\n${result.stdout}`;
  if (CONF_UNREADABLE.test(text)) return 'conf-unreadable';
  if (CEPHX_REFUSED.test(text)) return 'auth-rejected';
  if (KEYRING_MISSING.test(text.replace(DEFAULT_KEYRING_SEARCH, ''))) return 'keyring-missing';
  if (NO_MONITORS.test(text)) return 'no-monitors';
  const connectFailed = CONNECT_FAILED.test(text);
  if (UNREACHABLE.test(text)) return 'unreachable';
  if (connectFailed) return lastErrno(text) === 2 ? 'keyring-missing' : 'auth-rejected';
  if (BLOCKLISTED.test(text)) return 'blocklisted';
  if (NOT_FOUND.test(text)) return 'not-found';
  if (DENIED.test(text)) return 'permission-denied';
  return 'failed';
}
