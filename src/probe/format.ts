/** Probe result as plain text (the CLI adds colour), NDJSON, and an exit code for cron/monitoring. */
import { CAUSES } from '../causes.js';
import { redactSecrets } from '../doctor/redact.js';
import type { ProbeResult } from './types.js';

/** 0: the identity works end to end; 1: a cause was found; 2: nothing could be decided (tools missing, unknown). */
export function probeExitCode(result: ProbeResult): 0 | 1 | 2 {
  if (result.verdict.cause === null) return result.steps.some((s) => s.outcome === 'tool-missing') ? 2 : 0;
  return result.verdict.cause === 'unknown' ? 2 : 1;
}

/** The result as plain text: target, monitor ports, each step, then the verdict and commands. */
export function formatProbeText(result: ProbeResult): string {
  const t = result.target;
  const v = result.verdict;
  const lines = [
    `rbd-explain probe: client.${t.clientId} conf ${t.conf ?? '(default)'} keyring ${t.keyring ?? '(from conf)'} pool ${t.pool}${t.image ? ` image ${t.image}` : ''}`,
    ...(result.fsid ? [`  cluster fsid ${result.fsid}`] : []),
    ...result.monitors.map((m) => `  monitor ${m.host}:${m.port} ${m.state}`),
    ...result.steps.map((s) => `  ${s.outcome.padEnd(17)} ${s.command}${s.detail ? `\n      ${s.detail}` : ''}`),
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
