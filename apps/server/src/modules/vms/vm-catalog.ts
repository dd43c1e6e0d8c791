// What a VM list needs besides bulk stats, kept per host so a list costs the same few libvirt
// calls whether a host has 3 VMs or 3,000.
//
// Model:
// - Facts (tags, template flag, NIC MACs, configured vCPUs and memory) live in each VM's
//   persistent definition.
//   Reading XML per VM per request would make a list cost N calls, so facts are cached per
//   host connection and uuid: read once when a VM is first listed, dropped when libvirt reports
//   its definition changed (lifecycle events 'defined'/'undefined', from Ferry, virsh or
//   anything else), when Ferry changes it (invalidate), and when the host reconnects (events
//   may have been missed meanwhile).
// - Start times: libvirt does not report when a domain started. Ferry records 'started'
//   events it sees; for a VM already running when Ferry connected to a local daemon, QEMU's pid
//   file (written at start) gives it; otherwise uptime is unknown (null).
// - The last list of each host is kept, so a list while a host is disconnected still answers,
//   marked stale.
import { stat } from 'node:fs/promises';
import { parseDomain } from '@ferry/domain-xml';
import { constants as C, LIFECYCLE_EVENT_NAMES, type Connection, type DomainEvent } from '@ferry/libvirt';
import type { VmSummary } from '@ferry/contract';

export interface VmFacts {
  tags: string[];
  template: boolean;
  macs: string[];
  vcpus: number;
  memoryMiB: number;
}

interface HostCache {
  conn: Connection;
  facts: Map<string, VmFacts>;
  /** In-flight reads, so concurrent lists fetch a VM's XML once. */
  loading: Map<string, Promise<VmFacts | null>>;
  /** Bumped by every invalidation: a read that started before one does not cache its result. */
  epoch: number;
  subscribed: Promise<void>;
}

// Local QEMU writes /run/libvirt/qemu/<name>.pid when it starts the guest.
const QEMU_PID_DIR = '/run/libvirt/qemu';
const isLocalUri = (uri: string): boolean => /^qemu:\/\/\/(system|session)$/.test(uri);

/**
 * Where lifecycle events come from: the events plugin's tap (`app.domainEvents.on`), which holds
 * each connection's one libvirt registration per event kind — a second `conn.subscribe` of the
 * same kind on that connection is refused by libvirt. Without one, the catalog subscribes itself.
 */
export type DomainEventSource = (listener: (hostId: string, conn: Connection, e: DomainEvent) => void) => () => void;

export class VmCatalog {
  private readonly hosts = new Map<string, HostCache>();
  private readonly startedAt = new Map<string, number>();
  private readonly lastList = new Map<string, VmSummary[]>();

  constructor(private readonly source?: DomainEventSource) {
    source?.((hostId, conn, e) => {
      const cache = this.hosts.get(hostId);
      if (e.kind === 'lifecycle' && cache?.conn === conn) this.onLifecycle(cache, e);
    });
  }

  /** Facts for these VMs on `hostId`, read from libvirt only for VMs not seen before. */
  async factsFor(hostId: string, conn: Connection, uuids: readonly string[]): Promise<Map<string, VmFacts>> {
    const cache = this.cacheFor(hostId, conn);
    await cache.subscribed;
    const out = new Map<string, VmFacts>();
    await Promise.all(uuids.map(async (uuid) => {
      const f = cache.facts.get(uuid) ?? await this.load(cache, uuid);
      if (f) out.set(uuid, f);
    }));
    return out;
  }

  /** Ferry changed this VM's definition: read it afresh next time. */
  invalidate(uuid: string): void {
    for (const cache of this.hosts.values()) this.drop(cache, uuid);
  }

  /** Seconds since the VM started, when known. */
  async uptimeS(uuid: string, name: string, uri: string, running: boolean, now = Date.now()): Promise<number | null> {
    if (!running) return null;
    let t = this.startedAt.get(uuid);
    if (t === undefined && isLocalUri(uri)) {
      t = await stat(`${QEMU_PID_DIR}/${name}.pid`).then((s) => s.mtimeMs, () => undefined);
      if (t !== undefined) this.startedAt.set(uuid, t);
    }
    return t === undefined ? null : Math.max(0, Math.floor((now - t) / 1000));
  }

  remember(hostId: string, list: VmSummary[]): void {
    this.lastList.set(hostId, list);
  }

  /** The host's last list, marked stale (a disconnected host). */
  lastKnown(hostId: string): VmSummary[] {
    return (this.lastList.get(hostId) ?? []).map((vm) => ({ ...vm, stale: true }));
  }

  forgetHost(hostId: string): void {
    this.hosts.delete(hostId);
    this.lastList.delete(hostId);
  }

  private cacheFor(hostId: string, conn: Connection): HostCache {
    const existing = this.hosts.get(hostId);
    if (existing && existing.conn === conn) return existing;
    // A new connection: whatever changed while we were away was not reported to us.
    const cache: HostCache = { conn, facts: new Map(), loading: new Map(), epoch: 0, subscribed: Promise.resolve() };
    // With a source, the connection's events are already flowing (subscribed before it was reported connected).
    if (!this.source) cache.subscribed = conn.subscribe('lifecycle', (e) => this.onLifecycle(cache, e)).then(() => undefined, () => undefined);
    this.hosts.set(hostId, cache);
    return cache;
  }

  private onLifecycle(cache: HostCache, e: DomainEvent<'lifecycle'>): void {
    const name = LIFECYCLE_EVENT_NAMES[e.event];
    if (name === 'defined' || name === 'undefined') this.drop(cache, e.domain.uuid);
    if (name === 'started') this.startedAt.set(e.domain.uuid, Date.now());
    if (name === 'stopped' || name === 'undefined') this.startedAt.delete(e.domain.uuid);
  }

  private drop(cache: HostCache, uuid: string): void {
    cache.facts.delete(uuid);
    cache.loading.delete(uuid);
    cache.epoch++;
  }

  private load(cache: HostCache, uuid: string): Promise<VmFacts | null> {
    let p = cache.loading.get(uuid);
    if (!p) {
      const epoch = cache.epoch;
      // The definition: where Ferry's tags live (a running VM's live XML keeps its boot-time copy).
      p = cache.conn.domain(uuid).getXML(C.VIR_DOMAIN_XML_INACTIVE).then((xml) => {
        const d = parseDomain(xml);
        const facts: VmFacts = {
          tags: d.tags, template: d.template, macs: d.nics.map((n) => n.mac),
          vcpus: d.vcpus.current, memoryMiB: Math.round(d.currentMemoryKiB / 1024),
        };
        if (cache.epoch === epoch) cache.facts.set(uuid, facts);
        return facts;
      }, () => null) // gone meanwhile (undefined by someone else): the list skips it
        .finally(() => { if (cache.loading.get(uuid) === p) cache.loading.delete(uuid); });
      cache.loading.set(uuid, p);
    }
    return p;
  }
}
