// The two real side effects, exercised on this machine only: TCP to 127.0.0.1 and spawning `node` as a stand-in tool.
import { createServer, type Server } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnRunner, tcpPortChecker } from '../../src/probe/index.js';

test('port checker: open on a listening loopback port, closed once it stops listening', async () => {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  assert.is(await tcpPortChecker('127.0.0.1', port, 1000), 'open');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.is(await tcpPortChecker('127.0.0.1', port, 1000), 'closed');
});

test('spawn runner: exit code, output, timeout kill and missing tool', async () => {
  const run = spawnRunner({ ceph: process.execPath, rbd: '/nonexistent/rbd' });
  const done = await run({ program: 'ceph', args: ['-e', 'process.stderr.write("x"); process.exit(3)'], timeoutMs: 5000 });
  assert.equal([done.exitCode, done.stderr, done.timedOut], [3, 'x', false]);
  const slow = await run({ program: 'ceph', args: ['-e', 'setTimeout(() => {}, 10000)'], timeoutMs: 200 });
  assert.ok(slow.timedOut);
  const missing = await run({ program: 'rbd', args: ['ls'], timeoutMs: 1000 });
  assert.is(missing.spawnError, 'ENOENT');
});

test('spawn runner drops CEPH_ARGS so the shell cannot change the identity', async () => {
  process.env['CEPH_ARGS'] = '--id admin';
  const run = spawnRunner({ ceph: process.execPath });
  const r = await run({ program: 'ceph', args: ['-e', 'process.stdout.write(String(process.env.CEPH_ARGS))'], timeoutMs: 5000 });
  delete process.env['CEPH_ARGS'];
  assert.is(r.stdout, 'undefined');
});

test.run();
