/**
 * Commands to confirm and fix each cause, as templates filled with the values the failing
 * process used (`{confOpt}` = `--conf X `, `{authOpts}` = `--id Y --keyring Z`). `{slot}` syntax; a template whose required slots are unknown gets
 * readable placeholders (`<pool>`). Data only; `changesCluster` marks commands that change
 * the cluster or the node's files: they are printed, never run.
 */
import type { CauseId } from '../causes.js';

/** Values a template can use. */
export interface CommandValues {
  readonly conf: string | null;
  readonly clientId: string | null;
  readonly keyring: string | null;
  readonly pool: string | null;
  readonly image: string | null;
  readonly snapshot: string | null;
  readonly monHosts: readonly string[] | null;
  readonly storage: string | null;
  readonly upid: string | null;
  readonly taskLog: string | null;
  readonly vmid: number | null;
}

/** A command template. */
export interface CommandTemplate {
  readonly purpose: string;
  readonly template: string;
  readonly changesCluster: boolean;
  /** Only offered when the log gave these values (no placeholder would make sense). */
  readonly needs?: readonly (keyof CommandValues)[];
  /** Not offered once the incident's evidence includes the Proxmox task log. */
  readonly unlessTaskLogRead?: true;
}

export const COMMANDS_BY_CAUSE: Readonly<Record<CauseId, readonly CommandTemplate[]>> = {
  'mon-unreachable': [
    { purpose: 'Can this node reach and authenticate to the monitors (same conf and client)?', template: 'timeout 20 ceph {confOpt}-s {authOpts}', changesCluster: false },
    { purpose: 'Test the monitor ports from this node (msgr2 3300, legacy 6789)', template: 'for m in {monHostList}; do nc -vz -w2 "$m" 3300; nc -vz -w2 "$m" 6789; done', changesCluster: false },
    { purpose: 'Which monitors does the conf name?', template: "grep -nE '^\\s*mon[_ ]host' {conf}", changesCluster: false },
  ],
  'keyring-missing': [
    { purpose: 'Does the keyring exist here, and who can read it?', template: 'ls -l {keyring}', changesCluster: false },
    { purpose: 'Which keyring and user does the storage use?', template: "grep -nE '^rbd:|^\\s*(pool|monhost|username|keyring)\\b' /etc/pve/storage.cfg", changesCluster: false },
    { purpose: 'Write the client keyring to that path (run where the admin key is, then copy to this node)', template: 'ceph auth get client.{clientId} -o {keyring} && chmod 600 {keyring}', changesCluster: true },
  ],
  'client-mismatch': [
    { purpose: 'Which client section does the keyring hold? It must be [client.{clientId}]', template: "grep -n '^\\[' {keyring}", changesCluster: false },
    { purpose: 'What does the cluster know about this client (caps; key hidden)?', template: "ceph auth get client.{clientId} | grep -v 'key ='", changesCluster: false },
    { purpose: 'Re-export the keyring for the client the storage uses', template: 'ceph auth get client.{clientId} -o {keyring}', changesCluster: true },
  ],
  'key-stale': [
    { purpose: 'Compare key hashes: cluster vs. this node (keys never shown)', template: "ceph auth print-key client.{clientId} | tr -d '\\n' | sha256sum; sed -n 's/^[[:space:]]*key[[:space:]]*=[[:space:]]*//p' {keyring} | tr -d '\\n' | sha256sum", changesCluster: false },
    { purpose: 'Roll the current key out to this node', template: 'ceph auth get client.{clientId} -o {keyring}', changesCluster: true },
  ],
  'caps-insufficient': [
    { purpose: 'Read the caps of the client (key hidden)', template: "ceph auth get client.{clientId} | grep caps", changesCluster: false },
    { purpose: 'List the pool with the same identity (works ⇒ auth is fine)', template: 'rbd {confOpt}-p {pool} ls {authOpts}', changesCluster: false },
    { purpose: 'Grant the usual RBD caps for the pool (replaces all caps of the client: include every pool it needs)', template: "ceph auth caps client.{clientId} mon 'profile rbd' osd 'profile rbd pool='{pool}", changesCluster: true },
  ],
  'config-split': [
    { purpose: 'Which cluster does each conf point at? The fsids must match', template: 'ceph --conf {conf} fsid; ceph --conf /etc/ceph/ceph.conf fsid', changesCluster: false },
    { purpose: 'Are the two ceph.conf files the same on this node?', template: 'ls -l /etc/ceph/ceph.conf /etc/pve/ceph.conf; sha256sum /etc/ceph/ceph.conf /etc/pve/ceph.conf', changesCluster: false },
  ],
  'image-not-found': [
    { purpose: 'List the pool with the same identity', template: 'rbd {confOpt}-p {pool} ls {authOpts}', changesCluster: false },
    { purpose: 'Does the pool exist in the cluster this conf points at?', template: 'ceph --conf {conf} osd pool ls', changesCluster: false },
    { purpose: 'Which disks does the VM config reference?', template: 'qm config {vmid} | grep -F -e rbd -e {image}', changesCluster: false },
  ],
  'node-drift': [
    { purpose: 'Compare keyring and conf hashes on every node', template: 'sha256sum {keyring} /etc/ceph/ceph.conf /etc/pve/ceph.conf', changesCluster: false },
  ],
  'image-busy': [
    { purpose: 'Who watches the image?', template: 'rbd {confOpt}status {pool}/{image} {authOpts}', changesCluster: false },
    { purpose: 'Who holds its exclusive lock?', template: 'rbd {confOpt}lock ls {pool}/{image} {authOpts}', changesCluster: false },
    { purpose: 'Is a client blocklisted?', template: 'ceph osd blocklist ls', changesCluster: false },
  ],
  'krbd-features': [
    { purpose: 'What did the kernel say?', template: 'dmesg | tail -n 30', changesCluster: false },
    { purpose: 'Which features does the image use?', template: 'rbd {confOpt}info {pool}/{image} {authOpts} | grep features', changesCluster: false },
    { purpose: 'Disable features the kernel client lacks (check the kernel message first)', template: 'rbd {confOpt}feature disable {pool}/{image} object-map fast-diff deep-flatten {authOpts}', changesCluster: true },
  ],
  unknown: [
    { purpose: 'Read the task log for QEMU\'s own message', template: 'cat {taskLog}', changesCluster: false, needs: ['taskLog'], unlessTaskLogRead: true },
  ],
};

/** A value from a log as one shell word (quoted unless it is plainly safe). */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `--id Y --keyring Z`: the identity of the failing process, as far as the log tells. */
export function authOptions(values: CommandValues): string {
  const parts = ['--id', values.clientId ? shellQuote(values.clientId) : '<client>'];
  if (values.keyring) parts.push('--keyring', shellQuote(values.keyring));
  return parts.join(' ');
}

/** Fills a template with the log's values; unknown values stay visible as <placeholders>. */
export function fillTemplate(template: string, values: CommandValues): string {
  const slot = (name: string): string => {
    switch (name) {
      case 'confOpt': return values.conf ? `--conf ${shellQuote(values.conf)} ` : '';
      case 'authOpts': return authOptions(values);
      case 'conf': return values.conf ? shellQuote(values.conf) : '/etc/pve/ceph.conf';
      case 'clientId': return values.clientId ? shellQuote(values.clientId) : '<client>';
      case 'keyring': return values.keyring ? shellQuote(values.keyring) : (values.storage ? shellQuote(`/etc/pve/priv/ceph/${values.storage}.keyring`) : '<keyring>');
      case 'pool': return values.pool ? shellQuote(values.pool) : '<pool>';
      case 'image': return values.image ? shellQuote(values.image) : '<image>';
      case 'monHostList': return values.monHosts && values.monHosts.length > 0
        ? values.monHosts.map((h) => h.replace(/^\[(.*)\](?::\d+)?$/, '$1').replace(/^([^:[\]]+):\d+$/, '$1')).map(shellQuote).join(' ')
        : '$(ceph-conf --conf ' + (values.conf ? shellQuote(values.conf) : '/etc/pve/ceph.conf') + " --lookup mon_host | tr ',;' '  ' | sed 's/v[12]://g; s/[][]//g; s/:[0-9]*//g; s/\\/[0-9]*//g')";
      case 'taskLog': return values.taskLog ? shellQuote(values.taskLog) : '/var/log/pve/tasks/<D>/<UPID>';
      case 'vmid': return values.vmid !== null ? String(values.vmid) : '<vmid>';
      case 'storage': return values.storage ? shellQuote(values.storage) : '<storage>';
      default: return `{${name}}`;
    }
  };
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => slot(name));
}
