/**
 * The rule table. Each rule maps message shapes, phase and errno to the causes they
 * support. Texts are ours; refs point at the article sections. Add a rule by adding an
 * entry with samples; test/rules.test.ts checks every sample and every cause id.
 */
import type { Rule } from './rule-types.js';
import { RBD_COMMAND_LAYERS } from '../extract/wrappers.js';

const CONNECT_SHAPES = [
  'qemu.error-connecting', 'rbd.couldnt-connect', 'radosperl.connect-failed', 'ceph.librados-auth-error',
  'ceph.cli-connect-error', 'kernel.auth-error', 'ceph.cephx-key-not-found', 'ceph.librados-init-error',
  'ceph.error-connecting-cluster',
] as const;
/** A line that names RBD/Ceph and an error, but no message of the catalog (src/extract/shapes.ts). */
const GENERIC = ['generic.ceph-error'] as const;
const AFTER_CONNECT = ['open', 'list', 'create', 'snapshot', 'clone', 'remove', 'resize'] as const;
const KVM_DRIVE = 'kvm: -drive file=rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf:id=pve:keyring=/etc/pve/priv/ceph/ceph-vm.keyring,if=none,id=drive-scsi0,format=raw,cache=none';

export const RULES: readonly Rule[] = [
  {
    id: 'keyring-not-loaded-message',
    causes: { 'keyring-missing': 0.95 },
    explainsAway: ['image-not-found', 'mon-unreachable', 'caps-insufficient'],
    when: {
      shapes: ['ceph.keyring-not-found', 'ceph.keyring-load-failed', 'ceph.no-keyring-disabling-cephx', 'ceph.monclient-keyring-not-found',
        'ceph.no-keyring-disabled-cephx', 'ceph.missing-keyring-cephx', 'pve.not-proper-keyring', 'pve.admin-keyring-missing', 'kernel.no-secret'],
    },
    explanation: {
      symptom: 'The Ceph client says it has no usable keyring.',
      cause: 'The keyring file the storage points at is absent on this node, unreadable, or not in keyring format. Proxmox replicates storage.cfg but not files outside /etc/pve.',
      fix: 'Put the client\'s keyring at the path the storage uses on this node (mode 0600, root), then retry.',
    },
    refs: ['article: Triage 2', 'article: Task 3', 'article: Mistake 3'],
    samples: {
      match: [
        '2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 auth: unable to find a keyring on /etc/pve/priv/ceph/ceph-vm.keyring: (2) No such file or directory',
        '2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 AuthRegistry(0x55d0c2a3b8e0) no keyring found at /etc/pve/priv/ceph/ceph-vm.keyring, disabling cephx',
        'TASK ERROR: Not a proper rbd authentication file: /etc/pve/priv/ceph/ceph-vm.keyring',
      ],
      noMatch: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80  0 auth: loaded keyring /etc/pve/priv/ceph/ceph-vm.keyring'],
    },
  },
  {
    id: 'cephx-disabled-locally',
    causes: { 'keyring-missing': 0.9 },
    explainsAway: ['mon-unreachable', 'client-mismatch', 'key-stale'],
    when: { shapes: ['ceph.auth-bad-method'], clientSupportsCephx: false },
    explanation: {
      symptom: 'The monitors want cephx but this client offered only "none".',
      cause: 'Proxmox drops cephx for a storage whose keyring file is missing (auth_supported=none), so the monitors refuse the session.',
      fix: 'Restore the storage keyring on this node; Proxmox passes it again on the next start.',
    },
    refs: ['article: Triage 2', 'article: Task 3', 'article: Mistake 3'],
    samples: {
      match: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [1]'],
      noMatch: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [2]'],
    },
  },
  {
    id: 'auth-none-fallback',
    causes: { 'keyring-missing': 0.9 },
    explainsAway: ['mon-unreachable', 'client-mismatch', 'key-stale'],
    when: { auth: 'none', phases: ['connect'] },
    explanation: {
      symptom: 'QEMU connected with auth_supported=none (or auth-client-required none) and was refused.',
      cause: 'That is what Proxmox passes when the storage keyring file does not exist on this node.',
      fix: 'Copy the keyring for the storage\'s client to /etc/pve/priv/ceph/<storage>.keyring (or the path in storage.cfg) and start again.',
    },
    refs: ['article: Triage 2', 'article: Task 2', 'article: Task 3'],
    samples: {
      match: ['kvm: -drive file=rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf:auth_supported=none,if=none,id=drive-scsi0: error connecting: Operation not supported'],
      noMatch: [`${KVM_DRIVE}: error connecting: Operation not supported`],
    },
  },
  {
    id: 'cephx-rejected',
    causes: { 'client-mismatch': 0.45, 'key-stale': 0.45, 'caps-insufficient': 0.1, 'config-split': 0.1 },
    explainsAway: ['caps-insufficient', 'mon-unreachable', 'keyring-missing'],
    when: { shapes: ['ceph.auth-bad-method'], clientSupportsCephx: true },
    explanation: {
      symptom: 'The monitors rejected the cephx key this client presented.',
      cause: 'The keyring holds a key for another client name, or an old key from before a rotation. A client without mon caps, or a conf that points at another cluster, is rejected the same way.',
      fix: 'Compare the keyring section name with the storage username, and the key hash with the cluster\'s key for that client; re-export the keyring if they differ.',
    },
    refs: ['article: Task 4', 'article: Task 7', 'article: Mistake 6'],
    samples: {
      match: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [2]'],
      noMatch: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [1]'],
    },
  },
  {
    id: 'connect-denied',
    causes: { 'client-mismatch': 0.4, 'key-stale': 0.35, 'keyring-missing': 0.15, 'config-split': 0.15 },
    when: { shapes: CONNECT_SHAPES, phases: ['connect'], errno: [1, 13] },
    explanation: {
      symptom: 'Permission was refused while connecting, before any image was touched.',
      cause: 'At connect time this is authentication: the keyring is for another client name, its key is outdated, cephx is off for this client, or the conf points at another cluster that does not know the key.',
      fix: 'Check that the keyring section is [client.<id>] for the id in use and that its key matches `ceph auth get client.<id>`; re-export it on this node.',
    },
    refs: ['article: Task 4', 'article: Task 7', 'article: Mistake 6', 'article: Client names'],
    samples: {
      match: [`${KVM_DRIVE}: error connecting: Permission denied`, 'rados_connect failed - Permission denied', "libceph: auth method 'x' error -13"],
      noMatch: [`${KVM_DRIVE}: error reading header from vm-101-disk-0: Permission denied`, `${KVM_DRIVE}: error connecting: Connection timed out`],
    },
  },
  {
    id: 'connect-enoent',
    causes: { 'keyring-missing': 0.6, 'config-split': 0.35 },
    when: { shapes: CONNECT_SHAPES, phases: ['connect'], errno: [2] },
    explanation: {
      symptom: 'Connecting failed with "No such file or directory".',
      cause: 'With cephx required, librados reports a missing keyring this way; with a conf that names no monitors it reports the same errno.',
      fix: 'Check that the keyring exists on this node and that the conf file the process used has mon_host.',
    },
    refs: ['article: Triage 2', 'article: Task 3', 'article: Task 8'],
    samples: {
      match: [`${KVM_DRIVE}: error connecting: No such file or directory`, 'rbd error: rbd: couldn\'t connect to the cluster!: (2) No such file or directory'],
      noMatch: [`${KVM_DRIVE}: error reading header from vm-101-disk-0: No such file or directory`],
    },
  },
  {
    id: 'connect-not-supported',
    causes: { 'keyring-missing': 0.8, 'config-split': 0.1 },
    when: { shapes: CONNECT_SHAPES, phases: ['connect'], errno: [95] },
    explanation: {
      symptom: 'Connecting failed with "Operation not supported".',
      cause: 'Client and monitors share no auth method: the client runs without cephx, which Proxmox does when the storage keyring is missing.',
      fix: 'Restore the storage keyring on this node.',
    },
    refs: ['article: Triage 2', 'article: Task 3'],
    samples: {
      match: [`${KVM_DRIVE}: error connecting: Operation not supported`],
      noMatch: [`${KVM_DRIVE}: error connecting: Permission denied`],
    },
  },
  {
    id: 'connect-timeout-message',
    causes: { 'mon-unreachable': 0.9 },
    when: { shapes: ['ceph.auth-timeout', 'ceph.osdmap-timeout', 'pve.got-timeout', 'kernel.mon-unreachable', 'kernel.mon-session-lost'] },
    explanation: {
      symptom: 'The client waited for the monitors and gave up.',
      cause: 'No monitor answered in time from this node: firewall on 3300/6789, wrong mon_host, IPv4/IPv6 mix-up, routing or MTU, or no quorum.',
      fix: 'Test TCP 3300 and 6789 to each monitor from this node, compare mon_host with the real monitor addresses, and check quorum.',
    },
    refs: ['article: Triage 1', 'article: Task 1', 'article: Task 9', 'article: Mistake 4', 'article: FAQ 7'],
    samples: {
      match: ['2025-03-01T10:05:00.123+0100 7f0c3a0e9d80  0 monclient(hunting): authenticate timed out after 300', 'got timeout'],
      noMatch: ['cfs-lock \'storage-ceph-vm\' error: got lock request timeout'],
    },
  },
  {
    id: 'errno-110-timeout',
    causes: { 'mon-unreachable': 0.85 },
    when: { errno: [110] },
    explanation: {
      symptom: 'An RBD call ended in "Connection timed out".',
      cause: 'The monitors (or OSDs) did not answer in time from this node.',
      fix: 'Check monitor reachability on 3300/6789 and mon_host, then cluster health.',
    },
    refs: ['article: Triage 1', 'article: Task 9', 'article: FAQ 7'],
    samples: {
      match: [`${KVM_DRIVE}: error connecting: Connection timed out`, 'rados_connect failed - Connection timed out'],
      noMatch: [`${KVM_DRIVE}: error connecting: Permission denied`],
    },
  },
  {
    id: 'connect-refused-errno',
    causes: { 'mon-unreachable': 0.85 },
    when: { errno: [101, 111, 113], phases: ['connect'] },
    explanation: {
      symptom: 'The monitor address refused the connection or could not be routed to.',
      cause: 'Nothing listens at the mon_host address/port in use, or the network path to it is broken.',
      fix: 'Compare mon_host with `ceph mon dump` and test the ports from this node.',
    },
    refs: ['article: Task 9', 'article: Mistake 4'],
    samples: {
      match: ['rados_connect failed - No route to host', `${KVM_DRIVE}: error connecting: Connection refused`],
      noMatch: ['rados_connect failed - Permission denied'],
    },
  },
  {
    id: 'kvm-start-timeout',
    causes: { 'mon-unreachable': 0.75, unknown: 0.15 },
    when: { shapes: ['pve.kvm-start-timeout'] },
    explanation: {
      symptom: 'Proxmox killed the VM start because QEMU did not come up in time.',
      cause: 'With librbd, QEMU blocks while it hunts for monitors (up to 300 s), so unreachable monitors usually show up as this start timeout; blocked PGs or slow OSDs look the same.',
      fix: 'Run the same rbd call by hand with the same conf and id to see whether it hangs on connect; check monitor reachability.',
    },
    refs: ['article: Triage 1', 'article: Task 9', 'article: Task 10'],
    samples: {
      match: ["start failed: command '/usr/bin/kvm -id 101 -name vm101 -drive file=rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf:id=pve,if=none' failed: got timeout"],
      noMatch: ["command '/usr/bin/rbd -p vmdata ls' failed: exit code 1"],
    },
  },
  {
    id: 'monmap-config-failed',
    causes: { 'mon-unreachable': 0.5, 'client-mismatch': 0.25, 'key-stale': 0.25 },
    when: { shapes: ['ceph.failed-to-get-config'] },
    explanation: {
      symptom: 'The client could not fetch its configuration from the monitors.',
      cause: 'Either no monitor answered or the monitors refused this client\'s key.',
      fix: 'Test monitor reachability first; if the ports answer, check the key and client name.',
    },
    refs: ['article: Triage 1', 'article: FAQ 7'],
    samples: {
      match: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 monclient: get_monmap_and_config failed to get config'],
      noMatch: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 monclient: get_monmap_and_config cannot identify monitors to contact'],
    },
  },
  {
    id: 'conf-unreadable-message',
    causes: { 'config-split': 0.9 },
    explainsAway: ['image-not-found', 'keyring-missing', 'mon-unreachable'],
    when: { shapes: ['qemu.error-reading-conf', 'radosperl.config-missing', 'radosperl.conf-read-failed', 'ceph.conf-parse-error', 'ceph.global-init-conf'] },
    explanation: {
      symptom: 'The Ceph config file the process was told to use could not be read.',
      cause: 'The process reads a different ceph.conf than the one you test with (/etc/pve/ceph.conf, a per-storage conf, or /etc/ceph/ceph.conf), and that file is missing or broken here.',
      fix: 'Make the conf named in the failing command exist and point at the right cluster, or align the two ceph.conf files.',
    },
    refs: ['article: Task 8', 'article: Task 11', 'article: Task 12', 'article: FAQ 2'],
    samples: {
      match: [`${KVM_DRIVE}: error reading conf file /etc/pve/ceph.conf: No such file or directory`, "Supplied ceph config doesn't exist, /etc/pve/ceph.conf at /usr/share/perl5/PVE/RADOS.pm line 79."],
      noMatch: [`${KVM_DRIVE}: error reading header from vm-101-disk-0: No such file or directory`],
    },
  },
  {
    id: 'no-monitor-address-message',
    causes: { 'config-split': 0.9 },
    explainsAway: ['image-not-found', 'keyring-missing', 'mon-unreachable'],
    when: { shapes: ['ceph.cannot-identify-monitors', 'ceph.dns-srv', 'ceph.mon-address-failed'] },
    explanation: {
      symptom: 'The client found no monitor addresses in its configuration.',
      cause: 'The conf file it read has no mon_host (wrong file, or the file Proxmox uses is not the one that was set up).',
      fix: 'Add mon_host to the conf the process uses, or point the storage at the right conf.',
    },
    refs: ['article: Task 8', 'article: Task 11', 'article: Task 13'],
    samples: {
      match: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 monclient: get_monmap_and_config cannot identify monitors to contact', 'unable to get monitor info from DNS SRV with service name: ceph-mon'],
      noMatch: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 monclient: get_monmap_and_config failed to get config'],
    },
  },
  {
    id: 'pve-ceph-config',
    causes: { 'config-split': 0.85 },
    when: { shapes: ['pve.ignoring-custom-conf', 'pve.fsid-invalid', 'pve.pveceph-not-ready'] },
    explanation: {
      symptom: 'Proxmox reports a problem with which Ceph config it uses.',
      cause: 'A per-storage conf is ignored (no monhost), the fsid in /etc/pve/ceph.conf is missing, or /etc/ceph/ceph.conf is not the link to /etc/pve/ceph.conf.',
      fix: 'Make storage.cfg, the per-storage conf and /etc/pve/ceph.conf agree; check the fsid with `ceph --conf … fsid`.',
    },
    refs: ['article: Task 11', 'article: Task 13', 'article: FAQ 2'],
    samples: {
      match: ["ignoring custom ceph config for storage 'ceph-ext', 'monhost' is not set (assuming pveceph managed cluster)!", 'TASK ERROR: cluster fsid has invalid format'],
      noMatch: ['TASK ERROR: could not activate storage \'local\''],
    },
  },
  {
    id: 'denied-after-connect',
    causes: { 'caps-insufficient': 0.9 },
    when: { phases: AFTER_CONNECT, errno: [1, 13] },
    explanation: {
      symptom: 'Authentication worked, then the operation on the pool or image was refused.',
      cause: 'The client\'s caps do not allow it: read-only caps, no `profile rbd`, or an OSD cap limited to another pool.',
      fix: 'Read the caps with `ceph auth get client.<id>` and grant `mon "profile rbd" osd "profile rbd pool=<pool>"` for every pool the storage uses.',
    },
    refs: ['article: Triage 3', 'article: Task 6', 'article: Task 7', 'article: Task 14', 'article: Mistake 2', 'article: FAQ 4', 'article: FAQ 5'],
    samples: {
      match: [
        `${KVM_DRIVE}: error reading header from vm-101-disk-0: Operation not permitted`,
        'rbd error: rbd: error opening image vm-101-disk-0: (1) Operation not permitted',
        'rbd: create error: (13) Permission denied',
      ],
      noMatch: [`${KVM_DRIVE}: error connecting: Permission denied`, `${KVM_DRIVE}: error reading header from vm-101-disk-0: No such file or directory`],
    },
  },
  {
    id: 'librbd-metadata-denied',
    causes: { 'caps-insufficient': 0.8 },
    when: { shapes: ['librbd.open-failed', 'librbd.list-failed'], errno: [1, 13] },
    explanation: {
      symptom: 'librbd could not read the image metadata.',
      cause: 'The OSD caps do not cover the image header objects (pool scope or missing class-method permission).',
      fix: 'Grant `profile rbd` on the pool and retest `rbd info` with the same identity.',
    },
    refs: ['article: Task 6', 'article: Task 14', 'article: Mini-story 2'],
    samples: {
      match: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 librbd::image::OpenRequest: failed to stat v2 image header: (1) Operation not permitted'],
      noMatch: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 librbd::image::OpenRequest: failed to stat v2 image header: (108) Cannot send after transport endpoint shutdown'],
    },
  },
  {
    id: 'open-enoent',
    causes: { 'image-not-found': 0.9 },
    when: {
      shapes: ['qemu.error-reading-header', 'rbd.error-opening-image', 'qemu.error-getting-image-info', 'rbd.snap-context', 'librbd.open-failed'],
      errno: [2],
    },
    explanation: {
      symptom: 'The pool opened but the image (or snapshot) does not exist there.',
      cause: 'Wrong image name, the image lives in another pool or namespace, or it was renamed or deleted.',
      fix: 'List the pool with the same identity, look for the image in the other pools, and fix the VM config or restore the image.',
    },
    refs: ['article: Task 5', 'article: Task 6', 'article: Mistake 5'],
    samples: {
      match: [`${KVM_DRIVE}: error reading header from vm-101-disk-0: No such file or directory`, "rbd error: rbd: error opening image vm-101-disk-0: (2) No such file or directory"],
      noMatch: [`${KVM_DRIVE}: error reading header from vm-101-disk-0: Operation not permitted`],
    },
  },
  {
    id: 'namespace-not-found-message',
    causes: { 'image-not-found': 0.85 },
    when: { shapes: ['qemu.namespace-missing', 'rbd.namespace-missing'] },
    explanation: {
      symptom: 'The RADOS namespace named by the storage does not exist.',
      cause: 'The storage\'s namespace option names a namespace that was never created in that pool (or in this cluster).',
      fix: 'Create the namespace with `rbd namespace create` or fix the storage\'s namespace.',
    },
    refs: ['article: Task 5', 'article: Mistake 5'],
    samples: {
      match: ["rbd error: rbd: namespace 'tenant1' does not exist."],
      noMatch: ['rbd error: rbd: listing images failed: (2) No such file or directory'],
    },
  },
  {
    id: 'error-opening-pool',
    causes: { 'image-not-found': 0.75, 'config-split': 0.25 },
    when: { shapes: ['qemu.error-opening-pool', 'rbd.error-opening-pool', 'rbd.default-pool-hint', 'pve.usage-stats'] },
    explanation: {
      symptom: 'The pool could not be opened.',
      cause: 'The pool name is wrong or the pool is gone; if it exists in your cluster, the process is talking to another cluster (other conf/fsid).',
      fix: 'Compare the pool name with `ceph osd pool ls` run with the same conf, and the fsid of that conf with your cluster\'s.',
    },
    refs: ['article: Task 5', 'article: Task 13', 'article: Mistake 5'],
    samples: {
      match: [`${KVM_DRIVE}: error opening pool vmdata: No such file or directory`, "rbd error: rbd: error opening pool 'vmdata': (2) No such file or directory"],
      noMatch: [`${KVM_DRIVE}: error reading header from vm-101-disk-0: No such file or directory`],
    },
  },
  {
    id: 'list-enoent',
    causes: { 'keyring-missing': 0.45, 'image-not-found': 0.4, 'config-split': 0.15 },
    when: { shapes: ['rbd.listing-failed'], errno: [2] },
    explanation: {
      symptom: 'Listing the pool failed with "No such file or directory".',
      cause: '`rbd ls` also prints this when it could not connect because the keyring file is missing; otherwise an image in the directory cannot be opened (half-created or half-deleted), or the pool is wrong.',
      fix: 'Check that the keyring exists on this node first; if it does, run `rbd ls` (not `-l`) with the same identity to find the broken entry.',
    },
    refs: ['article: Triage 2', 'article: Task 3', 'article: Task 5', 'article: Mistake 5'],
    samples: {
      match: ['rbd error: rbd: listing images failed: (2) No such file or directory'],
      noMatch: ['rbd error: rbd: listing images failed: (1) Operation not permitted'],
    },
  },
  {
    id: 'list-denied',
    causes: { 'caps-insufficient': 0.4, 'client-mismatch': 0.3, 'key-stale': 0.25, 'config-split': 0.05 },
    when: { shapes: ['rbd.listing-failed'], errno: [1, 13] },
    explanation: {
      symptom: 'Listing the pool was refused.',
      cause: '`rbd ls` prints the same line whether the cluster refused the key while connecting (client name, stale key) or the caps refused the listing. Proxmox keeps only this last line.',
      fix: 'Run `ceph -s` with the same conf, id and keyring: if it fails, fix the key or client name; if it works, fix the caps for the pool.',
    },
    refs: ['article: Triage 3', 'article: Task 5', 'article: Task 12', 'article: Task 7'],
    samples: {
      match: ['rbd error: rbd: listing images failed: (13) Permission denied', 'rbd error: rbd: listing images failed: (1) Operation not permitted'],
      noMatch: ['rbd error: rbd: listing images failed: (2) No such file or directory'],
    },
  },
  {
    id: 'list-timeout',
    causes: { 'keyring-missing': 0.35 },
    when: { shapes: ['rbd.listing-failed'], errno: [110] },
    explanation: {
      symptom: 'Listing the pool timed out.',
      cause: 'Besides unreachable monitors, Proxmox runs `rbd` without cephx when the storage keyring is missing; the monitors then refuse every attempt until the client gives up with the same timeout.',
      fix: 'Test the monitor ports, and check that the storage keyring exists on this node.',
    },
    refs: ['article: Triage 1', 'article: Triage 2', 'article: Task 3', 'article: Task 9'],
    samples: {
      match: ['rbd error: rbd: listing images failed: (110) Connection timed out'],
      noMatch: ['rbd error: rbd: listing images failed: (2) No such file or directory'],
    },
  },
  {
    id: 'connect-failed-no-errno',
    causes: { 'client-mismatch': 0.3, 'key-stale': 0.25, 'keyring-missing': 0.25, 'mon-unreachable': 0.2, 'config-split': 0.1 },
    when: { shapes: ['rbd.couldnt-connect', 'qemu.error-connecting', 'pve.mon-create-connect-failed'], noErrno: true },
    explanation: {
      symptom: 'The client could not connect to the cluster; the line gives no reason.',
      cause: 'Connecting covers monitors, the keyring and the key; `rbd` prints no errno here, and Proxmox keeps only this line of its output.',
      fix: 'Run `ceph -s` with the same conf, id and keyring from this node: a long wait means monitors, a fast refusal means keyring, client name or key.',
    },
    refs: ['article: Triage 1', 'article: Triage 2', 'article: FAQ 7'],
    samples: {
      match: ["rbd error: rbd: couldn't connect to the cluster!"],
      noMatch: [`${KVM_DRIVE}: error connecting: Permission denied`],
    },
  },
  {
    id: 'pool-not-for-rbd',
    causes: { 'image-not-found': 0.6, unknown: 0.3 },
    when: { shapes: ['librbd.pool-not-rbd'] },
    explanation: {
      symptom: 'The pool cannot hold RBD images.',
      cause: 'An erasure-coded pool is configured as the storage pool instead of as its data-pool, or it lacks overwrite support.',
      fix: 'Use a replicated pool for metadata and set the EC pool as data-pool (with allow_ec_overwrites).',
    },
    refs: ['article: Mistake 5'],
    samples: {
      match: ["TASK ERROR: rbd create 'vm-100-disk-1' error: 2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 librbd::image::CreateRequest: 0x55d0 handle_validate_data_pool: pool does not support RBD images"],
      noMatch: ["TASK ERROR: rbd create 'vm-100-disk-1' error: rbd: create error: (17) File exists"],
    },
  },
  {
    id: 'lock-or-watcher-message',
    causes: { 'image-busy': 0.9 },
    when: {
      shapes: ['rbd.watchers', 'rbd.watchers-hint', 'librbd.watch-failed', 'librbd.break-lock-failed', 'librbd.exclusive-lock',
        'pve.cfs-lock-timeout', 'pve.locked-command-timeout', 'pve.lock-file-timeout', 'pve.lock-file-busy', 'pve.lock-acquire-failed',
        'rbd.image-still-used'],
    },
    explanation: {
      symptom: 'The image, its lock, or the storage lock is held by someone else.',
      cause: 'Another client still watches the image or owns its exclusive lock (a VM on another node, a crashed client), or Proxmox\'s storage lock is busy.',
      fix: 'See who holds it with `rbd status` and `rbd lock ls`; stop that user or wait for it to time out. Break a lock only once you know its owner is dead.',
    },
    refs: [],
    samples: {
      match: [
        'rbd: error: image still has watchers', "cfs-lock 'storage-ceph-vm' error: got lock request timeout",
        "can't lock file '/var/lock/pve-manager/pve-storage-ceph-vm' - can't acquire lock '/var/lock/pve-manager/pve-storage-ceph-vm' - Resource temporarily unavailable",
      ],
      noMatch: ['rbd: error: image has snapshots - these must be deleted with \'rbd snap purge\' before the image can be removed.'],
    },
  },
  {
    id: 'errno-108-shutdown',
    causes: { 'image-busy': 0.9 },
    when: { errno: [108] },
    explanation: {
      symptom: 'The client was blocklisted ("Cannot send after transport endpoint shutdown").',
      cause: 'Another client broke this client\'s lock and blocklisted it, or fencing did.',
      fix: 'Check `ceph osd blocklist ls`; restart the affected client (VM) so it reconnects with a new address.',
    },
    refs: [],
    samples: {
      match: [`${KVM_DRIVE}: error reading header from vm-101-disk-0: Cannot send after transport endpoint shutdown`],
      noMatch: [`${KVM_DRIVE}: error reading header from vm-101-disk-0: Operation not permitted`],
    },
  },
  {
    id: 'errno-16-busy',
    causes: { 'image-busy': 0.85 },
    when: { errno: [16] },
    explanation: {
      symptom: 'The operation failed with "Device or resource busy".',
      cause: 'The image or its mapped device is still in use.',
      fix: 'Find the user with `rbd status` and stop it before retrying.',
    },
    refs: [],
    samples: {
      match: ['rbd: delete error: (16) Device or resource busy', 'rbd: unmap failed: (16) Device or resource busy'],
      noMatch: ['rbd: delete error: (2) No such file or directory'],
    },
  },
  {
    id: 'kernel-feature-message',
    causes: { 'krbd-features': 0.85 },
    when: { shapes: ['rbd.feature-mismatch', 'kernel.unsupported-features', 'kernel.protocol-mismatch', 'pve.krbd-device-missing'] },
    explanation: {
      symptom: 'The kernel RBD client refused to map the image.',
      cause: 'The image uses features this kernel does not support (object-map, fast-diff, deep-flatten, …), or kernel and cluster disagree on protocol features.',
      fix: 'Disable the unsupported features on the image, or use librbd (krbd 0) for this storage.',
    },
    refs: [],
    samples: {
      match: ['RBD image feature set mismatch. You can disable features unsupported by the kernel with "rbd feature disable vmdata/vm-101-disk-0 object-map fast-diff deep-flatten".', 'rbd: image vm-101-disk-0: image uses unsupported features: 0x38'],
      noMatch: ['rbd: rbd0: capacity 34359738368 features 0x3d'],
    },
  },
  {
    id: 'krbd-map-errno',
    causes: { 'krbd-features': 0.8 },
    when: { shapes: ['rbd.map-failed'], errno: [5, 6, 22, 38] },
    explanation: {
      symptom: '`rbd map` failed with a kernel-side error.',
      cause: 'The kernel client cannot map this image (features or options it lacks).',
      fix: 'Read `dmesg | tail` for the kernel\'s reason and disable the image features it names.',
    },
    refs: [],
    samples: { match: ['rbd: map failed: (6) No such device or address'], noMatch: ['rbd: map failed: (13) Permission denied'] },
  },
  {
    id: 'krbd-sysfs-write',
    causes: { 'krbd-features': 0.45, 'client-mismatch': 0.2, 'key-stale': 0.15, 'mon-unreachable': 0.1, 'caps-insufficient': 0.1 },
    when: { shapes: ['rbd.sysfs-write-failed'] },
    explanation: {
      symptom: 'Mapping with the kernel client failed ("sysfs write failed"); Proxmox drops the line with the errno.',
      cause: 'The real reason is only in the kernel log: unsupported image features, or an auth/monitor failure of the kernel client.',
      fix: 'Read `dmesg | tail` on this node right after the failure; feed those lines to rbd-explain too.',
    },
    refs: [],
    samples: { match: ["TASK ERROR: can't map rbd volume vm-101-disk-0: rbd: sysfs write failed"], noMatch: ['rbd: map failed: (6) No such device or address'] },
  },
  {
    id: 'krbd-map-denied',
    causes: { 'client-mismatch': 0.4, 'key-stale': 0.35, 'caps-insufficient': 0.25 },
    when: { shapes: ['rbd.map-failed'], errno: [1, 13] },
    explanation: {
      symptom: '`rbd map` was refused with a permission error.',
      cause: 'The kernel client authenticates with the same client and key: wrong client name, old key, or caps without the pool.',
      fix: 'Check the keyring section and key hash against the cluster, then the caps.',
    },
    refs: ['article: Task 4', 'article: Task 7'],
    samples: { match: ['rbd: map failed: (13) Permission denied'], noMatch: ['rbd: map failed: (6) No such device or address'] },
  },
  {
    id: 'error-opening-denied',
    causes: { 'client-mismatch': 0.35, 'key-stale': 0.3, 'caps-insufficient': 0.3, 'keyring-missing': 0.05 },
    when: { shapes: ['pve.error-opening'], errno: [1, 13] },
    explanation: {
      symptom: 'Proxmox reports "error opening" with a permission error and no phase.',
      cause: 'The line does not say whether the refusal came while authenticating (client name, stale key) or after (caps). Both are common.',
      fix: 'Run `rbd ls` and then `rbd info` on the image with the exact conf, id and keyring from the log: ls failing means auth; ls working but info failing means caps.',
    },
    refs: ['article: Task 10', 'article: Task 5', 'article: Task 6', 'article: Mistake 2', 'article: Checklist A'],
    samples: {
      match: ["TASK ERROR: start failed: error opening 'rbd:vmdata/vm-101-disk-0': (13) Permission denied"],
      noMatch: ["TASK ERROR: start failed: error opening 'rbd:vmdata/vm-101-disk-0': (2) No such file or directory"],
    },
  },
  {
    id: 'error-opening-enoent',
    causes: { 'image-not-found': 0.5, 'keyring-missing': 0.3, 'config-split': 0.2 },
    when: { shapes: ['pve.error-opening'], errno: [2] },
    explanation: {
      symptom: 'Proxmox reports "error opening" with "No such file or directory" and no phase.',
      cause: 'Something named in the open does not exist: the image or pool, the keyring file, or the conf.',
      fix: 'Run `rbd info` with the exact conf, id and keyring from the log; its message names what is missing.',
    },
    refs: ['article: Task 6', 'article: Task 3', 'article: Checklist A'],
    samples: {
      match: ["TASK ERROR: start failed: error opening 'rbd:vmdata/vm-101-disk-0': (2) No such file or directory"],
      noMatch: ["TASK ERROR: start failed: error opening 'rbd:vmdata/vm-101-disk-0': (13) Permission denied"],
    },
  },
  {
    id: 'rbd-exit-enoent',
    causes: { 'keyring-missing': 0.4, 'image-not-found': 0.4, 'config-split': 0.2 },
    when: { shapes: ['pve.exit-code'], layers: [...RBD_COMMAND_LAYERS, 'command-failed'], errno: [2] },
    explanation: {
      symptom: '`rbd` exited with status 2 (No such file or directory) and printed nothing Proxmox kept.',
      cause: 'Something the call needed is missing: the keyring file, the conf, the pool or the image.',
      fix: 'Run the same `rbd` call by hand with the conf, id and keyring of the storage; its message names what is missing.',
    },
    refs: ['article: Task 3', 'article: Task 5', 'article: Task 6'],
    samples: {
      match: ['rbd error: exit code 2', "command '/usr/bin/rbd -p vmdata -n client.pve --keyring /etc/pve/priv/ceph/ceph-vm.keyring info vm-101-disk-0' failed: exit code 2"],
      noMatch: ['rbd error: exit code 13', "command '/usr/bin/kvm -id 101 -name vm101' failed: exit code 2"],
    },
  },
  {
    id: 'rbd-exit-denied',
    causes: { 'caps-insufficient': 0.35, 'client-mismatch': 0.3, 'key-stale': 0.25, 'config-split': 0.1 },
    when: { shapes: ['pve.exit-code'], layers: [...RBD_COMMAND_LAYERS, 'command-failed'], errno: [1, 13] },
    explanation: {
      symptom: '`rbd` exited with a permission error and printed nothing Proxmox kept.',
      cause: 'Either the cluster refused the key (client name, stale key) or the caps refused the operation.',
      fix: 'Run `ceph -s` with the same identity: failing means the key, working means the caps.',
    },
    refs: ['article: Task 5', 'article: Task 7', 'article: Triage 3'],
    samples: { match: ['rbd error: exit code 13'], noMatch: ['rbd error: exit code 2'] },
  },
  {
    id: 'rbd-progress-failed',
    causes: { 'caps-insufficient': 0.35, 'image-busy': 0.35, unknown: 0.2 },
    when: { shapes: ['rbd.progress-failed'] },
    explanation: {
      symptom: 'An `rbd` operation with a progress meter failed; Proxmox kept only the progress line.',
      cause: 'Snapshots, resizes and removals change image metadata: read-only caps refuse them, and so does an exclusive lock held by a client that does not answer.',
      fix: 'Check the caps of the client, then `rbd status` and `rbd lock ls` on the image.',
    },
    refs: ['article: Mistake 2', 'article: FAQ 5', 'article: Mini-story 2'],
    samples: {
      match: ["rbd snapshot 'vm-103-disk-0' error: Creating snap: 0% complete...failed."],
      noMatch: ["rbd snapshot 'vm-103-disk-0' error: rbd: failed to create snapshot: (30) Read-only file system"],
    },
  },
  {
    id: 'unexplained-failure',
    causes: { unknown: 0.5 },
    fallback: true,
    when: {},
    explanation: {
      symptom: 'An RBD operation failed but the line names no cause.',
      cause: 'The evidence here (no errno, no phase) does not separate the usual causes.',
      fix: 'Run the triage in order from this node: monitors, then keyring and client name, then caps, using the exact values from the log.',
    },
    refs: ['article: Checklist A', 'article: Triage 1'],
    samples: {
      match: ["TASK ERROR: start failed: error opening 'rbd:vmdata/vm-101-disk-0'"],
      noMatch: ['TASK OK'],
    },
  },
  {
    id: 'vm-start-failed',
    causes: { unknown: 0.3 },
    fallback: true,
    when: { shapes: ['qemu.exited', 'pve.exit-code'], layers: ['start-failed'] },
    explanation: {
      symptom: 'A VM start failed; the journal line only says QEMU exited.',
      cause: 'QEMU\'s own error (for an RBD disk: the `kvm: -drive …` or `kvm: -blockdev …` line) is in the task log, not in the journal. It may not be an RBD problem at all.',
      fix: 'Read the task log named by the UPID (or run rbd-explain on /var/log/pve/tasks) to see QEMU\'s message.',
    },
    refs: ['article: Task 10', 'article: FAQ 1'],
    samples: {
      match: ['start failed: QEMU exited with code 1', "start failed: command '/usr/bin/kvm -id 101 -name vm101 -drive file=rbd:vmdata/vm-101-disk-0:conf=/etc/pve/ceph.conf:id=pve,if=none' failed: exit code 1"],
      noMatch: ['VM 101 started with PID 4242 using QEMU 9.2', "command '/usr/bin/kvm -id 101 -name vm101' failed: exit code 1"],
    },
  },
{
    id: 'auth-protocol-invalid',
    causes: { 'config-split': 0.6, 'keyring-missing': 0.2, unknown: 0.2 },
    when: { shapes: ['ceph.auth-protocol-invalid'] },
    explanation: {
      symptom: 'The Ceph client found no usable authentication method in its settings.',
      cause: 'auth_supported / auth_client_required in the conf (or on the command line) is empty or names a method Ceph does not know, so the client cannot authenticate at all; usually a hand-edited or foreign ceph.conf.',
      fix: 'Check the auth_* lines of the conf the process read (and the options Proxmox passed) and set them to cephx.',
    },
    refs: ['article: Task 8', 'article: Task 11', 'article: FAQ 2'],
    samples: {
      match: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 AuthRegistry(0x55d0c2a3b8e0) WARNING: unknown auth protocol defined: cephz'],
      noMatch: ['2025-03-01T10:00:00.123+0100 7f0c3a0e9d80 -1 AuthRegistry(0x55d0c2a3b8e0) no keyring found at /etc/pve/priv/ceph/ceph-vm.keyring, disabling cephx'],
    },
  },
  {
    id: 'conf-option-invalid',
    causes: { 'config-split': 0.6, unknown: 0.3 },
    when: { shapes: ['radosperl.conf-set-failed'] },
    explanation: {
      symptom: 'Proxmox\'s RADOS helper could not apply a Ceph option.',
      cause: 'A value it passes (mon_host from the storage, or an option from the conf) is malformed for this Ceph version.',
      fix: 'Check monhost and the options of the storage in storage.cfg and the conf it uses; run `ceph -s` with the same conf to see the parse error.',
    },
    refs: ['article: Task 8', 'article: FAQ 2'],
    samples: {
      match: ['rados_conf_set failed - Invalid argument'],
      noMatch: ['rados_connect failed - Invalid argument'],
    },
  },
  {
    id: 'mon-command-denied',
    causes: { 'caps-insufficient': 0.8, 'client-mismatch': 0.1 },
    when: { shapes: ['radosperl.mon-command-denied'] },
    explanation: {
      symptom: 'A monitor command was refused after the client had connected.',
      cause: 'The client authenticated, but its mon caps do not allow the command (Proxmox asks the monitors for pool lists and usage).',
      fix: 'Give the client `mon "profile rbd"` (read `ceph auth get client.<id>` first).',
    },
    refs: ['article: Triage 3', 'article: Task 14', 'article: FAQ 4'],
    samples: {
      match: ["mon_command failed - access denied: does your client key have mon allow r permission on cmd 'osd pool ls'?"],
      noMatch: ['mon_command failed - got timeout'],
    },
  },
  {
    id: 'rbd-output-unreadable',
    causes: { unknown: 0.5, 'config-split': 0.3 },
    when: { shapes: ['pve.rbd-output-unreadable'] },
    explanation: {
      symptom: 'Proxmox could not make sense of what `rbd` printed.',
      cause: 'The `rbd` call itself worked, but its output was not what Proxmox expects: warnings mixed into it (often from a malformed or foreign ceph.conf), or an `rbd` version Proxmox does not support.',
      fix: 'Run the same `rbd` command by hand with the storage\'s conf and id and read its first lines; fix the conf warnings it prints.',
    },
    refs: ['article: Checklist A', 'article: FAQ 2'],
    samples: {
      match: ["got unexpected data from 'rbd ls': 'warning: line 3: unknown option'", 'got no images from rbd du'],
      noMatch: ['rbd error: rbd: listing images failed: (2) No such file or directory'],
    },
  },
  {
    id: 'storage-keyring-setup',
    causes: { 'keyring-missing': 0.7, unknown: 0.2 },
    when: { shapes: ['pve.storage-keyring-setup'] },
    explanation: {
      symptom: 'Adding or updating an external Ceph storage failed while storing its key.',
      cause: 'Proxmox could not put the storage keyring under /etc/pve/priv/ceph (source file missing or unreadable, or one is already there); a storage left without its keyring later connects without cephx and is refused.',
      fix: 'Check /etc/pve/priv/ceph/<storage>.keyring: create it from `ceph auth get client.<id>` of the external cluster, or remove the stale one and add the storage again.',
    },
    refs: ['article: Triage 2', 'article: Task 2', 'article: Task 3'],
    samples: {
      match: ["failed to copy ceph authx keyring for storage 'ext-ceph': No such file or directory"],
      noMatch: ["storage 'ext-ceph' does not exist"],
    },
  },
  {
    id: 'storage-unusable',
    causes: { 'config-split': 0.5, unknown: 0.4 },
    when: { shapes: ['pve.storage-unusable'] },
    explanation: {
      symptom: 'Proxmox refused to use the storage on this node.',
      cause: 'storage.cfg has no such storage, disables it, or limits it to other nodes, so this node never even reaches Ceph; a VM config that names it fails here only.',
      fix: 'Compare storage.cfg (`pvesm status`) with the disks in the VM config, and the storage\'s nodes list with this node.',
    },
    commands: [
      { purpose: 'Which storages does this node see, and is this one active?', template: 'pvesm status', changesCluster: false },
      { purpose: 'The storage entry in the cluster-wide storage.cfg (its id, pool, monhost, nodes and disable lines)', template: "grep -n -A10 -E '^[a-z]+: '{storage}'$' /etc/pve/storage.cfg", changesCluster: false },
    ],
    refs: ['article: Mistake 1', 'article: Checklist B'],
    samples: {
      match: ["storage 'ceph-vm' is not available on node 'pve3'"],
      noMatch: ["ignoring custom ceph config for storage 'ceph-vm', 'monhost' is not set (assuming pveceph managed cluster)!"],
    },
  },
  {
    id: 'deactivation-failed',
    causes: { 'image-busy': 0.6, unknown: 0.3 },
    when: { shapes: ['pve.deactivation-failed'] },
    explanation: {
      symptom: 'Proxmox could not deactivate (unmap) the disks after the VM stopped.',
      cause: 'With krbd the mapped device is usually still open (another process, a leftover mapping), so the unmap fails as busy.',
      fix: 'Look for users of the device with `rbd showmapped` and `lsof`/`fuser` on /dev/rbd*, then unmap it by hand.',
    },
    refs: [],
    samples: {
      match: ['volume deactivation failed: ceph-vm:vm-101-disk-0 ceph-vm:vm-101-disk-1'],
      noMatch: ["can't map rbd volume vm-101-disk-0: rbd: sysfs write failed"],
    },
  },
  {
    id: 'snapshot-has-children',
    causes: { 'image-busy': 0.7, unknown: 0.2 },
    when: { shapes: ['librbd.snap-has-children'] },
    explanation: {
      symptom: 'A snapshot could not be unprotected.',
      cause: 'Clones still depend on it (linked clones of a template), so Ceph keeps it protected.',
      fix: 'List them with `rbd children <pool>/<image>@<snap>`; flatten or remove those clones first.',
    },
    refs: [],
    samples: {
      match: ["2025-03-01 10:00:00.123456 7f0c3a0e9d80 -1 librbd: snap_unprotect: can't unprotect; at least 1 child(ren) in pool vmdata"],
      noMatch: ['2025-03-01 10:00:00.123456 7f0c3a0e9d80 -1 librbd: error removing header: (16) Device or resource busy'],
    },
  },
  {
    id: 'krbd-map-option',
    causes: { 'krbd-features': 0.7, unknown: 0.2 },
    when: { shapes: ['rbd.map-option-invalid'] },
    explanation: {
      symptom: '`rbd map` rejected a map option.',
      cause: 'The storage or the kernel client uses a map option this kernel or rbd tool does not know (e.g. rxbounce on older kernels).',
      fix: 'Remove the option from the storage\'s krbd map options, or update the kernel.',
    },
    refs: [],
    samples: {
      match: ["rbd: unknown map option 'rxbounce'"],
      noMatch: ['rbd: map failed: (13) Permission denied'],
    },
  },
  {
    id: 'qemu-img-copy-failed',
    causes: { unknown: 0.3 },
    fallback: true,
    when: { shapes: ['pve.exit-code'], layers: ['copy-failed'] },
    explanation: {
      symptom: 'A disk copy with qemu-img failed; the line only gives its exit code.',
      cause: 'qemu-img\'s own error (for an RBD target: a `qemu-img: …` line naming the rbd: filename) is printed just before it in the task log.',
      fix: 'Read the task log lines above this one; feed the whole task log to rbd-explain.',
    },
    refs: ['article: Task 10', 'article: Checklist A'],
    samples: {
      match: ["TASK ERROR: copy failed: command '/usr/bin/qemu-img convert -p -n -f raw -O raw /var/lib/vz/images/101/vm-101-disk-0.raw zeroinit:rbd:vmdata/vm-101-disk-0' failed: exit code 1"],
      noMatch: ["command '/usr/bin/qemu-img convert -p -n -f raw -O raw a b' failed: exit code 1"],
    },
  },
  // Rules for clients other than Proxmox and for lines no catalog message explains. Samples are
  // hand-written in the forms the fixtures/wild corpus shows.
  {
    id: 'kernel-object-missing',
    causes: { 'image-not-found': 0.9 },
    when: { shapes: ['kernel.image-not-found'] },
    explanation: {
      symptom: 'The kernel client (or rbd map) says the image or pool does not exist.',
      cause: 'The pool or image name handed to the mapper is wrong, the image lives in another pool or namespace, or it was removed.',
      fix: 'List the pool with the same identity (rbd ls -l <pool>) and correct the pool/image in the storage or volume definition.',
    },
    refs: ['article: Task 5', 'article: Mistake 5'],
    samples: {
      match: ['rbd: image vm-9-disk-0 does not exist', 'rbd: pool volumes does not exist'],
      noMatch: ['rbd: image vm-9-disk-0: image uses unsupported features: 0x38'],
    },
  },
  {
    id: 'kernel-osd-connect-error',
    causes: { 'mon-unreachable': 0.5, unknown: 0.4 },
    when: { shapes: ['kernel.osd-unreachable'] },
    explanation: {
      symptom: 'The kernel client cannot reach an OSD.',
      cause: 'The node reaches the monitors but not this OSD: a firewall on the OSD ports (6800-7300), routing, or the OSD is down.',
      fix: 'Check `ceph osd tree` and `ceph health detail`, and the path from this node to the OSD address in the line.',
    },
    refs: ['article: Triage 1'],
    samples: {
      match: ['libceph: osd3 10.0.0.5:6801 connect error'],
      noMatch: ['libceph: osd3 10.0.0.5:6801 session established'],
    },
  },
  {
    id: 'qemu-without-rbd',
    causes: { unknown: 0.9 },
    explainsAway: ['image-not-found', 'keyring-missing', 'config-split'],
    when: { shapes: ['qemu.no-rbd-support'] },
    explanation: {
      symptom: 'QEMU does not know the rbd protocol or cannot load its rbd block module.',
      cause: 'This QEMU was built without RBD support, or the block-rbd module package is missing or from another QEMU version. Nothing on the Ceph side is involved.',
      fix: 'Install the QEMU rbd block module that matches the running QEMU (Debian: qemu-block-extra; Proxmox ships it in pve-qemu-kvm) and restart the VM.',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ["qemu-img: Unknown protocol 'rbd'", 'Failed to initialize module: /usr/lib/x86_64-linux-gnu/qemu/block-rbd.so'],
      noMatch: ["qemu-img: Unknown protocol 'nbd'"],
    },
  },
  {
    id: 'global-id-reclaim',
    causes: { unknown: 0.8 },
    explainsAway: ['client-mismatch', 'key-stale', 'keyring-missing'],
    when: { shapes: ['ceph.global-id-reclaim'] },
    explanation: {
      symptom: 'The cluster warns about or refuses insecure global_id reclaim.',
      cause: 'Clients without the CVE-2021-20288 fix are refused once auth_allow_insecure_global_id_reclaim is false: the key is right, the client is too old.',
      fix: 'Upgrade the client (librados/librbd/kernel) before turning insecure reclaim off, or allow it again for the time of the upgrade.',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ['health: HEALTH_WARN client is using insecure global_id reclaim'],
      noMatch: ['health: HEALTH_WARN 1 pool(s) have no replicas configured'],
    },
  },
  {
    id: 'ms-mode-message',
    causes: { 'krbd-features': 0.7, unknown: 0.2 },
    when: { shapes: ['rbd.ms-mode'] },
    explanation: {
      symptom: 'The map refers to the messenger mode (ms_mode) or msgr2.',
      cause: 'The kernel and the cluster disagree on the wire protocol: msgr2 ports or ms_mode=secure/crc with a kernel that lacks it, or the v1 port only.',
      fix: 'Map with an ms_mode the kernel supports (or legacy), and check that mon_host names the ports for that protocol.',
    },
    refs: ['article: Triage 1'],
    samples: {
      match: ['rbd: map failed: bad ms_mode option'],
      noMatch: ['rbd: map failed: (2) No such file or directory'],
    },
  },
  {
    id: 'generic-denied-connecting',
    causes: { 'client-mismatch': 0.4, 'key-stale': 0.35, 'keyring-missing': 0.2, 'config-split': 0.1 },
    when: { shapes: GENERIC, phases: ['connect'], errno: [1, 13] },
    explanation: {
      symptom: 'An RBD/Ceph client was refused while connecting or authenticating.',
      cause: 'Before any image is touched a refusal is authentication: the key belongs to another client name, is outdated, or the keyring is not the one the client reads.',
      fix: 'Compare the client name in use with the keyring section and the key with `ceph auth get client.<id>`.',
    },
    refs: ['article: Task 4', 'article: Task 7'],
    samples: {
      match: ['ceph: could not authenticate with the monitors: error -13'],
      noMatch: ['ceph: could not open the image: error -13'],
    },
  },
  {
    id: 'generic-enoent-connecting',
    causes: { 'keyring-missing': 0.55, 'config-split': 0.4 },
    when: { shapes: GENERIC, phases: ['connect', 'config'], errno: [2] },
    explanation: {
      symptom: 'An RBD/Ceph client could not connect: "No such file or directory".',
      cause: 'At connect time this errno means a file the client needs is absent: its keyring, or a conf with monitor addresses.',
      fix: 'Check that the keyring and the conf the client is given exist on this host and name this cluster\'s monitors.',
    },
    refs: ['article: Triage 2', 'article: Task 8'],
    samples: {
      match: ['error: failed connecting to ceph cluster: rados: ret=-2, No such file or directory'],
      noMatch: ['error: failed connecting to ceph cluster: rados: ret=-110, Connection timed out'],
    },
  },
  {
    id: 'enoent-on-object',
    causes: { 'image-not-found': 0.75, 'keyring-missing': 0.1 },
    when: { phases: ['open', 'map', 'create', 'remove', 'snapshot', 'resize', 'clone'], errno: [2] },
    explanation: {
      symptom: 'An RBD operation on an image or pool failed with "No such file or directory".',
      cause: 'Once connected, this errno means the pool, namespace, image or snapshot named is not there.',
      fix: 'List the pool with the same identity and compare names; check the namespace and that the image was not renamed or removed.',
    },
    refs: ['article: Task 5', 'article: Mistake 5'],
    samples: {
      match: ['Error: Failed to run: rbd --id admin --pool incus du container_x: exit status 2'],
      noMatch: ['rbd: failed to connect to ceph: (2) No such file or directory'],
    },
  },
  {
    id: 'generic-lock-step',
    causes: { 'image-busy': 0.7, 'caps-insufficient': 0.15 },
    when: { shapes: GENERIC, phases: ['lock'] },
    explanation: {
      symptom: 'An RBD client failed while taking, breaking or checking an image lock or its watchers.',
      cause: 'Another client holds the image (a lock owner, watchers, a client that was blocklisted); breaking a dead owner\'s lock also needs the blocklist cap.',
      fix: 'List the lock owners and watchers (rbd lock ls, rbd status) and make sure the old client is really gone before breaking its lock.',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ['rbd: rbd0: failed to acquire lock: -13'],
      noMatch: ['rbd: rbd0: failed to open image: -13'],
    },
  },
  {
    id: 'host-confinement',
    causes: { unknown: 0.85, 'krbd-features': 0.15 },
    explainsAway: ['client-mismatch', 'key-stale', 'caps-insufficient', 'keyring-missing'],
    when: { shapes: ['host.confinement-denied'] },
    explanation: {
      symptom: 'The host refused the RBD client a local step: loading the rbd module, running modprobe, handing the key to the kernel.',
      cause: 'A confinement (AppArmor/seccomp profile of a snap or container, a container without the capabilities) forbids it; the cluster, the key and the caps are not involved, whatever errno follows.',
      fix: 'Load the rbd module on the host (modprobe rbd) and give the client the capabilities it needs, or map from the host instead of from the confined package.',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ['rbd: failed to load rbd kernel module (126)', "rbd: failed to add secret 'client.admin' to kernel"],
      noMatch: ['rbd: failed to add image: (13) Permission denied'],
    },
  },
  {
    id: 'helper-not-runnable',
    causes: { unknown: 0.85 },
    explainsAway: ['image-not-found', 'keyring-missing', 'config-split'],
    when: { shapes: ['cli.helper-exec-failed'] },
    explanation: {
      symptom: 'A helper program of the RBD client could not be run, or did not accept its arguments.',
      cause: 'The binary (rbd-nbd, a map helper) is missing or too old for the options passed; the ENOENT or EINVAL that follows is about the program, not a pool or image.',
      fix: 'Install the helper in the version the caller expects (the rbd-nbd package of the same Ceph release), or drop the options it does not know.',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ['rbd-nbd: exec failed: (2) No such file or directory', 'deploy: do_map: rbd-nbd: unknown command: --id'],
      noMatch: ['rbd: error opening image foo: (2) No such file or directory'],
    },
  },
  {
    id: 'rbd-spec-as-file',
    causes: { unknown: 0.9 },
    explainsAway: ['image-not-found', 'keyring-missing', 'config-split'],
    when: { shapes: ['cli.rbd-spec-as-path'] },
    explanation: {
      symptom: 'A program that does not speak librbd (dd, cp, …) was handed a QEMU-style rbd: spec and tried to open it as a file.',
      cause: 'Only QEMU (with its rbd block module), qemu-img and the rbd tools understand rbd:pool/image:…; to anything else it is a path that does not exist, whatever the pool, image and keyring.',
      fix: 'Read or write the image through librbd: qemu-img convert with the rbd: spec, rbd export/import, or map it (rbd map / rbd-nbd) and use the /dev path.',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ["dd: failed to open 'rbd:vmdata/vm-100-disk-0:conf=/etc/pve/ceph.conf:id=admin': No such file or directory"],
      noMatch: ["qemu-img: Could not open 'rbd:vmdata/vm-100-disk-0': error opening image vm-100-disk-0: No such file or directory"],
    },
  },
  {
    id: 'mapped-device-not-usable',
    causes: { unknown: 0.85 },
    explainsAway: ['caps-insufficient', 'krbd-features', 'image-not-found', 'client-mismatch', 'key-stale'],
    when: { shapes: ['host.rbd-device-access'] },
    explanation: {
      symptom: 'The image was mapped, but a tool on the host or in the container could not use the /dev/rbdN device.',
      cause: 'Device access is refused or the device node is not visible where the tool runs (a container without the host /dev or device permissions, an orchestrator upgrade changing them); the map itself, the key and the caps worked.',
      fix: 'Check that the device node exists where the tool runs (ls -l /dev/rbd*) and that the container or service has access to block devices (privileged, device cgroup rules, /dev mounted from the host).',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ['blkid: error: /dev/rbd0: Operation not permitted', 'The file /dev/rbd2 does not exist and no size was specified.'],
      noMatch: ['rbd: sysfs write failed'],
    },
  },
  {
    id: 'osd-or-mon-no-progress',
    causes: { unknown: 0.5, 'mon-unreachable': 0.4 },
    when: { shapes: ['ceph.msgr-no-progress', 'csi.deadline-exceeded'] },
    explanation: {
      symptom: 'The client waited for a Ceph daemon (or the provisioner for Ceph) until its deadline.',
      cause: 'A monitor or an OSD does not answer from this host: a firewall on the monitor (3300/6789) or OSD (6800-7300) ports, routing or MTU, or daemons down; the line alone does not say which.',
      fix: 'From this host, test the monitor and OSD ports named in the logs and check `ceph -s` and `ceph osd tree` on the cluster.',
    },
    refs: ['article: Triage 1'],
    samples: {
      match: ['GRPC error: rpc error: code = DeadlineExceeded desc = context deadline exceeded'],
      noMatch: ['GRPC error: rpc error: code = Internal desc = rbd: map failed'],
    },
  },
  {
    id: 'image-has-snapshots',
    causes: { unknown: 0.8 },
    explainsAway: ['caps-insufficient', 'image-busy'],
    when: { shapes: ['rbd.has-snapshots'] },
    explanation: {
      symptom: 'Removing an image was refused because it still has snapshots.',
      cause: 'An image is only removed once its snapshots are gone (protected ones first unprotected, their clones flattened); no access problem is involved.',
      fix: 'List the snapshots (rbd snap ls <pool>/<image>), unprotect and purge them (or flatten their clones), then remove the image.',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ["rbd: image has snapshots - these must be deleted with 'rbd snap purge' before the image can be removed."],
      noMatch: ['rbd: delete error: (16) Device or resource busy'],
    },
  },
  {
    id: 'id-option-with-client-prefix',
    causes: { 'client-mismatch': 0.8 },
    when: { shapes: ['cli.id-with-client-prefix'] },
    explanation: {
      symptom: 'The client was started with --id client.<name>.',
      cause: '--id takes the name without its "client." prefix; the tool adds it, so it looks for client.client.<name>, which has no key.',
      fix: 'Pass --id <name> (or --name client.<name>) and retry.',
    },
    refs: ['article: Client names'],
    samples: {
      match: ['running ceph [-m 10.0.0.1:6789 --id client.admin --keyfile=stripped -c /etc/ceph/ceph.conf fs ls] failed: exit status 1'],
      noMatch: ['running ceph [-m 10.0.0.1:6789 --id admin --keyfile=stripped -c /etc/ceph/ceph.conf fs ls] failed: exit status 1'],
    },
  },
  {
    id: 'generic-map-refused',
    causes: { 'krbd-features': 0.7, unknown: 0.2 },
    when: { shapes: GENERIC, phases: ['map'], errno: [5, 6, 22, 38, 95] },
    explanation: {
      symptom: 'Mapping an RBD image in the kernel failed with an errno of the kernel client.',
      cause: 'The kernel refused the mapping: image features or protocol options it lacks (6/ENXIO, 22, 95), or a kernel-side error reported in dmesg (5).',
      fix: 'Read dmesg for the libceph/rbd line; disable the features the kernel lacks or map with rbd-nbd.',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ['NodeStageVolume failed: rbd-nbd --id admin map p/img returned -22'],
      noMatch: ['NodeStageVolume failed: rbd-nbd --id admin map p/img returned -110'],
    },
  },
  {
    id: 'generic-denied',
    causes: { 'caps-insufficient': 0.35, 'client-mismatch': 0.3, 'key-stale': 0.25, 'keyring-missing': 0.1 },
    when: { shapes: GENERIC, errno: [1, 13], noPhase: true },
    explanation: {
      symptom: 'An RBD/Ceph operation was refused (Permission denied / Operation not permitted) and the line does not say at which step.',
      cause: 'A refusal while connecting is authentication (client name, key, keyring); after connecting it is the caps of that client on the pool.',
      fix: 'Run rbd ls, then rbd info, with the same identity: ls failing too means authentication; only info failing means caps.',
    },
    refs: ['article: Triage 3', 'article: Task 6'],
    samples: {
      match: ['Error: rbd: something went wrong: (13) Permission denied'],
      noMatch: ['Error: rbd: something went wrong: (2) No such file or directory'],
    },
  },
  {
    id: 'generic-error',
    causes: { unknown: 0.6 },
    fallback: true,
    when: { shapes: GENERIC, noErrno: true },
    explanation: {
      symptom: 'An RBD/Ceph client reported an error that is not in the message catalog.',
      cause: 'Neither the message nor its errno singles out one of the usual causes; the ranked candidates follow from the errno and the step, when the line shows them.',
      fix: 'Run the triage in order with the identity from the log: monitors, then keyring and client name, then caps; read the client\'s own log around this line.',
    },
    refs: ['article: Checklist A'],
    samples: {
      match: ['csi-rbdplugin: failed to do something with rbd image: unexpected reply'],
      noMatch: ['csi-rbdplugin: successfully mapped rbd image'],
    },
  },
];
