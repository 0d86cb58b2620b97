// Plain files are read chunks ahead into reused buffers: every byte arrives once, in order,
// and a caller that stops early leaves nothing behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CHUNK_BYTES, readFileChunks } from '../src/sources/open-input.js';

const dir = mkdtempSync(join(tmpdir(), 'rbd-explain-open-'));
const data = Buffer.alloc(CHUNK_BYTES * 3 + 12345);
for (let i = 0; i < data.length; i += 1) data[i] = 32 + ((i * 7919) % 90);
const plain = join(dir, 'plain.log');
writeFileSync(plain, data);
writeFileSync(join(dir, 'packed.log.gz'), gzipSync(data));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('plain file: chunks hashed as they arrive add up to the file', async () => {
  const hash = createHash('sha256');
  let chunks = 0;
  for await (const chunk of readFileChunks(plain)) { hash.update(chunk); chunks += 1; }
  assert.is(hash.digest('hex'), digest(data));
  assert.is(chunks, 4);
});

test('plain file: every size around the chunk boundaries arrives whole, in as many chunks as it fills', async () => {
  const source = Buffer.concat([data, data]); // over 6 MiB
  for (const size of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, CHUNK_BYTES * 2, CHUNK_BYTES * 5 + 7]) {
    const path = join(dir, `size-${size}.log`);
    writeFileSync(path, source.subarray(0, size));
    const parts: Buffer[] = [];
    for await (const chunk of readFileChunks(path)) parts.push(Buffer.from(chunk));
    const whole = Buffer.concat(parts);
    assert.is(whole.length, size, `size ${size}`);
    assert.ok(whole.equals(source.subarray(0, size)), `bytes of size ${size}`);
    assert.is(parts.length, Math.ceil(size / CHUNK_BYTES), `chunks of size ${size}`);
  }
});

test('a device without offsets (/dev/zero) is read from where the last read stopped, chunk after chunk', async () => {
  let chunks = 0;
  for await (const chunk of readFileChunks('/dev/zero')) {
    assert.is(chunk.length, CHUNK_BYTES);
    assert.is(chunk.indexOf(1), -1);
    if (++chunks === 3) break;
  }
  assert.is(chunks, 3);
});

test('plain file: a chunk is intact until the caller has asked for two more', async () => {
  const seen: Buffer[] = [];
  const copies: Buffer[] = [];
  for await (const chunk of readFileChunks(plain)) {
    if (seen.length >= 1) assert.ok(seen[seen.length - 1]!.equals(copies[copies.length - 1]!), 'previous chunk was overwritten');
    seen.push(chunk);
    copies.push(Buffer.from(chunk));
  }
  assert.is(digest(Buffer.concat(copies)), digest(data));
});

test('gzip file: decompressed chunks add up to the original', async () => {
  const parts: Buffer[] = [];
  for await (const chunk of readFileChunks(join(dir, 'packed.log.gz'))) parts.push(Buffer.from(chunk));
  assert.is(digest(Buffer.concat(parts)), digest(data));
});

test('stopping after the first chunk closes the file without an unhandled rejection', async () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => { rejections.push(reason); };
  process.on('unhandledRejection', onRejection);
  for (let i = 0; i < 20; i += 1) {
    for await (const chunk of readFileChunks(plain)) { assert.ok(chunk.length > 0); break; }
  }
  await new Promise((r) => setTimeout(r, 20));
  process.off('unhandledRejection', onRejection);
  assert.equal(rejections, []);
});

test.run();
