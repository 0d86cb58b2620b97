/**
 * ceph.conf checks: the conf a storage uses exists, the two well-known conf files agree on the
 * cluster (fsid, monitors), and storage.cfg's monhost agrees with the conf next to it.
 */
import { confValue, ETC_CEPH_CONF_PATH, PVE_CEPH_CONF_PATH, type CephConf, type ConfValue } from '../ceph-conf.js';
import { changeCommand, checkCommand, fileEvidence, makeFinding, shellQuote } from '../finding.js';
import { compareMonitorLists, monitorHosts } from '../mon-hosts.js';
import type { NodeContext } from '../node-context.js';
import type { StorageAccess } from '../storage-access.js';
import { STORAGE_CFG_PATH } from '../storage-cfg.js';
import type { DoctorFinding } from '../types.js';
import { storageEvidence, storageOptionLine } from './storage-evidence.js';

function valueEvidence(conf: CephConf, name: string, value: ConfValue | null) {
  return value ? [fileEvidence(conf.file, value.line, `${name} = ${value.value}`)] : [];
}

/** The conf a storage reads is missing, or (krbd on a managed cluster) has no fsid. */
export function confFileChecks(ctx: NodeContext, access: StorageAccess): DoctorFinding[] {
  if (!access.confPassed) return [];
  const { storage, confPath } = access;
  const facts = ctx.facts(confPath);
  if (!facts.exists || !facts.readable) {
    return [makeFinding(ctx.node, {
      check: 'conf-file', cause: 'config-split', severity: 'error', storage: storage.id,
      file: STORAGE_CFG_PATH, line: storage.line, subject: confPath,
      message: `Storage '${storage.id}' reads ${confPath}, which is ${facts.exists ? 'unreadable' : 'missing'} on this node.`,
      fix: access.managed ? 'Restore the pveceph configuration (/etc/pve/ceph.conf) or set monhost for an external cluster.' : `Restore ${confPath}.`,
      commands: [checkCommand('see whether the file exists', `ls -l ${shellQuote(confPath)}`)],
      evidence: storageEvidence(storage, ['monhost']),
    })];
  }
  const conf = ctx.conf(confPath);
  if (!storage.krbd || !access.managed || conf === null || confValue(conf, 'fsid') !== null) return [];
  return [makeFinding(ctx.node, {
    check: 'conf-file', cause: 'config-split', severity: 'error', storage: storage.id,
    file: confPath, line: null, subject: 'fsid',
    message: `Storage '${storage.id}' uses krbd, which builds device paths from the fsid in ${confPath}, but that file sets no fsid.`,
    fix: `Add the cluster's fsid to the [global] section of ${confPath}.`,
    commands: [checkCommand('ask the cluster for its fsid', `ceph --conf ${shellQuote(confPath)} fsid`)],
    evidence: storageEvidence(storage, ['krbd']),
  })];
}

/** /etc/pve/ceph.conf and /etc/ceph/ceph.conf name different clusters or monitors (node-wide). */
export function confSplitChecks(ctx: NodeContext, accesses: readonly StorageAccess[]): DoctorFinding[] {
  const pve = ctx.conf(PVE_CEPH_CONF_PATH);
  const etc = ctx.conf(ETC_CEPH_CONF_PATH);
  if (pve === null || etc === null || ctx.fs.realPath(ETC_CEPH_CONF_PATH) === ctx.fs.realPath(PVE_CEPH_CONF_PATH)) return [];
  const pveFsid = confValue(pve, 'fsid');
  const etcFsid = confValue(etc, 'fsid');
  const pveMons = confValue(pve, 'mon_host');
  const etcMons = confValue(etc, 'mon_host');
  const fsidDiffers = pveFsid !== null && etcFsid !== null && pveFsid.value.toLowerCase() !== etcFsid.value.toLowerCase();
  const monsDiffer = pveMons !== null && etcMons !== null && compareMonitorLists(pveMons.value, etcMons.value).overlap !== 'same';
  if (!fsidDiffers && !monsDiffer) return [];
  const readersOfPve = accesses.filter((a) => a.confPath === PVE_CEPH_CONF_PATH).map((a) => a.storage.id);
  const readersOfEtc = accesses.filter((a) => a.confPath === ETC_CEPH_CONF_PATH).map((a) => a.storage.id);
  const what = fsidDiffers ? `different clusters (fsid ${pveFsid?.value} vs ${etcFsid?.value})` : `different monitors (${pveMons?.value} vs ${etcMons?.value})`;
  const pveUsers = readersOfPve.length > 0 ? `VM starts and disk tasks of ${readersOfPve.join(', ')}` : 'pveceph-managed storages';
  const etcUsers = `the shell's ceph/rbd commands, the Ceph panels of the GUI${readersOfEtc.length > 0 ? ` and storages ${readersOfEtc.join(', ')}` : ''}`;
  return [makeFinding(ctx.node, {
    check: 'conf-split', cause: 'config-split', severity: fsidDiffers ? 'error' : 'warning', storage: null,
    file: ETC_CEPH_CONF_PATH, line: (fsidDiffers ? etcFsid?.line : etcMons?.line) ?? null, subject: fsidDiffers ? 'fsid' : 'mon_host',
    message: `${PVE_CEPH_CONF_PATH} and ${ETC_CEPH_CONF_PATH} describe ${what}. ${PVE_CEPH_CONF_PATH} is read by ${pveUsers}; ${ETC_CEPH_CONF_PATH} by ${etcUsers}. A manual test can pass while Proxmox fails.`,
    fix: `Keep one source of truth: make ${ETC_CEPH_CONF_PATH} a symlink to ${PVE_CEPH_CONF_PATH} (what pveceph sets up), after checking which fsid is the live cluster.`,
    commands: [
      checkCommand('compare the two files', `sha256sum ${PVE_CEPH_CONF_PATH} ${ETC_CEPH_CONF_PATH}`),
      checkCommand(`fsid of the cluster behind ${PVE_CEPH_CONF_PATH}`, `ceph --conf ${PVE_CEPH_CONF_PATH} fsid`),
      checkCommand(`fsid of the cluster behind ${ETC_CEPH_CONF_PATH}`, `ceph --conf ${ETC_CEPH_CONF_PATH} fsid`),
      changeCommand('make the node-local conf follow the cluster-wide one', `ln -sf ${PVE_CEPH_CONF_PATH} ${ETC_CEPH_CONF_PATH}`),
    ],
    evidence: [...valueEvidence(pve, 'fsid', pveFsid), ...valueEvidence(etc, 'fsid', etcFsid), ...valueEvidence(pve, 'mon_host', pveMons), ...valueEvidence(etc, 'mon_host', etcMons)],
    extraRefs: ['article: Task 8', 'article: Task 11', 'article: FAQ 2'],
  })];
}

/** A per-storage conf next to a storage without monhost: Proxmox ignores it. */
export function ignoredStorageConfChecks(ctx: NodeContext, access: StorageAccess): DoctorFinding[] {
  if (!access.managed || !ctx.facts(access.storageConfPath).exists) return [];
  const { storage, storageConfPath } = access;
  return [makeFinding(ctx.node, {
    check: 'storage-conf-ignored', cause: 'config-split', severity: 'warning', storage: storage.id,
    file: storageConfPath, line: null, subject: storageConfPath,
    message: `${storageConfPath} exists, but storage '${storage.id}' has no monhost, so Proxmox treats it as the pveceph-managed cluster, reads ${PVE_CEPH_CONF_PATH} and ignores this file (it logs a warning about it).`,
    fix: `Set monhost on the storage if it is an external cluster; otherwise remove ${storageConfPath} so nobody tests with it.`,
    commands: [checkCommand('see which monitors the ignored file names', `grep -n mon ${shellQuote(storageConfPath)}`)],
    evidence: storageEvidence(storage),
  })];
}

/** storage.cfg's monhost against the per-storage conf and against the managed cluster's conf. */
export function monhostChecks(ctx: NodeContext, access: StorageAccess): DoctorFinding[] {
  const { storage } = access;
  if (storage.monhost === null) return [];
  const findings: DoctorFinding[] = [];
  const line = storageOptionLine(storage, 'monhost');
  const storageConf = ctx.facts(access.storageConfPath).exists ? ctx.conf(access.storageConfPath) : null;
  const confMons = storageConf ? confValue(storageConf, 'mon_host', access.clientId) : null;
  const dump = checkCommand('ask the monitors for the current monitor map with the storage identity', `ceph --conf ${shellQuote(access.confPath)} --id ${shellQuote(access.clientId)} --keyring ${shellQuote(access.keyringPath)} mon dump`);
  if (storageConf && confMons) {
    const cmp = compareMonitorLists(storage.monhost, confMons.value);
    if (cmp.overlap !== 'same') {
      findings.push(makeFinding(ctx.node, {
        check: 'storage-monhost', cause: 'config-split', severity: cmp.overlap === 'disjoint' ? 'error' : 'warning', storage: storage.id,
        file: STORAGE_CFG_PATH, line, subject: 'monhost',
        message: `monhost of '${storage.id}' (${monitorHosts(storage.monhost).join(' ')}) and mon_host in ${access.storageConfPath} (${monitorHosts(confMons.value).join(' ')}) ${cmp.overlap === 'disjoint' ? 'share no monitor' : 'differ'}. Proxmox passes monhost, so a manual test with --conf ${access.storageConfPath} alone talks to other monitors.`,
        fix: 'Make both lists name the monitors of the live cluster (ceph mon dump shows them).',
        commands: [dump, changeCommand('set the storage monitors to the live list', `pvesm set ${shellQuote(storage.id)} --monhost ${shellQuote(monitorHosts(confMons.value).join(' '))}`)],
        evidence: [...storageEvidence(storage, ['monhost']), fileEvidence(access.storageConfPath, confMons.line, `mon_host = ${confMons.value}`)],
        extraRefs: ['article: Task 2', 'article: Task 8'],
      }));
    }
  }
  const pve = ctx.conf(PVE_CEPH_CONF_PATH);
  const clusterMons = pve ? confValue(pve, 'mon_host') : null;
  if (pve && clusterMons) {
    const cmp = compareMonitorLists(storage.monhost, clusterMons.value);
    if (cmp.overlap === 'partial' && cmp.onlyInA.length > 0) {
      findings.push(makeFinding(ctx.node, {
        check: 'storage-monhost', cause: 'mon-unreachable', severity: 'warning', storage: storage.id,
        file: STORAGE_CFG_PATH, line, subject: 'monhost',
        message: `monhost of '${storage.id}' names ${cmp.onlyInA.join(', ')}, which ${PVE_CEPH_CONF_PATH} (same cluster: they share other monitors) does not list. A removed or moved monitor left in monhost costs a connect timeout and can leave too few monitors reachable.`,
        fix: 'Remove monitors that are gone from monhost, or add the current ones.',
        commands: [dump, changeCommand('set the storage monitors to the cluster list', `pvesm set ${shellQuote(storage.id)} --monhost ${shellQuote(monitorHosts(clusterMons.value).join(' '))}`)],
        evidence: [...storageEvidence(storage, ['monhost']), fileEvidence(PVE_CEPH_CONF_PATH, clusterMons.line, `mon_host = ${clusterMons.value}`)],
        extraRefs: ['article: Task 9', 'article: Mistake 4'],
      }));
    }
  }
  return findings;
}
