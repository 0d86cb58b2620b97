/**
 * Message shapes: which known message the innermost text of a line is, the phase it
 * belongs to, and which values it names. Data only, and the one registry of shapes: the
 * engine, the rules and the tests read every shape id from here. The catalog ids in
 * comments (CL-01, RB-09, …) refer to docs/message-catalog.md. Order matters: the first
 * shape that matches decides the phase, so specific shapes come before generic ones.
 */
import type { Phase } from '../types.js';
import type { Layer, LayerKind } from './payload.js';

/** Fields a shape can capture from its match. */
export type ShapeField = 'image' | 'pool' | 'namespace' | 'keyring' | 'conf' | 'storage' | 'client' | 'lock' | 'errno'
  | 'exitCode' | 'authAllowed' | 'authSupported';

/** One known message. */
export interface Shape {
  readonly id: string;
  /** Tested against the innermost text (wrappers and errno tail removed). */
  readonly pattern: RegExp;
  readonly phase: Phase | null;
  /** Capture group index per field; with several, the first group that matched gives the value. */
  readonly captures?: Partial<Record<ShapeField, number | readonly number[]>>;
  /** True for an error; false for context (e.g. a QEMU exit code). */
  readonly failure: boolean;
  /**
   * The text only counts as this shape inside this wrapper (`command '…' failed: got timeout`):
   * `detail` / `notDetail` test the wrapper's detail (the command line).
   */
  readonly wrappedBy?: { readonly layer: LayerKind; readonly detail?: RegExp; readonly notDetail?: RegExp };
  /**
   * A last-resort shape: tested on the whole message, and only when no other failure shape
   * matched it anywhere (`generic.ceph-error`: a line that names RBD/Ceph and reports an error).
   */
  readonly lastResort?: true;
}

/** Proxmox's kvm command line, as run_command names it. */
const KVM_COMMAND = /\/kvm\b|qemu-system/;

export const SHAPES: readonly Shape[] = [
  // run_command's timeout (PC-07), told apart by the command it killed: a VM start or anything else.
  { id: 'pve.kvm-start-timeout', pattern: /^got timeout$/, phase: null, failure: true, wrappedBy: { layer: 'command-failed', detail: KVM_COMMAND } },
  { id: 'pve.command-timeout', pattern: /^got timeout$/, phase: null, failure: true, wrappedBy: { layer: 'command-failed', notDetail: KVM_COMMAND } },
  // Ceph client library (CL-xx), after the Ceph log prefix.
  { id: 'ceph.keyring-not-found', pattern: /^auth: unable to find a keyring on (\S+)/, phase: 'connect', captures: { keyring: 1 }, failure: true },
  { id: 'ceph.keyring-load-failed', pattern: /^auth: (?:(?:failed to load|error reading file:?|error parsing file) (\S+?):?(?:\s|$)|failed to decode key\b)/, phase: 'connect', captures: { keyring: 1 }, failure: true },
  { id: 'ceph.no-keyring-disabling-cephx', pattern: /no keyring found at (\S+?),? disabling cephx/, phase: 'connect', captures: { keyring: 1 }, failure: true },
  { id: 'ceph.monclient-keyring-not-found', pattern: /^monclient(?:\([a-z]+\))?: keyring not found/, phase: 'connect', failure: true },
  { id: 'ceph.no-keyring-disabled-cephx', pattern: /no keyring found; disabled cephx authentication/, phase: 'connect', failure: true },
  { id: 'ceph.missing-keyring-cephx', pattern: /missing keyring, cannot use cephx/, phase: 'connect', failure: true },
  { id: 'ceph.auth-protocol-invalid', pattern: /^AuthRegistry\(\w*\) WARNING: (?:unknown auth protocol defined|no auth protocol defined|empty auth protocol list)/, phase: 'config', failure: true },
  { id: 'ceph.auth-bad-method', pattern: /handle_auth_bad_method server allowed_methods \[([\d, ]*)\] but i only support \[([\d, ]*)\]/, phase: 'connect', captures: { authAllowed: 1, authSupported: 2 }, failure: true },
  { id: 'ceph.auth-timeout', pattern: /authenticate timed out after (\d+)/, phase: 'connect', failure: true },
  { id: 'ceph.cannot-identify-monitors', pattern: /cannot identify monitors to contact/, phase: 'config', failure: true },
  { id: 'ceph.failed-to-get-config', pattern: /get_monmap_and_config failed to get config/, phase: 'connect', failure: true },
  { id: 'ceph.dns-srv', pattern: /unable to get monitor info from DNS SRV|failed for service _ceph-mon|no monitors specified to connect/, phase: 'config', failure: true },
  { id: 'ceph.global-init-conf', pattern: /^global_init: (?:unable to open config file from search list (\S+)|error reading config file)/, phase: 'config', captures: { conf: 1 }, failure: true },
  { id: 'ceph.conf-parse-error', pattern: /^(?:can't open|parse_file: cannot open) (\S+?):?(?:\s|$)|^Errors while parsing config file/, phase: 'config', captures: { conf: 1 }, failure: true },
  { id: 'ceph.librados-auth-error', pattern: /^librados: (?:client\.)?(\S+) authentication error/, phase: 'connect', captures: { client: 1 }, failure: true },
  { id: 'ceph.librados-init-error', pattern: /^librados: (?:client\.)?(\S+) initialization error/, phase: 'connect', captures: { client: 1 }, failure: true },
  { id: 'ceph.osdmap-timeout', pattern: /timed out waiting for first osdmap/, phase: 'connect', failure: true },
  { id: 'ceph.cephx-key-not-found', pattern: /^cephx client: (?:key not found(?: for (?:client\.)?(\S+))?|could not verify service_ticket)/, phase: 'connect', captures: { client: 1 }, failure: true },
  { id: 'ceph.cli-connect-error', pattern: /\(error connecting to the cluster\)|error calling conf_read_file/, phase: 'connect', failure: true },
  { id: 'radosperl.connect-failed', pattern: /^rados_connect failed/, phase: 'connect', failure: true },
  { id: 'radosperl.conf-read-failed', pattern: /^rados_conf_read_file failed/, phase: 'config', failure: true },
  { id: 'radosperl.conf-set-failed', pattern: /^rados_conf_set failed/, phase: 'config', failure: true },
  // PVE::RADOS helper (RA-07): the helper could not be created or died; no RBD detail of its own.
  { id: 'radosperl.helper-failed', pattern: /^(?:unable to create RADOS object|rados_create failed|rados_cluster_stat failed)/, phase: null, failure: true },
  { id: 'radosperl.mon-command-denied', pattern: /^mon_command failed - access denied/, phase: null, failure: true },
  { id: 'radosperl.config-missing', pattern: /^Supplied ceph config doesn't exist, (\S+)/, phase: 'config', captures: { conf: 1 }, failure: true },
  // librbd (LR-xx)
  { id: 'librbd.open-failed', pattern: /^librbd::image::OpenRequest: .*failed to (?:stat v2 image header|stat image header|retrieve image id|retrieve name|retrieve initial metadata|read striping metadata|read data pool|refresh image)/, phase: 'open', failure: true },
  { id: 'librbd.watch-failed', pattern: /^librbd::ImageWatcher: .*image watch failed/, phase: 'lock', failure: true },
  { id: 'librbd.break-lock-failed', pattern: /^librbd::managed_lock::BreakRequest: .*(?:failed to (?:blocklist|blacklist) lock owner|failed to break lock|failed to retrieve (?:watchers|lockers)|attempting to self-(?:blocklist|blacklist))/, phase: 'lock', failure: true },
  { id: 'librbd.exclusive-lock', pattern: /cannot obtain exclusive lock|exclusive lock is owned by|lock owner is still alive|failed to acquire exclusive lock/, phase: 'lock', failure: true },
  { id: 'librbd.pool-not-rbd', pattern: /pool does not support RBD images|pool missing required overwrite support/, phase: 'create', failure: true },
  { id: 'librbd.order-invalid', pattern: /^librbd::image::CreateRequest: .*validate_order: order must be in the range/, phase: 'create', failure: true },
  { id: 'librbd.snap-has-children', pattern: /^librbd: snap_unprotect: can't unprotect; at least \d+ child\(ren\) in pool (\S+)/, phase: 'snapshot', captures: { pool: 1 }, failure: true },
  { id: 'librbd.list-failed', pattern: /list_images: error listing (?:v1 )?images/, phase: 'list', failure: true },
  { id: 'librbd.error', pattern: /^librbd(?:::[\w:]+)?: (?:0x[0-9a-f]+ )?.*(?:failed|error)/, phase: null, failure: true },
  // QEMU block/rbd.c (QE-xx)
  { id: 'qemu.error-connecting', pattern: /^error connecting\b/, phase: 'connect', failure: true },
  { id: 'qemu.error-opening-pool', pattern: /^error opening pool (\S+)/, phase: 'open', captures: { pool: 1 }, failure: true },
  { id: 'qemu.error-reading-header', pattern: /^error reading header from (\S+)/, phase: 'open', captures: { image: 1 }, failure: true },
  { id: 'qemu.error-reading-conf', pattern: /^error reading (?:conf|config) file(?: (\S+))?/, phase: 'config', captures: { conf: 1 }, failure: true },
  { id: 'qemu.error-initializing', pattern: /^error initializing\b/, phase: 'config', failure: true },
  { id: 'qemu.invalid-conf-option', pattern: /^invalid conf option (\S+)|^conf option (\S+) has no value|^error setting config options/, phase: 'config', failure: true },
  { id: 'qemu.auth-option-failed', pattern: /^Could not set '(?:key|auth_client_required)'|^Legacy 'password-secret' clashes with 'key-secret'/, phase: 'config', failure: true },
  // 2012–2014 block/rbd.c (QE-old).
  { id: 'qemu.name-length', pattern: /^\w+ name too (?:long|short)$/, phase: 'config', failure: true },
  { id: 'qemu.eventfd', pattern: /^error opening eventfd/, phase: null, failure: true },
  { id: 'qemu.namespace-missing', pattern: /^namespace '([^']+)' does not exist|^error checking namespace/, phase: 'open', failure: true },
  { id: 'qemu.error-getting-image-info', pattern: /^error getting image info from (\S+)/, phase: 'open', captures: { image: 1 }, failure: true },
  { id: 'qemu.bad-filename', pattern: /^File name must start with 'rbd:'|^Pool name is required/, phase: 'config', failure: true },
  { id: 'qemu.unexpected-parameter', pattern: /^Parameter '([^']+)' is unexpected/, phase: 'config', failure: true },
  { id: 'qemu.rbd-create-error', pattern: /^error rbd create/, phase: 'create', failure: true },
  { id: 'qemu.create-invalid', pattern: /^(?:error opening image '[^']+' for encryption format|obj size needs to be power of 2|obj size too small|Can't use snapshot name for image creation)/, phase: 'create', failure: true },
  { id: 'qemu.resize-failed', pattern: /^Failed to resize file/, phase: 'resize', failure: true },
  { id: 'qemu.invalidate-failed', pattern: /^Failed to invalidate the cache/, phase: null, failure: true },
  { id: 'qemu.snapshot-read-only', pattern: /^Cannot change node '[^']+' to r\/w when using RBD snapshot/, phase: null, failure: true },
  { id: 'qemu.snapshot-error', pattern: /^failed to create snap|^Failed to remove the snapshot/, phase: 'snapshot', failure: true },
  { id: 'qemu.request-failed', pattern: /^rbd request failed/, phase: null, failure: true },
  // "error opening 'rbd:…'" as PVE shows it (article: Task 10): no phase of its own.
  { id: 'pve.error-opening', pattern: /^(?:RBD: )?error opening '?(rbd:[^'\s]*)'?/i, phase: null, failure: true },
  { id: 'qemu.exited', pattern: /^QEMU exited with code (\d+)/, phase: null, captures: { exitCode: 1 }, failure: false },
  // rbd CLI (RB-xx)
  { id: 'rbd.couldnt-connect', pattern: /^rbd: couldn't connect to the cluster/, phase: 'connect', failure: true },
  { id: 'rbd.init-failed', pattern: /^rbd: couldn't initialize rados/, phase: 'config', failure: true },
  { id: 'rbd.error-opening-pool', pattern: /^rbd: error opening (?:default )?pool '?([^'\s:]+)'?/, phase: 'open', captures: { pool: 1 }, failure: true },
  { id: 'rbd.default-pool-hint', pattern: /^Ensure that the default pool has been created/, phase: 'open', failure: true },
  { id: 'rbd.namespace-missing', pattern: /^rbd: (?:error asserting namespace|namespace '([^']+)' does not exist|namespace not found)/, phase: 'open', captures: { namespace: 1 }, failure: true },
  // `with id <id>` names an image id, not an image name: not captured.
  { id: 'rbd.error-opening-image', pattern: /^rbd: error opening image (?:with id \S+|([^\s:]+))/, phase: 'open', captures: { image: 1 }, failure: true },
  { id: 'rbd.snap-context', pattern: /^error setting snapshot context/, phase: 'open', failure: true },
  // `rbd ls` prints this after a failed connect too (real captures), so it carries no phase of its own.
  { id: 'rbd.listing-failed', pattern: /^rbd: listing images failed/, phase: null, failure: true },
  { id: 'rbd.create-error', pattern: /^rbd: create error/, phase: 'create', failure: true },
  { id: 'rbd.thick-provision-failed', pattern: /^rbd: image created but error encountered during thick provisioning/, phase: 'create', failure: true },
  { id: 'rbd.watchers', pattern: /image still has watchers/, phase: 'lock', failure: true },
  // The second line `rbd rm` prints after `image still has watchers` (RB-09).
  { id: 'rbd.watchers-hint', pattern: /^This means the image is still open or the client using it crashed/, phase: 'lock', failure: true },
  { id: 'rbd.has-snapshots', pattern: /image has snapshots - (?:these must be deleted|not removing)/, phase: 'remove', failure: true },
  { id: 'rbd.delete-error', pattern: /^rbd: delete error/, phase: 'remove', failure: true },
  { id: 'rbd.snap-failed', pattern: /^rbd: failed to create snapshot|^rbd: snap(?:shot)? (?:create|remove|rollback|protect|unprotect) error/, phase: 'snapshot', failure: true },
  { id: 'rbd.progress-failed', pattern: /^(?:Creating snap|Removing image|Rolling back to snapshot|Resizing image|Exporting image|Importing image|Image copy|Image clone|Image flatten): \d+% complete\.\.\.failed\./, phase: null, failure: true },
  { id: 'rbd.map-failed', pattern: /^rbd: map failed/, phase: 'map', failure: true },
  { id: 'rbd.sysfs-write-failed', pattern: /^rbd: sysfs write failed/, phase: 'map', failure: true },
  { id: 'rbd.feature-mismatch', pattern: /RBD image feature set mismatch(?:\. You can disable features unsupported by the kernel with "rbd feature disable (?:([^/\s"]+)\/)?(?:[^/\s"]+\/)?([^\s"/@]+))?/, phase: 'map', captures: { pool: 1, image: 2 }, failure: true },
  { id: 'rbd.unmap-failed', pattern: /^rbd: (?:unmap failed|sysfs write failed|(?:udev )?wait failed)/, phase: 'map', failure: true },
  { id: 'rbd.map-option-invalid', pattern: /^rbd: (?:couldn't parse (?:default )?map options|unknown map option)/, phase: 'map', failure: true },
  { id: 'rbd.showmapped-failed', pattern: /^rbd: showmapped failed/, phase: 'map', failure: true },
  // Linux kernel (KR-xx)
  { id: 'kernel.auth-error', pattern: /^libceph: auth method '(\w+)'/, phase: 'connect', failure: true },
  { id: 'kernel.auth-init-error', pattern: /^libceph: error -?(\d+) on auth protocol|^libceph: failed to decode auth msg/, phase: 'connect', captures: { errno: 1 }, failure: true },
  { id: 'kernel.no-secret', pattern: /^libceph: no secret set/, phase: 'connect', failure: true },
  { id: 'kernel.unsupported-features', pattern: /^rbd: image (\S+): image uses unsupported features/, phase: 'map', captures: { image: 1 }, failure: true },
  { id: 'kernel.protocol-mismatch', pattern: /^libceph: mon\d+ \S+ (?:feature set mismatch|missing required protocol features)/, phase: 'map', failure: true },
  { id: 'kernel.mon-unreachable', pattern: /^libceph: mon\d+ \S+ (?:connect error|socket error on|socket closed \(con state (?:CONNECTING|V1_BANNER|V2_BANNER)\))/, phase: 'connect', failure: true },
  // Proxmox (PS-xx, PC-xx, PCL-xx, GC-xx)
  { id: 'pve.not-proper-keyring', pattern: /^Not a proper rbd authentication file: (\S+)/, phase: 'connect', captures: { keyring: 1 }, failure: true },
  { id: 'pve.admin-keyring-missing', pattern: /^(\S+) not found, authentication is disabled/, phase: 'connect', captures: { keyring: 1 }, failure: true },
  { id: 'pve.ignoring-custom-conf', pattern: /^ignoring custom ceph config for storage '([^']+)'/, phase: 'config', captures: { storage: 1 }, failure: true },
  { id: 'pve.fsid-invalid', pattern: /^cluster fsid has invalid format/, phase: 'config', failure: true },
  { id: 'pve.pveceph-not-ready', pattern: /^pveceph configuration not (?:initialized - missing '([^']+)'|initialized|enabled)|^file '([^']+)' already exists and is not a symlink to \/etc\/pve\/ceph\.conf|^ceph not fully configured(?: - missing '([^']+)')?|^unable to create symlink '([^']+)'/, phase: 'config', captures: { conf: [1, 2, 4], keyring: 3 }, failure: true },
  { id: 'pve.ceph-binary-missing', pattern: /^binary not installed: \S+/, phase: null, failure: true },
  { id: 'pve.mon-create-connect-failed', pattern: /^Could not connect to ceph cluster despite configured monitors/, phase: 'connect', failure: true },
  { id: 'pve.storage-keyring-setup', pattern: /^(?:ceph authx keyring file|failed to copy ceph authx (?:keyring|secret)) for storage '([^']+)'/, phase: null, captures: { storage: 1 }, failure: true },
  // ceph_create_configuration / ceph_remove_*: storage set-up and removal notes, not failures of an RBD call.
  { id: 'pve.storage-conf-exists', pattern: /^(?:WARN: )?file (\S+) already exists, check manually and ensure 'keyring' option is set to '([^']+)'/, phase: 'config', captures: { conf: 1, keyring: 2 }, failure: false },
  { id: 'pve.storage-conf-remove-failed', pattern: /^removing (?:(\/\S+) failed|keyring of storage failed)/, phase: null, captures: { conf: 1 }, failure: false },
  { id: 'pve.storage-unusable', pattern: /^storage '([^']+)' (?:does not exist|is not available on node|is disabled)/, phase: null, captures: { storage: 1 }, failure: true },
  { id: 'pve.deactivation-failed', pattern: /^volume deactivation failed: ([^:\s]+):(\S+)/, phase: null, captures: { storage: 1, image: 2 }, failure: true },
  // PS-13: Proxmox could not read what `rbd` printed.
  { id: 'pve.rbd-output-unreadable', pattern: /^(?:got unexpected data from|invalid JSON output from) '?rbd (?:snap ls ([^\s']+)|ls|info|du)'?: |^got no (?:matching )?images? from rbd du/, phase: 'list', captures: { image: 1 }, failure: true },
  // PS-15, PS-16, PS-18: Proxmox's own checks on volume names and templates.
  { id: 'pve.base-image-invalid', pattern: /^(?:rbd volume info on '|volname '(?:[^'/]+\/)?)([^']+)'(?: failed| contains wrong information about parent)|^rbd image must be at format V2|^create_base not possible with base image/, phase: null, captures: { image: 1 }, failure: true },
  { id: 'pve.volname-invalid', pattern: /^unable to parse rbd volume name '/, phase: null, failure: true },
  { id: 'pve.volume-exists', pattern: /^(?:volume (\S+) already exists(?! - importing)|target volume '([^']+)' already exists)/, phase: 'create', captures: { image: [1, 2] }, failure: true },
  { id: 'pve.volume-exists-renamed', pattern: /^volume (\S+) already exists - importing with a different name/, phase: null, captures: { image: 1 }, failure: false },
  { id: 'pve.rename-failed', pattern: /^could not rename image '([^']+)' to '[^']+'/, phase: null, captures: { image: 1 }, failure: true },
  { id: 'pve.krbd-feature-update-failed', pattern: /^could not (?:disable|enable) krbd-(?:in)?compatible image features '[^']*' for rbd image: ([^\s:]+)/, phase: 'open', captures: { image: 1 }, failure: true },
  { id: 'pve.exec-failed', pattern: /^(?:ERROR: )?can't exec "([^"]+)"/, phase: null, failure: true },
  { id: 'pve.usage-stats', pattern: /^could not get usage stats for pool '([^']+)'/, phase: 'open', captures: { pool: 1 }, failure: true },
  { id: 'pve.cfs-lock-timeout', pattern: /^got lock request timeout/, phase: 'lock', failure: true },
  { id: 'pve.cfs-lock-trying', pattern: /^trying to acquire cfs lock '([^']+)'/, phase: null, captures: { lock: 1 }, failure: false },
  { id: 'pve.lock-acquire-failed', pattern: /^trying to acquire lock\.\.\. ?failed/, phase: 'lock', failure: true },
  { id: 'pve.locked-command-timeout', pattern: /^'([^']+)'-locked command timed out - aborting/, phase: 'lock', captures: { lock: 1 }, failure: true },
  { id: 'pve.lock-file-timeout', pattern: /^can't lock file '([^']+)' - got timeout/, phase: 'lock', captures: { lock: 1 }, failure: true },
  { id: 'pve.lock-file-busy', pattern: /^can't lock file '([^']+)' - can't acquire lock/, phase: 'lock', captures: { lock: 1 }, failure: true },
  // The lock file itself cannot be opened (read-only or full root file system): a node problem.
  { id: 'pve.lock-file-unopenable', pattern: /^can't lock file '([^']+)' - can't open file/, phase: 'lock', captures: { lock: 1 }, failure: false },
  { id: 'pve.vm-locked', pattern: /^(?:VM|CT) is locked \((\w+)\)/, phase: 'lock', captures: { lock: 1 }, failure: true },
  { id: 'pve.krbd-device-missing', pattern: /^stat for '(\/dev\/rbd[^']*)' failed/, phase: 'map', failure: true },
  { id: 'pve.got-timeout', pattern: /^got timeout$/, phase: 'connect', failure: true },
  { id: 'pve.exit-code', pattern: /^exit code (\d+)$/, phase: null, captures: { exitCode: 1 }, failure: false },
  // run_command: the command was killed, or could not be started at all (PC-07).
  { id: 'pve.command-killed', pattern: /^got signal \d+$/, phase: null, failure: true },
  { id: 'pve.command-not-executed', pattern: /^failed to execute$/, phase: null, failure: true },
  // Seen in other RBD clients' logs (ceph-csi, rook, LXD, kubelet, OpenStack, kernel): docs/message-catalog.md.
  { id: 'rbd.image-still-used', pattern: /^rbd:? (?:image )?([\w.-]+)\/(?:[\w.-]+\/)?([\w.-]+) is still being used|^rbd image ([\w.-]+)\/([\w.-]+) is still being used/, phase: 'lock', captures: { pool: [1, 3], image: [2, 4] }, failure: true },
  { id: 'kernel.image-not-found', pattern: /^rbd: (?:image ([^\s:]+) does not exist|pool ([^\s:]+) does not exist)/, phase: 'map', captures: { image: 1, pool: 2 }, failure: true },
  { id: 'kernel.mon-session-lost', pattern: /^libceph: mon\d+ \S+ (?:socket closed \(con state (?:NEGOTIATING|V1_\w+|V2_\w+)\)|socket error on (?:read|write)|connect error|io error)/, phase: 'connect', failure: true },
  { id: 'kernel.osd-unreachable', pattern: /^libceph: osd\d+ (?:\(\d+\))?\S+ (?:connect error|socket closed \(con state CONNECTING\))/, phase: 'connect', failure: true },
  { id: 'ceph.mon-address-failed', pattern: /failed to get an address for mon\.\S+: error -?\d+|unable to get monitor info from DNS SRV/, phase: 'config', failure: true },
  { id: 'librbd.create-step-failed', pattern: /librbd::image::(?:CreateRequest|CloneRequest|AttachChildRequest|AttachParentRequest)\S*:? .*(?:handle_add_image_to_directory|handle_create_child|handle_create_id_object|handle_attach_child|handle_attach_parent|handle_negotiate_features|error creating image|failed to)/, phase: 'create', failure: true },
  { id: 'qemu.no-rbd-support', pattern: /Unknown protocol '?rbd'?|Unknown driver '?rbd'?|[Cc]ould not load module block-rbd|[Ff]ailed to (?:initialize|open) module: .*block-rbd|Unknown protocol 'rbd'/, phase: null, failure: true },
  { id: 'ceph.global-id-reclaim', pattern: /global_id reclaim|reclaim global_id|AUTH_INSECURE_GLOBAL_ID_RECLAIM|insecure global_id/, phase: 'connect', failure: true },
  { id: 'ceph.error-connecting-cluster', pattern: /error connecting to the cluster|couldn't connect to (?:the )?cluster|connecting failed: rados|failed to (?:connect to|get connection)/, phase: 'connect', failure: true },
  { id: 'rbd.ms-mode', pattern: /ms_mode|msgr2 (?:is )?not supported|bad ms_mode/, phase: 'map', failure: true },
  { id: 'host.confinement-denied', pattern: /apparmor="DENIED"[^]*profile="[^"]*(?:rbd|ceph)[^"]*"|seccomp[^]*(?:rbd|ceph)|\/sbin\/(?:modprobe|modinfo): Permission denied|failed to load rbd kernel module|failed to add secret '[^']*' to kernel/, phase: 'map', failure: true },
  { id: 'cli.helper-exec-failed', pattern: /\bexec(?:ve)? failed: \(2\)|executable file not found|rbd-nbd: unknown command|unknown (?:command|option):? '?--?[\w-]+/, phase: null, failure: true },
  { id: 'cli.rbd-spec-as-path', pattern: /\b(?:dd|cp|cat|tar|rsync|mv|stat|head|tail|pv): (?:failed to open|cannot open|cannot stat|can't open|failed to stat) '?rbd:/, phase: null, failure: true },
  { id: 'host.rbd-device-access', pattern: /\b(?:blkid|mkfs(?:\.\w+)?|mke2fs|mount|fsck(?:\.\w+)?|wipefs|resize2fs|xfs_growfs)(?:: error)?: \/dev\/rbd\d+:? (?:Operation not permitted|Permission denied|No such file or directory)|The file \/dev\/rbd\d+ does not exist/, phase: null, failure: true },
  { id: 'ceph.msgr-no-progress', pattern: /see no progress in more than \d+ us during connecting to/, phase: 'connect', failure: true },
  { id: 'csi.deadline-exceeded', pattern: /code = DeadlineExceeded desc = context deadline exceeded|(?:CreateVolume|DeleteVolume|NodeStageVolume|ControllerPublishVolume) timeout: \S+ has expired/, phase: null, failure: true },
  // `--id client.admin`: the tools prepend `client.` themselves, so this names `client.client.admin`.
  { id: 'cli.id-with-client-prefix', pattern: /(?:--id|--user)[= ]['"]?client\.[\w.-]+/, phase: null, failure: false },
  // Last resort: a line that names RBD/Ceph and reports an error of a kind no shape above knows.
  {
    id: 'generic.ceph-error',
    pattern: /\b(?:rbd|librbd|krbd|rbd-nbd|rados|librados|libceph|ceph|cephx|monclient|csi-rbd\w*)\b[^]*?\b(?:error|errors|fail|failed|failure|denied|unable|cannot|can't|couldn't|could not|timed out|timeout|refused|not found|does not exist|exception|unsupported|not supported|invalid|busy|still being used|blocklisted|blacklisted|no such|permission|unknown command|unknown option|EACCES|ENOENT|EPERM|ETIMEDOUT|EBUSY)\b|\b(?:error|failed|failure)\b[^]*?\b(?:rbd|librbd|krbd|rados|librados|libceph|ceph)\b/i,
    phase: null, failure: true, lastResort: true,
  },
];

/** Ids of the last-resort shapes (a line that names RBD/Ceph and an error, but no known message). */
export const LAST_RESORT_SHAPES: ReadonlySet<string> = new Set(SHAPES.filter((s) => s.lastResort).map((s) => s.id));

/** A shape that matched, with the values it captured. */
export interface ShapeHit {
  readonly shape: Shape;
  readonly fields: Partial<Record<ShapeField, string>>;
}

function inWrapper(shape: Shape, layers: readonly Layer[]): boolean {
  const w = shape.wrappedBy;
  if (!w) return true;
  return layers.some((l) => l.kind === w.layer
    && (w.detail === undefined || w.detail.test(l.detail ?? ''))
    && (w.notDetail === undefined || !w.notDetail.test(l.detail ?? '')));
}

interface Unanchored {
  /** Each shape's pattern, `^` loosened, with the literals one of which every match holds (null: none known). */
  readonly patterns: ReadonlyMap<Shape, { readonly pattern: RegExp; readonly literals: readonly string[] | null }>;
  /** Those literals by their first two characters. */
  readonly byHead: ReadonlyMap<number, readonly { readonly literal: string; readonly shape: Shape }[]>;
}

let unanchored: Unanchored | null = null;

/**
 * Each shape's pattern with its start anchors loosened: `^` may also stand after a separator, so a
 * known message is found behind a prefix no wrapper describes (a dmesg stamp, klog, a Python logger).
 * Built with the first message that needs them (start-up of runs without one).
 */
function unanchoredShapes(): Unanchored {
  if (unanchored) return unanchored;
  const patterns = new Map(SHAPES.filter((s) => !s.lastResort).map((s) => [
    s, {
      // Tried only on text holding a literal some match must contain (case-sensitive patterns).
      literals: s.pattern.flags.includes('i') ? null : requiredLiterals(s.pattern.source),
      pattern: new RegExp(s.pattern.source.replace(/(^|[^\\[])\^/g, '$1(?<=^|[\\s:\\]\\[|>"\'(=,])')
      // A leading `(\S+)` would be retried at every start inside a long word (quadratic): unanchored, it
      // starts at a path or word boundary and stays within one token of bounded length.
      .replace(/^\(\?<=([^)]*)\)\(\\S\+\)/, '(?<=$1)(?<![^\\s:\\]\\[|>"\'(=,])(\\S{1,512})'), s.pattern.flags),
    },
  ]));
  const byHead = new Map<number, { literal: string; shape: Shape }[]>();
  for (const [shape, { literals }] of patterns) {
    for (const literal of literals ?? []) {
      const head = (literal.charCodeAt(0) << 16) | literal.charCodeAt(1);
      const bucket = byHead.get(head);
      if (bucket) bucket.push({ literal, shape }); else byHead.set(head, [{ literal, shape }]);
    }
  }
  return (unanchored = { patterns, byHead });
}

/**
 * The shapes with a required literal in `text`, in one pass over it (a search per literal was
 * most of the cost of a long message that no anchored shape explains).
 */
function shapesWithLiteralIn(text: string, byHead: Unanchored['byHead']): Set<Shape> {
  const present = new Set<Shape>();
  let next = text.charCodeAt(0);
  for (let i = 0; i + 1 < text.length; i++) {
    const current = next;
    next = text.charCodeAt(i + 1);
    const bucket = byHead.get((current << 16) | next);
    if (!bucket) continue;
    for (const { literal, shape } of bucket) if (text.startsWith(literal, i)) present.add(shape);
  }
  return present;
}

/**
 * One required literal per top-level alternative of `source` (every match holds at least one of
 * them), or null when some alternative has none.
 */
export function requiredLiterals(source: string): string[] | null {
  const literals: string[] = [];
  for (const alternative of topLevelAlternatives(source)) {
    const literal = requiredLiteral(alternative);
    if (literal !== null) { literals.push(literal); continue; }
    // `^(?:a…|b…)rest`: a match holds a literal of one of the group's alternatives.
    const group = leadingGroup(alternative);
    const inner = group === null ? null : requiredLiterals(group);
    if (inner === null) return null;
    literals.push(...inner);
  }
  return literals;
}

/** Walks `source` outside classes and escapes, calling `at(i, depth)` on each other character. */
function walkSyntax(source: string, at: (i: number, c: string, depth: number) => boolean | void): void {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (c === '\\') { i += 1; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; continue; }
    if (c === ')') depth -= 1;
    if (at(i, c, depth) === false) return;
    if (c === '(') depth += 1;
  }
}

/** `source` split at its top-level `|` (outside groups, classes and escapes). */
function topLevelAlternatives(source: string): string[] {
  const parts: string[] = [];
  let from = 0;
  walkSyntax(source, (i, c, depth) => {
    if (c === '|' && depth === 0) { parts.push(source.slice(from, i)); from = i + 1; }
  });
  parts.push(source.slice(from));
  return parts;
}

/** The inside of the group `source` starts with (after an optional `^`), when it is not quantified. */
function leadingGroup(source: string): string | null {
  const open = source.startsWith('^(') ? 1 : source.startsWith('(') ? 0 : -1;
  if (open < 0 || source.startsWith('(?<', open) || source.startsWith('(?=', open) || source.startsWith('(?!', open)) return null;
  let close = -1;
  walkSyntax(source, (i, c, depth) => {
    if (i > open && c === ')' && depth === 0) { close = i; return false; }
    return undefined;
  });
  if (close < 0 || '?*+{'.includes(source.charAt(close + 1) || ' ')) return null;
  const body = source.slice(open + 1, close);
  return body.startsWith('?:') ? body.slice(2) : body;
}

/**
 * The longest run of plain characters every match of `source` contains (none when the pattern
 * alternates at its top level): an unanchored pattern is tried only on text that holds it, since a
 * failed search costs a scan from every start and some patterns backtrack over a long word there.
 */
export function requiredLiteral(source: string): string | null {
  let depth = 0;
  let inClass = false;
  let run = '';
  let best = '';
  const close = (): void => { if (run.length > best.length) best = run; run = ''; };
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (inClass) { if (c === '\\') i += 1; else if (c === ']') inClass = false; continue; }
    if (c === '\\') {
      const next = source.charAt(i + 1);
      i += 1;
      // An escaped punctuation character is itself; `\s`, `\d`, `\b`… are classes or assertions.
      if (depth === 0 && /[^\w]/.test(next) && !/[*+?{]/.test(source.charAt(i + 1))) run += next; else close();
      continue;
    }
    if (c === '|' && depth === 0) return null;
    if (c === '(') { depth += 1; close(); continue; }
    if (c === ')') { depth -= 1; close(); continue; }
    if (c === '[') { inClass = true; close(); continue; }
    if (depth > 0) continue;
    if ('.^$'.includes(c)) { close(); continue; }
    if ('*+?{'.includes(c)) { run = run.slice(0, -1); close(); if (c === '{') i = source.indexOf('}', i); continue; }
    run += c;
  }
  close();
  return best.length >= 4 ? best : null;
}

/** Every shape that matches `text` (the innermost text, inside `layers`), in table order. */
export function matchShapes(text: string, layers: readonly Layer[] = []): ShapeHit[] {
  return hitsOf(text, layers, (shape) => (shape.lastResort ? null : shape.pattern));
}

/**
 * The shapes of a message no anchored shape explains: known messages anywhere in `message` (behind
 * unknown prefixes), else the last-resort shape when the message names RBD/Ceph and an error.
 */
export function findShapes(message: string, layers: readonly Layer[] = []): ShapeHit[] {
  const { patterns, byHead } = unanchoredShapes();
  const present = shapesWithLiteralIn(message, byHead);
  const found = hitsOf(message, layers, (shape) => {
    const loosened = patterns.get(shape);
    return loosened && (loosened.literals === null || present.has(shape)) ? loosened.pattern : null;
  });
  if (found.some((h) => h.shape.failure)) return found;
  return [...found, ...hitsOf(message, layers, (shape) => (shape.lastResort ? shape.pattern : null))];
}

function hitsOf(text: string, layers: readonly Layer[], patternOf: (shape: Shape) => RegExp | null): ShapeHit[] {
  const hits: ShapeHit[] = [];
  for (const shape of SHAPES) {
    const pattern = patternOf(shape);
    const m = pattern ? pattern.exec(text) : null;
    if (!m || !inWrapper(shape, layers)) continue;
    const fields: Partial<Record<ShapeField, string>> = {};
    for (const [field, index] of Object.entries(shape.captures ?? {}) as [ShapeField, number | readonly number[]][]) {
      const value = typeof index === 'number' ? m[index] : index.map((i) => m[i]).find((v) => v !== undefined);
      // Ceph prints keyring search lists comma-separated; the first entry is the configured one.
      if (value) fields[field] = (field === 'keyring' ? value.split(',')[0] ?? value : value).replace(/[,.:]$/, '').replace(/^(['"])(.*)\1$/, '$2');
    }
    hits.push({ shape, fields });
  }
  return hits;
}
