/**
 * The probe's closer looks, after the core steps and only where they call for it, all read-only
 * and with the same identity: watchers and locks of an image that opens, the blocklist, the other
 * pools for a pool or image not found, and the fsid through the conf that should be right.
 */
import { parsePoolList } from '../doctor/pool-list.js';
import { followUp, imageSpec, namesNewImage, type PlannedCommand } from './commands.js';
import { blocklistedHere, fsidIn, listsImage, localConfView, machineAddresses, parseBlocklist, parseLocks, parseWatchers, sameFile } from './observe.js';
import { reachedCluster } from './outcome.js';
import type { ProbeOptions } from './probe.js';
import type { CommandResult, ConfComparison, ImageLock, ProbeObservations, ProbeStep, ProbeTarget, StepOutcome } from './types.js';

/** What the closer looks need from the run so far. */
export interface CloserLookContext {
  readonly target: ProbeTarget;
  readonly options: ProbeOptions;
  /** The core steps as they ended. */
  readonly core: readonly ProbeStep[];
  /** Runs a follow-up through the audited runner and records it as a step. */
  readonly run: (planned: PlannedCommand) => Promise<{ outcome: StepOutcome; result: CommandResult }>;
  /** Connect timeout for `ceph` commands. */
  readonly seconds: number;
  /** `ceph fsid` through the failing conf, when it worked. */
  readonly fsid: string | null;
}

/** Parses an output, or null when the tool printed something else than expected. */
function parsed<T>(read: (stdout: string) => T, stdout: string): T | null {
  try {
    return read(stdout);
  } catch {
    return null;
  }
}

/** Runs the follow-ups the core steps call for and returns what they found. */
export async function lookCloser({ target, options, core, run, seconds, fsid }: CloserLookContext): Promise<ProbeObservations> {
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

  return {
    conf: confView, confFsid: fsid ?? confView?.fsid ?? null, compare, watchers, locks, blocklist, blocklistDenied,
    blocklistedHere: here.node, blocklistedInstancesHere: here.instances, pools, poolsDenied, imageFoundIn, poolsNotSearched,
  };
}
