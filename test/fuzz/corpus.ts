// Real lines the fuzzer starts from: the journals, CLI output and task logs of fixtures/real (real
// runs) and the messages of fixtures/catalog/messages.json, each given a short-journal prefix.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A line and the message part of it (what follows the journal prefix, or the line itself). */
export interface SeedLine {
  readonly line: string;
  readonly message: string;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

const PREFIX = /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ [^:[\s]+(?:\[\d+\])?: /;

/** Every distinct non-empty line of the real fixtures and the catalog, in a stable order. */
export function loadCorpus(root = '.'): SeedLine[] {
  const seen = new Set<string>();
  const out: SeedLine[] = [];
  const add = (line: string): void => {
    if (line.trim().length === 0 || seen.has(line)) return;
    seen.add(line);
    const prefix = PREFIX.exec(line);
    out.push({ line, message: prefix ? line.slice(prefix[0].length) : line });
  };
  const real = join(root, 'fixtures/real');
  for (const file of filesUnder(real).sort()) {
    if (file.endsWith('.md') || file.endsWith('.json')) continue; // capture.json is metadata
    for (const line of readFileSync(file, 'utf8').split('\n')) add(line);
  }
  const catalog = JSON.parse(readFileSync(join(root, 'fixtures/catalog/messages.json'), 'utf8')) as { ident?: string; message: string }[];
  for (const entry of catalog) add(`Dec 26 10:50:15 pve3 ${entry.ident ?? 'pvedaemon'}[1032]: ${entry.message}`);
  return out;
}
