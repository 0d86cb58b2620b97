import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertReadOnly, auditedRunner, isLoopback, monitorEndpoints, ProbeRefusedError, refusalReason, type CommandRunner } from '../../src/probe/index.js';

const ID = ['--conf', '/etc/ceph/ceph.conf', '--id', 'pve', '--keyring', '/etc/ceph/ceph.client.pve.keyring'];

test('read-only commands the probe uses are allowed', () => {
  for (const [program, args] of [
    ['ceph', [...ID, '--connect-timeout', '5', 'fsid']],
    ['ceph', [...ID, '-s']],
    ['ceph', ['osd', 'pool', 'ls', '--format=json']],
    ['rbd', [...ID, 'ls', 'vmdata']],
    ['rbd', [...ID, 'info', 'vmdata/ns/vm-101-disk-0']],
    ['rbd', [...ID, 'snap', 'ls', 'vmdata/vm-101-disk-0']],
    ['rbd', [...ID, 'status', '--format', 'json', 'vmdata/vm-101-disk-0']],
    ['rbd', [...ID, 'lock', 'ls', '--format', 'json', 'vmdata/vm-101-disk-0']],
    ['ceph', [...ID, '--connect-timeout', '5', 'osd', 'blocklist', 'ls']],
    ['ceph', [...ID, '--connect-timeout', '5', 'osd', 'pool', 'ls']],
  ] as const) assert.is(refusalReason(program, args), null, `${program} ${args.join(' ')}`);
});

test('mutating or unknown commands are refused', () => {
  for (const [program, args] of [
    ['rbd', [...ID, 'rm', 'vmdata/vm-101-disk-0']],
    ['rbd', [...ID, 'create', 'vmdata/caps-test', '--size', '64M']],
    ['rbd', [...ID, 'snap', 'rm', 'vmdata/vm-101-disk-0@s1']],
    ['rbd', [...ID, 'lock', 'rm', 'vmdata/vm-101-disk-0', 'id', 'client.1']],
    ['rbd', [...ID, 'ls', 'vmdata', 'extra']],
    ['rbd', [...ID, 'ls', '--exec', 'x']],
    ['ceph', ['auth', 'caps', 'client.pve', 'mon', 'allow *']],
    ['ceph', ['auth', 'get', 'client.pve']],
    ['ceph', ['osd', 'pool', 'delete', 'vmdata']],
    ['ceph', ['osd', 'blocklist', 'add', '127.0.0.1:0/0']],
    ['ceph', ['fsid', 'extra']],
    // next to the read-only steps the closer looks added: their mutating siblings stay refused
    ['rbd', [...ID, 'lock', 'remove', 'vmdata/vm-101-disk-0', 'auto 1', 'client.1']],
    ['rbd', [...ID, 'lock', 'add', 'vmdata/vm-101-disk-0', 'mine']],
    ['rbd', [...ID, 'snap', 'create', 'vmdata/vm-101-disk-0@pre']],
    ['rbd', [...ID, 'snap', 'rollback', 'vmdata/vm-101-disk-0@pre']],
    ['rbd', [...ID, 'resize', '--size', '1G', 'vmdata/vm-101-disk-0']],
    ['rbd', [...ID, 'clone', 'vmdata/base@s', 'vmdata/vm-102-disk-0']],
    ['rbd', [...ID, 'status', 'vmdata/vm-101-disk-0', 'vmdata/vm-102-disk-0']],
    ['rbd', [...ID, 'status', '--force', 'vmdata/vm-101-disk-0']],
    ['ceph', [...ID, 'osd', 'blocklist', 'rm', '127.0.0.1:0/0']],
    ['ceph', [...ID, 'osd', 'blocklist', 'clear']],
    ['ceph', [...ID, 'osd', 'blacklist', 'rm', '127.0.0.1:0/0']],
    ['ceph', [...ID, 'osd', 'blocklist', 'ls', 'extra']],
    ['ceph', [...ID, 'osd', 'pool', 'rm', 'vmdata', 'vmdata', '--yes-i-really-really-mean-it']],
    ['ceph', [...ID, 'osd', 'pool', 'create', 'ssdpool']],
    ['ceph', [...ID, 'auth', 'get-or-create', 'client.pve']],
  ] as const) {
    assert.type(refusalReason(program, args), 'string', `${program} ${args.join(' ')}`);
    assert.throws(() => assertReadOnly(program, args), (e: unknown) => e instanceof ProbeRefusedError);
  }
});

test('the audited runner refuses a mutating command before it reaches the runner, and logs it', async () => {
  let spawned = 0;
  const inner: CommandRunner = async () => { spawned += 1; return { exitCode: 0, stdout: '', stderr: '', timedOut: false, spawnError: null }; };
  const runner = auditedRunner(inner);
  await runner.run({ program: 'rbd', args: [...ID, 'ls', 'vmdata'], timeoutMs: 1000 });
  let refused: unknown = null;
  try { await runner.run({ program: 'rbd', args: [...ID, 'rm', 'vmdata/vm-101-disk-0'], timeoutMs: 1000 }); } catch (e) { refused = e; }
  assert.ok(refused instanceof ProbeRefusedError);
  assert.is(spawned, 1, 'only the read-only command was started');
  assert.equal(runner.audit.map((a) => [a.args.includes('rm') ? 'rm' : 'ls', a.allowed]), [['ls', true], ['rm', false]]);
  assert.ok(runner.audit[1]?.refusedReason?.includes('rbd rm'));
});

test('loopback detection', () => {
  assert.ok(isLoopback('127.0.0.1'));
  assert.ok(isLoopback('127.3.2.1'));
  assert.ok(isLoopback('[::1]'));
  assert.ok(isLoopback('localhost'));
  assert.not.ok(isLoopback('10.0.0.1'));
  assert.not.ok(isLoopback('127.example.com'));
});

test('monitor entries: bare hosts get both ports, explicit ports are kept', () => {
  assert.equal(monitorEndpoints('127.0.0.1'), [{ host: '127.0.0.1', port: 3300 }, { host: '127.0.0.1', port: 6789 }]);
  assert.equal(monitorEndpoints('127.0.0.1:40001'), [{ host: '127.0.0.1', port: 40001 }]);
  assert.equal(monitorEndpoints('[v2:127.0.0.1:40001/0,v1:127.0.0.1:40002/0]'), [{ host: '127.0.0.1', port: 40001 }, { host: '127.0.0.1', port: 40002 }]);
  assert.equal(monitorEndpoints('[::1]:3300'), [{ host: '::1', port: 3300 }]);
  assert.equal(monitorEndpoints('fd00::5'), [{ host: 'fd00::5', port: 3300 }, { host: 'fd00::5', port: 6789 }]);
});

test.run();
