/** Monitor reachability: a plain TCP connect with a short timeout, only to hosts we may contact. */
import { isIP, Socket } from 'node:net';
import type { PortChecker } from './types.js';

/** Ceph monitor ports: msgr2 and legacy msgr1. */
export const MON_PORTS = [3300, 6789] as const;

/** One monitor address to test. */
export interface MonitorEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Addresses to test for one monitor entry: `host` ⇒ both default ports; `host:port`, `[::1]:port`
 * or `[v2:h:p,v1:h:p]` ⇒ exactly the ports given.
 */
export function monitorEndpoints(entry: string): MonitorEndpoint[] {
  const trimmed = entry.trim();
  const vector = /^\[(v[12]:.*)\]$/.exec(trimmed);
  const parts = vector ? (vector[1] as string).split(',') : [trimmed];
  const endpoints: MonitorEndpoint[] = [];
  for (const part of parts) {
    const addr = part.replace(/^v[12]:/, '').replace(/\/\d+$/, '');
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(addr) ?? /^([^:]+)(?::(\d+))?$/.exec(addr) ?? /^(.+)()$/.exec(addr);
    const host = (m?.[1] ?? addr).toLowerCase();
    const ports = m?.[2] ? [Number(m[2])] : [...MON_PORTS];
    for (const port of ports) if (!endpoints.some((e) => e.host === host && e.port === port)) endpoints.push({ host, port });
  }
  return endpoints;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** True when the probe may open a connection to `host`: loopback, or named by the user. */
export function mayContact(host: string, userHosts: readonly string[]): boolean {
  return isLoopback(host) || userHosts.map((h) => h.toLowerCase()).includes(host.toLowerCase());
}

/** Connects to host:port and reports open / closed (refused) / timeout / error. */
export const tcpPortChecker: PortChecker = (host, port, timeoutMs) => new Promise((resolve) => {
  const socket = new Socket();
  const done = (state: 'open' | 'closed' | 'timeout' | 'error'): void => { socket.destroy(); resolve(state); };
  socket.setTimeout(timeoutMs, () => done('timeout'));
  socket.once('connect', () => done('open'));
  socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'closed' : e.code === 'ETIMEDOUT' ? 'timeout' : 'error'));
  socket.connect(port, host.replace(/^\[|\]$/g, ''));
});
