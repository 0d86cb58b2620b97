/**
 * Live mode on a monitor node: the Ceph cluster and audit logs the monitors write, when present
 * (Proxmox hyper-converged nodes keep them in /var/log/ceph). They add cluster events (key, caps,
 * pool, blocklist and quorum changes) to the incidents found in the journal.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where the monitors write their cluster logs by default (`mon_cluster_log_file`). */
export const CEPH_LOG_DIR = '/var/log/ceph';

/** The cluster logs read in live mode, oldest information first. */
export const CEPH_CLUSTER_LOGS: readonly string[] = ['ceph.audit.log', 'ceph.log'];

/** Paths of the cluster logs that exist below `dir`. */
export function cephClusterLogFiles(dir: string = CEPH_LOG_DIR): string[] {
  return CEPH_CLUSTER_LOGS.map((name) => join(dir, name)).filter((path) => existsSync(path));
}
