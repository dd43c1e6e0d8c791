// The snapshot benchmark's guests (run.ts): tiny-guest VMs of 256 MiB on qemu:///system, each
// with its own copy of the disk in a storage pool made for the run, and their guaranteed
// clean-up — snapshot metadata, overlay files, pool and all — also after a failure or Ctrl-C.
//
// The bench talks to libvirt through its own Libvirt (never counted as Ferry's calls) and
// through `virsh` for the baseline. Everything is named ferry-bench-snap-<run id>-…; guests
// have no NIC, so no traffic is ever sent to them.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Libvirt, type Connection } from '../../../packages/libvirt/src/index.ts';
import { buildDirPoolXml } from '../../../packages/domain-xml/src/index.ts';
import { ensureTinyGuest, MARKERS } from '../../tinyguest/tinyguest.ts';
import { ConsoleReader } from '../../testing/console-reader.ts';
import { URI, virsh } from '../vms/harness.ts';

export interface Guest { label: string; name: string; uuid: string; disk: string; dir: string }

export class SnapGuests {
  readonly prefix = `ferry-bench-snap-${randomBytes(3).toString('hex')}-`;
  readonly pool = `${this.prefix}pool`;
  private lv: Libvirt | null = null;
  conn!: Connection;
  dir = '';
  private readonly guests: Guest[] = [];

  async open(): Promise<void> {
    this.lv = await Libvirt.start();
    this.conn = await this.lv.open(URI);
    // Under libvirt's images directory: QEMU runs as libvirt-qemu and must reach the files.
    this.dir = mkdtempSync(`/var/lib/libvirt/images/${this.prefix}`);
    await this.conn.defineStoragePool(buildDirPoolXml({ name: this.pool, path: this.dir }));
    await this.conn.buildStoragePool(this.pool);
    await this.conn.startStoragePool(this.pool);
  }

  /** A VM on its own copy of the tiny guest's disk; started and booted to "ready" when asked. */
  async guest(label: string, memoryMiB: number, running: boolean): Promise<Guest> {
    const name = `${this.prefix}${label}`;
    const disk = join(this.dir, `${label}.qcow2`);
    copyFileSync((await ensureTinyGuest()).qcow2, disk);
    await this.conn.refreshStoragePool(this.pool);
    const ref = await this.conn.defineDomain(`<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>${memoryMiB}</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/><apic/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>`);
    const g: Guest = { label, name, uuid: ref.uuid, disk, dir: this.dir };
    this.guests.push(g);
    if (running) await this.boot(g);
    return g;
  }

  /** Starts the guest and waits for its "ready" line, so its memory holds a booted system. */
  async boot(g: Guest): Promise<number> {
    await this.conn.domain(g.uuid).start();
    const serial = new ConsoleReader(await this.conn.openConsole(g.uuid));
    try {
      return Number((await serial.waitFor(MARKERS.ready, 180_000))[2]);
    } finally {
      await serial.stream.abort().catch(() => undefined);
    }
  }

  /** Untimed tidy-up between samples, by virsh (a new connection each time: it outlives a
   *  daemon restart by another process, which the bench's own connection would not). */
  async deleteSnapshot(g: Guest, name: string): Promise<void> {
    await untilDaemon(() => virsh(['snapshot-delete', g.name, name]));
  }

  /** Removes the guests (with their snapshot metadata), the pool and every file in it. */
  async cleanUp(): Promise<void> {
    const names = new Set(this.guests.map((g) => g.name));
    try {
      for (const d of (await this.conn.listDomains()).filter((x) => x.name.startsWith(this.prefix))) names.add(d.name);
    } catch { /* the list comes from what we made */ }
    for (const name of names) {
      await virsh(['destroy', name]).catch(() => undefined);
      await virsh(['undefine', name, '--snapshots-metadata', '--nvram']).catch(() => undefined);
    }
    await virsh(['pool-destroy', this.pool]).catch(() => undefined);
    await virsh(['pool-undefine', this.pool]).catch(() => undefined);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    await this.lv?.close().catch(() => undefined);
    this.lv = null;
  }
}

/** Connection failures: the daemon went away under the bench (other suites restart it). */
export const isDaemonGone = (text: string): boolean => /failed to connect|HYPERVISOR_UNAVAILABLE|connection lost|End of file|Cannot recv data/i.test(text);

/** Runs `f`, retrying for up to a minute while the daemon is away. */
export async function untilDaemon<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= 60 || !isDaemonGone(String((e as { stderr?: string }).stderr ?? (e instanceof Error ? e.message : e)))) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
