/**
 * Which conf file, client id and keyring Proxmox hands to librbd/QEMU for an rbd storage
 * (pve-storage ≥ 5.0-21; docs/message-catalog.md, "Where the client's settings come from").
 */
import type { RbdStorage } from './types.js';
import { ETC_CEPH_CONF_PATH, PVE_CEPH_CONF_PATH } from './ceph-conf.js';

/** How a storage reaches its cluster. */
export interface StorageAccess {
  readonly storage: RbdStorage;
  /** True when `monhost` is unset: the cluster is the pveceph-managed one of /etc/pve/ceph.conf. */
  readonly managed: boolean;
  /** The conf librados reads for this storage. */
  readonly confPath: string;
  /** True when Proxmox passes it as `conf=`; false when librados falls back to its default path. */
  readonly confPassed: boolean;
  /** `/etc/pve/priv/ceph/<storeid>.conf`: used for external storages, ignored for managed ones. */
  readonly storageConfPath: string;
  /** `/etc/pve/priv/ceph/<storeid>.keyring`: the only keyring path Proxmox passes itself. */
  readonly keyringPath: string;
  /** `username`, defaulting to `admin` like Proxmox. */
  readonly clientId: string;
}

/** `/etc/pve/priv/ceph/<storeid>.<ext>`. */
export function storagePrivPath(storageId: string, ext: 'keyring' | 'conf'): string {
  return `/etc/pve/priv/ceph/${storageId}.${ext}`;
}

/** Resolves the access paths; `storageConfExists` tells whether `/etc/pve/priv/ceph/<id>.conf` exists. */
export function resolveStorageAccess(storage: RbdStorage, storageConfExists: boolean): StorageAccess {
  const managed = storage.monhost === null;
  const storageConfPath = storagePrivPath(storage.id, 'conf');
  const confPath = managed ? PVE_CEPH_CONF_PATH : storageConfExists ? storageConfPath : ETC_CEPH_CONF_PATH;
  return {
    storage,
    managed,
    confPath,
    confPassed: managed || storageConfExists,
    storageConfPath,
    keyringPath: storagePrivPath(storage.id, 'keyring'),
    clientId: storage.username ?? 'admin',
  };
}
