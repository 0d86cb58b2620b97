/** UPIDs (Proxmox task ids), validated with the Payload grammar's `upid` rule (once per shape). */
import { LazySemantics } from './grammar/grammars.js';
import { grammarCache, spanOf, at, type Span } from './grammar/shape-cache.js';
import type { Upid } from './types.js';

type UpidSpans = Record<'node' | 'pid' | 'pstart' | 'start' | 'type' | 'id' | 'user', Span>;
const span = spanOf;

const semantics = new LazySemantics('payload');
semantics.addOperation<UpidSpans>('upid', {
  upid(_p, node, _c1, pid, _c2, pstart, _c3, start, _c4, type, _c5, id, _c6, user, _c7) {
    return { node: span(node), pid: span(pid), pstart: span(pstart), start: span(start), type: span(type), id: span(id), user: span(user) };
  },
});

const cache = grammarCache<UpidSpans>('upid', semantics, 'upid');

const UPID_TOKEN = /UPID:[^\s]+?:[^\s]*?:[^\s]*?:[^\s]*?:[^\s]*?:[^\s]*?:[^\s]*?:/;

/** Parses the exact UPID text. */
export function parseUpid(text: string): Upid | null {
  const s = cache.get(text);
  if (!s) return null;
  return {
    text,
    node: at(text, s.node),
    pid: parseInt(at(text, s.pid), 16),
    pstart: parseInt(at(text, s.pstart), 16),
    startTime: parseInt(at(text, s.start), 16),
    type: at(text, s.type),
    id: at(text, s.id),
    user: at(text, s.user),
  };
}

/** Finds and parses the first UPID inside a line or a file name. */
export function findUpid(text: string): Upid | null {
  const start = text.indexOf('UPID:');
  if (start < 0) return null;
  const token = UPID_TOKEN.exec(text.slice(start));
  return token ? parseUpid(token[0]) : null;
}

/** The VMID a task is about (`qmstart:101` → 101), when its id is a number. */
export function upidVmid(upid: Upid): number | null {
  return /^\d+$/.test(upid.id) ? Number(upid.id) : null;
}

/** Where the task log of a UPID lives below /var/log/pve/tasks. */
export function taskLogPath(upid: Upid): string {
  const d = upid.startTime.toString(16).toUpperCase().slice(-1);
  return `/var/log/pve/tasks/${d}/${upid.text}`;
}
