// @ferry/domain-xml: libvirt XML in and out, as plain typed data. Depends on nothing but its XML
// library; never on the binding, the server or the UI.
export {
  MAX_XML_CHARS,
  XmlParseError,
  attr,
  child,
  children,
  escapeXml,
  parseXml,
  path,
  textAt,
  type ParseXmlOptions,
  type XmlElement,
} from './xml.ts';
export {
  domainTypesFor,
  findGuest,
  hostVirtualizationFlags,
  parseCapabilities,
  type CapabilitiesDomainType,
  type CapabilitiesGuest,
  type CapabilitiesHostCpu,
  type CapabilitiesMachine,
  type HostCapabilities,
} from './capabilities.ts';
export {
  XmlBuildError,
  element,
  serializeXml,
  withElement,
  type SerializeOptions,
  type XmlAttrValue,
  type XmlContent,
} from './xml-build.ts';
export { parseStoragePool, buildDirPoolXml, type StoragePoolXml, type DirPoolSpec } from './pool.ts';
export { parseStorageVolume, buildVolumeXml, type StorageVolumeXml, type VolumeSpec, type NewVolumeFormat } from './volume.ts';
export { parseScaledSize } from './volume-size.ts';
export {
  NETWORK_MODES, netmaskToPrefix, parseNetwork, type NetworkDhcpHost, type NetworkIpv4, type NetworkMode, type NetworkXml,
} from './network.ts';
export { buildNetworkXml, type BridgedNetworkSpec, type NetworkSpec, type RoutedNetworkSpec } from './network-build.ts';
// Domains: typed model, creation, edits, clone, pending changes (domain-*.ts).
export type {
  BootEntry,
  CpuMode,
  CpuSpec,
  CpuTopology,
  DeviceKey,
  DiskBus,
  DiskCache,
  DiskSource,
  DomainChannel,
  DomainConfig,
  DomainConsole,
  DomainCpu,
  DomainDisk,
  DomainFirmware,
  DomainGraphics,
  DomainNic,
  DomainSerial,
  FirmwareSpec,
  NewDisk,
  NewDomainSpec,
  NewNic,
  NicSource,
  VcpuSpec,
} from './domain-types.ts';
export { DomainXmlError, type DomainXmlErrorCode } from './domain-error.ts';
export { formatKiB, toKiB } from './domain-units.ts';
export { GUEST_AGENT_CHANNEL, diskKey, nicKey, normalizeMac } from './domain-devices.ts';
export { parseDomain, parseDomainElement } from './domain-parse.ts';
export {
  FERRY_METADATA_NS,
  FERRY_METADATA_PREFIX,
  buildFerryMetadataXml,
  parseFerryMetadataXml,
  type FerryMetadata,
} from './domain-metadata.ts';
export {
  buildDiskDeviceXml,
  buildInterfaceDeviceXml,
  nextDiskTarget,
  randomMac,
  type DiskDeviceSpec,
  type InterfaceDeviceSpec,
} from './domain-device-build.ts';
export { VNC_PASSWORD_MAX, buildDomainXml, isQ35 } from './domain-build.ts';
export {
  setDomainBootOrder,
  setDomainCpu,
  setDomainDescription,
  setDomainMemory,
  setDomainTags,
  setDomainTemplate,
  setDomainTitle,
  setDomainVcpus,
} from './domain-edit.ts';
export {
  addDomainDisk,
  addDomainNic,
  findDeviceXml,
  removeDomainDisk,
  removeDomainNic,
  updateDomainNic,
  type DeviceEdit,
  type NicChange,
} from './domain-edit-devices.ts';
export { cloneDomainXml, type CloneOptions } from './domain-clone.ts';
export { pendingChanges, type PendingChange, type PendingField } from './domain-pending.ts';
export { buildOverlayVolumeXml, type OverlayVolumeSpec } from './volume-overlay.ts';
export {
  SNAPSHOT_CONSISTENCY, SNAPSHOT_LABEL_NS, domainSnapshotFacts, parseSnapshot, snapshotFiles, snapshotLocation,
  type DomainSnapshotFacts, type SnapshotConsistencyLabel, type SnapshotDiskXml, type SnapshotXml,
} from './snapshot.ts';
export { buildSnapshotXml, editSnapshotXml, type SnapshotDiskSpec, type SnapshotEdit, type SnapshotSpec } from './snapshot-build.ts';
