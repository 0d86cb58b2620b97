/** Turns one message into a plain Extraction: wrappers, shapes, errno, phase, target, task. */
import type { Extraction, Phase, RbdTarget, Upid } from '../types.js';
import { parsePayload, type Layer } from './payload.js';
import { findShapes, matchShapes, type ShapeHit } from './shapes.js';
import { observe, invocationTarget, RBD_SUBCOMMAND_PHASE, type Observations } from './observe.js';
import { findRbdSpecs, targetFromSpec } from './rbd-spec.js';
import { findBlockdevTargets } from './blockdev.js';
import { parseUpid, upidVmid } from '../upid.js';
import { mayHoldKey, redact } from '../redact.js';
import { WRAPPERS } from './wrappers.js';

/** An Extraction plus what later stages need but the public type leaves out. */
export interface DetailedExtraction extends Extraction {
  readonly layers: readonly Layer[];
  readonly body: string;
  /** auth-bad-method: the auth method numbers the server allows / the client supports (1 none, 2 cephx). */
  readonly authMethods: { readonly allowed: readonly number[]; readonly supported: readonly number[] } | null;
  /** QEMU/rbd process exit code when the line reports one. */
  readonly exitCode: number | null;
  /** True when an inline `key=` secret was in the line (it is never echoed). */
  readonly hadInlineKey: boolean;
}

const EMPTY_TARGET: RbdTarget = {
  pool: null, namespace: null, image: null, snapshot: null, conf: null,
  clientId: null, keyring: null, monHosts: null, auth: null,
};

function layerPhase(layers: readonly Layer[]): Phase | null {
  for (const layer of layers) {
    const phase = WRAPPERS[layer.kind].phase;
    if (phase) return phase;
    if (layer.kind === 'rbd-mutating' && layer.detail) {
      const op = layer.detail.split(/\s/)[0] ?? '';
      const phase = RBD_SUBCOMMAND_PHASE[op];
      if (phase) return phase;
    }
  }
  return null;
}

function operationOf(layers: readonly Layer[], upid: Upid | null): string | null {
  const mutating = layers.find((l) => l.kind === 'rbd-mutating');
  if (mutating?.detail) return `rbd ${mutating.detail.split(/\s/)[0] ?? ''}`.trim();
  const named = layers.find((l) => WRAPPERS[l.kind].operation !== null);
  if (named) return WRAPPERS[named.kind].operation;
  if (upid) return upid.type;
  if (layers.some((l) => l.kind === 'start-failed')) return 'qmstart';
  return null;
}

/** Storage id from a per-storage keyring/conf path (`/etc/pve/priv/ceph/<id>.keyring`) or a lock id. */
export function storageFromPath(path: string | null): string | null {
  if (!path) return null;
  const m = /\/etc\/pve\/priv\/ceph\/([^/]+)\.(?:keyring|conf|secret)$/.exec(path);
  return m?.[1] ?? null;
}

function mergeTarget(base: RbdTarget, extra: Partial<RbdTarget>): RbdTarget {
  const out: { -readonly [K in keyof RbdTarget]: RbdTarget[K] } = { ...base };
  for (const key of Object.keys(extra) as (keyof RbdTarget)[]) {
    if (out[key] === null && extra[key] !== undefined && extra[key] !== null) {
      (out as Record<string, unknown>)[key] = extra[key];
    }
  }
  return out;
}

/** A PVE image name: vm-<vmid>-disk-N, base-<vmid>-disk-N, vm-<vmid>-cloudinit, vm-<vmid>-state-… */
const IMAGE_NAME = /\b((?:vm|base)-\d+-[A-Za-z0-9_.-]*[A-Za-z0-9])(?:@([A-Za-z0-9_.:-]+))?/;
/** krbd device paths: /dev/rbd-pve/<fsid>/<pool>[/<ns>]/<image>, /dev/rbd/<pool>/<image> (a `:` ends the path). */
const DEVICE_PATH = /\/dev\/rbd(?:-pve\/[0-9a-f-]{36})?\/([^/\s':]+)\/(?:([^/\s':]+)\/)?([^/\s'@:]+)(?:@([^\s':]+))?/;

/** Pool, image and snapshot named by Proxmox's own wrappers and device paths (not by an rbd: filename). */
function wrapperTarget(layers: readonly Layer[], message: string): Partial<RbdTarget> {
  const out: { -readonly [K in keyof RbdTarget]?: RbdTarget[K] } = {};
  const device = DEVICE_PATH.exec(message);
  if (device) {
    out.pool = device[1] ?? null;
    if (device[3]) { out.image = device[3]; out.namespace = device[2] ?? null; }
    else { out.image = device[2] ?? null; }
    if (device[4]) out.snapshot = device[4];
  }
  for (const layer of layers) {
    if (!layer.detail || !WRAPPERS[layer.kind].namesImage) continue;
    const m = IMAGE_NAME.exec(layer.detail);
    if (m?.[1] && out.image === undefined) out.image = m[1];
    const snap = m?.[2] ?? /\b(?:snap|to) '([^']+)'|\bsnap ([^\s']+)$/.exec(layer.detail)?.slice(1).find((v) => v !== undefined);
    if (snap && out.snapshot === undefined) out.snapshot = snap;
  }
  return out;
}

function vmidFrom(target: RbdTarget, upid: Upid | null, layers: readonly Layer[], message: string): number | null {
  if (upid) {
    const v = upidVmid(upid);
    if (v !== null) return v;
  }
  const fromImage = target.image ? /^(?:vm|base)-(\d+)-/.exec(target.image) : null;
  if (fromImage?.[1]) return Number(fromImage[1]);
  for (const layer of layers) {
    if ((layer.kind === 'qmp-failed' || layer.kind === 'backup-failed') && layer.detail) {
      return Number(layer.detail.split(' ')[0]);
    }
  }
  const m = /\b(?:start VM|VM|-id|cleanup for|vm:|qemu-server_|qemu-server\/lock-)[ ]?(\d{3,9})\b/.exec(message);
  return m?.[1] ? Number(m[1]) : null;
}

/** Storage id from a lock id or lock file: `storage-<id>` (cfs lock), `/var/lock/pve-manager/pve-storage-<id>`. */
function storageFromLock(lock: string | null | undefined): string | null {
  return (lock && /(?:^|\/)(?:pve-)?storage-([^/\s']+)$/.exec(lock)?.[1]) || null;
}

/**
 * What an `rbd` command line in a run_command wrapper names (`command '/usr/bin/rbd -p <pool> -n client.<id>
 * --keyring <path> … <image>' failed: …`). The monitor list (`-m`) is left out: Proxmox passes it only for
 * external clusters and it is read from the storage config instead.
 */
function rbdCommandTarget(command: string | null | undefined): Partial<RbdTarget> | null {
  if (!command || !/^(?:\S*\/)?rbd\s/.test(command)) return null;
  const words = command.split(/\s+/);
  const out: { -readonly [K in keyof RbdTarget]?: RbdTarget[K] } = {};
  for (let i = 1; i < words.length; i++) {
    const [word, next] = [words[i] ?? '', words[i + 1] ?? null];
    if (next === null) break;
    if (word === '-p' || word === '--pool') out.pool ??= next;
    else if (word === '-n' || word === '--name') out.clientId ??= next.replace(/^client\./, '');
    else if (word === '--id') out.clientId ??= next;
    else if (word === '--keyring' || word === '-k') out.keyring ??= next;
    else if (word === '-c' || word === '--conf') out.conf ??= next;
  }
  const image = IMAGE_NAME.exec(command);
  if (image?.[1]) out.image = image[1];
  return out;
}

/**
 * Objects named in plain words by clients other than Proxmox (`image foo does not exist`,
 * `error opening pool 'glance'`, `rbd replicapool/csi-vol-1 is still being used`). Data: first match wins per field.
 */
const OBJECT_PHRASES: readonly { readonly pattern: RegExp; readonly pool?: number; readonly image?: number }[] = [
  { pattern: /\bimage '?([\w.-]+)'? in pool '?([\w.-]+)'?/, image: 1, pool: 2 },
  // CSI volume attributes and Go/JSON dumps of them.
  { pattern: /"pool":\s*"([\w.-]+)"/, pool: 1 },
  { pattern: /"imageName":\s*"([\w.-]+)"/, image: 1 },
  { pattern: /\b(?:rbd|image|volume)[: ]+([\w.-]+)\/(?:[\w.-]+\/)?([\w.-]+)(?:@[\w.-]+)? (?:is still being used|does not exist|not found|has watchers)/, pool: 1, image: 2 },
  { pattern: /\berror opening pool '?([\w.-]+)'?/, pool: 1 },
  { pattern: /\bpool '?([\w.-]+)'? does not exist/, pool: 1 },
  { pattern: /\b(?:error opening image|image) '?([\w.-]+)'?:? (?:does not exist|not found|\(2\))/, image: 1 },
  { pattern: /\berror opening ([\w.-]+): \(\d+\)/, image: 1 },
  { pattern: /\bpool=([\w.-]+)[ ,].*\bimage=([\w.-]+)/, pool: 1, image: 2 },
  // `block image replicapool/pvc-1`, `rbd image 'p/i'`, `volume p/i`: a pool/image pair after its noun.
  { pattern: /\b(?:image|volume|rbd)[: ]+'?([A-Za-z_][\w.-]*)\/([\w][\w.-]*)'?/, pool: 1, image: 2 },
];

function objectPhrases(message: string): Partial<RbdTarget> {
  const out: { pool?: string; image?: string } = {};
  for (const phrase of OBJECT_PHRASES) {
    const m = phrase.pattern.exec(message);
    if (!m) continue;
    const pool = phrase.pool ? m[phrase.pool] : undefined;
    const image = phrase.image ? m[phrase.image] : undefined;
    if (pool !== undefined && out.pool === undefined) out.pool = pool;
    if (image !== undefined && out.image === undefined) out.image = image;
  }
  return out;
}

/** The phase a line names in plain words, most specific first (for lines no shape explains). */
const PHASE_WORDS: readonly (readonly [RegExp, Phase])[] = [
  [/\b(?:watchers?|lock|locks|locked|lock owner|blocklist\w*|blacklist\w*|still being used|is busy)\b/i, 'lock'],
  [/\b(?:map|unmap|mapping|mapped|krbd|rbd-nbd|nbd|sysfs|MountDevice|NodeStage\w*)\b/, 'map'],
  [/\b(?:clone|cloning|flatten)\b/i, 'clone'],
  [/\b(?:snap|snapshot|snapshots)\b/i, 'snapshot'],
  [/\b(?:create|creating|CreateVolume|provision\w*)\b/, 'create'],
  [/\b(?:delete|deleting|remove|removing|DeleteVolume|trash)\b/i, 'remove'],
  [/\b(?:resize|resizing|expand\w*)\b/i, 'resize'],
  [/\b(?:listing|list images|ls)\b/, 'list'],
  [/\b(?:open|opening|header|image info|stat)\b/i, 'open'],
  [/\b(?:connect|connecting|monclient|authenticate|authentication|cephx|mon_host|monitors?|handshake)\b/i, 'connect'],
];

function phaseFromWords(message: string): Phase | null {
  return PHASE_WORDS.find(([pattern]) => pattern.test(message))?.[1] ?? null;
}

/**
 * Words without which a line is not looked at beyond its known shapes: an RBD/Ceph client, its
 * files, or the objects it works on. Keeps `can't open file` or a QMP `got timeout` out.
 */
const CEPH_CONTEXT = /\b(?:rbd|librbd|krbd|rbd-nbd|rados|librados|libceph|ceph|cephx|monclient|keyring|global_init|RBD|RADOS|Ceph|csi-rbd\w*|osd\d*|mon\.\w+|pool|image|CreateVolume|DeleteVolume|NodeStageVolume|ControllerPublishVolume|msgr2?|apparmor)\b|\/dev\/rbd\d|'rbd:/;

const NO_OBSERVATIONS: Observations = { errno: null, errnoForm: null, exitStatus: null, invocations: [] };

/** The largest Linux errno (EHWPOISON). */
const MAX_ERRNO = 133;

/** `1, 2` → [1, 2]: Ceph's list of auth method numbers. */
function methodList(text: string | undefined): number[] {
  return (text ?? '').split(/[ ,]+/).filter((n) => n !== '').map(Number);
}

function framingOf(layers: readonly Layer[], body: string): Extraction['framing'] {
  const start = layers.find((l) => l.kind === 'task-start');
  if (start) return 'task-start';
  const end = layers.findIndex((l) => l.kind === 'task-end');
  if (end >= 0) {
    const rest = layers.slice(end + 1);
    return rest.length === 0 && /^(?:OK|successful|WARNINGS: \d+)$/.test(body.trim()) ? 'task-end-ok' : 'task-end-error';
  }
  if (layers.some((l) => l.kind === 'task-error')) return 'task-error';
  if (/^TASK OK$/.test(body.trim())) return 'task-ok';
  return null;
}

/**
 * Successful task framing exactly as pvedaemon prints it: `<user> starting task UPID…`,
 * `start VM N: UPID…`, `<user> end task UPID… OK`, with a UPID whose id is a VMID. Groups: 1 the
 * verb of the `<user>` forms, 2 the UPID, 3 ` OK`. Nothing else may follow.
 */
const TASK_FRAMING = /^(?:<[\w.@!-]+> (starting|end) task |start VM \d+: )(UPID:[A-Za-z0-9.-]+:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:\w+:\d+:[\w.@!-]+:)( OK)?(?![\s\S])/;

/**
 * The extraction of a successful task framing line, built without the full extraction (most lines
 * that reach extraction in a busy journal are these, each with its own UPID, so no cache helps).
 * Null when the line is anything else, or names Ceph words or key-like text: then only
 * extractMessage knows the answer. Equal to extractMessage's result wherever it is not null
 * (test/framing-fast-path.test.ts holds it to that).
 */
export function extractTaskFraming(message: string): DetailedExtraction | null {
  const m = TASK_FRAMING.exec(message);
  if (!m) return null;
  const [, verb, upidText = '', ok] = m;
  // `starting` takes no ` OK`, `end` needs it; the `start VM` form has neither verb nor ` OK`.
  if (verb === 'starting' ? ok !== undefined : verb === 'end' ? ok === undefined : ok !== undefined) return null;
  if (mayHoldKey(message) || CEPH_CONTEXT.test(message)) return null;
  const upid = parseUpid(upidText);
  const vmid = upid ? upidVmid(upid) : null;
  if (!upid || vmid === null) return null;
  const layers: Layer[] = verb === undefined ? [] : [{ kind: verb === 'starting' ? 'task-start' : 'task-end', detail: upidText }];
  return {
    shapes: [],
    errno: null,
    phase: null,
    target: null,
    upid,
    vmid,
    storage: null,
    operation: upid.type,
    framing: verb === 'starting' ? 'task-start' : verb === 'end' ? 'task-end-ok' : null,
    layers,
    body: verb === 'starting' ? '' : verb === 'end' ? 'OK' : message,
    authMethods: null,
    exitCode: null,
    hadInlineKey: false,
  };
}

/** Extracts everything the classifier needs from one message. Pure and deterministic. */
export function extractMessage(rawMessage: string): DetailedExtraction {
  const message = rawMessage.replace(/[\r\n]+$/, '');
  const parsed = parsePayload(message);
  // Layer details and the body are public output: no key material in them.
  const layers = (parsed?.layers ?? []).map((l) => (l.detail ? { kind: l.kind, detail: redact(l.detail) } : l));
  const body = redact((parsed?.body ?? message).trim());
  let errno = parsed?.errno ?? null;

  let hits: ShapeHit[] = matchShapes(body, layers);
  const wrappedError = layers.some((l) => WRAPPERS[l.kind].wrapsError);
  // No known message where the wrappers end: look for one anywhere, else for any RBD/Ceph error
  // (a line a known shape already explains, even as context, is left as it is).
  const lookedAnywhere = !wrappedError && hits.length === 0 && CEPH_CONTEXT.test(message);
  if (lookedAnywhere) hits = findShapes(message, layers);
  const command = layers.find((l) => l.kind === 'command-failed');
  const shapes = hits.map((h) => h.shape.id);
  const exitText = hits.find((h) => h.fields.exitCode)?.fields.exitCode;
  const exitCode = exitText ? Number(exitText) : null;
  const rbdCommand = rbdCommandTarget(command?.detail);
  // Pieces wherever they stand: errno renderings and command lines the wrappers and shapes miss.
  // Only where the wrappers and shapes left something open: task framing and a known failure with
  // its errno need no second look (and most journal lines are one of those).
  const framingFirst = framingOf(layers, body);
  const understood = errno !== null && hits.some((h) => h.shape.failure) && !lookedAnywhere;
  const seen = framingFirst === null && !understood ? observe(message) : NO_OBSERVATIONS;
  const invoked = seen.invocations.map(invocationTarget);
  if (errno === null) errno = seen.errno;
  // Linux errnos stop at 133: a larger number in parentheses is a count or a PID, not an errno.
  if (errno !== null && (errno < 1 || errno > MAX_ERRNO)) errno = null;
  const rbdInvoked = invoked.some((i) => i.subcommand !== null);
  // rbd and the ceph tools exit with the errno: `exit status 16` of an RBD operation is EBUSY.
  if (errno === null && seen.exitStatus !== null && seen.exitStatus > 1
    && (rbdInvoked || lookedAnywhere || layers.some((l) => WRAPPERS[l.kind].rbdCommand))) {
    errno = seen.exitStatus;
  }
  // `rbd error: exit code N`: rbd exits with |errno| and printed nothing (PS-01b, PC-07).
  if (errno === null && exitCode !== null && (rbdCommand !== null || layers.some((l) => WRAPPERS[l.kind].rbdCommand))) {
    errno = exitCode;
  }

  const specs = findRbdSpecs(message);
  const hadInlineKey = specs.some((s) => s.hadInlineKey);
  let target = specs[0] ? targetFromSpec(specs[0]) : null;
  const blockdev = findBlockdevTargets(message);
  if (!target && blockdev[0]) target = blockdev[0];
  const captured: { -readonly [K in keyof RbdTarget]?: RbdTarget[K] } = {};
  for (const hit of hits) {
    if (hit.fields.image && !captured.image) captured.image = hit.fields.image;
    if (hit.fields.pool && !captured.pool) captured.pool = hit.fields.pool;
    if (hit.fields.namespace && !captured.namespace) captured.namespace = hit.fields.namespace;
    if (hit.fields.keyring && !captured.keyring) captured.keyring = hit.fields.keyring;
    if (hit.fields.conf && !captured.conf) captured.conf = hit.fields.conf;
    if (hit.fields.client && !captured.clientId) captured.clientId = hit.fields.client;
    if (hit.fields.errno && errno === null) errno = Number(hit.fields.errno);
  }
  const fromInvocations: Partial<RbdTarget> = Object.assign({}, ...invoked.map((i) => i.target).reverse());
  for (const [key, value] of Object.entries({ ...fromInvocations, ...objectPhrases(message), ...rbdCommand, ...wrapperTarget(layers, message) }) as [keyof RbdTarget, string | null][]) {
    if (value !== null && captured[key] === undefined) (captured as Record<string, unknown>)[key] = value;
  }
  if (Object.keys(captured).length > 0) target = mergeTarget(target ?? EMPTY_TARGET, captured);

  const upidLayer = layers.find((l) => l.kind === 'task-start' || l.kind === 'task-end');
  // Otherwise a UPID named inside the text (`start VM 101: UPID:…`, a task log path).
  const upidText = upidLayer?.detail ?? /\bUPID:[^\s']+/.exec(message)?.[0] ?? null;
  const upid = upidText ? parseUpid(upidText) : null;

  const subcommand = invoked.find((i) => i.subcommand !== null)?.subcommand ?? null;
  const shapePhase = hits.find((h) => h.shape.phase !== null)?.shape.phase ?? null;
  const subcommandPhase = subcommand !== null ? RBD_SUBCOMMAND_PHASE[subcommand] ?? null : null;
  // Lines of other clients name the step in words when their message does not.
  const wordPhase = lookedAnywhere && hits.some((h) => h.shape.failure) ? phaseFromWords(message) : null;
  const phase = shapePhase ?? layerPhase(layers) ?? subcommandPhase ?? wordPhase;
  const bad = hits.find((h) => h.shape.id === 'ceph.auth-bad-method');
  const storageHit = hits.find((h) => h.fields.storage)?.fields.storage ?? null;
  const lockLayer = layers.find((l) => l.kind === 'cfs-lock');
  const lockStorage = storageFromLock(lockLayer?.detail) ?? storageFromLock(hits.find((h) => h.fields.lock)?.fields.lock);

  return {
    shapes,
    errno,
    phase,
    target,
    upid,
    vmid: vmidFrom(target ?? EMPTY_TARGET, upid, layers, message),
    storage: storageHit ?? lockStorage ?? storageFromPath(target?.keyring ?? null) ?? storageFromPath(target?.conf ?? null),
    operation: operationOf(layers, upid) ?? (subcommand ? `rbd ${subcommand}` : null),
    framing: framingOf(layers, body),
    layers,
    body,
    authMethods: bad ? { allowed: methodList(bad.fields.authAllowed), supported: methodList(bad.fields.authSupported) } : null,
    exitCode,
    hadInlineKey,
  };
}
