// Follow mode: a child process fed line by line prints an incident once the line that makes it
// known arrives, while its input is still open, and re-emits it (same id) when more evidence
// arrives. (How fast is for the bench; the bounds here only keep a broken follower from hanging.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const LINES = readFileSync('fixtures/fleet/bundle/pve3/journal.log', 'utf8').trim().split('\n').slice(0, 4);

test('journal lines on stdin → ndjson incident before the input ends, updated with the same id', async () => {
  const child = spawn(process.execPath, ['dist/src/bin/cli.js', '--follow', '--format', 'ndjson'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const got: { incident: { id: string; count: number } }[] = [];
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      got.push({ incident: JSON.parse(buffer.slice(0, nl)) as { id: string; count: number } });
      buffer = buffer.slice(nl + 1);
    }
  });
  const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const waitFor = async (n: number, ms: number): Promise<void> => {
    const until = Date.now() + ms;
    while (got.length < n && Date.now() < until) await wait(10);
  };
  try {
    child.stdin.write(`${LINES[0]}\n${LINES[1]}\n`); // task start: context only, no incident yet
    await wait(300);
    assert.is(got.length, 0);
    child.stdin.write(`${LINES[2]}\n`); // start failed: an incident
    await waitFor(1, 30_000);
    assert.is(got.length, 1, 'an incident while stdin is still open');
    child.stdin.write(`${LINES[3]}\n`); // end task: more evidence for the same task
    await waitFor(2, 30_000);
    assert.is(got.length, 2);
    assert.is(got[1]?.incident.id, got[0]?.incident.id);
    assert.ok((got[1]?.incident.count ?? 0) > (got[0]?.incident.count ?? 0));
  } finally {
    child.stdin.end();
    await new Promise((r) => child.on('close', r));
  }
});

test.run();
