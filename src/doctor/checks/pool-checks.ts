/**
 * A storage's pool (or data-pool) is not among the cluster's pools, when the pool list is known.
 * The list describes the pveceph-managed cluster, so an external storage is only checked against it
 * when its monhost shares a monitor with /etc/pve/ceph.conf.
 */
import { confValue, PVE_CEPH_CONF_PATH } from '../ceph-conf.js';
import { checkCommand, makeFinding, shellQuote } from '../finding.js';
import { compareMonitorLists } from '../mon-hosts.js';
import type { NodeContext } from '../node-context.js';
import type { StorageAccess } from '../storage-access.js';
import { STORAGE_CFG_PATH } from '../storage-cfg.js';
import type { DoctorFinding } from '../types.js';
import { storageEvidence, storageOptionLine } from './storage-evidence.js';

function isManagedCluster(ctx: NodeContext, access: StorageAccess): boolean {
  if (access.managed) return true;
  const conf = ctx.conf(PVE_CEPH_CONF_PATH);
  const mons = conf ? confValue(conf, 'mon_host') : null;
  return mons !== null && access.storage.monhost !== null && compareMonitorLists(access.storage.monhost, mons.value).overlap !== 'disjoint';
}

/** One finding per pool name of the storage that the cluster does not have. */
export function poolChecks(ctx: NodeContext, access: StorageAccess, pools: readonly string[] | undefined): DoctorFinding[] {
  if (pools === undefined || !isManagedCluster(ctx, access)) return [];
  const { storage } = access;
  const wanted: { option: 'pool' | 'data-pool'; name: string }[] = [{ option: 'pool', name: storage.pool }];
  if (storage.dataPool !== null) wanted.push({ option: 'data-pool', name: storage.dataPool });
  return wanted.filter((w) => !pools.includes(w.name)).map((w) => makeFinding(ctx.node, {
    check: 'storage-pool', cause: 'image-not-found', severity: 'error', storage: storage.id,
    file: STORAGE_CFG_PATH, line: storageOptionLine(storage, w.option), subject: w.name,
    message: `Storage '${storage.id}' uses ${w.option} '${w.name}', which is not in the cluster's pool list (${pools.join(', ') || 'empty'}).`,
    fix: `Point ${w.option} at an existing pool (a typo, or a renamed pool) or create the pool.`,
    commands: [
      checkCommand('list the pools of the cluster', 'ceph osd pool ls'),
      checkCommand('list the images with the storage identity', `rbd --conf ${shellQuote(access.confPath)} --id ${shellQuote(access.clientId)} --keyring ${shellQuote(access.keyringPath)} ls ${shellQuote(w.name)}`),
    ],
    evidence: storageEvidence(storage, [w.option]), extraRefs: ['article: Task 5'],
  }));
}
