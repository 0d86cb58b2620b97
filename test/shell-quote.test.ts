// Values read from logs (pool, image, client, keyring and conf paths, storage ids, monitor
// hosts, task log paths) end up in the shell commands the report prints. Property tests with a
// fixed seed: any such string, quoted, reaches `sh` as exactly one argument with the same bytes,
// and a filled command template never lets a value leave the argument it was put in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS_BY_CAUSE, fillTemplate, type CommandValues } from '../src/classify/commands.js';
import { COMMAND_PLAN } from '../src/classify/command-plan.js';
import { DISCRIMINATORS } from '../src/classify/discriminators.js';

const SEED = 20251226;
const SHELL_META = [...' \t\n\r\'"`$\\|&;<>()[]{}*?!#~=%^,:@/-.+', '\u00a0', 'é', '💥', '\u202e'];

/**
 * A string as it may come out of a log: any code point except NUL (an argv entry cannot hold
 * one), mixed with runs of shell metacharacters so quoting edge cases come up often.
 */
const logString = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...SHELL_META), minLength: 1, maxLength: 20 }),
  fc.string({ unit: fc.oneof(fc.constantFrom(...SHELL_META), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 30 }),
).filter((s) => !s.includes('\0'));

const EMPTY: CommandValues = {
  conf: null, clientId: null, keyring: null, pool: null, image: null, snapshot: null,
  monHosts: null, storage: null, upid: null, taskLog: null, vmid: null,
};

/** Runs `script` in sh and returns what `printf '%s\0'` printed, split at NUL. */
function shArgs(script: string): { args: Buffer[]; stderr: string; status: number | null } {
  const res = spawnSync('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
  const out = res.stdout;
  const args: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) { args.push(out.subarray(start, i)); start = i + 1; }
  }
  assert.is(start, out.length, 'output ends with a NUL');
  return { args, stderr: res.stderr.toString(), status: res.status };
}

test('a quoted log value reaches sh as exactly one argument, byte for byte (2000 values)', () => {
  // One sh per batch of 20 values keeps the run short; a value that splits, merges with its
  // neighbour or runs code changes the argument list.
  fc.assert(
    fc.property(fc.array(logString, { minLength: 20, maxLength: 20 }), (values) => {
      const quoted = values.map((v) => fillTemplate('{image}', { ...EMPTY, image: v }));
      const { args, stderr, status } = shArgs(quoted.map((q) => `printf '%s\\0' ${q}`).join('\n'));
      assert.is(status, 0, stderr);
      assert.is(stderr, '');
      assert.equal(args.map((b) => b.toString('hex')), values.map((v) => Buffer.from(v, 'utf8').toString('hex')));
    }),
    { seed: SEED, numRuns: 100 },
  );
});

test('every slot quotes its value the same way', () => {
  // Same quoting whichever slot a value fills (a slot that forgot to quote would differ).
  fc.assert(
    fc.property(logString, (v) => {
      const image = fillTemplate('{image}', { ...EMPTY, image: v });
      assert.is(fillTemplate('{pool}', { ...EMPTY, pool: v }), image);
      assert.is(fillTemplate('{clientId}', { ...EMPTY, clientId: v }), image);
      assert.is(fillTemplate('{keyring}', { ...EMPTY, keyring: v }), image);
      assert.is(fillTemplate('{conf}', { ...EMPTY, conf: v }), image);
      assert.is(fillTemplate('{taskLog}', { ...EMPTY, taskLog: v }), image);
      assert.is(fillTemplate('{confOpt}', { ...EMPTY, conf: v }), `--conf ${image} `);
    }),
    { seed: SEED, numRuns: 500 },
  );
});

// ---- filled templates ---------------------------------------------------------------------

/** Every command name the templates run. Each becomes a shell function that records its argv. */
const COMMAND_NAMES = ['rbd', 'ceph', 'timeout', 'nc', 'grep', 'ls', 'chmod', 'sed', 'tr', 'sha256sum', 'qm', 'dmesg', 'tail', 'cat'];

/** Every template a report can print: per cause, in the command plan, in the discriminators. */
const TEMPLATES = [
  ...Object.values(COMMANDS_BY_CAUSE).flat(),
  ...COMMAND_PLAN.flatMap((step) => (step.from.kind === 'templates' ? step.from.templates : [])),
  ...DISCRIMINATORS.flatMap((d) => d.commands),
].map((t) => t.template);

/**
 * Records every command a script runs, as (name, argv), in order. The stand-ins read their stdin
 * to the end before writing, so the stages of a pipeline write one after the other. PATH points
 * at a directory holding only `ceph-conf` (not a valid function name in dash), so a command the
 * list above misses fails loudly instead of running for real.
 */
function traceCommands(script: string, dir: string): { calls: string[][]; stderr: string } {
  const trace = join(dir, 'trace');
  writeFileSync(trace, '');
  const prelude = [
    `_t() { while IFS= read -r _l; do :; done; printf '%s\\0' "$#" "$@" >>"$TRACE"; }`,
    ...COMMAND_NAMES.map((name) => `${name}() { _t ${name} "$@"; }`),
  ].join('\n');
  const res = spawnSync('/bin/sh', ['-c', `${prelude}\n${script}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: join(dir, 'bin'), TRACE: trace },
  });
  const fields = readFileSync(trace).toString('utf8').split('\0');
  fields.pop();
  const calls: string[][] = [];
  for (let i = 0; i < fields.length;) {
    const n = Number(fields[i]);
    calls.push(fields.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return { calls, stderr: res.stderr.toString() + res.stdout.toString() };
}

function traceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rbd-explain-quote-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'ceph-conf'), `#!/bin/sh\nwhile IFS= read -r _l; do :; done\nprintf '%s\\0' "$(($# + 1))" ceph-conf "$@" >>"$TRACE"\n`);
  chmodSync(join(bin, 'ceph-conf'), 0o755);
  return dir;
}

/** Monitor host strings are rewritten (brackets and ports dropped) before quoting; keep them as they are. */
const monHost = logString.filter((h) => !/^\[.*\](?::\d+)?$/.test(h) && !/^[^:[\]]+:\d+$/.test(h));

const valuesArb = fc.record({
  conf: logString, clientId: logString, keyring: fc.option(logString, { nil: null }), pool: logString, image: logString,
  storage: logString, taskLog: logString, monHosts: fc.option(fc.array(monHost, { minLength: 1, maxLength: 3 }), { nil: null }),
});

test('a filled template never lets a value leave its argument (every template, 40 value sets)', () => {
  const dir = traceDir();
  try {
    const script = (values: CommandValues): string => TEMPLATES.map((t) => fillTemplate(t, values)).join('\n');
    // The sentinel run depends only on which values are null and how many monitors there are.
    const expectedByShape = new Map<string, { calls: string[][]; stderr: string }>();
    fc.assert(
      fc.property(valuesArb, (raw) => {
        // The same templates filled with sentinels (plain words the quoting leaves alone) give
        // the argv shape; the real values must land exactly where their sentinels did.
        const sentinel = (name: string): string => `@${name}@`;
        const mons = raw.monHosts?.map((_, i) => sentinel(`mon${i}`)) ?? null;
        const shape: CommandValues = {
          ...EMPTY, conf: sentinel('conf'), clientId: sentinel('client'), keyring: raw.keyring === null ? null : sentinel('keyring'),
          pool: sentinel('pool'), image: sentinel('image'), storage: sentinel('storage'), taskLog: sentinel('task'), monHosts: mons, vmid: 101,
        };
        const real: CommandValues = { ...shape, ...raw, vmid: 101 };
        const pairs: [string, string][] = [
          [sentinel('conf'), raw.conf], [sentinel('client'), raw.clientId], [sentinel('pool'), raw.pool], [sentinel('image'), raw.image],
          [sentinel('storage'), raw.storage], [sentinel('task'), raw.taskLog],
          ...(raw.keyring === null ? [] : [[sentinel('keyring'), raw.keyring] as [string, string]]),
          ...(raw.monHosts ?? []).map((h, i): [string, string] => [sentinel(`mon${i}`), h]),
        ];
        const substitute = (arg: string): string => pairs.reduce((a, [s, v]) => a.split(s).join(v), arg);
        const shapeKey = JSON.stringify(shape);
        let expected = expectedByShape.get(shapeKey);
        if (!expected) {
          expected = traceCommands(script(shape), dir);
          expectedByShape.set(shapeKey, expected);
        }
        assert.is(expected.stderr, '', 'the sentinel-filled templates run cleanly');
        const actual = traceCommands(script(real), dir);
        assert.is(actual.stderr, '');
        assert.equal(actual.calls, expected.calls.map((call) => call.map(substitute)));
      }),
      { seed: SEED, numRuns: 40 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the command stand-ins cover every command the templates run', () => {
  // Guards the property above: with all values known, each template runs at least one stand-in.
  const dir = traceDir();
  try {
    const values: CommandValues = { ...EMPTY, conf: 'c', clientId: 'u', keyring: 'k', pool: 'p', image: 'i', storage: 's', taskLog: 't', monHosts: ['m'], vmid: 1 };
    for (const t of TEMPLATES) {
      const { calls, stderr } = traceCommands(fillTemplate(t, values), dir);
      assert.is(stderr, '', t);
      assert.ok(calls.length > 0, t);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
