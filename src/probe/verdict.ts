/**
 * Turns the probe's observations into a cause, in the article's triage order: monitors, then
 * keyring and identity, then caps, then names (article: Triage 1-3, Checklist A).
 */
import { CAUSES, type CauseId } from '../causes.js';
import { changeCommand, checkCommand, shellQuote } from '../doctor/finding.js';
import type { SuggestedCommand } from '../types.js';
import { displayCommand, identityArgs, imageSpec, poolSpec } from './commands.js';
import type { PortCheck, ProbeStep, ProbeTarget, ProbeVerdict, StepName, StepOutcome } from './types.js';

/** What the probe knows about the keyring file on this side. */
export interface KeyringView {
  readonly exists: boolean;
  /** True when the file has a `[client.<id>]` section with a key; null when unknown. */
  readonly hasClientSection: boolean | null;
}

const CONNECT_FAILURES: readonly StepOutcome[] = ['unreachable', 'no-monitors', 'keyring-missing', 'auth-rejected'];

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

function connectVerdict(target: ProbeTarget, steps: readonly ProbeStep[], monitors: readonly PortCheck[], keyring: KeyringView): ProbeVerdict {
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
  return verdict('key-stale', false, `The monitors rejected the key of client.${target.clientId} although the keyring has the right section: an old key (rotation not rolled out here), a deleted client, or a client without mon caps.`, [...capsCommands(target).slice(0, 1), exportKeyring(target)]);
}

/** The cause the observations single out (or the best guess, with `confirmed: false`). */
export function decideVerdict(target: ProbeTarget, steps: readonly ProbeStep[], monitors: readonly PortCheck[], keyring: KeyringView): ProbeVerdict {
  if (steps.some((s) => s.outcome === 'tool-missing')) return verdict(null, false, 'The ceph/rbd tools are not installed here: nothing could be tested.', []);
  const connected = steps.some((s) => !CONNECT_FAILURES.includes(s.outcome) && s.outcome !== 'skipped' && s.outcome !== 'failed');
  if (!connected && steps.some((s) => CONNECT_FAILURES.includes(s.outcome))) return connectVerdict(target, steps, monitors, keyring);
  const ls = stepOf(steps, 'rbd-ls');
  const info = stepOf(steps, 'rbd-info');
  const snap = stepOf(steps, 'rbd-snap-ls');
  const lsCommand = displayCommand('rbd', [...identityArgs(target), 'ls', poolSpec(target)]);
  if (ls?.outcome === 'permission-denied') {
    return verdict('caps-insufficient', true, `client.${target.clientId} connects but may not list pool ${poolSpec(target)}: its OSD caps do not cover this pool (or are read-only).`, capsCommands(target));
  }
  if (ls?.outcome === 'not-found') {
    return verdict('image-not-found', true, `Pool ${poolSpec(target)} does not exist in this cluster.`, [checkCommand('list the pools', 'ceph osd pool ls')]);
  }
  if (info?.outcome === 'permission-denied' || snap?.outcome === 'permission-denied') {
    return verdict('caps-insufficient', true, `client.${target.clientId} can list ${poolSpec(target)} but may not open ${imageSpec(target)}: the caps are too narrow for opening images.`, capsCommands(target));
  }
  if (info?.outcome === 'not-found') {
    return verdict('image-not-found', true, `Image ${imageSpec(target)} does not exist (the listing works): wrong name, other pool or namespace, or deleted.`, [checkCommand('list the images the client sees', lsCommand)]);
  }
  if (steps.every((s) => s.outcome === 'ok' || s.outcome === 'skipped')) {
    return verdict(null, false, `client.${target.clientId} reaches the cluster${target.image ? `, lists ${poolSpec(target)} and opens ${imageSpec(target)}` : ` and lists ${poolSpec(target)}`}: the failure does not reproduce with this identity. Check that Proxmox really uses this conf/id/keyring, or whether the image is busy.`, []);
  }
  return verdict('unknown', false, 'The results do not single out a cause; see the steps.', []);
}
