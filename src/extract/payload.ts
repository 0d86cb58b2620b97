/**
 * Peels the wrappers off a message with the Payload grammar: what Proxmox, QEMU and
 * Ceph put around an error, outermost first, then the innermost text and its errno.
 */
import { grammars } from './grammars.js';
import { errnoFromText } from './errno.js';

/** Kinds of wrapper layer, named after what prints them. */
export type LayerKind =
  | 'task-error' | 'task-start' | 'task-end' | 'start-failed' | 'command-failed'
  | 'rbd-query' | 'rbd-mutating' | 'map-failed' | 'unmap-failed' | 'blockdev-add-failed'
  | 'drive-add-failed' | 'qmp-failed' | 'backup-failed' | 'copy-failed' | 'cfs-lock'
  | 'qemu' | 'remote-node' | 'qemu-relay' | 'stamp' | 'level' | 'ceph-log' | 'errno-bracket';

/** One wrapper. `detail` carries its variable part (UPID, command, rbd operation, lock id, QEMU argument). */
export interface Layer {
  readonly kind: LayerKind;
  readonly detail: string | null;
}

/** A message split into wrappers and the innermost text. */
export interface PayloadParse {
  readonly layers: readonly Layer[];
  /** Innermost text without the errno tail and Perl location. */
  readonly body: string;
  readonly errno: number | null;
  /** Perl `at FILE line N.` location, when present. */
  readonly perlLocation: string | null;
}

interface TailInfo { errno: number | null; perl: string | null }

const semantics = grammars.payload.createSemantics();

semantics.addOperation<Layer>('layer', {
  layer(inner) { return inner['layer']() as Layer; },
  taskStatus_error(_) { return { kind: 'task-error', detail: null }; },
  taskFraming(_user, verb, upid, _sp) {
    return { kind: verb.sourceString.startsWith('start') ? 'task-start' : 'task-end', detail: upid.sourceString };
  },
  startFailed(_) { return { kind: 'start-failed', detail: null }; },
  commandFailed(_open, command, _close) { return { kind: 'command-failed', detail: command.sourceString }; },
  rbdQuery(_) { return { kind: 'rbd-query', detail: null }; },
  rbdMutating(_rbd, operation, rest, _error) {
    return { kind: 'rbd-mutating', detail: `${operation.sourceString}${rest.sourceString}`.trim() };
  },
  mapFailed(_prefix, volume, _sep) { return { kind: 'map-failed', detail: volume.sourceString }; },
  unmapFailed(_prefix, device, _sep) { return { kind: 'unmap-failed', detail: device.sourceString }; },
  blockdevAddFailed(_prefix, node, _sep) { return { kind: 'blockdev-add-failed', detail: node.sourceString }; },
  driveAddFailed(_) { return { kind: 'drive-add-failed', detail: null }; },
  qmpFailed(_vm, vmid, _sp, _type, _cmd, command, _sep) {
    return { kind: 'qmp-failed', detail: `${vmid.sourceString} ${command.sourceString}` };
  },
  backupFailed(_prefix, vmid, _sep) { return { kind: 'backup-failed', detail: vmid.sourceString }; },
  copyFailed(_) { return { kind: 'copy-failed', detail: null }; },
  cfsLock(_prefix, lockId, _sep) { return { kind: 'cfs-lock', detail: lockId.sourceString }; },
  qemuLocation(program, _sep, argument) {
    const arg = argument.children[0];
    return { kind: 'qemu', detail: arg ? arg.sourceString : program.sourceString };
  },
  remoteNode(_open, name, _close) { return { kind: 'remote-node', detail: name.sourceString }; },
  qemuRelay(_) { return { kind: 'qemu-relay', detail: null }; },
  stampTag(_date, _s, _h1, _h2, _c1, _m1, _m2, _c2, _s1, _s2, _sp) { return { kind: 'stamp', detail: null }; },
  levelTag(level, _sep) { return { kind: 'level', detail: level.sourceString }; },
  cephPrefix(stamp, _sp, _thread, _sps, _minus, _prio, _sp2) { return { kind: 'ceph-log', detail: stamp.sourceString }; },
  errnoBracket(_open, digits, _close) { return { kind: 'errno-bracket', detail: digits.sourceString }; },
});

semantics.addOperation<TailInfo>('tail', {
  tail(errnoTail, perlTail, _http, _cr, _end) {
    const e = errnoTail.children[0];
    const p = perlTail.children[0];
    return {
      errno: e ? (e['errnoValue']() as number | null) : null,
      perl: p ? p.sourceString.trim() : null,
    };
  },
});

semantics.addOperation<number | null>('errnoValue', {
  errnoTail_ceph(_sep, _open, _minus, digits, _close, _text) { return Number(digits.sourceString); },
  errnoTail_text(_sep, text) { return errnoFromText(text.sourceString); },
  errnoTail_kernel(_prefix, digits) { return Number(digits.sourceString); },
  errnoTail_parenthesised(_open, text, _close) { return errnoFromText(text.sourceString); },
  errnoTail_ret(_open, digits, _close) { return Number(digits.sourceString); },
});

semantics.addOperation<PayloadParse>('parse', {
  message(_spaces, layerIter, body) {
    const layers = layerIter.children.map((child) => child['layer']() as Layer);
    const { text, tail } = body['bodyParts']() as { text: string; tail: TailInfo };
    let errno = tail.errno;
    const bracket = layers.find((l) => l.kind === 'errno-bracket');
    if (errno === null && bracket?.detail) errno = Number(bracket.detail);
    return { layers, body: text, errno, perlLocation: tail.perl };
  },
});

semantics.addOperation<{ text: string; tail: TailInfo }>('bodyParts', {
  body(textIter, tail) {
    return { text: textIter.sourceString, tail: tail['tail']() as TailInfo };
  },
});

/** Parses a message into layers, body and errno; null only when the grammar cannot read it. */
export function parsePayload(message: string): PayloadParse | null {
  const match = grammars.payload.match(message, 'message');
  if (match.failed()) return null;
  return semantics(match)['parse']() as PayloadParse;
}
