// How Ferry reaches a VM's VNC display, decided from the host's libvirt URI alone (an
// administrator's setting, never anything a console client sent):
//
//   URI                                      display reached by
//   qemu:///system, qemu+unix://, test://    connecting to it here: the host is this machine
//   qemu+tcp|tls://<loopback>/…              the same (the daemon runs on this machine)
//   qemu+ssh://[user@]host[:port]/…          `ssh -W <addr>:<port>` to the host, the way libvirt's
//                                            own ssh transport reaches the daemon
//   qemu+tcp|tls|libssh|libssh2|ext://host   refused (409 CONSOLE_UNAVAILABLE): those connections
//                                            carry libvirt's RPC only, and QEMU's display listens
//                                            on the host's loopback, which Ferry cannot reach
//
// The ssh command honours what libvirt's ssh transport reads from the URI — user, port, keyfile=
// (-i), no_verify=1 (StrictHostKeyChecking=no) — plus known_hosts= (libvirt reads it only for its
// libssh transports; for the tunnel it is the file the host key must be in). Host keys are
// otherwise checked strictly, and BatchMode means ssh never waits for a password or a prompt.
// Every value that reaches ssh's argv is checked first: a host or user starting with '-' or
// holding whitespace or control characters, a path that is not absolute, holds whitespace or an
// ssh token ('%', '~'), is refused — ssh would read those as options, several files, or tokens.
import { isIP } from 'node:net';
import { AppError } from '../../lib/app-error.ts';
import type { VncEndpoint } from './vnc-target.ts';

export interface SshTarget {
  host: string;
  user: string | null;
  port: number | null;
  keyfile: string | null;
  knownHosts: string | null;
  noVerify: boolean;
}

export type VncTransport =
  | { kind: 'local' }
  | { kind: 'ssh'; ssh: SshTarget }
  | { kind: 'refused'; message: string };

export const SSH_CONNECT_TIMEOUT_S = 10;

const CONTROL = /[\u0000-\u001f\u007f]/;
const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;
const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$/;
const SAFE_PATH = /^\/[^\s%~]*$/;

export function isLoopback(address: string): boolean {
  if (address === 'localhost') return true;
  if (isIP(address) === 4) return address.startsWith('127.');
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

const refuse = (message: string): VncTransport => ({ kind: 'refused', message });

/** The transport part of a libvirt URI scheme: qemu+ssh → 'ssh'; qemu → null. */
function transportOf(protocol: string): string | null {
  const scheme = protocol.replace(/:$/, '');
  const plus = scheme.indexOf('+');
  return plus < 0 ? null : scheme.slice(plus + 1).toLowerCase();
}

/** How the VNC display of a VM on the host with this libvirt URI is reached. */
export function vncTransportFor(uri: string): VncTransport {
  // The URL parser silently drops tabs and newlines; a URI holding any is refused, not repaired.
  if (CONTROL.test(uri)) return refuse('the host\'s URI holds control characters');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return refuse('the host\'s URI cannot be parsed');
  }
  const transport = transportOf(url.protocol);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (transport === 'ssh') return sshTransport(url, host);
  if (host === '' || isLoopback(host)) return { kind: 'local' };
  const via = transport ?? 'tls'; // libvirt's default for a URI with a host and no transport
  return refuse(`VNC of VMs on this host needs a qemu+ssh:// URI: Ferry reaches a remote display through an SSH tunnel to the host's loopback, and this host's ${via} connection carries only libvirt's own calls; use the serial console, or connect the host over qemu+ssh://`);
}

function sshTransport(url: URL, rawHost: string): VncTransport {
  if (rawHost === '') return refuse('the host\'s qemu+ssh:// URI names no host');
  let host: string;
  let user: string | null;
  try {
    host = decodeURIComponent(rawHost);
    user = url.username ? decodeURIComponent(url.username) : null;
  } catch {
    return refuse('the host\'s qemu+ssh:// URI has a malformed host or user');
  }
  if (!(isIP(host) || HOSTNAME.test(host))) return refuse('the host\'s qemu+ssh:// URI has a host name ssh would not take safely');
  if (user !== null && !USER.test(user)) return refuse('the host\'s qemu+ssh:// URI has a user name ssh would not take safely');
  let port: number | null = null;
  if (url.port) {
    port = Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return refuse('the host\'s qemu+ssh:// URI has an invalid port');
  }
  const q = url.searchParams;
  const path = (name: string): string | null | undefined => {
    const v = q.get(name);
    if (v === null || v === '') return null;
    return SAFE_PATH.test(v) && !CONTROL.test(v) ? v : undefined;
  };
  const keyfile = path('keyfile');
  const knownHosts = path('known_hosts');
  if (keyfile === undefined) return refuse('the host\'s keyfile= must be an absolute path without spaces, \'%\' or \'~\'');
  if (knownHosts === undefined) return refuse('the host\'s known_hosts= must be an absolute path without spaces, \'%\' or \'~\'');
  const noVerifyRaw = q.get('no_verify');
  if (noVerifyRaw !== null && noVerifyRaw !== '0' && noVerifyRaw !== '1') return refuse('the host\'s no_verify= must be 0 or 1');
  return { kind: 'ssh', ssh: { host, user, port, keyfile, knownHosts, noVerify: noVerifyRaw === '1' } };
}

/** How the host's VNC displays are reached; throws CONSOLE_UNAVAILABLE when they cannot be. */
export function requireVncTransport(uri: string): Exclude<VncTransport, { kind: 'refused' }> {
  const t = vncTransportFor(uri);
  if (t.kind === 'refused') throw new AppError('CONSOLE_UNAVAILABLE', t.message);
  return t;
}

/** Throws CONSOLE_UNAVAILABLE for a display an ssh tunnel cannot reach. */
export function checkTunnelEndpoint(endpoint: VncEndpoint): asserts endpoint is { host: string; port: number } {
  if ('path' in endpoint) {
    // OpenSSH's -W takes host:port only (9.2); a relay through nc or socat on the host would be
    // a remote shell command built from XML. Refused rather than improvised.
    throw new AppError('CONSOLE_UNAVAILABLE', 'the VM\'s VNC display listens on a unix socket of a remote host, which ssh -W cannot reach; give it a loopback address (listen type=\'address\' address=\'127.0.0.1\')');
  }
  if (!isLoopback(endpoint.host)) throw new AppError('CONSOLE_UNAVAILABLE', 'the VM\'s VNC display does not listen on loopback only; Ferry does not relay to it');
}

/** The argv (after the program name) of `ssh` forwarding its stdio to `endpoint` on the host. */
export function sshArgv(t: SshTarget, endpoint: VncEndpoint): string[] {
  checkTunnelEndpoint(endpoint);
  const target = isIP(endpoint.host) === 6 ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
  return [
    '-T', '-x', '-a',
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${SSH_CONNECT_TIMEOUT_S}`,
    // A host that vanishes mid-session is noticed within ~45 s instead of TCP's minutes.
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    '-o', `StrictHostKeyChecking=${t.noVerify ? 'no' : 'yes'}`,
    ...(t.knownHosts ? ['-o', `UserKnownHostsFile=${t.knownHosts}`] : []),
    ...(t.keyfile ? ['-i', t.keyfile] : []),
    ...(t.port !== null ? ['-p', String(t.port)] : []),
    ...(t.user !== null ? ['-l', t.user] : []),
    '-W', target,
    '--', t.host,
  ];
}
