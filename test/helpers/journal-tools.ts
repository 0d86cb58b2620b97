// systemd's journal tools for the suites that write real journal files. In CI, as root, a missing
// systemd-journal-remote is installed (Debian package); elsewhere its tests are registered as
// skipped (uvu's Skipped count, printed by scripts/run-tests.js) with a line saying why.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';

/** Where the tools are, or why they are not there. */
export type JournalTools = { readonly remote: string; readonly journalctl: string } | { readonly missing: string };

const find = (paths: readonly string[]): string | null => paths.find((p) => existsSync(p)) ?? null;
const locate = (): { remote: string | null; journalctl: string | null } => ({
  remote: find(['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote']),
  journalctl: find(['/usr/bin/journalctl', '/bin/journalctl']),
});

/** Installs systemd-journal-remote when CI=true, root and apt-get are given; never elsewhere. */
export function journalTools(): JournalTools {
  let found = locate();
  if ((!found.remote || !found.journalctl) && process.env['CI'] === 'true' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    const apt = (args: string[]): void => {
      spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=900', ...args], { stdio: 'ignore', timeout: 900_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    };
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', 'systemd-journal-remote']);
    found = locate();
  }
  if (found.remote && found.journalctl) return { remote: found.remote, journalctl: found.journalctl };
  return { missing: found.journalctl ? 'no systemd-journal-remote (apt-get install systemd-journal-remote)' : 'no journalctl' };
}

/** `test`, or a stand-in that prints SKIPPED and registers the test as skipped. */
export function testWith(tools: JournalTools): (name: string, fn: () => unknown) => void {
  return (name, fn) => {
    if (!('missing' in tools)) { test(name, fn as () => Promise<void>); return; }
    console.log(`  SKIPPED: ${name}: ${tools.missing}`);
    test.skip(name, fn as () => void);
  };
}
