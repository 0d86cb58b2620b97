/**
 * The option table: every command, option, default and help text, in one place. The fast
 * parser (yargs-parser, src/cli/parse-args.ts) and full yargs (src/cli/yargs-shell.ts, only for
 * --help and usage errors) both read it, so they cannot disagree.
 */
import { INPUT_FORMATS } from '../types.js';

/** One option: how it parses, what --help says, which values are allowed. */
export interface OptionSpec {
  readonly type: 'string' | 'number' | 'boolean';
  readonly describe: string;
  readonly alias?: string;
  readonly default?: string | number | boolean;
  readonly choices?: readonly string[];
  /** Given several times, each occurrence with exactly one value (`--node a --node b FILE`). */
  readonly repeatable?: boolean;
  /** Numbers: only integers. */
  readonly integer?: boolean;
  /** Numbers: the smallest (and largest) value allowed. */
  readonly min?: number;
  readonly max?: number;
  /** Strings: a problem with the value ('unknown time zone'), or null when it is fine. */
  readonly check?: (value: string) => string | null;
}

/** The options of one command, by long name. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The commands: `$0` analyses logs; the others are named by the first argument. */
export type CommandName = 'analyze' | 'doctor' | 'probe';

/** A command as --help shows it. */
export interface CommandSpec {
  /** yargs command string: `$0 [files..]`, `doctor`, `probe`. */
  readonly usage: string;
  readonly describe: string;
  readonly options: OptionTable;
  readonly examples: readonly (readonly [command: string, description: string])[];
}

/** `+01:00`, `-0530`, `UTC`, `Europe/Paris`; offsets within ±14:00 as on Earth. */
function zoneProblem(value: string): string | null {
  const offset = /^[+-](\d\d):?(\d\d)$/.exec(value);
  if (offset) return Number(offset[1]) * 60 + Number(offset[2]) <= 14 * 60 && Number(offset[2]) < 60 ? null : 'offset out of range (-14:00 to +14:00)';
  if (/^[+-]\d/.test(value)) return 'use an offset like +01:00, or a zone name';
  try { new Intl.DateTimeFormat('en-US', { timeZone: value }); return null; } catch { return 'unknown time zone'; }
}

const FORMAT: OptionSpec = { type: 'string', alias: 'f', choices: ['text', 'json', 'ndjson'], default: 'text', describe: 'Output format' };

const ROOT: OptionSpec = { type: 'string', repeatable: true, describe: 'Config root (default /); repeat as --root NODE=DIR for several nodes' };

/** Log analysis: `rbd-explain [files..]`. */
export const ANALYZE_OPTIONS: OptionTable = {
  format: FORMAT,
  'input-format': { type: 'string', choices: INPUT_FORMATS, describe: 'Force the input format (default: detected per input)' },
  since: { type: 'string', describe: 'Only lines from then on: -24h, "2 hours ago", yesterday, 2025-01-14 10:00, @EPOCH (live mode default -24h)' },
  until: { type: 'string', describe: 'Only lines up to then (same forms as --since)' },
  node: { type: 'string', repeatable: true, describe: 'Only lines of this node (repeatable)' },
  year: { type: 'number', integer: true, min: 1970, max: 9999, describe: 'Year for short formats without one (default: inferred)' },
  tz: { type: 'string', check: zoneProblem, describe: 'Zone of year-less short stamps: +01:00, UTC or Europe/Paris (default: this machine\'s)' },
  group: { type: 'string', choices: ['auto', 'window', 'storage'], default: 'auto', describe: 'Incidents per task/window, or per node+storage+cause with a timeline; auto: storage when several nodes are seen' },
  window: { type: 'number', min: 1, default: 60, describe: 'Minutes within which failures of one node and image form one incident' },
  evidence: { type: 'number', integer: true, min: 0, default: 6, describe: 'Evidence lines per incident in the text report' },
  color: { type: 'boolean', describe: 'Colour the text report (default: on a TTY; honours NO_COLOR and FORCE_COLOR)' },
  jobs: { type: 'number', integer: true, min: 1, describe: 'Worker threads reading files in parallel (default and most: the number of cores)' },
  follow: { type: 'boolean', default: false, describe: 'Print each incident as soon as it is known and again when it gains evidence (stdin, or journalctl -f in live mode)' },
  unit: { type: 'string', repeatable: true, describe: 'Live mode: read this unit instead of the PVE daemons (repeatable; kernel and PVE CLI lines are always read)' },
  'journal-dir': { type: 'string', describe: 'Live mode on a collected journal: journalctl --directory=DIR' },
  'tasks-dir': { type: 'string', default: '/var/log/pve/tasks', describe: 'Live mode: the tasks directory read with the journal (skipped when absent)' },
  'with-config': { type: 'boolean', default: false, describe: 'Also check this node\'s config (doctor) and attach the findings to the incidents' },
  'cluster-events': { type: 'boolean', default: false, describe: 'List the Ceph audit/cluster log events that match no failure (key, caps, pool, blocklist, quorum changes)' },
  root: { ...ROOT, describe: 'With --with-config: config root (default /); repeat as --root NODE=DIR for several nodes' },
};

/** `rbd-explain doctor`. */
export const DOCTOR_OPTIONS: OptionTable = {
  format: FORMAT,
  root: ROOT,
  pools: { type: 'string', describe: 'File with `ceph osd pool ls` output, to check storage pools' },
  'fail-on': { type: 'string', choices: ['error', 'warning'], default: 'error', describe: 'Lowest severity that makes the exit status 1' },
};

/** `rbd-explain probe`. */
export const PROBE_OPTIONS: OptionTable = {
  format: FORMAT,
  conf: { type: 'string', describe: 'ceph.conf the failing process used' },
  id: { type: 'string', describe: 'Client id without "client." (default admin)' },
  keyring: { type: 'string', describe: 'Keyring path the failing process used' },
  pool: { type: 'string', describe: 'Pool of the image' },
  namespace: { type: 'string', describe: 'RBD namespace in the pool' },
  image: { type: 'string', describe: 'Image name' },
  mon: { type: 'string', repeatable: true, describe: 'Monitor host to test with TCP connects to 3300/6789 (repeatable); these connects go only to hosts named here and to loopback. The read-only ceph/rbd commands the probe runs contact the monitors of the conf they use (--conf, the storage\'s, else /etc/ceph/ceph.conf)' },
  storage: { type: 'string', describe: 'Take conf, id, keyring and pool from this storage in storage.cfg' },
  root: { type: 'string', default: '/', describe: 'With --storage: the config root that holds etc/pve/storage.cfg' },
  from: { type: 'string', repeatable: true, describe: 'Take them from the top incident of this log file (repeatable)' },
  incident: { type: 'string', describe: 'With --from: the incident id to probe' },
  op: { type: 'string', choices: ['create', 'snapshot', 'clone', 'resize', 'remove', 'lock'], describe: 'The operation that failed (never tried); with --from, the incident\'s phase' },
  'compare-conf': { type: 'string', describe: 'Conf that should lead to the right cluster, to compare fsids (default: the other of /etc/pve/ceph.conf and /etc/ceph/ceph.conf)' },
  timeout: { type: 'number', min: 1, default: 20, describe: 'Seconds per command' },
};

/** Every command, in --help order. */
export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  analyze: {
    usage: '$0 [files..]',
    describe: 'Analyse logs (files, globs, directories, tasks directories; stdin when none; else this node\'s journal)',
    options: ANALYZE_OPTIONS,
    examples: [
      ['journalctl -u pvedaemon -S -2h | $0', 'Explain the failures of the last two hours'],
      ["$0 --format json '/var/log/syslog*'", 'Rotated syslogs (gzip too), as one JSON document'],
      ['journalctl -o json -u pvedaemon | $0 --format ndjson', 'One incident per line for other tools'],
      ['$0 --since -2d --node pve3', 'On a node: its journal and task logs of the last two days'],
      ['$0 /bundle', 'A support bundle: per-node folders, rotated and compressed logs, tasks directories'],
      ['journalctl -f -o json | $0 --follow --format ndjson', 'Incidents as they happen'],
    ],
  },
  doctor: {
    usage: 'doctor',
    describe: 'Check the node\'s own Ceph/Proxmox config, or collected trees (read-only)',
    options: DOCTOR_OPTIONS,
    examples: [
      ['$0 doctor', 'Check this node'],
      ['$0 doctor --root pve1=/bundle/pve1 --root pve2=/bundle/pve2 --root pve3=/bundle/pve3', 'Compare three collected nodes'],
    ],
  },
  probe: {
    usage: 'probe',
    describe: 'Confirm a diagnosis live with read-only commands (never changes the cluster)',
    options: PROBE_OPTIONS,
    examples: [
      ['$0 probe --from /var/log/syslog', 'Probe the identity of the most important incident'],
      ['$0 probe --storage ceph-vm --image vm-101-disk-0', 'Probe a storage as Proxmox would use it'],
    ],
  },
};

/** The first line of --help. */
export const SUMMARY = 'Explain Proxmox VE "RBD: error opening" failures from logs: the root cause and the commands to confirm and fix it.\nReads stdin when no file is given (e.g. journalctl -u pvedaemon | rbd-explain). With neither, on a node, it reads the journal itself (journalctl, last 24 h) and /var/log/pve/tasks.';

/** The last lines of --help. */
export const EPILOG = 'Exit status: 0 no incident, 1 incidents found, 2 usage error or an input that could not be read whole.';
