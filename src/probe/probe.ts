/**
 * The probe: with the identity the failing process used, tests monitor ports, then runs read-only
 * ceph/rbd commands and turns their results into a cause. After the core steps it looks closer,
 * still read-only, where they call for it: watchers and locks of an image it could open, the
 * blocklist, the other pools for an image it did not find, the fsid through another conf. It
 * never runs a command that changes the cluster: those are returned as suggestions only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { findClientSection, parseKeyring } from '../doctor/keyring.js';
import { parsePoolList } from '../doctor/pool-list.js';
import { auditedRunner, type AuditedRunner } from './audited-runner.js';
import { displayCommand, followUp, imageSpec, namesNewImage, plannedCommands, type PlannedCommand } from './commands.js';
import { blocklistedHere, fsidIn, listsImage, localConfView, machineAddresses, parseBlocklist, parseLocks, parseWatchers, sameFile } from './observe.js';
import { classifyResult, lastErrno, reachedCluster, tellingLine } from './outcome.js';
import { spawnRunner } from './spawn-runner.js';
import { mayContact, monitorEndpoints, tcpPortChecker } from './tcp.js';
import type {
  CommandResult, CommandRunner, ConfComparison, ConfView, ImageLock, PortCheck, PortChecker, ProbeObservations, ProbeResult, ProbeStep,
  ProbeTarget, StepOutcome,
} from './types.js';
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

/** Parses an output, or null when the tool printed something else than expected. */
function parsed<T>(read: (stdout: string) => T, stdout: string): T | null {
  try {
    return read(stdout);
  } catch {
    return null;
  }
}

/** Runs the probe for one target and returns what it saw, what it concludes, and the audit log. */
export async function runProbe(target: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const seconds = Math.max(1, Math.floor(timeoutMs / 1000));
  const runner = auditedRunner(options.runner ?? spawnRunner());
  const run = (planned: PlannedCommand): ReturnType<typeof runStep> => runStep(runner, steps, planned, timeoutMs);
  const monitors = await checkMonitors(target, options);
  const steps: ProbeStep[] = [];
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
  const outcomeOf = (name: ProbeStep['name']): StepOutcome | undefined => core.find((s) => s.name === name)?.outcome;
  const coreFailed = core.some((s) => s.outcome !== 'ok' && s.outcome !== 'skipped');
  const connected = reachedCluster(core);
  const confView = target.conf === null ? null : (options.confView ?? localConfView)(target.conf, target.clientId);

  // Watchers and lock owners of an image that opens.
  const image = namesNewImage(target) ? null : imageSpec(target);
  let watchers: string[] | null = null;
  let locks: ImageLock[] | null = null;
  if (image !== null && outcomeOf('rbd-info') === 'ok') {
    const status = await run(followUp.status(target, image));
    if (status.outcome === 'ok') watchers = parsed(parseWatchers, status.result.stdout);
    const lockLs = await run(followUp.lockLs(target, image));
    if (lockLs.outcome === 'ok') locks = parsed(parseLocks, lockLs.result.stdout);
  }

  // The blocklist, when something failed, a failing operation is known, or the image is held.
  let blocklist: string[] | null = null;
  let blocklistDenied = false;
  if (connected && (coreFailed || target.operation || (watchers?.length ?? 0) > 0 || (locks?.length ?? 0) > 0)) {
    const bl = await run(followUp.blocklistLs(target, seconds));
    if (bl.outcome === 'ok') blocklist = parseBlocklist(bl.result.stdout);
    blocklistDenied = bl.outcome === 'permission-denied';
  }
  const here = blocklistedHere(blocklist ?? [], options.localAddresses ?? machineAddresses());

  // The pools, and the image in the others, when the pool or the image was not found.
  let pools: string[] | null = null;
  let poolsDenied = false;
  const imageFoundIn: string[] = [];
  const poolsNotSearched: string[] = [];
  if (connected && (outcomeOf('rbd-ls') === 'not-found' || outcomeOf('rbd-info') === 'not-found')) {
    const ls = await run(followUp.poolLs(target, seconds));
    if (ls.outcome === 'ok') pools = parsed(parsePoolList, ls.result.stdout);
    poolsDenied = ls.outcome === 'permission-denied';
    const others = (pools ?? []).filter((p) => p !== target.pool && !p.startsWith('.'));
    if (target.image !== null && !namesNewImage(target)) {
      const max = options.maxPoolsSearched ?? 32;
      for (const [i, pool] of others.entries()) {
        if (i >= max) { poolsNotSearched.push(pool); continue; }
        const other = await run(followUp.lsOther(target, pool));
        if (other.outcome !== 'ok') poolsNotSearched.push(pool);
        else if (listsImage(other.result.stdout, target.image)) imageFoundIn.push(pool);
      }
    }
  }

  // The fsid through the conf that should be right, when the failing one does not work.
  let compare: ConfComparison | null = null;
  const compareConf = options.compareConf ?? null;
  if (compareConf !== null && (target.conf === null || !sameFile(compareConf, target.conf)) && (coreFailed || confView?.exists === false)) {
    const view = (options.confView ?? localConfView)(compareConf, target.clientId);
    if (!view.exists) compare = { conf: compareConf, exists: false, fsid: null, fsidFrom: null, identityWorks: false };
    else {
      const other = await run(followUp.compareFsid(target, compareConf, seconds));
      const fromCluster = other.outcome === 'ok' ? fsidIn(other.result.stdout) : null;
      compare = {
        conf: compareConf, exists: true, fsid: fromCluster ?? view.fsid, fsidFrom: fromCluster ? 'cluster' : view.fsid ? 'conf-file' : null,
        identityWorks: other.outcome === 'ok',
      };
    }
  }

  const observations: ProbeObservations = {
    conf: confView, confFsid: fsid ?? confView?.fsid ?? null, compare, watchers, locks, blocklist, blocklistDenied,
    blocklistedHere: here.node, blocklistedInstancesHere: here.instances, pools, poolsDenied, imageFoundIn, poolsNotSearched,
  };
  const keyring = target.keyring === null ? { exists: true, hasClientSection: null } : (options.keyringView ?? localKeyringView)(target.keyring, target.clientId);
  return {
    schemaVersion: 1, target, fsid, monitors, steps, observations,
    verdict: decideVerdict(target, steps, monitors, keyring, observations), audit: [...runner.audit],
  };
}
