/**
 * The probe: with the identity the failing process used, tests monitor ports, then runs read-only
 * ceph/rbd commands and turns their results into a cause. After the core steps it looks closer,
 * still read-only, where they call for it: watchers and locks of an image it could open, the
 * blocklist, the other pools for an image it did not find, the fsid through another conf. It
 * never runs a command that changes the cluster: those are returned as suggestions only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { findClientSection, parseKeyring } from '../doctor/keyring.js';
import { auditedRunner, type AuditedRunner } from './audited-runner.js';
import { displayCommand, plannedCommands, type PlannedCommand } from './commands.js';
import { lookCloser } from './follow-ups.js';
import { fsidIn } from './observe.js';
import { classifyResult, lastErrno, tellingLine } from './outcome.js';
import { spawnRunner } from './spawn-runner.js';
import { mayContact, monitorEndpoints, tcpPortChecker } from './tcp.js';
import type { CommandResult, CommandRunner, ConfView, PortCheck, PortChecker, ProbeResult, ProbeStep, ProbeTarget, StepOutcome } from './types.js';
import { decideVerdict, type KeyringView } from './verdict.js';

/** Knobs of a probe run; every side effect is injectable. */
export interface ProbeOptions {
  /** Runs ceph/rbd; default spawns the real tools. Always wrapped by the allowlist and audit. */
  readonly runner?: CommandRunner;
  /** Tests a TCP port; default a real connect. */
  readonly portChecker?: PortChecker;
  /** Per-command timeout (default 20 s). */
  readonly timeoutMs?: number;
  /** Per-port connect timeout (default 2 s). */
  readonly portTimeoutMs?: number;
  /** Hosts the user named and so allowed to contact; loopback is always allowed. */
  readonly userHosts?: readonly string[];
  /** Reads the keyring file to tell a wrong section from a stale key; default reads the local file. */
  readonly keyringView?: (path: string, clientId: string) => KeyringView;
  /**
   * The conf that should lead to the right cluster (`--compare-conf`); when the failing conf does
   * not work, `ceph fsid` is run through this one with the same identity. No default here: the
   * CLI uses {@link defaultCompareConf}.
   */
  readonly compareConf?: string | null;
  /** Reads a conf file on this side; default reads the local file. */
  readonly confView?: (path: string, clientId: string) => ConfView;
  /** This machine's addresses, to recognise its own blocklist entries; default its interfaces' addresses. */
  readonly localAddresses?: readonly string[];
  /** At most this many other pools are listed when looking for an image (default 32). */
  readonly maxPoolsSearched?: number;
}

/** Connect failures after which further cluster commands would only repeat the same wait. */
const STOP_AFTER: readonly StepOutcome[] = ['unreachable', 'no-monitors', 'tool-missing', 'conf-unreadable'];
const AUTH_FAILURES: readonly StepOutcome[] = ['keyring-missing', 'auth-rejected'];

/** Looks at the local keyring file: present, and with a key for the client? */
export function localKeyringView(path: string, clientId: string): KeyringView {
  if (!existsSync(path)) return { exists: false, hasClientSection: null };
  try {
    const section = findClientSection(parseKeyring(readFileSync(path, 'utf8'), path), clientId);
    return { exists: true, hasClientSection: section !== undefined && section.keySha256 !== null };
  } catch {
    return { exists: true, hasClientSection: null };
  }
}

async function checkMonitors(target: ProbeTarget, options: ProbeOptions): Promise<PortCheck[]> {
  const checker = options.portChecker ?? tcpPortChecker;
  const jobs = target.monHosts.flatMap(monitorEndpoints).map(async ({ host, port }): Promise<PortCheck> => {
    if (!mayContact(host, options.userHosts ?? [])) return { host, port, state: 'skipped' };
    return { host, port, state: await checker(host, port, options.portTimeoutMs ?? 2000) };
  });
  return Promise.all(jobs);
}

function skipped(name: ProbeStep['name'], command: string): ProbeStep {
  return { name, command, outcome: 'skipped', errno: null, detail: null, durationMs: 0 };
}

/** Runs one planned command through the audited runner and records it as a step. */
async function runStep(runner: AuditedRunner, steps: ProbeStep[], planned: PlannedCommand, timeoutMs: number): Promise<{ outcome: StepOutcome; result: CommandResult }> {
  const started = Date.now();
  const result = await runner.run({ program: planned.program, args: planned.args, timeoutMs });
  const outcome = classifyResult(result);
  steps.push({
    name: planned.name, command: displayCommand(planned.program, planned.args), outcome,
    errno: lastErrno(`${result.stderr}\n${result.stdout}`), detail: tellingLine(result), durationMs: Date.now() - started,
  });
  return { outcome, result };
}

/** Runs the probe for one target and returns what it saw, what it concludes, and the audit log. */
export async function runProbe(target: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const seconds = Math.max(1, Math.floor(timeoutMs / 1000));
  const runner = auditedRunner(options.runner ?? spawnRunner());
  const steps: ProbeStep[] = [];
  const run = (planned: PlannedCommand): ReturnType<typeof runStep> => runStep(runner, steps, planned, timeoutMs);
  const monitors = await checkMonitors(target, options);
  let fsid: string | null = null;
  let stop = false;
  let authFailed = false;
  for (const planned of plannedCommands(target, seconds)) {
    // After an auth failure, one rbd command confirms it with the rbd client too; opening images would add nothing.
    if (stop || (authFailed && planned.name !== 'rbd-ls')) { steps.push(skipped(planned.name, displayCommand(planned.program, planned.args))); continue; }
    const { outcome, result } = await run(planned);
    if (planned.name === 'ceph-fsid' && outcome === 'ok') fsid = fsidIn(result.stdout);
    stop = STOP_AFTER.includes(outcome);
    authFailed = authFailed || AUTH_FAILURES.includes(outcome);
  }
  const core = [...steps];
  const observations = await lookCloser({ target, options, core, run, seconds, fsid });
  const keyring = target.keyring === null ? { exists: true, hasClientSection: null } : (options.keyringView ?? localKeyringView)(target.keyring, target.clientId);
  return {
    schemaVersion: 1, target, fsid, monitors, steps, observations,
    verdict: decideVerdict(target, steps, monitors, keyring, observations), audit: [...runner.audit],
  };
}
