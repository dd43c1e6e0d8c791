// The VNC side of a console socket: connect to the endpoint the live XML names, authenticate
// with the password just set, and hand back a paused socket ready for ClientInit.
//
// Rotation and authentication of one VM are serialized: two viewers opening at once would
// otherwise each set a password and one would answer QEMU's challenge with the other's.
import net from 'node:net';
import type { Connection } from '@ferry/libvirt';
import { AppError } from '../../lib/app-error.ts';
import { ByteReader } from './byte-reader.ts';
import { authenticateUpstream, RfbError } from './rfb-handshake.ts';
import { prepareVncTarget, type VncEndpoint } from './vnc-target.ts';

export interface VncBackend {
  socket: net.Socket;
  /** Bytes QEMU sent after the handshake, before the relay started (normally none). */
  leftover: Buffer;
}

const CONNECT_TIMEOUT_MS = 5_000;
const locks = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, f: () => Promise<T>): Promise<T> {
  const run = (locks.get(key) ?? Promise.resolve()).then(f, f);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  void tail.then(() => { if (locks.get(key) === tail) locks.delete(key); });
  return run;
}

async function handshake(endpoint: VncEndpoint, password: string | null): Promise<VncBackend> {
  const socket = net.connect({ ...endpoint, noDelay: true } as net.NetConnectOpts);
  const reader = new ByteReader();
  const onData = (b: Buffer) => reader.push(b);
  const onEnd = () => reader.fail(new RfbError('the VNC server closed the connection during the handshake'));
  socket.on('data', onData).on('end', onEnd).on('error', (e) => reader.fail(e));
  socket.setTimeout(CONNECT_TIMEOUT_MS, () => reader.fail(new RfbError('the VNC server did not answer in time')));
  try {
    await authenticateUpstream(reader, (b) => socket.write(b), password);
  } catch (e) {
    socket.destroy();
    throw new AppError('CONSOLE_UNAVAILABLE', e instanceof RfbError ? e.message : 'the VM\'s VNC display could not be reached', undefined, undefined, e);
  }
  socket.pause();
  socket.setTimeout(0);
  socket.off('data', onData).off('end', onEnd);
  return { socket, leftover: reader.rest() };
}

export function openVncBackend(conn: Connection, uuid: string, hostUri: string): Promise<VncBackend> {
  return serialized(uuid, async () => {
    const target = await prepareVncTarget(conn, uuid, hostUri);
    return handshake(target.endpoint, target.password);
  });
}
