/**
 * Monitor address lists in the forms Proxmox and Ceph write them: `10.0.0.1 10.0.0.2`,
 * `10.0.0.1;10.0.0.2:6789`, `[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]`, `[::1]`, host names.
 */

function hostOf(address: string): string {
  let a = address.trim().replace(/^v[12]:/, '').replace(/\/\d+$/, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) return (bracketed[1] as string).toLowerCase();
  const colons = (a.match(/:/g) ?? []).length;
  if (colons === 1) a = a.replace(/:\d+$/, '');
  return a.toLowerCase();
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let token = '';
  for (const ch of list) {
    if (ch === '[') depth += 1;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (depth === 0 && /[\s,;]/.test(ch)) { if (token) parts.push(token); token = ''; continue; }
    token += ch;
  }
  if (token) parts.push(token);
  return parts;
}

/** Distinct monitor hosts (no ports, no v1/v2 prefixes), in first-seen order. */
export function monitorHosts(list: string): string[] {
  const hosts: string[] = [];
  for (const part of splitTopLevel(list)) {
    const inner = /^\[(v[12]:.*)\]$/.exec(part);
    const addresses = inner ? (inner[1] as string).split(',') : [part];
    for (const address of addresses) {
      const host = hostOf(address);
      if (host && !hosts.includes(host)) hosts.push(host);
    }
  }
  return hosts;
}

/** How two monitor lists relate: same hosts, some shared, or none shared. */
export type MonitorOverlap = 'same' | 'partial' | 'disjoint';

/** Compares two monitor lists by host. */
export function compareMonitorLists(a: string, b: string): { overlap: MonitorOverlap; onlyInA: string[]; onlyInB: string[] } {
  const ha = monitorHosts(a);
  const hb = monitorHosts(b);
  const onlyInA = ha.filter((h) => !hb.includes(h));
  const onlyInB = hb.filter((h) => !ha.includes(h));
  const shared = ha.length - onlyInA.length;
  const overlap: MonitorOverlap = onlyInA.length === 0 && onlyInB.length === 0 ? 'same' : shared > 0 ? 'partial' : 'disjoint';
  return { overlap, onlyInA, onlyInB };
}
