// Renders journal entries the way `journalctl` prints them:
//   short      Jan 14 10:00:00 pve1 pvedaemon[1234]: msg        (catalog 3.1; day zero-padded)
//   short-iso  2025-01-14T10:00:00+01:00 pve1 pvedaemon[1234]: msg   (zone style selectable)
//   json       one `journalctl -o json` object per line (all values strings, journal field order)
import { MONTHS, TZ_OFFSET_S } from './world.js';

const pad2 = (n) => (n < 10 ? '0' + n : '' + n);

/** Returns `render(entry, tUs, node) -> string` (without newline) for one output format. */
export function makeRenderer(format, { isoZone = '+01:00' } = {}) {
  let cacheSec = -1;
  let cacheShort = '';
  let cacheIso = '';
  let cacheSyslogTs = '';
  const stamp = (tUs) => {
    const sec = Math.floor(tUs / 1e6);
    if (sec !== cacheSec) {
      cacheSec = sec;
      const d = new Date((sec + TZ_OFFSET_S) * 1000);
      const hms = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
      cacheShort = `${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${hms}`;
      // syslog(3) pads the day with a space; journald keeps the raw SYSLOG_TIMESTAMP it received.
      cacheSyslogTs = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate() < 10 ? ' ' : ''}${d.getUTCDate()} ${hms} `;
      cacheIso = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${hms}${isoZone}`;
    }
  };
  const ident = (en) => (en.pid == null ? `${en.ident}:` : `${en.ident}[${en.pid}]:`);

  if (format === 'short')
    return (en, tUs, node) => {
      stamp(tUs);
      return `${cacheShort} ${node.name} ${ident(en)} ${en.msg}`;
    };
  if (format === 'short-iso')
    return (en, tUs, node) => {
      stamp(tUs);
      return `${cacheIso} ${node.name} ${ident(en)} ${en.msg}`;
    };
  if (format === 'json')
    return (en, tUs, node) => {
      stamp(tUs);
      node.seq++;
      const mono = tUs - node.bootS * 1e6;
      const seqHex = node.seq.toString(16);
      // xor_hash stand-in: a deterministic 64-bit-looking value from node + seqnum
      let h = Math.imul(node.seq ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(node.idx + 1, 0xc2b2ae35);
      h ^= h >>> 13;
      const x = (h >>> 0).toString(16).padStart(8, '0') + (Math.imul(h, 0x27d4eb2d) >>> 0).toString(16).padStart(8, '0');
      let s =
        `{"__CURSOR":"s=${node.seqnumId};i=${seqHex};b=${node.bootId};m=${mono.toString(16)};t=${tUs.toString(16)};x=${x}",` +
        `"__REALTIME_TIMESTAMP":"${tUs}","__MONOTONIC_TIMESTAMP":"${mono}","_BOOT_ID":"${node.bootId}",`;
      if (en.tr === 'kernel') {
        s +=
          `"_TRANSPORT":"kernel","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel","PRIORITY":"${en.prio}",` +
          `"MESSAGE":${JSON.stringify(en.msg)},"_SOURCE_MONOTONIC_TIMESTAMP":"${mono - 180}",`;
      } else {
        const tr = en.tr ?? 'syslog';
        s += `"_TRANSPORT":"${tr}","PRIORITY":"${en.prio}",`;
        if (tr === 'syslog')
          s += `"SYSLOG_FACILITY":"${en.ident === 'CRON' ? 9 : en.ident.startsWith('postfix') ? 2 : en.ident === 'sshd' ? 4 : 3}",`;
        s += `"SYSLOG_IDENTIFIER":"${en.ident}",`;
        if (tr === 'syslog') s += `"SYSLOG_PID":"${en.pid}","SYSLOG_TIMESTAMP":"${cacheSyslogTs}",`;
        s +=
          `"MESSAGE":${JSON.stringify(en.msg)},"_PID":"${en.pid}","_UID":"0","_GID":"0",` +
          `"_COMM":"${en.comm ?? en.ident}",`;
        if (en.unit === 'init.scope') s += `"_SYSTEMD_CGROUP":"/init.scope","_SYSTEMD_UNIT":"init.scope","_SYSTEMD_SLICE":"-.slice",`;
        else if (en.unit)
          s += `"_SYSTEMD_CGROUP":"/system.slice/${en.unit}","_SYSTEMD_UNIT":"${en.unit}","_SYSTEMD_SLICE":"system.slice",`;
        if (tr === 'syslog' || tr === 'stdout') s += `"_SOURCE_REALTIME_TIMESTAMP":"${tUs - 37}",`;
      }
      s += `"_MACHINE_ID":"${node.machineId}","_HOSTNAME":"${node.name}","_RUNTIME_SCOPE":"system"}`;
      return s;
    };
  throw new Error(`unknown format '${format}' (short, short-iso, json)`);
}
