// The simulated cluster: nodes, their long-running daemons, storages and VMs, plus builders
// for the compound strings Proxmox and Ceph print (UPID, Ceph log prefix, QEMU -drive and
// -blockdev arguments, the kvm command line). Formats follow docs/message-catalog.md
// ("How a message reaches the log", "Wrapper layers").
import { createHash } from 'node:crypto';

/** Fixed UTC offset of the simulated nodes (Europe/Paris in winter; no DST within 60 days). */
export const TZ_OFFSET_S = 3600;
/** Default start: Monday 13 January 2025 00:00:00 +01:00. */
export const DEFAULT_START_S = Date.UTC(2025, 0, 12, 23, 0, 0) / 1000;

/** RBD storages as they would be defined in /etc/pve/storage.cfg. */
export const STORAGES = [
  // pveceph-managed cluster: conf /etc/pve/ceph.conf, no monhost
  { id: 'ceph-vm', pool: 'vmdata', conf: '/etc/pve/ceph.conf', user: 'pve', external: false },
  { id: 'ceph-rbd', pool: 'vmfast', conf: '/etc/pve/ceph.conf', user: 'admin', external: false },
  // external cluster: per-storage conf, mon_host list, cephx
  {
    id: 'ext-ceph',
    pool: 'tenant-a',
    conf: '/etc/pve/priv/ceph/ext-ceph.conf',
    user: 'pve',
    external: true,
    mons: ['10.20.0.11', '10.20.0.12', '10.20.0.13'],
  },
];

const CEPH_FSID = '3f1a9c2e-7b4d-4e21-9a6f-2c8d5e0b7a41';
export const fsid = () => CEPH_FSID;

/** Creates the per-node state: name, address, daemon PIDs, VMs, boot ids. */
export function makeNodes(r, count, startS) {
  const nodes = [];
  for (let i = 0; i < count; i++) {
    const base = 900 + r.int(0, 300);
    const node = {
      idx: i,
      name: `pve${i + 1}`,
      ip: `10.10.10.${11 + i}`,
      bootId: r.hex(32),
      machineId: r.hex(32),
      seqnumId: r.hex(32),
      seq: r.int(1000, 900000),
      bootS: startS - r.int(3600 * 5, 3600 * 24 * 60),
      nextPid: 40000 + r.int(0, 20000),
      pid: {
        systemd: 1,
        journald: base - 300,
        udevd: base - 280,
        logind: base - 10,
        chronyd: base + 2,
        smartd: base + 6,
        corosync: base + 40,
        pmxcfs: base + 20,
        'ceph-mon': base + 60,
        'ceph-mgr': base + 61,
        'ceph-osd': [base + 70, base + 71],
        qmgr: base + 120,
        pickup: 80000 + r.int(0, 9000),
        pvestatd: base + 200,
        pvedaemon: [base + 210, base + 211, base + 212],
        pveproxy: [base + 230, base + 231, base + 232],
        'pve-ha-crm': base + 240,
        'pve-ha-lrm': base + 250,
        pvescheduler: base + 260,
        qmeventd: base + 30,
        sshd: base + 90,
      },
      osds: [i * 2, i * 2 + 1],
      vmids: Array.from({ length: 12 }, (_, k) => 100 + i * 100 + k + (k > 5 ? 10 : 0)),
    };
    nodes.push(node);
  }
  return nodes;
}

/** A fresh process id on `node` (forked workers, cron jobs, ssh sessions). */
export function freshPid(g, node = g.node) {
  node.nextPid += g.r.int(1, 40);
  if (node.nextPid > 4194000) node.nextPid = 3000;
  return node.nextPid;
}

const pad2 = (n) => (n < 10 ? '0' + n : '' + n);
const pad3 = (n) => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);

/** Ceph client/daemon log timestamp (Octopus+, coarse clock): 2025-01-14T10:00:00.123+0100. */
export function cephTs(tUs) {
  const d = new Date(Math.floor(tUs / 1000) + TZ_OFFSET_S * 1000);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad3(d.getUTCMilliseconds())}+0100`
  );
}

/** `<ts> <tid> <prio> ` prefix of a Ceph log line (section 3.3); prio is -1 or 0. */
export function cephPrefix(g, prio) {
  return `${cephTs(g.t)} 7f${g.r.hex(10)} ${prio === 0 ? ' 0' : '-1'} `;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** pveproxy access-log stamp: 14/01/2025:10:00:00 +0100. */
export function accessTs(tUs) {
  const d = new Date(Math.floor(tUs / 1000) + TZ_OFFSET_S * 1000);
  return `${pad2(d.getUTCDate())}/${pad2(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0100`;
}
export { MONTHS };

const hex8 = (n) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** A UPID (section 7) for a task forked now on `node` with process id `pid`. */
export function upid(g, node, pid, type, id, user = 'root@pam') {
  const pstart = (node.bootS > 0 ? Math.floor((g.t / 1e6 - node.bootS) * 100) : 0) >>> 0;
  return `UPID:${node.name}:${hex8(pid)}:${hex8(pstart)}:${hex8(Math.floor(g.t / 1e6))}:${type}:${id}:${user}:`;
}

/** The QEMU `-drive` argument Proxmox builds for a librbd volume (section 5.2, pve-storage >= 5.0-21). */
export function driveArg(st, image, drive = 'scsi0', { authNone = false } = {}) {
  let file = `rbd:${st.pool}/${image}:conf=${st.conf}`;
  if (st.external) file += `:mon_host=${st.mons.join(';')}:auth_supported=${authNone ? 'none' : 'cephx'}`;
  if (!authNone) file += `:id=${st.user}:keyring=/etc/pve/priv/ceph/${st.id}.keyring`;
  return `file=${file},if=none,id=drive-${drive},discard=on,format=raw,cache=none,aio=io_uring,detect-zeroes=unmap`;
}

function nodeName(prefix, text) {
  return prefix + createHash('sha256').update(text).digest('hex').slice(0, 30);
}

/** The PVE 9 `-blockdev` JSON (section 6): canonical, sorted keys, no whitespace. */
export function blockdevJson(st, vmid, image, drive = 'scsi0', { authNone = false } = {}) {
  const volid = `${st.id}:${image}`;
  const rbd = {};
  if (st.external) rbd['auth-client-required'] = [authNone ? 'none' : 'cephx'];
  rbd.cache = { direct: true, 'no-flush': false };
  rbd.conf = st.conf;
  rbd['detect-zeroes'] = 'unmap';
  rbd.discard = 'unmap';
  rbd.driver = 'rbd';
  rbd.image = image;
  rbd['node-name'] = nodeName('e', `drive=${drive},volid=${volid}`);
  rbd.pool = st.pool;
  rbd['read-only'] = false;
  if (st.external) rbd.server = st.mons.map((host) => ({ host, port: '3300' }));
  if (!authNone) rbd.user = st.user;
  return JSON.stringify({
    'detect-zeroes': 'unmap',
    discard: 'unmap',
    driver: 'throttle',
    file: {
      cache: { direct: true, 'no-flush': false },
      'detect-zeroes': 'unmap',
      discard: 'unmap',
      driver: 'raw',
      file: rbd,
      'node-name': nodeName('f', `drive=${drive},volid=${volid}`),
      'read-only': false,
    },
    'node-name': `drive-${drive}`,
    'read-only': false,
    'throttle-group': `throttle-drive-${drive}`,
  });
}

/** A shell-quoted `/usr/bin/kvm …` command line as PVE's cmd2string prints it (abridged but realistic). */
export function kvmCmdline(g, vmid, st, image) {
  const uuid = `${g.r.hex(8)}-${g.r.hex(4)}-4${g.r.hex(3)}-a${g.r.hex(3)}-${g.r.hex(12)}`;
  const mem = g.r.pick([2048, 4096, 8192, 16384]);
  const cores = g.r.pick([2, 4, 8]);
  return (
    `/usr/bin/kvm -id ${vmid} -name 'vm${vmid},debug-threads=on' -no-shutdown ` +
    `-chardev 'socket,id=qmp,path=/var/run/qemu-server/${vmid}.qmp,server=on,wait=off' -mon 'chardev=qmp,mode=control' ` +
    `-chardev 'socket,id=qmp-event,path=/var/run/qmeventd.sock,reconnect-ms=5000' -mon 'chardev=qmp-event,mode=control' ` +
    `-pidfile /var/run/qemu-server/${vmid}.pid -daemonize -smbios 'type=1,uuid=${uuid}' ` +
    `-smp '${cores},sockets=1,cores=${cores},maxcpus=${cores}' -nodefaults ` +
    `-boot 'menu=on,strict=on,reboot-timeout=1000,splash=/usr/share/qemu-server/bootsplash.jpg' ` +
    `-vnc 'unix:/var/run/qemu-server/${vmid}.vnc,password=on' -cpu 'x86-64-v2-AES,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,vendor=GenuineIntel' ` +
    `-m ${mem} -device 'pci-bridge,id=pci.1,chassis_nr=1,bus=pci.0,addr=0x1e' -device 'pci-bridge,id=pci.2,chassis_nr=2,bus=pci.0,addr=0x1f' ` +
    `-device 'vmgenid,guid=${g.r.hex(8)}-${g.r.hex(4)}-${g.r.hex(4)}-${g.r.hex(4)}-${g.r.hex(12)}' -device 'piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2' ` +
    `-device 'VGA,id=vga,bus=pci.0,addr=0x2' -device 'virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x3,free-page-reporting=on' ` +
    `-iscsi 'initiator-name=iqn.1993-08.org.debian:01:${g.r.hex(12)}' -device 'virtio-scsi-single,id=virtioscsi0,bus=pci.3,addr=0x1' ` +
    `-drive '${driveArg(st, image)}' ` +
    `-device 'scsi-hd,bus=virtioscsi0.0,channel=0,scsi-id=0,lun=0,drive=drive-scsi0,id=scsi0,rotation_rate=1,bootindex=100' ` +
    `-netdev 'type=tap,id=net0,ifname=tap${vmid}i0,script=/var/lib/qemu-server/pve-bridge,downscript=/var/lib/qemu-server/pve-bridgedown,vhost=on' ` +
    `-device 'virtio-net-pci,mac=BC:24:11:${g.r.hex(2).toUpperCase()}:${g.r.hex(2).toUpperCase()}:${g.r.hex(2).toUpperCase()},netdev=net0,bus=pci.0,addr=0x12,id=net0,rx_queue_size=1024,tx_queue_size=256' ` +
    `-machine 'type=pc-i440fx-9.0+pve0'`
  );
}
