// A domain handle: its UUID plus the connection. Holding one costs nothing on the libvirt
// side — every method looks the domain up inside the Worker that runs it.
import type { Connection } from './connection.ts';
import type { DomainInfo, DomainRef, DomainState, JobStats, TypedParams } from './types.ts';
import * as C from './generated/constants.gen.ts';

export class Domain {
  constructor(readonly conn: Connection, readonly uuid: string) {}

  ref(): Promise<DomainRef> { return this.conn.call('domainLookupByUuid', [this.conn.ptr, this.uuid]); }
  getState(): Promise<DomainState> { return this.conn.call('domainGetState', [this.conn.ptr, this.uuid]); }
  getInfo(): Promise<DomainInfo> { return this.conn.call('domainGetInfo', [this.conn.ptr, this.uuid]); }
  /** flags: VIR_DOMAIN_XML_INACTIVE (next-boot config), VIR_DOMAIN_XML_SECURE (with secrets). */
  getXML(flags = 0): Promise<string> { return this.conn.call('domainGetXML', [this.conn.ptr, this.uuid, flags]); }
  isActive(): Promise<boolean> { return this.conn.call('domainIsActive', [this.conn.ptr, this.uuid]); }
  isPersistent(): Promise<boolean> { return this.conn.call('domainIsPersistent', [this.conn.ptr, this.uuid]); }

  start(flags = 0): Promise<void> { return this.conn.call('domainCreate', [this.conn.ptr, this.uuid, flags]); }
  /** Graceful shutdown; the default asks the guest through ACPI (VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN). */
  shutdown(flags = C.VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN): Promise<void> { return this.conn.call('domainShutdown', [this.conn.ptr, this.uuid, flags]); }
  destroy(flags = 0): Promise<void> { return this.conn.call('domainDestroy', [this.conn.ptr, this.uuid, flags]); }
  reboot(flags = 0): Promise<void> { return this.conn.call('domainReboot', [this.conn.ptr, this.uuid, flags]); }
  reset(): Promise<void> { return this.conn.call('domainReset', [this.conn.ptr, this.uuid]); }
  suspend(): Promise<void> { return this.conn.call('domainSuspend', [this.conn.ptr, this.uuid]); }
  resume(): Promise<void> { return this.conn.call('domainResume', [this.conn.ptr, this.uuid]); }
  /** flags: VIR_DOMAIN_UNDEFINE_NVRAM, _SNAPSHOTS_METADATA, _MANAGED_SAVE, _CHECKPOINTS_METADATA. */
  undefine(flags = 0): Promise<void> { return this.conn.call('domainUndefine', [this.conn.ptr, this.uuid, flags]); }

  getAutostart(): Promise<boolean> { return this.conn.call('domainGetAutostart', [this.conn.ptr, this.uuid]); }
  setAutostart(on: boolean): Promise<void> { return this.conn.call('domainSetAutostart', [this.conn.ptr, this.uuid, on]); }
  /** flags: VIR_DOMAIN_AFFECT_LIVE / _CONFIG / VIR_DOMAIN_VCPU_MAXIMUM … */
  setVcpus(count: number, flags = C.VIR_DOMAIN_AFFECT_CURRENT): Promise<void> { return this.conn.call('domainSetVcpus', [this.conn.ptr, this.uuid, count, flags]); }
  setMemory(kib: number, flags = C.VIR_DOMAIN_AFFECT_CURRENT): Promise<void> { return this.conn.call('domainSetMemory', [this.conn.ptr, this.uuid, kib, flags]); }
  attachDevice(xml: string, flags = C.VIR_DOMAIN_AFFECT_CURRENT): Promise<void> { return this.conn.call('domainAttachDevice', [this.conn.ptr, this.uuid, xml, flags]); }
  detachDevice(xml: string, flags = C.VIR_DOMAIN_AFFECT_CURRENT): Promise<void> { return this.conn.call('domainDetachDevice', [this.conn.ptr, this.uuid, xml, flags]); }
  /** Grows a disk of a running domain to `bytes` (target dev such as 'vda', or its source path). */
  blockResize(disk: string, bytes: number): Promise<void> { return this.conn.call('domainBlockResize', [this.conn.ptr, this.uuid, disk, bytes, 0]); }
  updateDevice(xml: string, flags = C.VIR_DOMAIN_AFFECT_CURRENT): Promise<void> { return this.conn.call('domainUpdateDevice', [this.conn.ptr, this.uuid, xml, flags]); }

  getJobStats(flags = 0): Promise<JobStats> { return this.conn.call('domainGetJobStats', [this.conn.ptr, this.uuid, flags]); }
  abortJob(): Promise<void> { return this.conn.call('domainAbortJob', [this.conn.ptr, this.uuid]); }
  /**
   * Migrates through the source daemon (peer-to-peer with VIR_MIGRATE_PEER2PEER, where `destUri`
   * is resolved by the *source* libvirtd). Blocks a pool Worker for the whole migration, so it
   * has its own deadline (default 6 h); abort with abortJob() from another call.
   */
  migrateToURI(destUri: string | null, params: TypedParams, flags: number, timeoutMs = 6 * 3600_000): Promise<void> {
    return this.conn.call('domainMigrateToURI3', [this.conn.ptr, this.uuid, destUri, params, flags], { timeoutMs });
  }
  /** Client-managed migration to another connection; returns the domain there. */
  migrate(dest: Connection, params: TypedParams, flags: number, timeoutMs = 6 * 3600_000): Promise<DomainRef> {
    return this.conn.call('domainMigrate3', [this.conn.ptr, this.uuid, dest.ptr, params, flags], { timeoutMs });
  }
  migrateSetMaxDowntime(ms: number): Promise<void> { return this.conn.call('domainMigrateSetMaxDowntime', [this.conn.ptr, this.uuid, ms]); }
  migrateSetMaxSpeed(mibPerS: number): Promise<void> { return this.conn.call('domainMigrateSetMaxSpeed', [this.conn.ptr, this.uuid, mibPerS]); }
  migrateStartPostCopy(): Promise<void> { return this.conn.call('domainMigrateStartPostCopy', [this.conn.ptr, this.uuid]); }

  // snapshots
  /** Saving or loading a big guest's memory outlasts the default call deadline: `timeoutMs` sets this call's. */
  createSnapshot(xml: string, flags = 0, timeoutMs?: number): Promise<string> { return this.conn.call('snapshotCreateXML', [this.conn.ptr, this.uuid, xml, flags], timeoutMs ? { timeoutMs } : undefined); }
  listSnapshots(flags = 0): Promise<string[]> { return this.conn.call('snapshotListAll', [this.conn.ptr, this.uuid, flags]); }
  currentSnapshot(): Promise<string | null> { return this.conn.call('snapshotCurrent', [this.conn.ptr, this.uuid]); }
  snapshotParent(name: string): Promise<string | null> { return this.conn.call('snapshotParent', [this.conn.ptr, this.uuid, name]); }
  snapshotXML(name: string, flags = 0): Promise<string> { return this.conn.call('snapshotGetXML', [this.conn.ptr, this.uuid, name, flags]); }
  snapshotIsCurrent(name: string): Promise<boolean> { return this.conn.call('snapshotIsCurrent', [this.conn.ptr, this.uuid, name]); }
  revertToSnapshot(name: string, flags = 0, timeoutMs?: number): Promise<void> { return this.conn.call('snapshotRevert', [this.conn.ptr, this.uuid, name, flags], timeoutMs ? { timeoutMs } : undefined); }
  deleteSnapshot(name: string, flags = 0, timeoutMs?: number): Promise<void> { return this.conn.call('snapshotDelete', [this.conn.ptr, this.uuid, name, flags], timeoutMs ? { timeoutMs } : undefined); }
}
