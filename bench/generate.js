#!/usr/bin/env node
// Deterministic generator of a synthetic multi-node Proxmox VE journal with real RBD failures
// and benign look-alikes. Same options + seed => byte-identical output.
//
//   node bench/generate.js --lines 1000000 --nodes 4 --format short --seed 42 \
//        --failure-rate 0.001 --candidate-rate 0.01 --out bench/data/j.log --truth bench/data/j.truth.ndjson
//   node bench/generate.js --only lookalikes --per-template 4 --nodes 3 --out look.log
//   node bench/generate.js --hyperconverged --lines 1000000 --out hc.log --truth hc.truth.ndjson
//
// Templates live in bench/lib/templates.js (BACKGROUND, LOOKALIKES, FAILURES; PROFILES picks the sets).
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeRenderer } from './lib/format.js';
import { Rng } from './lib/prng.js';
import { PROFILES } from './lib/templates.js';
import { DEFAULT_START_S, makeNodes } from './lib/world.js';

export const DEFAULTS = Object.freeze({
  lines: 1_000_000,
  nodes: null, // null: the profile's node count (4, or 5 when hyper-converged)
  profile: 'default', // 'hyperconverged': Ceph chatter naming rbd/keyrings, pvestatd outages, NFS offline
  format: 'short',
  seed: 42,
  failureRate: 0.001,
  candidateRate: 0.01,
  rate: 1.2, // journal lines per second per node
  isoZone: '+01:00',
  only: null, // 'lookalikes': every look-alike template `perTemplate` times, nothing else
  perTemplate: 4,
  start: DEFAULT_START_S,
});

/** Mean line counts of each template group, measured on a throw-away world (deterministic). */
function groupSizes(templates) {
  const r = new Rng(12345);
  const nodes = makeNodes(r, 3, DEFAULT_START_S);
  const g = { r, t: DEFAULT_START_S * 1e6, node: nodes[0], nodes };
  let fail = 0;
  let other = 0;
  const n = 20;
  for (const tpl of templates)
    for (let i = 0; i < n; i++)
      for (const s of tpl.make(g)) {
        if (s.role === 'failure') fail++;
        else other++;
      }
  const groups = templates.length * n;
  return { fail: fail / groups, other: other / groups };
}

/** Picks template indices in shuffled rounds so that every template appears early and evenly. */
class Bag {
  constructor(r, size) {
    this.r = r;
    this.size = size;
    this.items = [];
  }
  take() {
    if (this.items.length === 0) this.items = this.r.shuffled([...Array(this.size).keys()]);
    return this.items.pop();
  }
}

/**
 * Generates the journal. `write(str)` receives chunks (possibly a promise for backpressure).
 * Returns { stats, truth } where truth lists every real-failure line.
 */
export async function generate(options, write) {
  const o = { ...DEFAULTS, ...options };
  const profile = PROFILES[o.profile];
  if (!profile) throw new Error(`unknown profile '${o.profile}'`);
  const { background: BACKGROUND, lookalikes: LOOKALIKES, failures: FAILURES } = profile;
  o.nodes ??= profile.nodes;
  const r = new Rng(o.seed);
  const nodes = makeNodes(r, o.nodes, o.start);
  const g = { r, t: o.start * 1e6, node: nodes[0], nodes };
  const render = makeRenderer(o.format, { isoZone: o.isoZone });

  const bgWeights = BACKGROUND.map((b) => b.weight);
  const bgTotal = bgWeights.reduce((a, b) => a + b, 0);
  const failBag = new Bag(r, FAILURES.length);
  const lookBag = new Bag(r, LOOKALIKES.length);

  // Probabilities per decision so that failure lines ≈ failureRate and all candidate lines
  // (failures + their task framing + look-alikes) ≈ candidateRate of the output.
  const F = groupSizes(FAILURES);
  const L = groupSizes(LOOKALIKES);
  const a = o.failureRate / F.fail;
  let b = (o.candidateRate - o.failureRate - a * F.other) / (L.fail + L.other);
  const warnings = [];
  if (b < 0) {
    warnings.push(`candidate-rate ${o.candidateRate} is below what failures alone produce; no look-alikes added`);
    b = 0;
  }
  const E = 1 / (1 - a * (F.fail + F.other - 1) - b * (L.fail + L.other - 1));
  const pFail = a * E;
  const pLook = b * E;

  const meanGapUs = 1e6 / (o.rate * o.nodes);
  const tailGuard = Math.ceil(90 * o.rate * o.nodes) + 50; // no new group near the end: it would be cut off

  const lookQueue =
    o.only === 'lookalikes' ? r.shuffled(LOOKALIKES.flatMap((_, i) => Array(o.perTemplate).fill(i))) : null;
  const total = lookQueue ? Infinity : o.lines;

  const stats = { lines: 0, bytes: 0, failure: 0, context: 0, lookalike: 0, background: 0, containsRbd: 0, groups: {}, kinds: {} };
  const truth = [];
  const pending = []; // { t, node, step, group } sorted by t, then insertion order
  let seq = 0;
  let groupNo = 0;
  let tBg = g.t;
  let buf = [];
  let bufLen = 0;

  const schedule = (tpl, kind, startT, node) => {
    g.node = node;
    g.t = startT;
    const group = { no: ++groupNo, kind, causes: tpl.causes ?? null };
    stats.groups[kind] = (stats.groups[kind] ?? 0) + 1;
    for (const step of tpl.make(g)) {
      const item = { t: Math.round(startT + step.dt * 1e6), seq: seq++, node: step.node ?? node, step, group };
      let i = pending.length;
      while (i > 0 && (pending[i - 1].t > item.t || (pending[i - 1].t === item.t && pending[i - 1].seq > item.seq))) i--;
      pending.splice(i, 0, item);
    }
  };

  const emit = (entry, t, node, step, group) => {
    const line = render(entry, t, node);
    stats.lines++;
    if (line.includes('rbd')) stats.containsRbd++;
    const role = step ? step.role : 'background';
    stats[role]++;
    if (step?.kind) stats.kinds[step.kind] = (stats.kinds[step.kind] ?? 0) + 1;
    if (role === 'failure') {
      const rec = { line: stats.lines, node: node.name, kind: step.kind };
      if (step.causes.length === 1) rec.cause = step.causes[0];
      else rec.causes = step.causes;
      rec.scenario = group.no;
      rec.scenarioKind = group.kind;
      rec.scenarioCauses = group.causes;
      truth.push(rec);
    }
    buf.push(line);
    bufLen += line.length + 1;
    if (bufLen > 1 << 22) return flush();
    return undefined;
  };
  const flush = () => {
    if (buf.length === 0) return undefined;
    const chunk = buf.join('\n') + '\n';
    stats.bytes += Buffer.byteLength(chunk);
    buf = [];
    bufLen = 0;
    return write(chunk);
  };

  // tNext is the time of the next background decision; it is drawn once and kept until used, so
  // every line (pending group lines and new decisions alike) comes out in time order.
  let tNext = tBg + r.exp(meanGapUs);
  while (stats.lines < total) {
    if (pending.length > 0 && pending[0].t <= tNext) {
      const it = pending.shift();
      const p = emit(it.step.e, it.t, it.node, it.step, it.group);
      if (p) await p;
      continue;
    }
    tBg = Math.round(tNext);
    tNext = tBg + r.exp(meanGapUs);
    const node = nodes[r.int(0, nodes.length - 1)];
    if (lookQueue) {
      if (lookQueue.length === 0) {
        if (pending.length === 0) break;
        continue;
      }
      const i = lookQueue.pop();
      schedule(LOOKALIKES[i], LOOKALIKES[i].kind, tBg, node);
      continue;
    }
    const x = r.next();
    const room = total - stats.lines > tailGuard;
    if (room && x < pFail) {
      const tpl = FAILURES[failBag.take()];
      schedule(tpl, tpl.kind, tBg, node);
    } else if (room && x < pFail + pLook) {
      const tpl = LOOKALIKES[lookBag.take()];
      schedule(tpl, tpl.kind, tBg, node);
    } else {
      g.node = node;
      g.t = tBg;
      const tpl = BACKGROUND[r.weighted(bgWeights, bgTotal)];
      // background templates of the hyper-converged profile may be look-alikes (they name rbd)
      const step = tpl.role ? { role: tpl.role, kind: tpl.kind } : null;
      const p = emit(tpl.make(g), tBg, node, step, null);
      if (p) await p;
    }
  }
  const p = flush();
  if (p) await p;
  stats.warnings = warnings;
  stats.options = o;
  return { stats, truth };
}

const USAGE = `usage: node bench/generate.js [options]
  --lines N            journal lines to write (default ${DEFAULTS.lines})
  --nodes N            cluster nodes, named pve1..pveN (default 4; 5 with --hyperconverged)
  --hyperconverged     profile of a 5-node PVE + Ceph cluster: ceph-mon audit lines naming rbd,
                       ceph-crash keyring warnings (ceph-crash/python3 idents), pvestatd outages
                       (rados_connect failed between bare 'got timeout'), NFS 'not online'
  --format F           short | short-iso | json (default ${DEFAULTS.format})
  --iso-zone Z         zone suffix for short-iso: +01:00 or +0100 (default ${DEFAULTS.isoZone})
  --seed N             PRNG seed (default ${DEFAULTS.seed})
  --failure-rate R     share of real RBD failure lines (default ${DEFAULTS.failureRate})
  --candidate-rate R   share of lines a cheap prefilter passes: failures, their task framing and
                       benign look-alikes (default ${DEFAULTS.candidateRate}; 0.1 = candidate-heavy)
  --rate R             lines per second per node, sets the time span (default ${DEFAULTS.rate})
  --only lookalikes    write only the benign look-alike templates (no background, no failures)
  --per-template N     with --only lookalikes: instances of each template (default ${DEFAULTS.perTemplate})
  --out FILE           output file (default: stdout)
  --truth FILE         write NDJSON ground truth: one record per real failure line
  --stats              print counts to stderr`;

async function main() {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string' },
      nodes: { type: 'string' },
      format: { type: 'string' },
      'iso-zone': { type: 'string' },
      seed: { type: 'string' },
      'failure-rate': { type: 'string' },
      'candidate-rate': { type: 'string' },
      rate: { type: 'string' },
      only: { type: 'string' },
      'per-template': { type: 'string' },
      out: { type: 'string' },
      truth: { type: 'string' },
      stats: { type: 'boolean' },
      hyperconverged: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const num = (v, name, int = false) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (int && !Number.isInteger(n))) throw new Error(`--${name}: bad number '${v}'`);
    return n;
  };
  const opts = {};
  const set = (k, v) => v !== undefined && (opts[k] = v);
  set('lines', num(values.lines, 'lines', true));
  set('nodes', num(values.nodes, 'nodes', true));
  set('seed', num(values.seed, 'seed', true));
  set('failureRate', num(values['failure-rate'], 'failure-rate'));
  set('candidateRate', num(values['candidate-rate'], 'candidate-rate'));
  set('rate', num(values.rate, 'rate'));
  set('perTemplate', num(values['per-template'], 'per-template', true));
  set('format', values.format);
  if (values.hyperconverged) opts.profile = 'hyperconverged';
  set('isoZone', values['iso-zone']);
  if (values.only !== undefined) {
    if (values.only !== 'lookalikes') throw new Error(`--only: only 'lookalikes' is supported`);
    opts.only = 'lookalikes';
  }
  if (opts.nodes === 0) throw new Error('--nodes must be at least 1');

  const out = values.out ? createWriteStream(values.out) : process.stdout;
  const write = (chunk) => (out.write(chunk) ? undefined : new Promise((res) => out.once('drain', res)));
  const t0 = process.hrtime.bigint();
  const { stats, truth } = await generate(opts, write);
  if (values.out) await new Promise((res, rej) => out.end((err) => (err ? rej(err) : res())));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (values.truth) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(values.truth, truth.map((t) => JSON.stringify(t)).join('\n') + (truth.length ? '\n' : ''));
  }
  for (const w of stats.warnings) process.stderr.write(`generate: warning: ${w}\n`);
  if (values.stats) {
    const { options, ...rest } = stats;
    process.stderr.write(JSON.stringify({ ...rest, ms: Math.round(ms), seed: options.seed }, null, 1) + '\n');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    process.stderr.write(`generate: ${err.message}\n`);
    process.exit(2);
  });
}
