// Moving bytes between a console WebSocket and its backend, with backpressure both ways:
// - towards the browser, the backend pauses while the WebSocket has more than HIGH_WATER
//   bytes waiting, and resumes when ws reports its writes flushed below it;
// - towards the VM, the WebSocket stops reading (ws.pause: TCP backpressure to the browser)
//   while the backend has not taken the last message.
// The VNC backend is any Duplex: a TCP or unix socket to a local display, or the stdio of an
// `ssh -W` child for a remote one (ssh-tunnel.ts).
// A libvirt stream (serial) cannot be paused, but a serial line is slow: a browser that lets
// SERIAL_MAX_BUFFER bytes pile up has stopped reading, and its socket is closed.
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { Stream } from '@ferry/libvirt';

export const HIGH_WATER = 1 << 20;
export const SERIAL_MAX_BUFFER = 8 << 20;

export interface Counters { toVm: number; fromVm: number }

export function relayVnc(ws: WebSocket, socket: Duplex, counters: Counters, leftover: { toVm: Buffer; fromVm: Buffer }): void {
  const toBrowser = (chunk: Buffer) => {
    counters.fromVm += chunk.length;
    ws.send(chunk, { binary: true }, () => {
      if (socket.isPaused() && ws.bufferedAmount < HIGH_WATER) socket.resume();
    });
    if (ws.bufferedAmount >= HIGH_WATER) socket.pause();
  };
  ws.on('message', (data: Buffer) => {
    counters.toVm += data.length;
    if (!socket.write(data)) {
      ws.pause();
      socket.once('drain', () => ws.resume());
    }
  });
  if (leftover.toVm.length) { counters.toVm += leftover.toVm.length; socket.write(leftover.toVm); }
  if (leftover.fromVm.length) toBrowser(leftover.fromVm);
  socket.on('data', toBrowser);
  socket.resume();
}

export function relaySerial(ws: WebSocket, stream: Stream, counters: Counters, onOverflow: () => void): void {
  const decoder = new TextDecoder(); // a UTF-8 character may be split across chunks
  stream.on('data', (chunk) => {
    counters.fromVm += chunk.length;
    const text = decoder.decode(chunk, { stream: true });
    if (text) ws.send(text);
    if (ws.bufferedAmount > SERIAL_MAX_BUFFER) onOverflow();
  });
  ws.on('message', (data: Buffer) => {
    counters.toVm += data.length;
    ws.pause();
    stream.write(data).then(() => ws.resume(), () => ws.resume());
  });
}
