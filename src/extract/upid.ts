/** UPIDs (Proxmox task ids), validated with the Payload grammar's `upid` rule. */
import { grammars } from './grammars.js';
import type { Upid } from '../types.js';

const semantics = grammars.payload.createSemantics();
semantics.addOperation<Upid>('upid', {
  upid(_p, node, _c1, pid, _c2, pstart, _c3, start, _c4, type, _c5, id, _c6, user, _c7) {
    return {
      text: this.sourceString,
      node: node.sourceString,
      pid: parseInt(pid.sourceString, 16),
      pstart: parseInt(pstart.sourceString, 16),
      startTime: parseInt(start.sourceString, 16),
      type: type.sourceString,
      id: id.sourceString,
      user: user.sourceString,
    };
  },
});

const UPID_TOKEN = /UPID:[^\s]+?:[^\s]*?:[^\s]*?:[^\s]*?:[^\s]*?:[^\s]*?:[^\s]*?:/;

/** Parses the exact UPID text. */
export function parseUpid(text: string): Upid | null {
  const match = grammars.payload.match(text, 'upid');
  return match.succeeded() ? (semantics(match)['upid']() as Upid) : null;
}

/** Finds and parses the first UPID inside a line or a file name. */
export function findUpid(text: string): Upid | null {
  const at = text.indexOf('UPID:');
  if (at < 0) return null;
  const token = UPID_TOKEN.exec(text.slice(at));
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
