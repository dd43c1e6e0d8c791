// A connection to one libvirt daemon (any URI). Its calls run in the shared pool; its close
// callback runs on the main thread. When libvirt reports the connection closed (daemon gone,
// keepalive timeout), every pending call is rejected at once with a `disconnected` error and
// later calls fail fast — reconnecting is the caller's policy (apps/server's host supervisor).
import { Domain } from './domain.ts';
import { Stream } from './stream.ts';
import { LibvirtError, isUnsupported } from './errors.ts';
import type { CallOptions, CallPool } from './pool.ts';
import type { EventLoop } from './event-loop.ts';
import type { Ops, OpName } from './ops/index.ts';
import type { DomainEvent, DomainEventKind } from './events.ts';
import type { PackedDomainStats } from './packed-stats.ts';
import type {
  DhcpLease, DomainRef, DomainStatsRecord, NetworkSummary, NodeInfo, StoragePoolInfo, StoragePoolSummary, StorageVolumeSummary,
} from './types.ts';
import * as C from './generated/constants.gen.ts';

export type CloseReason = 'error' | 'eof' | 'keepalive' | 'client';
const CLOSE_REASONS: CloseReason[] = ['error', 'eof', 'keepalive', 'client'];

export interface Subscription { close(): void }

export interface ConnectionDeps { pool: CallPool; loop: EventLoop; closeCallback: bigint; forget(conn: Connection): void }

export class Connection {
  private state: 'open' | 'disconnected' | 'closed' = 'open';
  private readonly closeHandlers = new Set<(reason: CloseReason) => void>();
  private readonly subscriptions = new Set<number>();
  private closeCallbackRegistered = false;
  private everSubscribed = false;

  /** @internal use Libvirt.open() */
  constructor(private readonly deps: ConnectionDeps, readonly id: number, readonly uri: string, readonly readOnly: boolean, readonly ptr: bigint) {}

  /** @internal called by Libvirt.open() right after connecting. */
  async init(keepAlive: { intervalS: number; count: number } | null): Promise<void> {
    try {
      await this.deps.pool.call('connectRegisterCloseCallback', [this.ptr, this.deps.closeCallback, this.id]);
      this.closeCallbackRegistered = true;
    } catch (e) {
      if (!isUnsupported(e)) throw e; // in-process drivers (test://) have no close callback
    }
    if (keepAlive) {
      try {
        await this.deps.pool.call('connectSetKeepAlive', [this.ptr, keepAlive.intervalS, keepAlive.count]);
      } catch (e) {
        if (!isUnsupported(e)) throw e; // keepalive exists only for remote connections
      }
    }
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Runs one operation for this connection, failing fast once it is closed or lost. */
  call<K extends OpName>(op: K, args: Parameters<Ops[K]>, opts?: CallOptions): Promise<ReturnType<Ops[K]>> {
    if (this.state === 'open') return this.deps.pool.call(op, args, opts, this.id);
    return Promise.reject(this.state === 'closed'
      ? LibvirtError.closed(op, `connection to ${this.uri}`)
      : LibvirtError.disconnected(op, `connection to ${this.uri} was closed by libvirt`));
  }

  /** Called when libvirt says the connection dropped (daemon restart, keepalive timeout, EOF). */
  onClose(handler: (reason: CloseReason) => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  /** @internal invoked from libvirt's close callback. */
  handleClosed(reason: number): void {
    if (this.state !== 'open') return;
    this.state = 'disconnected';
    const why = CLOSE_REASONS[reason] ?? 'error';
    this.deps.pool.rejectTag(this.id, (op) => LibvirtError.disconnected(op, `libvirt closed the connection to ${this.uri} (${why})`));
    for (const sub of this.subscriptions) this.deps.loop.unsubscribe(sub);
    this.subscriptions.clear();
    for (const h of this.closeHandlers) h(why);
  }

  /** Subscribes to domain events of one kind (all domains, or one). */
  async subscribe<K extends DomainEventKind>(kind: K, handler: (event: DomainEvent<K>) => void, opts: { domainUuid?: string } = {}): Promise<Subscription> {
    if (!this.isOpen) throw LibvirtError.closed('subscribe', `connection to ${this.uri}`);
    const sub = await this.deps.loop.subscribe(this.ptr, kind, opts.domainUuid ?? null, (k, domain, payload) =>
      handler({ kind: k, domain, ...(payload as object) } as DomainEvent<K>));
    this.subscriptions.add(sub);
    this.everSubscribed = true;
    return { close: () => { if (this.subscriptions.delete(sub)) this.deps.loop.unsubscribe(sub); } };
  }

  /**
   * Closes the connection once calls already running on it have finished, so no Worker is
   * left using a freed connection. Calls that never return (a hung daemon) keep it open: a
   * leak is preferable to a use-after-free.
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    for (const sub of this.subscriptions) this.deps.loop.unsubscribe(sub);
    this.subscriptions.clear();
    const deadline = Date.now() + this.deps.pool.callTimeoutMs;
    while (this.deps.pool.countTag(this.id) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    this.deps.forget(this);
    if (this.deps.pool.countTag(this.id) > 0) return;
    if (this.everSubscribed) await this.eventLoopDrained();
    if (this.closeCallbackRegistered && wasOpen) {
      await this.deps.pool.call('connectUnregisterCloseCallback', [this.ptr, this.deps.closeCallback]).catch(() => undefined);
    }
    await this.deps.pool.call('connectClose', [this.ptr]).catch(() => undefined);
  }

  /**
   * Resolves once the event-loop Worker has handled every message posted before this one — the
   * deregistrations of this connection's callbacks. Each registered callback holds a reference
   * on the connection: a deregistration that runs after virConnectClose drops the last one, and
   * libvirt disposes of the connection inside the deregistration, under a lock that call
   * already holds, so the Worker deadlocks for good (every event and keepalive stops; seen on
   * qemu:///system with ten callbacks at the first close). The Worker handles messages in
   * order; a subscription to a domain that cannot exist is refused after the ones before it,
   * which makes it the barrier.
   */
  private eventLoopDrained(): Promise<void> {
    return this.deps.loop.subscribe(this.ptr, 'reboot', '00000000-0000-0000-0000-000000000000', () => undefined)
      .then((sub) => this.deps.loop.unsubscribe(sub), () => undefined);
  }

  // ---- host
  isAlive(): Promise<boolean> { return this.call('connectIsAlive', [this.ptr]); }
  getHostname(): Promise<string> { return this.call('connectGetHostname', [this.ptr]); }
  getURI(): Promise<string> { return this.call('connectGetURI', [this.ptr]); }
  getType(): Promise<string> { return this.call('connectGetType', [this.ptr]); }
  getLibVersion(): Promise<string> { return this.call('connectGetLibVersion', [this.ptr]); }
  getHypervisorVersion(): Promise<string> { return this.call('connectGetVersion', [this.ptr]); }
  getCapabilities(): Promise<string> { return this.call('connectGetCapabilities', [this.ptr]); }
  getDomainCapabilities(o: { emulator?: string; arch?: string; machine?: string; virtType?: string } = {}): Promise<string> {
    return this.call('connectGetDomainCapabilities', [this.ptr, o.emulator ?? null, o.arch ?? null, o.machine ?? null, o.virtType ?? null]);
  }
  getNodeInfo(): Promise<NodeInfo> { return this.call('nodeGetInfo', [this.ptr]); }
  getFreeMemory(): Promise<number> { return this.call('nodeGetFreeMemory', [this.ptr]); }
  /** Cumulative CPU times in ns by libvirt's field name (kernel, user, idle, iowait …); cpu -1: all CPUs. */
  getNodeCPUStats(cpu = C.VIR_NODE_CPU_STATS_ALL_CPUS): Promise<Record<string, number>> { return this.call('nodeGetCPUStats', [this.ptr, cpu]); }
  /** Memory in KiB by libvirt's field name (total, free, buffers, cached); cell -1: the whole host. */
  getNodeMemoryStats(cell = C.VIR_NODE_MEMORY_STATS_ALL_CELLS): Promise<Record<string, number>> { return this.call('nodeGetMemoryStats', [this.ptr, cell]); }
  /** virCPUCompareResult: 0 incompatible, 1 identical, 2 superset. */
  compareCPU(cpuXml: string, flags = 0): Promise<number> { return this.call('connectCompareCPU', [this.ptr, cpuXml, flags]); }
  baselineCPU(cpuXmls: string[], flags = 0): Promise<string> { return this.call('connectBaselineCPU', [this.ptr, cpuXmls, flags]); }

  // ---- domains
  domain(uuid: string): Domain { return new Domain(this, uuid); }
  /** flags: VIR_CONNECT_LIST_DOMAINS_* (0: all). */
  listDomains(flags = 0): Promise<DomainRef[]> { return this.call('domainListAll', [this.ptr, flags]); }
  lookupDomainByName(name: string): Promise<DomainRef> { return this.call('domainLookupByName', [this.ptr, name]); }
  lookupDomainByUuid(uuid: string): Promise<DomainRef> { return this.call('domainLookupByUuid', [this.ptr, uuid]); }
  /** Defines (or redefines) a persistent domain; VIR_DOMAIN_DEFINE_VALIDATE checks the schema. */
  defineDomain(xml: string, flags = C.VIR_DOMAIN_DEFINE_VALIDATE): Promise<DomainRef> { return this.call('domainDefineXML', [this.ptr, xml, flags]); }
  /** One call for every domain's statistics. stats: VIR_DOMAIN_STATS_* groups (0: all). */
  getAllDomainStats(stats = 0, flags = 0): Promise<DomainStatsRecord[]> { return this.call('connectGetAllDomainStats', [this.ptr, stats, flags]); }
  /**
   * The same, as one table of the `keep` params ('#' for a device index; null: all) whose numbers
   * reach this thread without a copy (packed-stats.ts): for polling every domain on a timer.
   */
  getAllDomainStatsPacked(stats = 0, flags = 0, keep: readonly string[] | null = null): Promise<PackedDomainStats> {
    return this.call('connectGetAllDomainStatsPacked', [this.ptr, stats, flags, keep]);
  }

  /** Opens a guest's console (serial by default) as a non-blocking stream. */
  async openConsole(uuid: string, opts: { device?: string; force?: boolean } = {}): Promise<Stream> {
    const flags = opts.force ? C.VIR_DOMAIN_CONSOLE_FORCE : C.VIR_DOMAIN_CONSOLE_SAFE;
    return this.openStream((st) => this.call('domainOpenConsole', [this.ptr, uuid, opts.device ?? null, st, flags]));
  }
  /** Opens an upload into a volume; write() the bytes, then finish(). */
  uploadVolume(pool: string, volume: string, o: { offset?: number; length?: number } = {}): Promise<Stream> {
    return this.openStream((st) => this.call('volumeUpload', [this.ptr, pool, volume, st, o.offset ?? 0, o.length ?? 0, 0]));
  }
  downloadVolume(pool: string, volume: string, o: { offset?: number; length?: number } = {}): Promise<Stream> {
    return this.openStream((st) => this.call('volumeDownload', [this.ptr, pool, volume, st, o.offset ?? 0, o.length ?? 0, 0]));
  }

  private async openStream(attach: (stream: bigint) => Promise<void>): Promise<Stream> {
    const ptr = await this.call('streamNew', [this.ptr, C.VIR_STREAM_NONBLOCK]);
    const stream = new Stream(this.deps.pool, this.deps.loop, ptr);
    try {
      await attach(ptr);
    } catch (e) {
      await this.deps.pool.call('streamFree', [ptr]).catch(() => undefined);
      throw e;
    }
    stream.watch();
    return stream;
  }

  // ---- storage
  listStoragePools(flags = 0): Promise<StoragePoolSummary[]> { return this.call('poolListAll', [this.ptr, flags]); }
  getStoragePool(name: string): Promise<StoragePoolSummary> { return this.call('poolGet', [this.ptr, name]); }
  defineStoragePool(xml: string): Promise<StoragePoolSummary> { return this.call('poolDefineXML', [this.ptr, xml, 0]); }
  buildStoragePool(name: string, flags = 0): Promise<void> { return this.call('poolBuild', [this.ptr, name, flags]); }
  startStoragePool(name: string): Promise<void> { return this.call('poolCreate', [this.ptr, name, 0]); }
  stopStoragePool(name: string): Promise<void> { return this.call('poolDestroy', [this.ptr, name]); }
  undefineStoragePool(name: string): Promise<void> { return this.call('poolUndefine', [this.ptr, name]); }
  refreshStoragePool(name: string): Promise<void> { return this.call('poolRefresh', [this.ptr, name]); }
  setStoragePoolAutostart(name: string, on: boolean): Promise<void> { return this.call('poolSetAutostart', [this.ptr, name, on]); }
  getStoragePoolInfo(name: string): Promise<StoragePoolInfo> { return this.call('poolGetInfo', [this.ptr, name]); }
  getStoragePoolXML(name: string): Promise<string> { return this.call('poolGetXML', [this.ptr, name, 0]); }
  listVolumes(pool: string): Promise<StorageVolumeSummary[]> { return this.call('volumeListAll', [this.ptr, pool]); }
  getVolume(pool: string, name: string): Promise<StorageVolumeSummary> { return this.call('volumeGet', [this.ptr, pool, name]); }
  lookupVolumeByPath(path: string): Promise<StorageVolumeSummary> { return this.call('volumeLookupByPath', [this.ptr, path]); }
  createVolume(pool: string, xml: string, flags = 0): Promise<StorageVolumeSummary> { return this.call('volumeCreateXML', [this.ptr, pool, xml, flags]); }
  cloneVolume(pool: string, xml: string, from: { pool: string; volume: string }, flags = 0): Promise<StorageVolumeSummary> {
    return this.call('volumeCreateXMLFrom', [this.ptr, pool, xml, from.pool, from.volume, flags]);
  }
  deleteVolume(pool: string, name: string, flags = 0): Promise<void> { return this.call('volumeDelete', [this.ptr, pool, name, flags]); }
  resizeVolume(pool: string, name: string, capacityBytes: number, flags = 0): Promise<void> { return this.call('volumeResize', [this.ptr, pool, name, capacityBytes, flags]); }
  getVolumeXML(pool: string, name: string): Promise<string> { return this.call('volumeGetXML', [this.ptr, pool, name]); }

  // ---- networks
  listNetworks(flags = 0): Promise<NetworkSummary[]> { return this.call('networkListAll', [this.ptr, flags]); }
  getNetwork(name: string): Promise<NetworkSummary> { return this.call('networkGet', [this.ptr, name]); }
  defineNetwork(xml: string): Promise<NetworkSummary> { return this.call('networkDefineXML', [this.ptr, xml]); }
  startNetwork(name: string): Promise<void> { return this.call('networkCreate', [this.ptr, name]); }
  stopNetwork(name: string): Promise<void> { return this.call('networkDestroy', [this.ptr, name]); }
  undefineNetwork(name: string): Promise<void> { return this.call('networkUndefine', [this.ptr, name]); }
  setNetworkAutostart(name: string, on: boolean): Promise<void> { return this.call('networkSetAutostart', [this.ptr, name, on]); }
  getNetworkXML(name: string, flags = 0): Promise<string> { return this.call('networkGetXML', [this.ptr, name, flags]); }
  getDhcpLeases(network: string, mac?: string): Promise<DhcpLease[]> { return this.call('networkGetDHCPLeases', [this.ptr, network, mac ?? null]); }
}
