// A tinyguest domain for integration tests: unique name, its own copy of the disk image,
// TCG (this CI's /dev/kvm cannot boot stock guests), ACPI on so graceful shutdown works.
import { copyFileSync, chownSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ensureTinyGuest } from './tinyguest.ts';

export const TEST_PREFIX = 'ferry-test-';
const IMAGES = '/var/lib/libvirt/images';

export interface TinyDomain { name: string; disk: string; xml: string; cleanup(): void }

export async function tinyDomain(label: string): Promise<TinyDomain> {
  const image = await ensureTinyGuest();
  const name = `${TEST_PREFIX}${label}-${randomBytes(3).toString('hex')}`;
  const disk = `${IMAGES}/${name}.qcow2`;
  copyFileSync(image.qcow2, disk);
  chownSync(disk, 0, 0);
  const xml = `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>`;
  return { name, disk, xml, cleanup: () => rmSync(disk, { force: true }) };
}
