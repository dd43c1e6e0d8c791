// libvirt's pool and volume data → the API's shapes (pure).
import type { StoragePool, StorageVolume } from '@ferry/contract';
import type { StoragePoolXml, StorageVolumeXml } from '@ferry/domain-xml';
import type { StoragePoolInfo, StoragePoolSummary } from '@ferry/libvirt';

/**
 * A running pool's sizes come from virStoragePoolGetInfo (live); a stopped one reports zeros
 * there, so its XML's last known sizes are shown instead (`active: false` says they may be old).
 */
export function toPoolDto(hostId: string, summary: StoragePoolSummary, info: StoragePoolInfo, xml: StoragePoolXml): StoragePool {
  const live = summary.active;
  return {
    hostId,
    name: summary.name,
    uuid: summary.uuid,
    type: xml.type,
    path: xml.path ?? null,
    active: summary.active,
    autostart: summary.autostart,
    capacityBytes: live ? info.capacity : xml.capacityBytes ?? 0,
    allocationBytes: live ? info.allocation : xml.allocationBytes ?? 0,
    availableBytes: live ? info.available : xml.availableBytes ?? 0,
  };
}

export function toVolumeDto(hostId: string, pool: string, xml: StorageVolumeXml): StorageVolume {
  return {
    hostId,
    pool,
    name: xml.name,
    key: xml.key ?? xml.path ?? '',
    path: xml.path ?? '',
    format: xml.format ?? 'unknown',
    capacityBytes: xml.capacityBytes ?? 0,
    allocationBytes: xml.allocationBytes ?? 0,
    backingStore: xml.backingStore ? { path: xml.backingStore.path, format: xml.backingStore.format ?? null } : null,
  };
}
