/**
 * Multi-needle byte scanner: one SIMD pass (needle-scan.wat) finds the lines that contain any
 * of a set of needles and counts all lines, instead of one Buffer.indexOf pass per needle.
 * The needles are data passed in; this file only lays them out for the WebAssembly module.
 */
import { readFileSync } from 'node:fs';

/** Needles must be 3..16 bytes: the filter fingerprints four bytes of each (three of a 3-byte needle). */
export const MIN_NEEDLE_BYTES = 3;
export const MAX_NEEDLE_BYTES = 16;
const MAX_NEEDLES = 64;
const BUCKETS = 8;
/** Bytes per fingerprint; a 3-byte needle admits any byte at the fourth. */
const PRINT = 4;
const MASKS_AT = 0;
const BUCKETS_AT = 160;
const ENTRIES_AT = 1024;
const NEEDLE_BYTES_AT = 2304;
const HITS_AT = 4096;
const HIT_CAP = 8192;
const DATA_AT = HITS_AT + HIT_CAP * 8 + 4096;
/** Bytes after the data that the module may read (its loads reach 19 bytes past a block). */
const TAIL_PAD = 64;
const PAGE = 65536;

/** The few WebAssembly globals used here (TypeScript's node typings do not declare them). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmGlobal { value: number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface ScanExports {
  readonly memory: WasmMemory;
  readonly hits: WasmGlobal;
  readonly lines: WasmGlobal;
  readonly scan: (base: number, start: number, end: number, hitCap: number) => number;
}

/** Lines of a region that hold a needle: their start offsets and 0-based indexes, ascending. */
export interface RegionHits {
  readonly starts: number[];
  readonly lineIndexes: number[];
  /** Newlines in the region. */
  readonly newlines: number;
}

/** Scans regions for one fixed set of needles. */
export interface NeedleScanner {
  /** `buf[0, end)`; `end` must sit just after a newline (or at the end of the data). */
  scan(buf: Uint8Array, end: number): RegionHits;
}

let shared: ScanExports | null | undefined;

function instance(): ScanExports | null {
  if (shared !== undefined) return shared;
  if (!wasmApi) return (shared = null);
  try {
    const bytes = readFileSync(new URL('./needle-scan.wasm', import.meta.url));
    shared = new wasmApi.Instance(new wasmApi.Module(bytes)).exports as unknown as ScanExports;
  } catch {
    shared = null; // no WebAssembly SIMD here (e.g. node --jitless): callers use their JS scan
  }
  return shared;
}

interface Tables { readonly masks: Uint8Array; readonly buckets: Uint32Array; readonly entries: Uint32Array; readonly bytes: Uint8Array }

/**
 * Rough share of each byte in log text (relative; only the order matters much). The filter's
 * cost is its false matches, so fingerprints are placed on rare bytes and buckets are filled
 * to admit as little common text as possible.
 */
const BYTE_WEIGHT: Float64Array = (() => {
  const weight = new Float64Array(256).fill(0.05);
  const set = (chars: string, w: number): void => { for (const c of chars) weight[c.charCodeAt(0)] = w; };
  set('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 0.3);
  set('xjqz', 0.2);
  set('fgwybvk', 1.2);
  set('hldcump', 2.5);
  set('etaoinsr', 5);
  set('0123456789', 2);
  set(':', 4);
  set('.', 1.5);
  set('-/,', 0.8);
  set('[]', 0.7);
  set('_=()"<>@\'', 0.3);
  set(' ', 40);
  return weight;
})();

/**
 * Words on nearly every Proxmox VE node's journal lines (daemons, systemd, kernel bridge, Ceph
 * daemons, sessions): a fingerprint inside one of them, or a bucket whose masks admit one of
 * their four-byte windows by mixing nibbles of its needles, would send most blocks to the
 * byte-by-byte check. Generic vocabulary of the platform, not of any one log.
 */
export const EVERYDAY_WORDS: readonly string[] = [
  'pvedaemon', 'pvestatd', 'pveproxy', 'pvescheduler', 'storage', 'message', 'install', 'systemd', 'session', 'Session',
  'kernel', 'ceph-osd', 'ceph-mon', 'ceph-mgr', 'active', 'activating', 'deactivated', 'received', 'process', 'success',
  'access', 'accepted', 'exited', 'enabled', 'disabled', 'lock', 'Started', 'Starting', 'Finished', 'finished', 'service',
  'status', 'update', 'client', 'worker', 'connection', 'request', 'closed', 'authentication', 'password', 'corosync',
  'pmxcfs', 'member', 'heartbeat', 'bridge', 'device', 'entered', 'state', 'forwarding', 'blocking', 'promiscuous',
  'pgmap', 'osdmap', 'Consumed', 'logged', 'Removed', 'slice', 'user', 'root@pam', 'successful', 'starting', 'stopping',
  'available', '(uid=',
  // journalctl -o json: the field names and common values of every line
  '"MESSAGE":"', '"_PID":"', '"_UID":"', '"_GID":"', '"_COMM":"', '"_SYSTEMD_UNIT":"', '"SYSLOG_IDENTIFIER":"',
  '"__CURSOR":"', '"_TRANSPORT":"', '"PRIORITY":"', '"_BOOT_ID":"', '"_HOSTNAME":"', '"stdout"', '"ceph-mon"', '"ceph-osd"',
];
/** Their four-byte windows. */
const EVERYDAY_WINDOWS: readonly Uint8Array[] = [...new Set(EVERYDAY_WORDS.flatMap((word) =>
  Array.from({ length: Math.max(0, word.length - 3) }, (_, at) => word.slice(at, at + 4))))].map((w) => Buffer.from(w, 'latin1'));
/** Cost of a bucket admitting one everyday window: far above any product of byte weights. */
const EVERYDAY_COST = 1e6;

/** Where in the needle its four-byte fingerprint sits: the rarest window (0 for a 3-byte needle). */
function fingerprintAt(needle: Uint8Array): number {
  let best = 0;
  let bestWeight = Infinity;
  const text = Buffer.from(needle).toString('latin1');
  for (let at = 0; at + PRINT <= needle.length; at += 1) {
    const window = text.slice(at, at + PRINT);
    const everyday = EVERYDAY_WORDS.some((word) => word.includes(window)) ? 1000 : 1;
    let w = everyday;
    for (let k = 0; k < PRINT; k += 1) w *= BYTE_WEIGHT[needle[at + k]!]!;
    if (w < bestWeight) { best = at; bestWeight = w; }
  }
  return best;
}

/**
 * What a bucket's masks cost: the expected share of positions they admit (product over the
 * fingerprint bytes of the admitted weight), plus a large cost per everyday window admitted.
 */
function admittedWeight(lo: readonly number[], hi: readonly number[]): number {
  let product = 1;
  for (let p = 0; p < PRINT; p += 1) {
    let sum = 0;
    for (let byte = 0; byte < 256; byte += 1) if ((lo[p]! >> (byte & 15)) & 1 && (hi[p]! >> (byte >> 4)) & 1) sum += BYTE_WEIGHT[byte]!;
    product *= sum;
  }
  let everyday = 0;
  for (const w of EVERYDAY_WINDOWS) {
    let admitted = true;
    for (let p = 0; p < PRINT && admitted; p += 1) admitted = ((lo[p]! >> (w[p]! & 15)) & 1) === 1 && ((hi[p]! >> (w[p]! >> 4)) & 1) === 1;
    if (admitted) everyday += 1;
  }
  return product + everyday * EVERYDAY_COST;
}

/** Lays needles out for the module: fingerprints, buckets (greedy, costliest fingerprint first), masks. Exported for inspection (bench, debugging). */
export function layout(needles: readonly Uint8Array[]): Tables {
  const fingerprints = needles.map(fingerprintAt);
  // Per bucket and fingerprint byte: bit sets of admitted low / high nibbles.
  const lo = Array.from({ length: BUCKETS }, () => new Array<number>(PRINT).fill(0));
  const hi = Array.from({ length: BUCKETS }, () => new Array<number>(PRINT).fill(0));
  const members: number[][] = Array.from({ length: BUCKETS }, () => []);
  // The nibble bits each fingerprint byte sets; a 3-byte needle's missing fourth byte sets all.
  const nibbles = needles.map((needle, index) => {
    const bytes = needle.subarray(fingerprints[index]!, fingerprints[index]! + PRINT);
    const bit = (p: number, shift: number): number => (p < bytes.length ? 1 << ((bytes[p]! >> shift) & 15) : 0xffff);
    return { lo: [0, 1, 2, 3].map((p) => bit(p, 0)), hi: [0, 1, 2, 3].map((p) => bit(p, 4)) };
  });
  // Costliest fingerprint first (computed once: layout runs at every start).
  const alone = nibbles.map((n) => admittedWeight(n.lo, n.hi));
  const order = needles.map((_, i) => i).sort((a, b) => alone[b]! - alone[a]!);
  // What each bucket's masks cost so far (0 while empty).
  const bucketCost = new Array<number>(BUCKETS).fill(0);
  for (const index of order) {
    const own = nibbles[index]!;
    let best = 0;
    let bestCost = Infinity;
    let bestAfter = 0;
    const short = needles[index]!.length < PRINT;
    for (let b = 0; b < BUCKETS; b += 1) {
      // A 3-byte needle admits any fourth byte: sharing its bucket with longer needles would
      // admit every continuation of their first three bytes too.
      if (members[b]!.some((m) => (needles[m]!.length < PRINT) !== short)) continue;
      const after = admittedWeight(lo[b]!.map((m, p) => m | own.lo[p]!), hi[b]!.map((m, p) => m | own.hi[p]!));
      if (after - bucketCost[b]! < bestCost) { best = b; bestCost = after - bucketCost[b]!; bestAfter = after; }
    }
    bucketCost[best] = bestAfter;
    members[best]!.push(index);
    for (let p = 0; p < PRINT; p += 1) { lo[best]![p]! |= own.lo[p]!; hi[best]![p]! |= own.hi[p]!; }
  }
  const masks = new Uint8Array(PRINT * 32);
  const buckets = new Uint32Array(BUCKETS * 2);
  const entries = new Uint32Array(MAX_NEEDLES * 5);
  const bytes = new Uint8Array(HITS_AT - NEEDLE_BYTES_AT);
  let entry = 0;
  let at = 0;
  for (let b = 0; b < BUCKETS; b += 1) {
    buckets[b * 2] = entry;
    buckets[b * 2 + 1] = members[b]!.length;
    for (let p = 0; p < PRINT; p += 1) {
      for (let n = 0; n < 16; n += 1) {
        if ((lo[b]![p]! >> n) & 1) masks[p * 32 + n]! |= 1 << b;
        if ((hi[b]![p]! >> n) & 1) masks[p * 32 + 16 + n]! |= 1 << b;
      }
    }
    for (const index of members[b]!) {
      const needle = needles[index]!;
      const head = Buffer.alloc(4);
      head.set(needle.subarray(0, 4));
      entries[entry * 5] = NEEDLE_BYTES_AT + at;
      entries[entry * 5 + 1] = needle.length;
      entries[entry * 5 + 2] = fingerprints[index]!;
      entries[entry * 5 + 3] = head.readUInt32LE(0);
      entries[entry * 5 + 4] = needle.length >= 4 ? 0xffffffff : 0xffffff;
      bytes.set(needle, at);
      at += needle.length;
      entry += 1;
    }
  }
  return { masks, buckets, entries, bytes };
}

let loaded: Tables | null = null;

/**
 * A scanner for `needles` (latin1 strings of 3..16 bytes, at most 64), or null where
 * WebAssembly SIMD is unavailable.
 */
export function createNeedleScanner(needles: readonly string[]): NeedleScanner | null {
  const encoded = needles.map((n) => Buffer.from(n, 'latin1'));
  for (const n of encoded) {
    if (n.length < MIN_NEEDLE_BYTES || n.length > MAX_NEEDLE_BYTES) throw new Error(`needle ${JSON.stringify(n.toString('latin1'))}: length must be ${MIN_NEEDLE_BYTES}..${MAX_NEEDLE_BYTES} bytes`);
  }
  if (encoded.length > MAX_NEEDLES) throw new Error(`at most ${MAX_NEEDLES} needles`);
  const wasm = instance();
  if (!wasm) return null;
  const tables = layout(encoded);
  const scan = (buf: Uint8Array, end: number): RegionHits => {
    const need = DATA_AT + end + TAIL_PAD;
    if (wasm.memory.buffer.byteLength < need) wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / PAGE));
    const memory = new Uint8Array(wasm.memory.buffer);
    if (loaded !== tables) {
      memory.set(tables.masks, MASKS_AT);
      new Uint32Array(wasm.memory.buffer, BUCKETS_AT, BUCKETS * 2).set(tables.buckets);
      new Uint32Array(wasm.memory.buffer, ENTRIES_AT, MAX_NEEDLES * 5).set(tables.entries);
      memory.set(tables.bytes, NEEDLE_BYTES_AT);
      loaded = tables;
    }
    memory.set(buf.subarray(0, end), DATA_AT);
    memory.fill(0, DATA_AT + end, DATA_AT + end + TAIL_PAD);
    const hits = new Uint32Array(wasm.memory.buffer, HITS_AT, HIT_CAP * 2);
    const starts: number[] = [];
    const lineIndexes: number[] = [];
    wasm.lines.value = 0;
    let from = DATA_AT;
    const stop = DATA_AT + end;
    let lastLine = -1;
    while (from < stop) {
      wasm.hits.value = 0;
      from = wasm.scan(DATA_AT, from, stop, HIT_CAP);
      const count = wasm.hits.value;
      for (let h = 0; h < count; h += 1) {
        const line = hits[h * 2 + 1]!;
        if (line === lastLine) continue;
        lastLine = line;
        const pos = hits[h * 2]! - DATA_AT;
        starts.push(pos === 0 ? 0 : buf.lastIndexOf(10, pos - 1) + 1);
        lineIndexes.push(line);
      }
    }
    return { starts, lineIndexes, newlines: wasm.lines.value };
  };
  return { scan };
}
