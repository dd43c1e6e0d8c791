// The VNC side of a console socket: reach the endpoint the live XML names — directly when the
// host is this machine, through `ssh -W` when the host is a qemu+ssh:// one (vnc-transport.ts) —
// authenticate with the password just set, and hand back a paused byte stream ready for
// ClientInit. Either way it is a Duplex, and the relay does not know which.
//
// Rotation and authentication of one VM are serialized: two viewers opening at once would
// otherwise each set a password and one would answer QEMU's challenge with the other's.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { Connection } from '@ferry/libvirt';
import { AppError } from '../../lib/app-error.ts';
import { ByteReader } from './byte-reader.ts';
import { authenticateUpstream, RfbError } from './rfb-handshake.ts';
import { describeSshFailure, redactSshStderr, SshTunnel } from './ssh-tunnel.ts';
import { prepareVncTarget, type VncEndpoint } from './vnc-target.ts';
import { checkTunnelEndpoint, requireVncTransport, sshArgv, SSH_CONNECT_TIMEOUT_S, type SshTarget } from './vnc-transport.ts';

export interface VncBackend {
  stream: Duplex;
  /** Bytes QEMU sent after the handshake, before the relay started (normally none). */
  leftover: Buffer;
  via: 'local' | 'ssh';
}

/** Marks a console refusal caused by the SSH tunnel (the upgrade audits those). */
export const TUNNEL_FAILURE = { tunnel: 'ssh' } as const;

const CONNECT_TIMEOUT_MS = 5_000;
// ssh's own ConnectTimeout, then key exchange, authentication and the channel open.
const SSH_HANDSHAKE_TIMEOUT_MS = SSH_CONNECT_TIMEOUT_S * 1000 + 10_000;
const locks = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, f: () => Promise<T>): Promise<T> {
  const run = (locks.get(key) ?? Promise.resolve()).then(f, f);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  void tail.then(() => { if (locks.get(key) === tail) locks.delete(key); });
  return run;
}

/**
 * Runs the RFB client handshake on `stream`; on failure destroys it and throws the AppError
 * `explain` makes of the cause.
 */
async function handshake(stream: Duplex, password: string | null, timeoutMs: number, explain: (e: unknown) => Promise<AppError>): Promise<Buffer> {
  const reader = new ByteReader();
  const onData = (b: Buffer) => reader.push(b);
  const onEnd = () => reader.fail(new RfbError('the VNC server closed the connection during the handshake'));
  stream.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', (e) => reader.fail(e));
  const timer = setTimeout(() => reader.fail(new RfbError('the VNC server did not answer in time')), timeoutMs);
  try {
    await authenticateUpstream(reader, (b) => stream.write(b), password);
  } catch (e) {
    const err = await explain(e);
    stream.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  stream.pause();
  stream.off('data', onData).off('end', onEnd).off('close', onEnd);
  return reader.rest();
}

const unreachable = (e: unknown) => new AppError('CONSOLE_UNAVAILABLE', e instanceof RfbError ? e.message : 'the VM\'s VNC display could not be reached', undefined, undefined, e);

async function direct(endpoint: VncEndpoint, password: string | null): Promise<VncBackend> {
  const socket = net.connect({ ...endpoint, noDelay: true } as net.NetConnectOpts);
  const leftover = await handshake(socket, password, CONNECT_TIMEOUT_MS, async (e) => unreachable(e));
  return { stream: socket, leftover, via: 'local' };
}

async function tunnelled(ssh: SshTarget, hostName: string, endpoint: VncEndpoint, password: string | null, sshBinary: string, log?: FastifyBaseLogger): Promise<VncBackend> {
  const argv = sshArgv(ssh, endpoint);
  const started = Date.now();
  const tunnel = new SshTunnel(sshBinary, argv);
  const pid = tunnel.pid;
  void tunnel.exited.then((exit) => {
    const stderr = redactSshStderr(exit.stderr);
    log?.info({ pid, host: ssh.host, code: exit.code, signal: exit.signal, spawnError: exit.spawnError, ...(stderr ? { stderr } : {}) }, 'console ssh tunnel ended');
  });
  const leftover = await handshake(tunnel, password, SSH_HANDSHAKE_TIMEOUT_MS, async (e) => {
    // ssh failing shows as the stream ending; its exit and stderr say why. Wait briefly for it.
    const exit = await Promise.race([tunnel.exited, new Promise<null>((r) => setTimeout(() => r(null), 2_000).unref())]);
    const failed = exit !== null && (exit.spawnError !== null || exit.code !== 0);
    if (!failed) return unreachable(e);
    return new AppError('CONSOLE_UNAVAILABLE', describeSshFailure(exit, `host ${hostName}`), TUNNEL_FAILURE, undefined, e);
  });
  log?.info({ pid, host: ssh.host, ms: Date.now() - started }, 'console ssh tunnel open');
  return { stream: tunnel, leftover, via: 'ssh' };
}

/**
 * `host`: the Ferry host the VM is on (its URI says how to reach the display; its name is used in
 * messages). `sshBinary`: OpenSSH's client, found on PATH (tests pass a stand-in).
 */
export function openVncBackend(conn: Connection, uuid: string, host: { name: string; uri: string }, log?: FastifyBaseLogger, sshBinary = 'ssh'): Promise<VncBackend> {
  return serialized(uuid, async () => {
    const transport = requireVncTransport(host.uri);
    const target = await prepareVncTarget(conn, uuid, transport.kind === 'ssh' ? checkTunnelEndpoint : undefined);
    if (transport.kind === 'ssh') return tunnelled(transport.ssh, host.name, target.endpoint, target.password, sshBinary, log);
    return direct(target.endpoint, target.password);
  });
}
