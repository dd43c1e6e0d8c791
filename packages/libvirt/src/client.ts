// The entry point: `const lv = await Libvirt.start(); const conn = await lv.open(uri)`.
// A Libvirt owns a call pool; the event-loop Worker is shared by every Libvirt in the process
// (libvirt's event implementation is process-global) and started before the first connection.
import { CallPool, type PoolOptions } from './pool.ts';
import { EventLoop } from './event-loop.ts';
import { Connection } from './connection.ts';

export interface LibvirtOptions extends PoolOptions {
  /** Client keepalive for remote connections: a dead daemon is noticed within interval × (count + 1) s. */
  keepAlive?: { intervalS: number; count: number } | null;
}

let shared: { loop: EventLoop; users: number } | null = null;

export class Libvirt {
  private readonly connections = new Map<number, Connection>();
  private nextConnId = 1;
  private closeCallback = 0n;
  private closed = false;

  private constructor(readonly pool: CallPool, private readonly loop: EventLoop, private readonly opts: LibvirtOptions) {}

  static async start(opts: LibvirtOptions = {}): Promise<Libvirt> {
    if (!shared) shared = { loop: new EventLoop(), users: 0 };
    shared.users++;
    const loop = shared.loop;
    try {
      await loop.ready; // virEventRegisterDefaultImpl must precede every virConnectOpen
      const pool = new CallPool(opts);
      await pool.ready();
      const lv = new Libvirt(pool, loop, opts);
      await lv.registerCloseCallback();
      return lv;
    } catch (e) {
      await Libvirt.release();
      throw e;
    }
  }

  async open(uri: string, opts: { readOnly?: boolean } = {}): Promise<Connection> {
    const readOnly = opts.readOnly ?? false;
    const ptr = await this.pool.call('connectOpen', [uri, readOnly]);
    const id = this.nextConnId++;
    const conn = new Connection({ pool: this.pool, loop: this.loop, closeCallback: this.closeCallback, forget: (c) => this.connections.delete(c.id) }, id, uri, readOnly, ptr);
    this.connections.set(id, conn);
    try {
      await conn.init(this.opts.keepAlive === undefined ? { intervalS: 5, count: 3 } : this.opts.keepAlive);
    } catch (e) {
      await conn.close();
      throw e;
    }
    return conn;
  }

  /** Closes every connection and the pool; the process can then exit on its own. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.connections.values()].map((c) => c.close()));
    await this.pool.close();
    if (this.closeCallback) (await import('./ffi/lib.ts')).koffi.unregister(this.closeCallback as never);
    await Libvirt.release();
  }

  private static async release(): Promise<void> {
    if (!shared) return;
    if (--shared.users > 0) return;
    const { loop } = shared;
    shared = null;
    await loop.close();
  }

  // libvirt may invoke the close callback from any thread — the event loop's or a pool Worker
  // doing I/O. So it is owned by the main thread, which never blocks on libvirt: koffi relays
  // the call here and the calling thread waits until it has run. Owned by a Worker looping in
  // a synchronous call, the same relay would deadlock.
  private async registerCloseCallback(): Promise<void> {
    const { koffi, cb } = await import('./ffi/lib.ts');
    this.closeCallback = koffi.register((_conn: bigint, reason: number, opaque: bigint | null) => {
      const conn = this.connections.get(Number(opaque ?? 0n));
      // Defer: never run application code inside a libvirt callback.
      if (conn) setImmediate(() => conn.handleClosed(reason));
    }, koffi.pointer(cb.close)) as bigint;
  }
}
