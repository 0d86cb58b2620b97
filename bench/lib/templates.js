// Line templates of the synthetic Proxmox VE journal, kept as data so they are easy to extend.
//
//   BACKGROUND  ordinary journal noise of a PVE + Ceph node; never contains the text "rbd".
//               { kind, weight, make(g) -> entry }
//   LOOKALIKES  benign lines that look RBD-related (a cheap prefilter passes them) and must never
//               become incidents. { kind, make(g) -> step[] } (one or more lines)
//   FAILURES    real RBD failures, each a small scenario (task framing + evidence lines).
//               { kind, causes, make(g) -> step[] } where `causes` is what the whole scenario
//               proves (one id, or the acceptable set when the evidence cannot decide).
//
// entry = { ident, pid, prio, msg, unit?, comm?, tr? }   (pid null for the kernel)
// step  = { dt, e: entry, role: 'failure'|'context'|'lookalike', kind?, causes? }
//   dt     seconds after the scenario's first line
//   causes for role 'failure': the causes this single line supports, in triage order
//          (one element = unambiguous), per causes.md "Reading the evidence".
//
// `g` is the generator state: g.r (Rng), g.t (now, µs since epoch), g.node (node state),
// g.nodes. Message shapes: docs/message-catalog.md (ids in comments).
import {
  STORAGES,
  accessTs,
  blockdevJson,
  cephPrefix,
  driveArg,
  freshPid,
  fsid,
  kvmCmdline,
  upid,
} from './world.js';

// syslog priorities
const ERR = 3;
const WARNING = 4;
const NOTICE = 5;
const INFO = 6;
const DEBUG = 7;

/** Journal entry of a syslog-style daemon. */
const e = (ident, pid, prio, msg, unit, comm) => ({ ident, pid, prio, msg, unit, comm });
/** Kernel ring-buffer entry. */
const k = (prio, msg) => ({ ident: 'kernel', pid: null, prio, msg, tr: 'kernel' });
/** Line of a systemd-managed Ceph daemon (its stderr, with the Ceph log prefix). */
const ceph = (g, daemon, pid, prio, text) => ({
  ident: daemon,
  pid,
  prio: prio === 0 ? INFO : ERR,
  msg: cephPrefix(g, prio) + text,
  unit: `${daemon}@${daemon === 'ceph-osd' ? text.match(/osd\.(\d+)/)?.[1] ?? '0' : g.node.name}.service`,
  tr: 'stdout',
});
/** systemd unit and 15-char _COMM of the long-running daemons (pid from the node state). */
const DAEMONS = {
  corosync: ['corosync.service', 'corosync'],
  pmxcfs: ['pve-cluster.service', 'pmxcfs'],
  chronyd: ['chrony.service', 'chronyd'],
  smartd: ['smartmontools.service', 'smartd'],
  logind: ['systemd-logind.service', 'systemd-logind', 'systemd-logind'],
  pvestatd: ['pvestatd.service', 'pvestatd'],
  qmeventd: ['qmeventd.service', 'qmeventd'],
  'pve-ha-lrm': ['pve-ha-lrm.service', 'pve-ha-lrm'],
  'pve-ha-crm': ['pve-ha-crm.service', 'pve-ha-crm'],
};
/** Entry of long-running daemon `name` on the current node. */
const d = (g, name, prio, msg) => {
  const [unit, comm, ident = name] = DAEMONS[name];
  return e(ident, g.node.pid[name], prio, msg, unit, comm);
};
/** Entry of a pveproxy worker / pvedaemon worker. */
const proxy = (g, msg, pid = pick(g, g.node.pid.pveproxy)) => e('pveproxy', pid, INFO, msg, 'pveproxy.service', 'pveproxy worker');
const daemonW = (g, msg, pid = worker(g)) => e('pvedaemon', pid, INFO, msg, 'pvedaemon.service', 'pvedaemon worke');
const sys = (prio, msg) => ({ ident: 'systemd', pid: 1, prio, msg, unit: 'init.scope', tr: 'journal' });

const pick = (g, arr) => g.r.pick(arr);
const worker = (g) => pick(g, g.node.pid.pvedaemon);
const vmid = (g) => pick(g, g.node.vmids);
const peerIp = (g) => `10.10.10.${pick(g, [5, 6, 7, 21, 22])}`;
const clientId = (g) => 84000 + g.r.int(0, 9999);

// ---------------------------------------------------------------------------------------------
// Background noise
// ---------------------------------------------------------------------------------------------

const TIMERS = [
  ['pve-daily-update.service', 'Daily PVE download activities'],
  ['apt-daily.service', 'Daily apt download activities'],
  ['logrotate.service', 'Rotate log files'],
  ['man-db.service', 'Daily man-db regeneration'],
  ['systemd-tmpfiles-clean.service', 'Cleanup of Temporary Directories'],
  ['sysstat-collect.service', 'system activity accounting tool'],
  ['e2scrub_all.service', 'Online ext4 Metadata Check for All Filesystems'],
];
const API_PATHS = [
  '/api2/json/cluster/resources',
  '/api2/json/cluster/tasks',
  '/api2/json/nodes/NODE/status',
  '/api2/json/nodes/NODE/tasks?start=0&limit=50',
  '/api2/json/cluster/status',
  '/api2/json/nodes/NODE/qemu/VMID/status/current',
  '/api2/json/nodes/NODE/qemu/VMID/rrddata?timeframe=hour&cf=AVERAGE',
  '/api2/json/nodes/NODE/network',
  '/api2/extjs/nodes/NODE/qemu/VMID/config',
];

export const BACKGROUND = [
  {
    kind: 'ceph-mgr-pgmap',
    weight: 11,
    make: (g) =>
      ceph(
        g,
        'ceph-mgr',
        g.node.pid['ceph-mgr'],
        0,
        `log_channel(cluster) log [DBG] : pgmap v${812000 + (Math.floor(g.t / 2e6) % 900000)}: 193 pgs: 193 active+clean; ` +
          `1.4 TiB data, 4.1 TiB used, 6.4 TiB / 10 TiB avail; ${g.r.int(1, 900)} KiB/s rd, ${(g.r.next() * 9).toFixed(1)} MiB/s wr, ${g.r.int(80, 900)} op/s`,
      ),
  },
  {
    kind: 'ceph-mon-cache-sizes',
    weight: 7,
    make: (g) =>
      ceph(
        g,
        'ceph-mon',
        g.node.pid['ceph-mon'],
        0,
        `mon.${g.node.name}@${g.node.idx}(${g.node.idx === 0 ? 'leader' : 'peon'}).osd e4521 _set_new_cache_sizes cache_size:1020054731 ` +
          `inc_alloc: ${g.r.int(300, 360) * 1048576} full_alloc: ${g.r.int(300, 360) * 1048576} kv_alloc: ${g.r.int(300, 330) * 1048576}`,
      ),
  },
  {
    kind: 'ceph-mon-audit',
    weight: 4,
    make: (g) =>
      ceph(
        g,
        'ceph-mon',
        g.node.pid['ceph-mon'],
        0,
        `log_channel(audit) log [DBG] : from='client.? ${g.node.ip}:0/${g.r.int(100000000, 4200000000)}' entity='client.admin' ` +
          `cmd=[{"prefix":"${pick(g, ['df', 'osd dump', 'status', 'pg dump', 'versions'])}","format":"json"}]: dispatch`,
      ),
  },
  {
    kind: 'pveproxy-access',
    weight: 12,
    make: (g) => {
      const path = pick(g, API_PATHS).replace('NODE', g.node.name).replace('VMID', String(vmid(g)));
      const user = pick(g, ['root@pam', 'root@pam', 'monitoring@pve!grafana', 'alice@pve']);
      return proxy(g, `::ffff:${peerIp(g)} - ${user} [${accessTs(g.t)}] "GET ${path} HTTP/1.1" 200 ${g.r.int(120, 24000)}`);
    },
  },
  {
    kind: 'pveproxy-worker',
    weight: 1,
    make: (g) => {
      const w = freshPid(g);
      const msg = pick(g, [`worker ${w} finished`, 'starting 1 worker(s)', `worker ${w} started`, 'proxy detected vanished client connection']);
      return proxy(g, msg, g.node.pid.pveproxy[0] - 1);
    },
  },
  {
    kind: 'pvedaemon-auth',
    weight: 3,
    make: (g) => daemonW(g, pick(g, ["<root@pam> successful auth for user 'root@pam'", "<alice@pve> successful auth for user 'alice@pve'"])),
  },
  {
    kind: 'pvestatd-update-time',
    weight: 0.5,
    make: (g) => d(g, 'pvestatd', INFO, `status update time (${(5 + g.r.next() * 4).toFixed(3)} seconds)`),
  },
  {
    kind: 'cron',
    weight: 4,
    make: (g) =>
      e(
        'CRON',
        freshPid(g),
        INFO,
        pick(g, [
          'pam_unix(cron:session): session opened for user root(uid=0) by root(uid=0)',
          '(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)',
          '(root) CMD (if [ -x /etc/munin/plugins/apt_all ]; then /etc/munin/plugins/apt_all update 7200 12 >/dev/null; fi)',
          'pam_unix(cron:session): session closed for user root',
        ]),
        'cron.service',
        'cron',
      ),
  },
  {
    kind: 'systemd-session',
    weight: 3,
    make: (g) => {
      const s = 4000 + g.r.int(0, 3000);
      return sys(INFO, pick(g, [`Started session-${s}.scope - Session ${s} of User root.`, `session-${s}.scope: Deactivated successfully.`]));
    },
  },
  {
    kind: 'systemd-timer-unit',
    weight: 2,
    make: (g) => {
      const [unit, desc] = pick(g, TIMERS);
      return sys(INFO, pick(g, [`Starting ${unit} - ${desc}...`, `Finished ${unit} - ${desc}.`, `${unit}: Deactivated successfully.`]));
    },
  },
  {
    kind: 'systemd-logind',
    weight: 1.5,
    make: (g) => {
      const s = 4000 + g.r.int(0, 3000);
      return d(g, 'logind', INFO, pick(g, [`New session ${s} of user root.`, `Session ${s} logged out. Waiting for processes to exit.`, `Removed session ${s}.`]));
    },
  },
  {
    kind: 'sshd',
    weight: 2.5,
    make: (g) => {
      const ip = peerIp(g);
      const port = g.r.int(32768, 60999);
      const msg = pick(g, [
        `Accepted publickey for root from ${ip} port ${port} ssh2: ED25519 SHA256:${g.r.hex(22)}Xq${g.r.hex(19)}`,
        'pam_unix(sshd:session): session opened for user root(uid=0) by root(uid=0)',
        `Received disconnect from ${ip} port ${port}:11: disconnected by user`,
        `Disconnected from user root ${ip} port ${port}`,
        'pam_unix(sshd:session): session closed for user root',
      ]);
      return e('sshd', freshPid(g), INFO, msg, 'ssh.service', 'sshd');
    },
  },
  {
    kind: 'corosync',
    weight: 1.5,
    make: (g) =>
      d(g, 'corosync', pick(g, [NOTICE, INFO]), pick(g, [
        `[TOTEM ] Retransmit List: ${g.r.hex(2)} ${g.r.hex(2)}`,
        `[KNET  ] pmtud: Global data MTU changed to: 1397`,
        `[TOTEM ] Token has not been received in ${g.r.int(2600, 3100)} ms`,
        `[QUORUM] Members[${g.nodes.length}]: ${g.nodes.map((n) => n.idx + 1).join(' ')}`,
        `[KNET  ] link: host: ${g.r.int(1, g.nodes.length)} link: 0 is up`,
      ])),
  },
  {
    kind: 'pmxcfs',
    weight: 3,
    make: (g) => {
      const v = vmid(g);
      const now = Math.floor(g.t / 1e6);
      const rrd = `/var/lib/rrdcached/db/pve2-vm/${v}`;
      return d(g, 'pmxcfs', NOTICE, pick(g, [
        '[status] notice: received log',
        '[dcdb] notice: data verification successful',
        '[status] notice: received log',
        `[status] notice: RRD update error ${rrd}: ${rrd}: illegal attempt to update using time ${now} when last update time is ${now} (minimum one second step)`,
      ]));
    },
  },
  {
    kind: 'kernel-tap',
    weight: 2,
    make: (g) => {
      const v = vmid(g);
      return k(INFO, pick(g, [
        `tap${v}i0: entered promiscuous mode`,
        `vmbr0: port ${g.r.int(2, 14)}(fwpr${v}p0) entered forwarding state`,
        `fwbr${v}i0: port 2(tap${v}i0) entered blocking state`,
        `fwln${v}i0 (unregistering): left allmulticast mode`,
        `fwbr${v}i0: port 1(fwln${v}i0) entered disabled state`,
      ]));
    },
  },
  {
    kind: 'kernel-misc',
    weight: 0.4,
    make: (g) =>
      k(WARNING, pick(g, [
        `perf: interrupt took too long (${g.r.int(2501, 4000)} > 2500), lowering kernel.perf_event_max_sample_rate to ${g.r.int(40, 79) * 1000}`,
        `x86/split lock detection: #AC: CPU ${g.r.int(0, 7)}/KVM/${freshPid(g)} took a split_lock trap at address: 0x7ef${g.r.hex(5)}`,
      ])),
  },
  {
    kind: 'postfix',
    weight: 1.5,
    make: (g) => {
      const q = g.r.hex(10).toUpperCase();
      const which = g.r.int(0, 2);
      const unit = 'postfix@-.service';
      if (which === 0) return e('postfix/pickup', g.node.pid.pickup, INFO, `${q}: uid=0 from=<root>`, unit, 'pickup');
      if (which === 1)
        return e('postfix/qmgr', g.node.pid.qmgr, INFO, `${q}: from=<root@${g.node.name}.example.com>, size=${g.r.int(600, 9000)}, nrcpt=1 (queue active)`, unit, 'qmgr');
      const msg =
        `${q}: to=<ops@example.com>, relay=mail.example.com[10.10.0.25]:25, delay=0.${g.r.int(10, 99)}, delays=0.01/0/0.1/0.2, ` +
        `dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${g.r.hex(10).toUpperCase()})`;
      return e('postfix/smtp', freshPid(g), INFO, msg, unit, 'smtp');
    },
  },
  {
    kind: 'chronyd',
    weight: 0.8,
    make: (g) =>
      d(g, 'chronyd', INFO, pick(g, [
        `Selected source 192.0.2.${g.r.int(2, 250)} (2.debian.pool.ntp.org)`,
        `Source 198.51.100.${g.r.int(2, 250)} replaced with 203.0.113.${g.r.int(2, 250)} (2.debian.pool.ntp.org)`,
        `Can't synchronise: no majority`,
      ])),
  },
  {
    kind: 'smartd',
    weight: 1,
    make: (g) => {
      const t = g.r.int(28, 45);
      const dev = pick(g, ['a', 'b', 'c', 'd']);
      return d(g, 'smartd', INFO, `Device: /dev/sd${dev} [SAT], SMART Usage Attribute: 194 Temperature_Celsius changed from ${t} to ${t + pick(g, [-1, 1])}`);
    },
  },
  {
    kind: 'pve-ha',
    weight: 0.5,
    make: (g) =>
      g.r.chance(0.5)
        ? d(g, 'pve-ha-lrm', INFO, `successfully acquired lock 'ha_agent_${g.node.name}_lock'`)
        : d(g, 'pve-ha-crm', INFO, 'status change wait_for_quorum => slave'),
  },
  {
    kind: 'ceph-osd-heartbeat',
    weight: 0.3,
    make: (g) => {
      const osd = pick(g, g.node.osds);
      const iso = (ms) => new Date(g.t / 1000 - ms).toISOString();
      return ceph(
        g,
        'ceph-osd',
        g.node.pid['ceph-osd'][osd % 2],
        -1,
        `osd.${osd} 4521 heartbeat_check: no reply from 10.10.10.${11 + g.r.int(0, g.nodes.length - 1)}:${g.r.int(6800, 6830)} osd.${g.r.int(0, 7)} ` +
          `since back ${iso(21000)} front ${iso(21000)} (oldest deadline ${iso(1000)})`,
      );
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Benign look-alikes
// ---------------------------------------------------------------------------------------------

const look = (dt, e) => ({ dt, e, role: 'lookalike' });
const RBD_SUPPORT = [
  'MirrorSnapshotScheduleHandler: load_schedules',
  'TrashPurgeScheduleHandler: load_schedules',
  'load_schedules: vmdata, start_after=',
  'load_schedules: vmfast, start_after=',
  'PerfHandler: tick',
];

/** OSD `get_health_metrics` slow-op report naming object + op `objOp` (benign: a busy cluster). */
function osdSlowOp(g, objOp) {
  const osd = pick(g, g.node.osds);
  const req = `client.${clientId(g)}.0:${g.r.int(10, 999999)} 2.${g.r.hex(2)} 2:${g.r.hex(8)}:::${objOp}`;
  const text = `osd.${osd} 4521 get_health_metrics reporting ${g.r.int(1, 30)} slow ops, oldest is osd_op(${req} ondisk+write+known_if_redirected e4521)`;
  return ceph(g, 'ceph-osd', g.node.pid['ceph-osd'][osd % 2], -1, text);
}

export const LOOKALIKES = [
  {
    kind: 'mgr-rbd-support',
    make: (g) => [look(0, ceph(g, 'ceph-mgr', g.node.pid['ceph-mgr'], 0, `[rbd_support INFO root] ${pick(g, RBD_SUPPORT)}`))],
  },
  {
    kind: 'osd-slow-op-rbd-data',
    make: (g) => {
      const len = pick(g, [4096, 65536, 131072]);
      const op = `rbd_data.${g.r.hex(12)}.${g.r.hex(16)}:head [write ${g.r.int(0, 4000) * 4096}~${len} in=${len}b]`;
      return [look(0, osdSlowOp(g, op))];
    },
  },
  {
    kind: 'osd-slow-op-rbd-header',
    make: (g) => {
      const op = `rbd_header.${g.r.hex(12)}:head [watch ping cookie ${g.r.int(10000000, 99999999)}${g.r.int(1000000, 9999999)} gen ${g.r.int(1, 9)}]`;
      return [look(0, osdSlowOp(g, op))];
    },
  },
  {
    kind: 'rbdmap-service',
    make: () => [look(0, sys(INFO, 'Starting rbdmap.service - Map RBD devices...')), look(0.2, sys(INFO, 'Finished rbdmap.service - Map RBD devices.'))],
  },
  {
    kind: 'krbd-capacity',
    make: (g) => {
      const dev = g.r.int(0, 15);
      const out = [look(0, k(INFO, `rbd: rbd${dev}: capacity ${pick(g, [8, 32, 64, 100, 500]) * 1073741824} features 0x${pick(g, ['3d', '1', '3d', '5'])}`))];
      if (g.r.chance(0.2)) out.unshift(look(0, k(INFO, 'rbd: loaded (major 252)')));
      return out;
    },
  },
  {
    kind: 'libceph-session',
    make: (g) => [
      look(0, k(INFO, `libceph: mon${g.r.int(0, 2)} (1)10.10.10.${11 + g.r.int(0, 2)}:6789 session established`)),
      look(0.01, k(INFO, `libceph: client${clientId(g)} fsid ${fsid()}`)),
    ],
  },
  {
    kind: 'libceph-socket-closed',
    make: (g) => [look(0, k(INFO, `libceph: osd${g.r.int(0, 7)} (1)10.10.10.${11 + g.r.int(0, 2)}:${g.r.int(6800, 6830)} socket closed (con state OPEN)`))],
  },
  {
    kind: 'qmstart-ok',
    make: (g) => {
      const node = g.node;
      const w = worker(g);
      const tp = freshPid(g);
      const v = vmid(g);
      const u = upid(g, node, tp, 'qmstart', v);
      return [
        look(0, daemonW(g, `<root@pam> starting task ${u}`, w)),
        look(0.02, e('pvedaemon', tp, INFO, `start VM ${v}: ${u}`, 'pvedaemon.service', 'task UPID:' + node.name)),
        look(0.6, sys(INFO, `Started ${v}.scope.`)),
        look(1.4, e('pvedaemon', tp, INFO, `VM ${v} started with PID ${freshPid(g)} using pve-qemu-kvm 9.2.0-5.`, 'pvedaemon.service', 'task UPID:' + node.name)),
        look(1.5, daemonW(g, `<root@pam> end task ${u} OK`, w)),
      ];
    },
  },
  {
    kind: 'task-ok-rbd-storage',
    make: (g) => {
      const w = worker(g);
      const tp = freshPid(g);
      const v = vmid(g);
      const type = pick(g, ['qmsnapshot', 'qmclone', 'qmmove', 'qmdelsnapshot', 'vzdump']);
      const u = upid(g, g.node, tp, type, v);
      return [
        look(0, daemonW(g, `<root@pam> starting task ${u}`, w)),
        look(g.r.int(2, 40), daemonW(g, `<root@pam> end task ${u} OK`, w)),
      ];
    },
  },
  {
    kind: 'qmeventd-cleanup',
    make: (g) => {
      const v = vmid(g);
      return [
        look(0, d(g, 'qmeventd', INFO, `Starting cleanup for ${v}`)),
        look(0.4, d(g, 'qmeventd', INFO, `Finished cleanup for ${v}`)),
      ];
    },
  },
  {
    kind: 'pveproxy-storage-content',
    make: (g) => {
      const store = pick(g, ['ceph-rbd', 'ceph-vm']);
      const what = pick(g, ['content?content=images', 'status', 'rrddata?timeframe=hour&cf=AVERAGE']);
      const path = `/api2/json/nodes/${g.node.name}/storage/${store}/${what}`;
      return [look(0, proxy(g, `::ffff:${peerIp(g)} - root@pam [${accessTs(g.t)}] "GET ${path} HTTP/1.1" 200 ${g.r.int(200, 9000)}`))];
    },
  },
  {
    kind: 'pvedaemon-update-vm-rbd-disk',
    make: (g) => {
      const opts = `-scsi${g.r.int(1, 4)} ceph-rbd:${pick(g, [16, 32, 64, 100])},discard=on,iothread=1,ssd=1`;
      return [look(0, daemonW(g, `<root@pam> update VM ${vmid(g)}: ${opts}`))];
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Real failures
// ---------------------------------------------------------------------------------------------

const AUTH = ['client-mismatch', 'key-stale'];
const fail = (dt, e, kind, ...causes) => ({ dt, e, role: 'failure', kind, causes });
const ctx = (dt, e) => ({ dt, e, role: 'context' });
const storage = (g, pred = () => true) => pick(g, STORAGES.filter(pred));
const disk = (v, n = 0) => `vm-${v}-disk-${n}`;

/**
 * A task forked by a pvedaemon worker (section 2.1): `starting task`, the task's own lines (from
 * `body(taskPid)`), its error line and `end task … <error>`. Returns steps.
 */
function failedTask(g, type, id, body, error, errorCauses, { dtEnd = 1.2, errorKind = 'task-error' } = {}) {
  const node = g.node;
  const w = worker(g);
  const tp = freshPid(g);
  const u = upid(g, node, tp, type, id);
  const taskComm = 'task UPID:' + node.name;
  const t = (prio, msg) => e('pvedaemon', tp, prio, msg, 'pvedaemon.service', taskComm);
  const steps = [ctx(0, daemonW(g, `<root@pam> starting task ${u}`, w))];
  steps.push(...body(t, u));
  steps.push(fail(dtEnd, t(ERR, error), errorKind, ...errorCauses));
  steps.push(fail(dtEnd + 0.01, daemonW(g, `<root@pam> end task ${u} ${error}`, w), 'end-task-error', ...errorCauses));
  return steps;
}

/** A failed `qmstart` task of VM `v`: `start VM <v>: <upid>`, then `body(t)` lines, then the error. */
function failedStartTask(g, v, body, error, errorCauses, opts) {
  return failedTask(g, 'qmstart', v, (t, u) => [ctx(0.02, t(INFO, `start VM ${v}: ${u}`)), ...body(t)], error, errorCauses, opts);
}

/** A failed start whose QEMU printed `kvmLine(vmid)` (section 10 A); `pre` adds Ceph lines before it. */
function failedStart(g, kvmLine, kvmCauses, kvmKind, pre = []) {
  const v = vmid(g);
  return failedStartTask(
    g,
    v,
    (t) => [
      ...pre.map(([dt, msg, kind, causes]) => fail(dt, t(ERR, msg), kind, ...causes)),
      fail(0.9, t(ERR, kvmLine(v)), kvmKind, ...kvmCauses),
    ],
    'start failed: QEMU exited with code 1',
    ['unknown'],
  );
}

/** A krbd start whose map is refused (section 10 B): the errno is only in the kernel line. */
function failedMap(g, kernel, kernelKind, kernelCauses) {
  const v = vmid(g);
  return failedStartTask(
    g,
    v,
    () => [fail(0.4, kernel(v), kernelKind, ...kernelCauses)],
    `can't map rbd volume ${disk(v)}: rbd: sysfs write failed`,
    ['krbd-features'],
    { errorKind: 'cant-map-sysfs-write-failed' },
  );
}

const driveLine = (g, st, opts) => (v) => `kvm: -drive ${driveArg(st, disk(v), 'scsi0', opts)}: `;
const blockdevLine = (g, st, opts) => (v) => `kvm: -blockdev ${blockdevJson(st, v, disk(v), 'scsi0', opts)}: `;

/** pvestatd warning repeated every status cycle (~10 s) for a while (section 2.6, 10 E). */
function pvestatdRepeat(g, msg, kind, causes) {
  const n = g.r.int(2, 6);
  const out = [];
  for (let i = 0; i < n; i++) out.push(fail(i * 10 + g.r.next(), d(g, 'pvestatd', WARNING, msg), kind, ...causes));
  return out;
}

export const FAILURES = [
  {
    kind: 'drive-connect-eacces',
    causes: AUTH,
    make: (g) => {
      const st = storage(g);
      const pre = g.r.chance(0.5)
        ? [[0.5, cephPrefix(g, -1) + 'monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [2]', 'ceph-auth-bad-method-2-2', AUTH]]
        : [];
      const errText = pick(g, ['Permission denied', 'Operation not permitted']);
      return failedStart(g, (v) => driveLine(g, st)(v) + `error connecting: ${errText}`, AUTH, 'qemu-error-connecting', pre);
    },
  },
  {
    kind: 'drive-auth-none-keyring-missing',
    causes: ['keyring-missing'],
    make: (g) => {
      const st = STORAGES.find((s) => s.external);
      return failedStart(
        g,
        (v) => driveLine(g, st, { authNone: true })(v) + `error connecting: ${pick(g, ['Operation not supported', 'Permission denied'])}`,
        ['keyring-missing'],
        'qemu-error-connecting-auth-none',
        [[0.5, cephPrefix(g, -1) + 'monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [1]', 'ceph-auth-bad-method-2-1', ['keyring-missing']]],
      );
    },
  },
  {
    kind: 'blockdev-connect-eacces',
    causes: AUTH,
    make: (g) => failedStart(g, (v) => blockdevLine(g, storage(g))(v) + 'error connecting: Permission denied', AUTH, 'qemu-error-connecting'),
  },
  {
    kind: 'blockdev-header-eperm',
    causes: ['caps-insufficient'],
    make: (g) => failedStart(g, (v) => blockdevLine(g, storage(g))(v) + `error reading header from ${disk(v)}: Operation not permitted`, ['caps-insufficient'], 'qemu-error-reading-header'),
  },
  {
    kind: 'drive-header-eperm',
    causes: ['caps-insufficient'],
    make: (g) => failedStart(g, (v) => driveLine(g, storage(g))(v) + `error reading header from ${disk(v)}: Operation not permitted`, ['caps-insufficient'], 'qemu-error-reading-header'),
  },
  {
    kind: 'blockdev-header-enoent',
    causes: ['image-not-found'],
    make: (g) => failedStart(g, (v) => blockdevLine(g, storage(g))(v) + `error reading header from ${disk(v)}: No such file or directory`, ['image-not-found'], 'qemu-error-reading-header'),
  },
  {
    kind: 'blockdev-header-blocklisted',
    causes: ['image-busy'],
    make: (g) =>
      failedStart(g, (v) => blockdevLine(g, storage(g))(v) + `error reading header from ${disk(v)}: Cannot send after transport endpoint shutdown`, ['image-busy'], 'qemu-error-reading-header'),
  },
  {
    kind: 'drive-open-pool-enoent',
    causes: ['config-split', 'image-not-found'],
    make: (g) => {
      const st = storage(g, (s) => !s.external);
      return failedStart(g, (v) => driveLine(g, st)(v) + `error opening pool ${st.pool}: No such file or directory`, ['config-split', 'image-not-found'], 'qemu-error-opening-pool');
    },
  },
  {
    kind: 'drive-conf-missing',
    causes: ['config-split'],
    make: (g) => {
      const st = storage(g);
      return failedStart(g, (v) => driveLine(g, st)(v) + `error reading conf file ${st.conf}: No such file or directory`, ['config-split'], 'qemu-error-reading-conf');
    },
  },
  {
    kind: 'drive-connect-enoent',
    causes: ['config-split', 'keyring-missing'],
    make: (g) => failedStart(g, (v) => driveLine(g, storage(g))(v) + 'error connecting: No such file or directory', ['config-split', 'keyring-missing'], 'qemu-error-connecting'),
  },
  {
    kind: 'drive-connect-timeout',
    causes: ['mon-unreachable'],
    make: (g) =>
      failedStart(g, (v) => driveLine(g, storage(g))(v) + 'error connecting: Connection timed out', ['mon-unreachable'], 'qemu-error-connecting', [
        [0.5, cephPrefix(g, 0) + 'monclient(hunting): authenticate timed out after 300', 'ceph-authenticate-timed-out', ['mon-unreachable']],
      ]),
  },
  {
    kind: 'start-got-timeout',
    causes: ['mon-unreachable'],
    make: (g) => {
      const v = vmid(g);
      const cmd = kvmCmdline(g, v, storage(g), disk(v));
      const opts = { dtEnd: 31, errorKind: 'start-failed-got-timeout' };
      return failedStartTask(g, v, () => [], `start failed: command '${cmd}' failed: got timeout`, ['mon-unreachable'], opts);
    },
  },
  {
    kind: 'pvestatd-got-timeout',
    causes: ['mon-unreachable'],
    make: (g) => pvestatdRepeat(g, 'got timeout', 'pvestatd-got-timeout', ['mon-unreachable']),
  },
  {
    kind: 'pvestatd-rados-connect-timeout',
    causes: ['mon-unreachable'],
    make: (g) => pvestatdRepeat(g, 'rados_connect failed - Connection timed out', 'pvestatd-rados-connect', ['mon-unreachable']),
  },
  {
    kind: 'pvestatd-rados-connect-enoent',
    causes: ['config-split', 'keyring-missing'],
    make: (g) => pvestatdRepeat(g, 'rados_connect failed - No such file or directory', 'pvestatd-rados-connect', ['config-split', 'keyring-missing']),
  },
  {
    kind: 'rbd-ls-enoent',
    // Real captures: `rbd ls` prints this line too when the keyring file is missing (connect failed).
    causes: ['image-not-found', 'keyring-missing'],
    make: (g) => failedTask(g, 'qmclone', vmid(g), () => [], 'rbd error: rbd: listing images failed: (2) No such file or directory', ['image-not-found', 'keyring-missing']),
  },
  {
    kind: 'rbd-ls-eperm',
    // Real captures: a refused key at connect ends in the same line, so auth causes are possible too.
    causes: ['caps-insufficient', 'client-mismatch', 'key-stale'],
    make: (g) => failedTask(g, 'qmmove', vmid(g), () => [], 'rbd error: rbd: listing images failed: (1) Operation not permitted', ['caps-insufficient', 'client-mismatch', 'key-stale']),
  },
  {
    kind: 'rbd-couldnt-connect',
    causes: ['mon-unreachable', 'config-split', 'keyring-missing', 'client-mismatch', 'key-stale'],
    make: (g) =>
      failedTask(g, 'qmclone', vmid(g), () => [], "rbd error: rbd: couldn't connect to the cluster!", ['mon-unreachable', 'config-split', 'keyring-missing', 'client-mismatch', 'key-stale']),
  },
  {
    kind: 'rbd-create-eperm',
    causes: ['caps-insufficient'],
    make: (g) => {
      const v = vmid(g);
      return failedTask(g, 'qmcreate', v, () => [], `rbd create '${disk(v, 1)}' error: rbd: create error: (1) Operation not permitted`, ['caps-insufficient']);
    },
  },
  {
    kind: 'rbd-create-keyring-missing',
    causes: ['keyring-missing'],
    make: (g) => {
      const v = vmid(g);
      const st = storage(g);
      return failedTask(
        g,
        'qmcreate',
        v,
        () => [],
        `rbd create '${disk(v, 1)}' error: ${cephPrefix(g, -1)}auth: unable to find a keyring on /etc/pve/priv/ceph/${st.id}.keyring: (2) No such file or directory`,
        ['keyring-missing'],
      );
    },
  },
  {
    kind: 'krbd-map-auth',
    causes: AUTH,
    make: (g) => failedMap(g, () => k(ERR, "libceph: auth method 'x' error -13"), 'kernel-libceph-auth', AUTH),
  },
  {
    kind: 'krbd-map-features',
    causes: ['krbd-features'],
    make: (g) =>
      failedMap(g, (v) => k(WARNING, `rbd: image ${disk(v)}: image uses unsupported features: 0x38`), 'kernel-rbd-unsupported-features', ['krbd-features']),
  },
  {
    kind: 'cfs-lock-timeout',
    causes: ['image-busy'],
    make: (g) => {
      const st = storage(g);
      return failedTask(g, 'qmcreate', vmid(g), () => [], `cfs-lock 'storage-${st.id}' error: got lock request timeout`, ['image-busy'], { dtEnd: 10.2 });
    },
  },
  {
    kind: 'rbd-rm-watchers',
    causes: ['image-busy'],
    make: (g) => {
      const v = vmid(g);
      const st = storage(g);
      return failedTask(g, 'imgdel', `${v}@${st.id}`, () => [], `rbd rm '${disk(v)}' error: rbd: error: image still has watchers`, ['image-busy']);
    },
  },
];

export const PRIORITIES = { ERR, WARNING, NOTICE, INFO, DEBUG };

// ---------------------------------------------------------------------------------------------
// Hyper-converged profile: every node runs Ceph mons/OSDs next to the VMs, so the journal carries
// Ceph's own chatter that names rbd or keyrings, pvestatd polling through outages, and an NFS
// backup storage that comes and goes. Used by `generate.js --hyperconverged`.
// ---------------------------------------------------------------------------------------------

const MGR_RBD_SCHEDULES = ['mirror_snapshot_schedule', 'trash_purge_schedule'];

/** Background-rate lines that name rbd or a keyring but are no failure (role 'lookalike'). */
export const HC_BACKGROUND = [
  {
    // The mgr's rbd_support module clears its schedule options on every refresh; the mon audits it.
    kind: 'ceph-mon-audit-rbd-support',
    weight: 0.35,
    role: 'lookalike',
    make: (g) =>
      ceph(
        g,
        'ceph-mon',
        g.node.pid['ceph-mon'],
        0,
        `log_channel(audit) log [INF] : from='mgr.${14100 + g.node.idx} ${g.node.ip}:0/${g.r.int(1000, 9999)}' entity='mgr.${g.node.name}' ` +
          `cmd=[{"prefix":"config rm","who":"mgr","name":"mgr/rbd_support/${g.node.name}/${pick(g, MGR_RBD_SCHEDULES)}"}]: dispatch`,
      ),
  },
  {
    // ceph-crash tries to post an old crash report with a keyring the node never got.
    kind: 'ceph-crash-keyring',
    weight: 0.2,
    role: 'lookalike',
    make: (g) =>
      e(
        pick(g, ['ceph-crash', 'python3']),
        g.node.pid.pvestatd - 150,
        WARNING,
        `WARNING:ceph-crash:post /var/lib/ceph/crash/2024-11-0${g.r.int(1, 9)}T0${g.r.int(1, 9)}:12:44.${g.r.int(100000, 999999)}Z_${g.r.hex(8)}-${g.r.hex(4)}-${g.r.hex(4)}-${g.r.hex(4)}-${g.r.hex(12)} ` +
          `as client.crash.${g.node.name} failed: ${cephPrefix(g, -1)}auth: unable to find a keyring on /etc/pve/priv/ceph.client.crash.${g.node.name}.keyring: (2) No such file or directory`,
        'ceph-crash.service',
        pick(g, ['ceph-crash', 'python3']),
      ),
  },
];

/** An NFS storage offline for a while: pvestatd says so every cycle, with a bare `got timeout`. */
const HC_LOOKALIKES = [
  {
    kind: 'nfs-not-online',
    make: (g) => {
      const n = g.r.int(2, 6);
      const out = [];
      for (let i = 0; i < n; i++) {
        out.push(look(i * 10 + g.r.next(), d(g, 'pvestatd', WARNING, 'got timeout')));
        out.push(look(i * 10 + 0.5 + g.r.next(), d(g, 'pvestatd', WARNING, "storage 'nfs-backup' is not online")));
      }
      return out;
    },
  },
];

/** A monitor outage seen by pvestatd: rados_connect timeouts (the failure) between bare `got timeout`s. */
const HC_FAILURES = [
  {
    kind: 'pvestatd-mon-outage',
    causes: ['mon-unreachable'],
    make: (g) => {
      const n = g.r.int(3, 8);
      const out = [];
      for (let i = 0; i < n; i++) {
        out.push({ dt: i * 10 + g.r.next(), e: d(g, 'pvestatd', WARNING, 'got timeout'), role: 'context' });
        out.push(fail(i * 10 + 1 + g.r.next(), d(g, 'pvestatd', WARNING, 'rados_connect failed - Connection timed out'), 'pvestatd-rados-connect', 'mon-unreachable'));
      }
      return out;
    },
  },
];

/**
 * Template sets by profile. The hyper-converged one drops the bare-`got timeout` scenario (alone it
 * names no storage, so it is noise there) and adds the sets above.
 */
export const PROFILES = {
  default: { nodes: 4, background: BACKGROUND, lookalikes: LOOKALIKES, failures: FAILURES },
  hyperconverged: {
    nodes: 5,
    background: [...BACKGROUND, ...HC_BACKGROUND],
    lookalikes: [...LOOKALIKES, ...HC_LOOKALIKES],
    failures: [...FAILURES.filter((f) => f.kind !== 'pvestatd-got-timeout'), ...HC_FAILURES],
  },
};
