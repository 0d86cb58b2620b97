// Observations wherever they stand: errno renderings and command lines (grammars/observation.ohm).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { observe, invocationTarget, scanPieces, scanWhole, PIECE_START } from '../src/extract/observe.js';
import { loadCorpus } from './fuzz/corpus.js';
import { caseArbitrary, buildLine } from './fuzz/harness.js';

const ERRNO_CASES: readonly (readonly [string, number | null])[] = [
  ['rbd: map failed: (6) No such device or address', 6],
  ['[errno 13] RADOS permission denied (error connecting to the cluster)', 13],
  ["libceph: auth method 'x' error -13", 13],
  ['failed to connect: rados: ret=-2, No such file or directory', 2],
  ['NodeStageVolume failed: rbd-nbd --id admin map p/img returned -22', 22],
  ['Error EACCES: access denied', 13],
  ['errno=ETIMEDOUT while talking to the monitors', 110],
  ['rados.PermissionDeniedError: [errno 1] RADOS permission error (Failed to operate read op)', 1],
  ['raise rbd.ImageNotFound', 2],
  ['rbd image is still open: Device or resource busy', 16],
  // Not errnos: a page-fault code, a bare "error 14", a count.
  ['pverados[262144]: segfault at 55d0 ip 00007f5d sp 00007ffd error 14 in perl[55d0c1a00000+195000]', null],
  ['1 error(s) occurred', null],
];

for (const [line, errno] of ERRNO_CASES) {
  test(`errno of: ${line.slice(0, 60)}`, () => {
    assert.is(observe(line).errno, errno);
  });
}

test('exit status is kept apart from errno', () => {
  const seen = observe('rbd: map failed with error an error (exit status 110) occurred while running rbd args: [--id admin -m 10.0.0.1:6789 map pool-a/csi-vol-1]');
  assert.is(seen.exitStatus, 110);
  assert.is(seen.errno, null);
});

test('command lines: identity, object and subcommand, Go argument lists and quoting included', () => {
  const go = observe('running rbd args: [--id admin -m 10.0.0.1:6789,10.0.0.2:6789 --keyfile=***stripped*** map okd/csi-vol-1 --device-type krbd]');
  assert.equal(invocationTarget(go.invocations[0]!), {
    target: { clientId: 'admin', monHosts: ['10.0.0.1:6789', '10.0.0.2:6789'], pool: 'okd', image: 'csi-vol-1' }, subcommand: 'map',
  });
  const lxd = observe("Error: Failed to run: rbd --id admin --cluster ceph --pool lxd_remote unmap virtual-machine_v1.block: exit status 16");
  assert.equal(invocationTarget(lxd.invocations[0]!), { target: { clientId: 'admin', pool: 'lxd_remote', image: 'virtual-machine_v1.block' }, subcommand: 'unmap' });
  const named = observe("root@pve1:~# rbd -n client.pve -c '/etc/pve/ceph.conf' -k /etc/pve/priv/ceph/vm.keyring info vmdata/ns1/vm-1-disk-0@snap1");
  assert.equal(invocationTarget(named.invocations[0]!), {
    target: { clientId: 'pve', conf: '/etc/pve/ceph.conf', keyring: '/etc/pve/priv/ceph/vm.keyring', pool: 'vmdata', namespace: 'ns1', image: 'vm-1-disk-0', snapshot: 'snap1' },
    subcommand: 'info',
  });
  const snap = observe("rbd: image has snapshots - these must be deleted with 'rbd snap purge' before the image can be removed.");
  assert.equal(snap.invocations.map(invocationTarget).map((t) => t.target), [{}]);
});

// Found by the classify fuzz target: a program word repeated through a 3 KB message made every
// occurrence a command line whose arguments ran to the end of the text (1.2 s of CPU).
test('command lines per message are bounded; a program inside another command is still read', () => {
  assert.is(observe(`got no images from ${'rbd duges fro\u0000 '.repeat(200)}`).invocations.length, 16);
  const nested = observe('kubectl -n rook-ceph exec -it deploy/rook-ceph-tools -- rbd ls -l replicapool').invocations;
  assert.ok(nested.some((i) => i.program === 'rbd' && i.args.join(' ') === 'ls -l replicapool'), JSON.stringify(nested));
});

test('prose that starts with rbd is no command line', () => {
  for (const line of ["rbd image must be at format V2", "unable to parse rbd volume name 'vm-1-disk-0.qcow2'", 'Not a proper rbd authentication file: /etc/x']) {
    assert.equal(observe(line).invocations.map(invocationTarget).map((t) => t.subcommand), observe(line).invocations.map(() => null));
    assert.equal(observe(line).invocations.map(invocationTarget).map((t) => t.target), observe(line).invocations.map(() => ({})));
  }
});

// The scan skips text where no piece can start: the grammar's own lists say where pieces start.
const GRAMMAR = readFileSync(new URL('../../grammars/observation.ohm', import.meta.url), 'utf8');
function literalsOf(rule: string): string[] {
  const body = new RegExp(`^  ${rule} = ([^]*?)(?=\\n  \\w+ =|\\n})`, 'm').exec(GRAMMAR)?.[1] ?? '';
  return [...body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
}
// Rules whose every alternative starts a piece, and the first literal of the other piece rules.
const STARTING_LITERALS = [
  ...['strerror', 'symbolName', 'exceptionName', 'negativeKey', 'programName'].flatMap((rule) => literalsOf(rule)),
  '(', '[', 'errno', 'Error ', 'error ', ': -', 'exit status ', 'exited with code ', 'rados.', 'rbd.', '/usr/bin/', '/bin/',
];

test('the grammar lists read here are not empty (this test reads the grammar file)', () => {
  assert.ok(literalsOf('strerror').length >= 20, 'strerror literals');
  assert.ok(literalsOf('exceptionName').includes('ImageNotFound'), 'exception names');
  assert.ok(literalsOf('negativeKey').includes('ret'), 'negative keys');
  assert.ok(literalsOf('pieceStart').length >= 10, 'pieceStart');
});

test('every literal a piece can start with passes the grammar lookahead and the scan locator', () => {
  const firstChars = literalsOf('pieceStart');
  for (const literal of STARTING_LITERALS) {
    assert.ok(firstChars.includes(literal.charAt(0)), `"${literal}": first character not in pieceStart`);
  }
  const samples = ['(13) Permission denied', '[errno 13] x', 'r=-108', 'ret = -2', 'returned -22', 'status: -5', 'errno=EACCES', 'Error EACCES: x', ': -13',
    'exit status 110', 'exited with code 2', 'EBUSY', 'rados.ObjectNotFound', 'OSError', 'rbd map p/i', '/usr/bin/rbd map', 'ceph osd', 'qemu-img info', 'rbd-nbd map',
    // Letter-led literals that are a whole piece (not a key or a prefix waiting for its value).
    ...STARTING_LITERALS.filter((l) => /^[A-Za-z]/.test(l) && !l.endsWith(' ') && !literalsOf('negativeKey').includes(l))];
  for (const sample of samples) {
    PIECE_START.lastIndex = 0;
    const m = PIECE_START.exec(`x ${sample}`);
    assert.ok(m !== null, `the locator finds nothing in the run "${sample}"`);
  }
});

test('scanning the runs that may hold a piece finds what a scan of the whole text finds', () => {
  const corpus = loadCorpus();
  const same = (text: string): void => {
    const tail = text.length > 4096 ? text.slice(text.length - 4096) : text;
    assert.equal(scanPieces(tail), scanWhole(tail), `pieces differ on ${JSON.stringify(tail.slice(0, 200))}`);
  };
  for (const seed of corpus) same(seed.line);
  // Damaged lines of the fuzzer, from a fixed seed (a counterexample names the line).
  fc.assert(fc.property(caseArbitrary(corpus.length), (c) => { same(buildLine(corpus, c)); }), { numRuns: 200, seed: 4242 });
});

test.run();
