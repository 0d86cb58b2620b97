/**
 * Renders one syslog message the way the journal and Proxmox would show it, for the
 * catalog fixtures (fixtures/catalog/messages.json). Built at test time; nothing here is
 * a capture. Clock: 2025-12-26 10:50:15 CET (09:50:15Z).
 */

/** The identifier the message is logged under; `task` means a line of a task log file. */
export interface RenderTarget {
  readonly ident: string;
  readonly message: string;
  readonly host?: string;
  /** Journal priority: 3 err, 4 warning, 6 info. */
  readonly priority?: number;
}

export const HOST = 'pve3';
export const PID = 1032; // 0x408, the pid field of TASK_UPID
export const TASK_UPID = 'UPID:pve3:00000408:0001E240:694E5A56:qmstart:101:root@pam:';
const REALTIME_US = '1766742615000000';

function prefix(ident: string): string {
  return ident === 'kernel' ? 'kernel' : `${ident}[${PID}]`;
}

/** `journalctl -o short`: `Dec 26 10:50:15 pve3 pvedaemon[1032]: …` (kernel: no pid). */
export function renderShort(t: RenderTarget): string {
  return `Dec 26 10:50:15 ${t.host ?? HOST} ${prefix(t.ident)}: ${t.message}\n`;
}

/** `journalctl -o short-iso`, older systemd zone style (`+0100`) or newer (`+01:00`). */
export function renderShortIso(t: RenderTarget, colonZone = false): string {
  return `2025-12-26T10:50:15${colonZone ? '+01:00' : '+0100'} ${t.host ?? HOST} ${prefix(t.ident)}: ${t.message}\n`;
}

function journalFields(t: RenderTarget, seq: number): [string, string][] {
  const fields: [string, string][] = [
    ['__CURSOR', `s=3c1f0e2d4b5a69788796a5b4c3d2e1f0;i=${(0x1a2b3c + seq).toString(16)};b=9f8e7d6c5b4a39281706f5e4d3c2b1a0;m=5d2e7fc;t=${(BigInt(REALTIME_US) + BigInt(seq)).toString(16)};x=0`],
    ['__REALTIME_TIMESTAMP', (BigInt(REALTIME_US) + BigInt(seq)).toString()],
    ['__MONOTONIC_TIMESTAMP', '97705980'],
    ['_BOOT_ID', '9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
    ['PRIORITY', String(t.priority ?? 3)],
    ['_HOSTNAME', t.host ?? HOST],
    ['SYSLOG_IDENTIFIER', t.ident],
  ];
  if (t.ident === 'kernel') fields.push(['_TRANSPORT', 'kernel'], ['SYSLOG_FACILITY', '0']);
  else fields.push(['_TRANSPORT', 'syslog'], ['SYSLOG_FACILITY', '3'], ['_PID', String(PID)], ['SYSLOG_PID', String(PID)]);
  return fields;
}

/** `journalctl -o json`: one object a line, MESSAGE as a string. */
export function renderJson(t: RenderTarget, seq = 0): string {
  const obj: Record<string, string> = {};
  for (const [k, v] of journalFields(t, seq)) obj[k] = v;
  obj['MESSAGE'] = t.message;
  return `${JSON.stringify(obj)}\n`;
}

/** A control character other than tab makes journalctl write the field in binary form. */
function needsBinary(text: string): boolean {
  return /[\u0000-\u0008\u000a-\u001f\u007f]/.test(text);
}

/**
 * `journalctl -o export`: `KEY=value` lines, an entry ends with a blank line. MESSAGE is
 * written as a binary field (`MESSAGE\n` + 64-bit LE length + bytes + `\n`) when `binary`
 * is set or when the text holds control characters (what journalctl does).
 */
export function renderExport(t: RenderTarget, binary = false, seq = 0): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of journalFields(t, seq)) parts.push(Buffer.from(`${k}=${v}\n`, 'utf8'));
  if (binary || needsBinary(t.message)) {
    const data = Buffer.from(t.message, 'utf8');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(data.length));
    parts.push(Buffer.from('MESSAGE\n', 'utf8'), len, data, Buffer.from('\n', 'utf8'));
  } else {
    parts.push(Buffer.from(`MESSAGE=${t.message}\n`, 'utf8'));
  }
  parts.push(Buffer.from('\n', 'utf8'));
  return Buffer.concat(parts);
}

/** A task log file body: the line as the task wrote it. */
export function renderTaskLog(t: RenderTarget): string {
  return `${t.message}\n`;
}
