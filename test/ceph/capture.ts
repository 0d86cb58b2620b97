/**
 * Regenerates fixtures/real/ from live clusters:
 *
 *   npm run build && node dist/test/ceph/capture.js [scenario-id-substring …]
 *
 * Starts the clusters (installing the packages when missing), runs every scenario (or those whose
 * id contains one of the arguments), writes each scenario dir and stops every process it started.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages } from './cluster.js';
import { runScenario, startWorld, stopWorld, type World } from './runner.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { render, type Capture, type Rendering } from './wrap.js';

/** fixtures/real relative to the compiled file (dist/test/ceph → repo root). */
export const FIXTURE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/real');

/** expected.json content for one scenario. */
export function expectedJson(s: Scenario, r: Rendering): unknown {
  const hasKeyring = s.keyring !== 'fallback-none';
  const usesStorageConf = s.tool === 'qemu-blockdev' || s.keyring === 'fallback-none';
  return {
    scenario: s.id,
    title: s.title,
    cause: s.cause,
    tool: s.tool,
    realLines: Object.fromEntries([r.cli, r.taskLog, r.short, r.shortIso, r.json].map((f) => [f.path, f.lines])),
    wrapper:
      'Everything not marked real is the Proxmox wrapper rendered by test/ceph/wrap.ts: UPID, task-log status line, ' +
      'pvedaemon journal lines (starting task / start VM / error / end task), the `kvm: -drive …:` / `kvm: -blockdev {…}:` location, ' +
      "`rbd error: ` and `<errmsg>: ` prefixes. Paths were rewritten to the Proxmox paths in capture.json pathMap.",
    fields: {
      node: 'pve3',
      pool: s.pool,
      image: s.tool === 'rbd' && (s.op?.[0] === 'ls' || s.op?.[0] === 'create') ? null : s.image,
      clientId: s.tool === 'rbd' || hasKeyring ? s.client : null,
      keyring: hasKeyring ? '/etc/pve/priv/ceph/ceph-vm.keyring' : null,
      conf: usesStorageConf ? '/etc/pve/priv/ceph/ceph-vm.conf' : '/etc/pve/ceph.conf',
      errno: s.errno,
      phase: s.phase,
    },
    upid: r.upid,
    taskError: r.taskError,
    note: s.note ?? null,
  };
}

/** Write one scenario dir. */
export function writeScenario(root: string, s: Scenario, c: Capture): Rendering {
  const dir = join(root, s.id);
  rmSync(dir, { recursive: true, force: true });
  const r = render(s, c);
  for (const f of [r.cli, r.taskLog, r.short, r.shortIso, r.json]) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
  writeFileSync(join(dir, 'capture.json'), JSON.stringify(c, null, 2) + '\n');
  writeFileSync(join(dir, 'expected.json'), JSON.stringify(expectedJson(s, r), null, 2) + '\n');
  return r;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const picked = SCENARIOS.filter((s) => filters.length === 0 || filters.some((f) => s.id.includes(f)));
  const log = (m: string): void => console.log(`[capture] ${m}`);
  const t0 = Date.now();
  await ensurePackages(log);
  let world: World | undefined;
  try {
    world = await startWorld(log);
    for (const s of picked) {
      const c = await runScenario(world, s);
      const r = writeScenario(FIXTURE_ROOT, s, c);
      log(`${s.id}: exit ${c.exitCode} in ${c.durationMs} ms — ${r.taskError ?? 'OK'}`);
    }
  } finally {
    await stopWorld(world);
  }
  log(`done: ${picked.length} scenarios in ${Math.round((Date.now() - t0) / 1000)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
