// A qcow2 overlay volume: a new image whose unwritten blocks read through to a backing image.
// Linked clones of templates are made of these. The backing format is always written out, so
// neither libvirt nor QEMU ever probes the backing file's format (a raw image probed as qcow2
// could point QEMU at any file on the host).
import { element, serializeXml } from './xml-build.ts';

export interface OverlayVolumeSpec {
  name: string;
  capacityBytes: number;
  backing: { path: string; format: 'qcow2' | 'raw' };
}

export function buildOverlayVolumeXml(spec: OverlayVolumeSpec): string {
  return serializeXml(element('volume', {},
    element('name', {}, spec.name),
    element('capacity', { unit: 'bytes' }, String(spec.capacityBytes)),
    element('allocation', { unit: 'bytes' }, '0'),
    element('target', {}, element('format', { type: 'qcow2' })),
    element('backingStore', {}, element('path', {}, spec.backing.path), element('format', { type: spec.backing.format }))));
}
