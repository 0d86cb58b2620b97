/**
 * Peels the wrappers off a message with the Payload grammar: what Proxmox, QEMU and
 * Ceph put around an error, outermost first, then the innermost text and its errno.
 * The grammar runs once per message shape (see shape-cache.ts); values come from spans.
 */
import type { Node } from 'ohm-js';
import { LazySemantics } from '../grammar/grammars.js';
import { errnoFromText } from './errno.js';
import { grammarCache, spanOf, at, type Span } from '../grammar/shape-cache.js';

/** Kinds of wrapper layer, named after what prints them. */
export type LayerKind =
  | 'task-error' | 'task-start' | 'task-end' | 'start-failed' | 'command-failed'
  | 'rbd-query' | 'rbd-mutating' | 'map-failed' | 'unmap-failed' | 'blockdev-add-failed'
  | 'drive-add-failed' | 'qmp-failed' | 'backup-failed' | 'copy-failed' | 'cfs-lock'
  | 'qemu' | 'remote-node' | 'qemu-relay' | 'stamp' | 'level' | 'ceph-log' | 'errno-bracket'
  | 'image-transfer-failed' | 'status-update-failed' | 'backup-job-failed' | 'migration-aborted' | 'remote-start-failed';

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

interface LayerSpans { readonly kind: LayerKind; readonly detail: Span | null }
/** An errno is a number or a strerror text, read from the original at its span. */
interface ErrnoSpan { readonly form: 'number' | 'text'; readonly span: Span }
interface PayloadSpans {
  readonly layers: readonly LayerSpans[];
  readonly body: Span;
  readonly errno: ErrnoSpan | null;
  readonly perl: Span | null;
}

const span = spanOf;
const layer = (kind: LayerKind, detail: Node | null = null): LayerSpans => ({ kind, detail: detail ? span(detail) : null });
/** The detail of the rbd-mutating layer runs from the operation word to before " error: ". */
const joined = (a: Node, b: Node): Span => [a.source.startIdx, b.source.endIdx];

const semantics = new LazySemantics('payload');

semantics.addOperation<LayerSpans>('layer', {
  layer(inner) { return inner['layer']() as LayerSpans; },
  taskStatus_error(_) { return layer('task-error'); },
  taskFraming(_user, verb, upid, _sp) { return layer(verb.sourceString.startsWith('start') ? 'task-start' : 'task-end', upid); },
  startFailed(_) { return layer('start-failed'); },
  commandFailed(_open, command, _close) { return layer('command-failed', command); },
  rbdQuery(_) { return layer('rbd-query'); },
  rbdMutating(_rbd, operation, rest, _error) { return { kind: 'rbd-mutating', detail: joined(operation, rest) }; },
  mapFailed(_prefix, volume, _sep) { return layer('map-failed', volume); },
  unmapFailed(_prefix, device, _sep) { return layer('unmap-failed', device); },
  blockdevAddFailed(_prefix, node, _sep) { return layer('blockdev-add-failed', node); },
  driveAddFailed(_) { return layer('drive-add-failed'); },
  qmpFailed(_vm, vmid, _sp, _type, _cmd, command, _sep) { return { kind: 'qmp-failed', detail: joined(vmid, command) }; },
  backupFailed(_prefix, vmid, _sep) { return layer('backup-failed', vmid); },
  copyFailed(_) { return layer('copy-failed'); },
  cfsLock(_prefix, lockId, _sep) { return layer('cfs-lock', lockId); },
  qemuLocation(program, _sep, argument) { return layer('qemu', argument.children[0] ?? program); },
  remoteNode(_open, name, _close) { return layer('remote-node', name); },
  qemuRelay(_) { return layer('qemu-relay'); },
  stampTag(_date, _s, _h1, _h2, _c1, _m1, _m2, _c2, _s1, _s2, _sp) { return layer('stamp'); },
  levelTag(level, _sep) { return layer('level', level); },
  cephPrefix(_debug, stamp, _sp, _thread, _sps, _minus, _prio, _sp2) { return layer('ceph-log', stamp); },
  imageTransferFailed(_could, direction, _image) { return layer('image-transfer-failed', direction); },
  statusUpdateFailed(what, _sep) { return layer('status-update-failed', what); },
  backupJobFailed(_) { return layer('backup-job-failed'); },
  migrationAborted(_prefix, duration, _sep) { return layer('migration-aborted', duration); },
  remoteStartFailed(_prefix, vmid, _on, node, _sep) { return { kind: 'remote-start-failed', detail: joined(vmid, node) }; },
  errnoBracket(_open, digits, _close) { return layer('errno-bracket', digits); },
});

semantics.addOperation<ErrnoSpan | null>('errnoSpan', {
  errnoTail_ceph(_sep, _open, _minus, digits, _close, _text) { return { form: 'number', span: span(digits) }; },
  errnoTail_text(_sep, text) { return { form: 'text', span: span(text) }; },
  errnoTail_kernel(_prefix, digits) { return { form: 'number', span: span(digits) }; },
  errnoTail_parenthesised(_open, text, _close) { return { form: 'text', span: span(text) }; },
  errnoTail_ret(_open, digits, _close) { return { form: 'number', span: span(digits) }; },
});

semantics.addOperation<PayloadSpans>('spans', {
  message(_spaces, layerIter, body) {
    const [textIter, tail] = body.children as [Node, Node];
    const [errnoIter, perlIter] = tail.children as [Node, Node];
    const errnoNode = errnoIter.children[0];
    const perlNode = perlIter.children[0];
    return {
      layers: layerIter.children.map((child) => child['layer']() as LayerSpans),
      body: span(textIter),
      errno: errnoNode ? (errnoNode['errnoSpan']() as ErrnoSpan | null) : null,
      perl: perlNode ? span(perlNode) : null,
    };
  },
});

const cache = grammarCache<PayloadSpans>('message', semantics, 'spans');

/** Parses a message into layers, body and errno; null only when the grammar cannot read it. */
export function parsePayload(message: string): PayloadParse | null {
  const spans = cache.get(message);
  if (!spans) return null;
  const layers = spans.layers.map((l) => ({ kind: l.kind, detail: l.detail ? at(message, l.detail) : null }));
  let errno: number | null = null;
  if (spans.errno) {
    const text = at(message, spans.errno.span);
    errno = spans.errno.form === 'number' ? Number(text) : errnoFromText(text);
  }
  const bracket = layers.find((l) => l.kind === 'errno-bracket');
  if (errno === null && bracket?.detail) errno = Number(bracket.detail);
  return {
    layers,
    body: at(message, spans.body),
    errno,
    perlLocation: spans.perl ? at(message, spans.perl).trim() : null,
  };
}
