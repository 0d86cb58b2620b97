/**
 * Turns the probe's observations into a cause, in the article's triage order: conf, monitors,
 * keyring and identity, then fencing, caps and names, then what holds the image, and last the
 * failing operation the log names (article: Triage 1-3, Checklist A).
 */
import { CAUSES, type CauseId } from '../causes.js';
import { changeCommand, checkCommand, shellQuote } from '../doctor/finding.js';
import type { SuggestedCommand } from '../types.js';
import { displayCommand, identityArgs, imageSpec, poolSpec } from './commands.js';
import { WRITE_OPERATIONS } from './observe.js';
import { CONNECT_FAILURES, reachedCluster } from './outcome.js';
import type { PortCheck, ProbeObservations, ProbeStep, ProbeTarget, ProbeVerdict, StepName } from './types.js';

/** What the probe knows about the keyring file on this side. */
export interface KeyringView {
  readonly exists: boolean;
  /** True when the file has a `[client.<id>]` section with a key; null when unknown. */
  readonly hasClientSection: boolean | null;
}

/** Steps whose outcome decides whether the identity works; the follow-ups only add detail. */
const CORE_STEPS: readonly StepName[] = ['ceph-fsid', 'ceph-status', 'rbd-ls', 'rbd-info', 'rbd-snap-ls'];

/** Observations of a probe that looked no closer than the core steps. */
export const NO_OBSERVATIONS: ProbeObservations = {
  conf: null, confFsid: null, compare: null, watchers: null, locks: null, blocklist: null, blocklistDenied: false,
  blocklistedHere: [], blocklistedInstancesHere: [], pools: null, poolsDenied: false, imageFoundIn: [], poolsNotSearched: [],
};

function verdict(cause: CauseId | null, confirmed: boolean, summary: string, commands: SuggestedCommand[]): ProbeVerdict {
  return { cause, confirmed, summary, commands, refs: cause === null ? ['article: Checklist A'] : CAUSES[cause].refs };
}

function stepOf(steps: readonly ProbeStep[], name: StepName): ProbeStep | undefined {
  return steps.find((s) => s.name === name);
}

function exportKeyring(target: ProbeTarget): SuggestedCommand {
  const path = target.keyring ?? `/etc/ceph/ceph.client.${target.clientId}.keyring`;
  return changeCommand(`write the cluster's current key for client.${target.clientId} (run where an admin keyring works)`, `ceph auth get client.${target.clientId} -o ${shellQuote(path)}`);
}

function capsCommands(target: ProbeTarget): SuggestedCommand[] {
  return [
    checkCommand(`show the caps of client.${target.clientId} (from an admin node; prints its key, keep the output private)`, `ceph auth get client.${target.clientId}`),
    changeCommand('grant the usual Proxmox caps for this pool', `ceph auth caps client.${target.clientId} mon 'profile rbd' osd ${shellQuote(`profile rbd pool=${target.pool}`)}`),
  ];
}

function fsidCommand(target: ProbeTarget, conf: string | null): SuggestedCommand {
  return checkCommand(`the cluster ${conf ?? 'the default conf'} leads to, with the same identity`, displayCommand('ceph', [...identityArgs({ ...target, conf }), 'fsid']));
}

/** The conf is missing or unreadable, or leads to another cluster than the conf that should be right. */
function configSplitVerdict(target: ProbeTarget, steps: readonly ProbeStep[], obs: ProbeObservations, mode: 'file' | 'confirmed-fsid' | 'any-fsid'): ProbeVerdict | null {
  const conf = target.conf ?? '(default)';
  const cmp = obs.compare;
  const other = cmp?.exists ? ` ${cmp.conf} exists${cmp.fsid ? ` (fsid ${cmp.fsid}${cmp.fsidFrom === 'cluster' ? `, and client.${target.clientId} reaches that cluster through it` : ', from its fsid line'})` : ''}.` : '';
  const grep = checkCommand('compare the two confs', `grep -n -e fsid -e mon_host ${shellQuote(target.conf ?? '/etc/ceph/ceph.conf')}${cmp ? ` ${shellQuote(cmp.conf)}` : ''}`);
  if (mode === 'file') {
    if (obs.conf?.exists === false) {
      return verdict('config-split', true, `The conf ${conf} does not exist on this node, so the client never learns which cluster to join.${other}`, [checkCommand('confirm', `ls -l ${shellQuote(conf)}`), ...(cmp?.exists ? [fsidCommand(target, cmp.conf)] : [])]);
    }
    const unreadable = steps.find((s) => s.outcome === 'conf-unreadable');
    if (unreadable) return verdict('config-split', true, `The Ceph tools could not read the conf ${conf}: ${unreadable.detail ?? 'see the steps'}.${other}`, [checkCommand('confirm', `ls -l ${shellQuote(conf)}`), grep]);
    return null;
  }
  if (!cmp?.fsid || !obs.confFsid || cmp.fsid === obs.confFsid) return null;
  if (mode === 'confirmed-fsid' && !cmp.identityWorks) return null;
  const summary = `The conf ${conf} leads to the cluster ${obs.confFsid}, ${cmp.conf} to ${cmp.fsid}: two clusters. ` + (cmp.identityWorks
    ? `client.${target.clientId} works through ${cmp.conf} and fails through ${conf}: the failing process reads the wrong conf.`
    : `client.${target.clientId} fails through both, so the conf used may not be the only problem.`);
  return verdict('config-split', cmp.identityWorks, summary, [grep, fsidCommand(target, target.conf), fsidCommand(target, cmp.conf)]);
}

function connectVerdict(target: ProbeTarget, steps: readonly ProbeStep[], monitors: readonly PortCheck[], keyring: KeyringView, obs: ProbeObservations): ProbeVerdict {
  const outcomes = steps.map((s) => s.outcome);
  const checked = monitors.filter((m) => m.state !== 'skipped');
  const anyOpen = checked.some((m) => m.state === 'open');
  const ncCommands = target.monHosts.flatMap((h) => [3300, 6789].map((p) => checkCommand(`test monitor ${h} port ${p}`, `nc -vz -w2 ${shellQuote(h)} ${p}`)));
  if (target.keyring !== null && !keyring.exists) {
    return verdict('keyring-missing', true, `The keyring ${target.keyring} does not exist on this node, so client.${target.clientId} cannot authenticate.`, [checkCommand('confirm', `ls -l ${shellQuote(target.keyring)}`), exportKeyring(target)]);
  }
  if (outcomes.includes('keyring-missing')) {
    return verdict('keyring-missing', true, `The Ceph tools found no usable keyring for client.${target.clientId}${target.keyring ? ` in ${target.keyring}` : ''}.`, [exportKeyring(target)]);
  }
  const split = configSplitVerdict(target, steps, obs, 'confirmed-fsid');
  if (split) return split;
  if (outcomes.includes('unreachable')) {
    const allDown = checked.length > 0 && !anyOpen;
    const how = allDown ? `and no monitor port answered (${checked.map((m) => `${m.host}:${m.port} ${m.state}`).join(', ')})` : checked.length === 0 ? '(monitor ports were not tested: pass the monitor hosts to allow it)' : 'although some monitor ports are open: suspect quorum, MTU or msgr version';
    return verdict('mon-unreachable', allDown, `Connecting to the monitors timed out ${how}.`, ncCommands);
  }
  if (outcomes.includes('no-monitors')) {
    return verdict('config-split', true, `The conf ${target.conf ?? '(default)'} gives the client no monitor address.`, [checkCommand('look for mon_host in the conf', `grep -n mon ${shellQuote(target.conf ?? '/etc/ceph/ceph.conf')}`)]);
  }
  if (keyring.hasClientSection === false) {
    return verdict('client-mismatch', true, `The monitors rejected client.${target.clientId}, and ${target.keyring ?? 'the keyring'} has no [client.${target.clientId}] section with a key.`, [checkCommand('list the section headers', `grep -n '^\\[' ${shellQuote(target.keyring ?? '')}`), exportKeyring(target)]);
  }
  return configSplitVerdict(target, steps, obs, 'any-fsid')
    ?? verdict('key-stale', false, `The monitors rejected the key of client.${target.clientId} although the keyring has the right section: an old key (rotation not rolled out here), a deleted client, or a client without mon caps.`, [...capsCommands(target).slice(0, 1), exportKeyring(target)]);
}

/** Where else the image is, or why that is not known, as a sentence. */
function searchSentence(target: ProbeTarget, obs: ProbeObservations): string {
  if (obs.poolsDenied) return ` client.${target.clientId} may not list the pools (ceph osd pool ls was refused): list them with an admin identity.`;
  if (obs.pools === null) return '';
  const pools = ` Pools: ${obs.pools.join(', ') || '(none)'}.`;
  if (target.image === null) return pools;
  const notSearched = obs.poolsNotSearched.length > 0 ? ` Not searched (listing refused or too many): ${obs.poolsNotSearched.join(', ')}.` : '';
  const found = obs.imageFoundIn.length > 0 ? ` ${target.image} is in pool ${obs.imageFoundIn.join(', ')}: the storage or the VM config names the wrong pool.` : ` ${target.image} is in none of the other pools either.`;
  return `${pools}${found}${notSearched}`;
}

function notFoundCommands(target: ProbeTarget, obs: ProbeObservations): SuggestedCommand[] {
  const id = identityArgs(target);
  return [
    ...(obs.pools === null ? [checkCommand('list the pools', 'ceph osd pool ls')] : []),
    checkCommand('list the images the client sees', displayCommand('rbd', [...id, 'ls', poolSpec(target)])),
    ...obs.imageFoundIn.map((pool) => checkCommand(`the image in pool ${pool}`, displayCommand('rbd', [...id, 'info', `${pool}/${target.image ?? ''}`]))),
  ];
}

function busyCommands(target: ProbeTarget, obs: ProbeObservations): SuggestedCommand[] {
  const image = imageSpec(target) ?? poolSpec(target);
  const id = identityArgs(target);
  return [
    checkCommand('who watches the image', displayCommand('rbd', [...id, 'status', image])),
    checkCommand('who holds its locks', displayCommand('rbd', [...id, 'lock', 'ls', image])),
    checkCommand('fenced clients', 'ceph osd blocklist ls'),
    ...(obs.locks ?? []).map((l) => changeCommand(`break the lock of ${l.locker} (${l.address}) once that process is surely dead`, `rbd lock rm ${shellQuote(image)} ${shellQuote(l.id)} ${shellQuote(l.locker)}`)),
    ...obs.blocklistedHere.map((a) => changeCommand(`lift the fence on this node (${a}) once it is safe to write again`, `ceph osd blocklist rm ${shellQuote(a)}`)),
  ];
}

/** Watchers, locks and fences: image-busy, confirmed when the failing operation needs the image free. */
function busyVerdict(target: ProbeTarget, obs: ProbeObservations): ProbeVerdict | null {
  const watchers = obs.watchers ?? [];
  const locks = obs.locks ?? [];
  const op = target.operation ?? null;
  // A lock whose owner no longer watches the image: the owner hung or died (article: Mini-story 2).
  const stale = locks.filter((l) => !watchers.includes(l.address));
  const held = [
    ...(watchers.length > 0 ? [`${watchers.length} watcher(s) (${watchers.join(', ')})`] : []),
    ...(locks.length > 0 ? [`locks held by ${locks.map((l) => `${l.locker} at ${l.address}${stale.includes(l) ? ', which no longer watches it' : ''}`).join('; ')}`] : []),
    ...(obs.blocklistedInstancesHere.length > 0 ? [`fenced instances on this node (${obs.blocklistedInstancesHere.join(', ')})`] : []),
  ];
  if (held.length === 0) return null;
  const confirmed = (op === 'remove' && watchers.length > 0) || (op === 'lock' && watchers.length + locks.length > 0) || (op !== null && stale.length > 0);
  const why = confirmed ? `the failing ${op} needs it free` : op === null ? 'if nothing should be using it now, that is what blocks it' : `a ${op} usually works beside them, so this is only a guess`;
  return verdict('image-busy', confirmed, `${imageSpec(target)} opens with client.${target.clientId}, but it has ${held.join(' and ')}: ${why}.`, busyCommands(target, obs));
}

/** Connected: fencing, caps, names, holders, then the failing operation. */
function connectedVerdict(target: ProbeTarget, steps: readonly ProbeStep[], obs: ProbeObservations): ProbeVerdict {
  const ls = stepOf(steps, 'rbd-ls');
  const info = stepOf(steps, 'rbd-info');
  const snap = stepOf(steps, 'rbd-snap-ls');
  const fenced = steps.filter((s) => s.outcome === 'blocklisted');
  if (fenced.length > 0 || obs.blocklistedHere.length > 0) {
    const entry = obs.blocklistedHere.length > 0 ? `the blocklist fences this node (${obs.blocklistedHere.join(', ')})` : obs.blocklistDenied ? `client.${target.clientId} may not read the blocklist to show the entry` : 'no entry for this node was found in the blocklist';
    const seen = fenced.length > 0 ? `the OSDs refuse client.${target.clientId} from this node (errno 108 on ${fenced.map((s) => s.name).join(', ')}), and ` : '';
    return verdict('image-busy', obs.blocklistedHere.length > 0, `This node is blocklisted: ${seen}${entry}. Writes from here are refused until the entry expires or is removed.`, busyCommands(target, obs));
  }
  if (steps.some((s) => s.outcome !== 'ok' && s.outcome !== 'skipped')) {
    const split = configSplitVerdict(target, steps, obs, 'any-fsid');
    if (split) return split;
  }
  if (ls?.outcome === 'permission-denied') {
    return verdict('caps-insufficient', true, `client.${target.clientId} connects but may not list pool ${poolSpec(target)}: its OSD caps do not cover this pool (or are read-only).`, capsCommands(target));
  }
  if (ls?.outcome === 'not-found') {
    return verdict('image-not-found', true, `Pool ${poolSpec(target)} does not exist in this cluster.${searchSentence(target, obs)}`, notFoundCommands(target, obs));
  }
  if (info?.outcome === 'permission-denied' || snap?.outcome === 'permission-denied') {
    return verdict('caps-insufficient', true, `client.${target.clientId} can list ${poolSpec(target)} but may not open ${imageSpec(target)}: the caps are too narrow for opening images.`, capsCommands(target));
  }
  if (info?.outcome === 'not-found') {
    return verdict('image-not-found', true, `Image ${imageSpec(target)} does not exist (the listing works): wrong name, other pool or namespace, or deleted.${searchSentence(target, obs)}`, notFoundCommands(target, obs));
  }
  if (!steps.every((s) => s.outcome === 'ok' || s.outcome === 'skipped')) return verdict('unknown', false, 'The results do not single out a cause; see the steps.', []);
  const busy = busyVerdict(target, obs);
  if (busy?.confirmed) return busy;
  const op = target.operation ?? null;
  if (op !== null && WRITE_OPERATIONS.includes(op)) {
    const reads = target.image && info ? `lists ${poolSpec(target)} and opens ${imageSpec(target)}` : `lists ${poolSpec(target)}`;
    const guess = busy ? ` (${busy.summary})` : '';
    return verdict('caps-insufficient', busy === null, `client.${target.clientId} ${reads}, yet the log shows its ${op} failing: reads are allowed and the write is refused, so its OSD caps are read-only (e.g. profile rbd-read-only) for ${poolSpec(target)}.${guess} The probe never tries the write.`, capsCommands(target));
  }
  if (busy) return busy;
  return verdict(null, false, `client.${target.clientId} reaches the cluster${target.image ? `, lists ${poolSpec(target)} and opens ${imageSpec(target)}` : ` and lists ${poolSpec(target)}`}: the failure does not reproduce with this identity. Check that Proxmox really uses this conf/id/keyring, or pass the failing operation (--op).`, []);
}

/** The cause the observations single out (or the best guess, with `confirmed: false`). */
export function decideVerdict(target: ProbeTarget, allSteps: readonly ProbeStep[], monitors: readonly PortCheck[], keyring: KeyringView, obs: ProbeObservations = NO_OBSERVATIONS): ProbeVerdict {
  const steps = allSteps.filter((s) => CORE_STEPS.includes(s.name));
  if (steps.some((s) => s.outcome === 'tool-missing')) return verdict(null, false, 'The ceph/rbd tools are not installed here: nothing could be tested.', []);
  const badConf = configSplitVerdict(target, steps, obs, 'file');
  if (badConf) return badConf;
  if (!reachedCluster(steps) && steps.some((s) => CONNECT_FAILURES.includes(s.outcome))) return connectVerdict(target, steps, monitors, keyring, obs);
  return connectedVerdict(target, steps, obs);
}
