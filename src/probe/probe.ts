/**
 * The probe: with the identity the failing process used, tests monitor ports, then runs read-only
 * ceph/rbd commands and turns their results into a cause. It never runs a command that changes
 * the cluster: those are returned as suggestions only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { findClientSection, parseKeyring } from '../doctor/keyring.js';
import { auditedRunner } from './audited-runner.js';
import { displayCommand, plannedCommands } from './commands.js';
import { classifyResult, lastErrno, tellingLine } from './outcome.js';
import { spawnRunner } from './spawn-runner.js';
import { mayContact, monitorEndpoints, tcpPortChecker } from './tcp.js';
import type { CommandRunner, PortCheck, PortChecker, ProbeResult, ProbeStep, ProbeTarget, StepOutcome } from './types.js';
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
}

/** Connect failures after which further cluster commands would only repeat the same wait. */
const STOP_AFTER: readonly StepOutcome[] = ['unreachable', 'no-monitors', 'tool-missing'];
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

/** Runs the probe for one target and returns what it saw, what it concludes, and the audit log. */
export async function runProbe(target: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const runner = auditedRunner(options.runner ?? spawnRunner());
  const monitors = await checkMonitors(target, options);
  const steps: ProbeStep[] = [];
  let fsid: string | null = null;
  let stop = false;
  let authFailed = false;
  for (const planned of plannedCommands(target, Math.max(1, Math.floor(timeoutMs / 1000)))) {
    const command = displayCommand(planned.program, planned.args);
    // After an auth failure, one rbd command confirms it with the rbd client too; opening images would add nothing.
    if (stop || (authFailed && planned.name !== 'rbd-ls')) { steps.push(skipped(planned.name, command)); continue; }
    const started = Date.now();
    const result = await runner.run({ program: planned.program, args: planned.args, timeoutMs });
    const outcome = classifyResult(result);
    steps.push({ name: planned.name, command, outcome, errno: lastErrno(`${result.stderr}\n${result.stdout}`), detail: tellingLine(result), durationMs: Date.now() - started });
    if (planned.name === 'ceph-fsid' && outcome === 'ok') fsid = /[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}/i.exec(result.stdout)?.[0] ?? null;
    stop = STOP_AFTER.includes(outcome);
    authFailed = authFailed || AUTH_FAILURES.includes(outcome);
  }
  const keyring = target.keyring === null ? { exists: true, hasClientSection: null } : (options.keyringView ?? localKeyringView)(target.keyring, target.clientId);
  return { schemaVersion: 1, target, fsid, monitors, steps, verdict: decideVerdict(target, steps, monitors, keyring), audit: [...runner.audit] };
}
