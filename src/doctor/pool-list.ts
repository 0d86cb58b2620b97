/** Reads the pool names out of `ceph osd pool ls`, `ceph osd pool ls --format json` or `ceph osd lspools` output. */

/** Pool names from any of the three output forms; empty when nothing looks like a pool. */
export function parsePoolList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((item: unknown) => {
      if (typeof item === 'string') return [item];
      if (item && typeof item === 'object' && 'poolname' in item && typeof item.poolname === 'string') return [item.poolname];
      return [];
    });
  }
  const pools: string[] = [];
  for (const line of trimmed.split(/\r?\n/)) {
    for (const chunk of line.split(',')) {
      const words = chunk.trim().split(/\s+/).filter((w) => w.length > 0);
      // `ceph osd lspools` prints "<id> <name>"; `ceph osd pool ls` prints the bare name.
      const name = words.length === 2 && /^\d+$/.test(words[0] as string) ? words[1] : words.length === 1 ? words[0] : undefined;
      if (name) pools.push(name);
    }
  }
  return pools;
}
