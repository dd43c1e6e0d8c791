// The hosts Ferry manages (persisted in SQLite) and one supervisor per host. The first host
// comes from FERRY_LIBVIRT_URI when the table is empty. Other modules reach libvirt only
// through here: `requireConnection` for mutations, `findVm` to locate a VM across hosts.
import type { Connection, DomainRef, Libvirt } from '@ferry/libvirt';
import { isNotFound } from '@ferry/libvirt';
import type { Host } from '@ferry/contract';
import type { Db } from '../../db/database.ts';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import { HostSupervisor, type BackoffOptions, type HostRecord } from './host-supervisor.ts';

interface HostRow { id: string; name: string; uri: string; migration_uri: string | null }

export const FIRST_HOST_ID = 'local';

export interface LocatedVm { host: HostSupervisor; conn: Connection; ref: DomainRef }

export class HostRegistry {
  private readonly supervisors = new Map<string, HostSupervisor>();
  private readonly connectedListeners = new Set<(host: HostSupervisor, conn: Connection) => void | Promise<void>>();
  private readonly stateListeners = new Set<(host: HostSupervisor) => void>();

  constructor(private readonly db: Db, private readonly libvirt: Libvirt, private readonly backoff?: BackoffOptions) {}

  start(firstHostUri: string): void {
    const now = new Date().toISOString();
    const count = (this.db.prepare('SELECT count(*) AS n FROM hosts').get() as { n: number }).n;
    if (count === 0) {
      this.db.prepare('INSERT INTO hosts (id, name, uri, migration_uri, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?)')
        .run(FIRST_HOST_ID, FIRST_HOST_ID, firstHostUri, now, now);
    }
    for (const row of this.db.prepare('SELECT id, name, uri, migration_uri FROM hosts ORDER BY created_at, id').all() as HostRow[]) {
      this.spawn(toRecord(row));
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    this.supervisors.clear();
  }

  list(): HostSupervisor[] {
    return [...this.supervisors.values()];
  }

  get(id: string): HostSupervisor {
    const s = this.supervisors.get(id);
    if (!s) throw new AppError('NOT_FOUND', `no host ${id}`);
    return s;
  }

  create(input: { name: string; uri: string; migrationUri?: string | undefined; id?: string | undefined }): HostSupervisor {
    const id = input.id ?? this.uniqueSlug(input.name);
    if (this.supervisors.has(id)) throw new AppError('CONFLICT', `a host with id ${id} exists`);
    if (this.list().some((s) => s.record.name.toLowerCase() === input.name.toLowerCase())) throw new AppError('CONFLICT', `a host named ${input.name} exists`);
    const now = new Date().toISOString();
    this.db.prepare('INSERT INTO hosts (id, name, uri, migration_uri, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, input.name, input.uri, input.migrationUri ?? null, now, now);
    return this.spawn({ id, name: input.name, uri: input.uri, migrationUri: input.migrationUri ?? null });
  }

  async update(id: string, patch: { name?: string | undefined; uri?: string | undefined; migrationUri?: string | null | undefined }): Promise<HostSupervisor> {
    const s = this.get(id);
    if (patch.name && this.list().some((o) => o !== s && o.record.name.toLowerCase() === patch.name!.toLowerCase())) {
      throw new AppError('CONFLICT', `a host named ${patch.name} exists`);
    }
    const next: HostRecord = {
      ...s.record,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.uri !== undefined ? { uri: patch.uri } : {}),
      ...(patch.migrationUri !== undefined ? { migrationUri: patch.migrationUri } : {}),
    };
    this.db.prepare('UPDATE hosts SET name = ?, uri = ?, migration_uri = ?, updated_at = ? WHERE id = ?')
      .run(next.name, next.uri, next.migrationUri, new Date().toISOString(), id);
    if (next.uri !== s.record.uri) await s.reconfigure(next);
    else s.record = next;
    return s;
  }

  async remove(id: string): Promise<void> {
    const s = this.get(id);
    this.db.prepare('DELETE FROM hosts WHERE id = ?').run(id);
    this.supervisors.delete(id);
    await s.stop();
    this.emitState(s);
  }

  /** Called after every (re)connection, before the host is reported connected. */
  onConnected(listener: (host: HostSupervisor, conn: Connection) => void | Promise<void>): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  onStateChange(listener: (host: HostSupervisor) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Finds a VM by UUID on the connected hosts. When it is on none of them but a host is
   * unreachable, the VM may be there: that is HYPERVISOR_UNAVAILABLE, not NOT_FOUND.
   */
  async findVm(uuid: string): Promise<LocatedVm> {
    const hosts = this.list();
    const found = await Promise.all(hosts.map(async (host) => {
      const conn = host.currentConnection();
      if (!conn) return null;
      try {
        return { host, conn, ref: await conn.lookupDomainByUuid(uuid) };
      } catch (e) {
        if (isNotFound(e)) return null;
        throw fromLibvirt(e, 'looking up the VM');
      }
    }));
    const hit = found.find((f) => f !== null);
    if (hit) return hit;
    const down = hosts.filter((h) => !h.currentConnection());
    if (down.length > 0) throw new AppError('HYPERVISOR_UNAVAILABLE', `VM ${uuid} is not on any connected host; not connected: ${down.map((h) => h.id).join(', ')}`);
    throw new AppError('NOT_FOUND', `no VM ${uuid}`);
  }

  /** The host a VM is on, or null (for ACL inheritance; never throws). */
  async vmHostId(uuid: string): Promise<string | null> {
    try {
      return (await this.findVm(uuid)).host.id;
    } catch {
      return null;
    }
  }

  private spawn(record: HostRecord): HostSupervisor {
    const s = new HostSupervisor(record, this.libvirt, {
      onConnected: async (host, conn) => { for (const l of this.connectedListeners) await l(host, conn); },
      onStateChange: (host) => this.emitState(host),
    }, this.backoff);
    this.supervisors.set(record.id, s);
    s.start();
    return s;
  }

  private emitState(host: HostSupervisor): void {
    for (const l of this.stateListeners) l(host);
  }

  private uniqueSlug(name: string): string {
    const base = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'host';
    let id = /^[a-z0-9]/.test(base) ? base : `h-${base}`;
    for (let i = 2; this.supervisors.has(id); i++) id = `${base}-${i}`;
    return id;
  }
}

const toRecord = (r: HostRow): HostRecord => ({ id: r.id, name: r.name, uri: r.uri, migrationUri: r.migration_uri });

export function toHostDto(s: HostSupervisor): Host {
  return {
    id: s.record.id,
    name: s.record.name,
    uri: s.record.uri,
    migrationUri: s.record.migrationUri,
    state: s.state,
    stateSince: s.stateSince.toISOString(),
    lastError: s.lastError,
    hostname: s.facts.hostname,
    libvirtVersion: s.facts.libvirtVersion,
    hypervisorVersion: s.facts.hypervisorVersion,
  };
}
