/** Probe result as plain text (the CLI adds colour), NDJSON, and an exit code for cron/monitoring. */
import { CAUSES } from '../causes.js';
import { redactSecrets } from '../doctor/redact.js';
import type { ProbeResult } from './types.js';

/** 0: the identity works end to end; 1: a cause was found; 2: nothing could be decided (tools missing, unknown). */
export function probeExitCode(result: ProbeResult): 0 | 1 | 2 {
  if (result.verdict.cause === null) return result.steps.some((s) => s.outcome === 'tool-missing') ? 2 : 0;
  return result.verdict.cause === 'unknown' ? 2 : 1;
}

/** What the follow-up steps found, one line each. */
function observationLines(result: ProbeResult): string[] {
  const o = result.observations;
  const lines: string[] = [];
  if (o.conf && !o.conf.exists) lines.push(`  conf ${o.conf.path} does not exist`);
  if (o.compare) {
    const c = o.compare;
    lines.push(c.exists
      ? `  fsid through ${result.target.conf ?? '(default)'}: ${o.confFsid ?? 'unknown'}; through ${c.conf}: ${c.fsid ?? 'unknown'}${c.fsidFrom === 'conf-file' ? ' (its fsid line)' : ''}${c.identityWorks ? ', where the identity works' : ''}`
      : `  compare conf ${c.conf} does not exist`);
  }
  if (o.watchers) lines.push(`  watchers: ${o.watchers.length === 0 ? 'none' : o.watchers.join(', ')}`);
  if (o.locks) lines.push(`  locks: ${o.locks.length === 0 ? 'none' : o.locks.map((l) => `${l.locker} ${l.address}`).join(', ')}`);
  if (o.blocklist) lines.push(`  blocklist: ${o.blocklist.length} entr${o.blocklist.length === 1 ? 'y' : 'ies'}${o.blocklistedHere.length > 0 ? `, fencing this node: ${o.blocklistedHere.join(', ')}` : ''}`);
  if (o.blocklistDenied) lines.push('  blocklist: not readable with this identity');
  if (o.pools) lines.push(`  pools: ${o.pools.join(', ') || '(none)'}${result.target.image ? `; ${result.target.image} found in: ${o.imageFoundIn.join(', ') || 'none'}` : ''}`);
  if (o.poolsDenied) lines.push('  pools: ceph osd pool ls refused with this identity');
  return lines;
}

/** The result as plain text: target, monitor ports, each step, then the verdict and commands. */
export function formatProbeText(result: ProbeResult): string {
  const t = result.target;
  const v = result.verdict;
  const lines = [
    `rbd-explain probe: client.${t.clientId} conf ${t.conf ?? '(default)'} keyring ${t.keyring ?? '(from conf)'} pool ${t.pool}${t.image ? ` image ${t.image}` : ''}`,
    ...(result.fsid ? [`  cluster fsid ${result.fsid}`] : []),
    ...result.monitors.map((m) => `  monitor ${m.host}:${m.port} ${m.state}`),
    ...(t.operation ? [`  failing operation (from the log): ${t.operation}, not tried`] : []),
    ...result.steps.map((s) => `  ${s.outcome.padEnd(17)} ${s.command}${s.detail ? `\n      ${s.detail}` : ''}`),
    ...observationLines(result),
    '',
    v.cause === null ? `No cause confirmed: ${v.summary}` : `${v.confirmed ? 'CONFIRMED' : 'LIKELY'} ${v.cause}: ${CAUSES[v.cause].title}`,
    ...(v.cause === null ? [] : [`  ${v.summary}`]),
    ...v.commands.map((c) => `    ${c.changesCluster ? '!' : '$'} ${c.command}\n        # ${c.purpose}${c.changesCluster ? ' (changes files or the cluster: run it yourself)' : ''}`),
    ...(v.refs.length > 0 ? [`  refs: ${v.refs.join(', ')}`] : []),
    `  commands run: ${result.audit.filter((a) => a.allowed).length}, refused: ${result.audit.filter((a) => !a.allowed).length}`,
    '',
  ];
  return redactSecrets(lines.join('\n'));
}

/** The result as one JSON line (for `--format ndjson`). */
export function probeToNdjson(result: ProbeResult): string {
  return `${redactSecrets(JSON.stringify(result))}\n`;
}
