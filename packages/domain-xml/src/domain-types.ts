// The typed domain model: what Ferry reads out of a libvirt domain XML (DomainConfig), what it
// asks for when creating one (NewDomainSpec), and the device specs shared by creation and edits.
// Plain data only, so the server can map it straight into its zod contract.
//
// Devices are named by a DeviceKey: `disk:<target dev>` for disks ('disk:vda') and `nic:<mac>`
// for interfaces ('nic:52:54:00:aa:bb:01', lower case). Both are what libvirt itself uses to
// identify a device for detach/update, and both survive a restart (aliases do not).

/** `disk:<target dev>` or `nic:<mac>`; see diskKey / nicKey. */
export type DeviceKey = `disk:${string}` | `nic:${string}`;

export type CpuMode = 'host-passthrough' | 'host-model' | 'custom' | 'maximum';

export interface CpuTopology {
  sockets: number;
  dies: number;
  cores: number;
  threads: number;
}

export interface DomainCpu {
  /**
   * 'default' when the XML has no <cpu> element: the hypervisor's default model (qemu64 under
   * QEMU). A <cpu> without a mode attribute is 'custom', as libvirt reads it.
   */
  mode: CpuMode | 'default';
  /** The named model of a custom CPU (<cpu><model>). */
  model?: string;
  /** Always filled: absent <topology> means sockets = vCPU count, as libvirt passes to QEMU. */
  topology: CpuTopology;
}

export type DomainFirmware =
  | { kind: 'bios' }
  | {
      kind: 'uefi';
      secureBoot: boolean;
      /** Code image, when libvirt has resolved or been given one (<loader>). */
      loader?: string;
      /** Per-VM variable store (<nvram>), when known. */
      nvram?: string;
    };

/** Where a disk's data lives, one variant per libvirt disk type. */
export type DiskSource =
  | { file: string }
  | { pool: string; volume: string }
  | { dev: string }
  | { protocol: string; name: string };

export interface DomainDisk {
  key: DeviceKey;
  /** 'disk' | 'cdrom' | 'floppy' | 'lun' */
  device: string;
  /** 'file' | 'volume' | 'block' | 'network' | … */
  type: string;
  /** undefined for an empty cdrom drive. */
  source?: DiskSource;
  target: string;
  /** 'virtio' | 'sata' | 'scsi' | 'ide' | 'usb' | … */
  bus: string;
  /** <driver type>: 'qcow2' | 'raw' | … */
  format?: string;
  cache?: string;
  discard?: string;
  readonly: boolean;
  bootOrder?: number;
  serial?: string;
}

export type NicSource = { network: string } | { bridge: string };

export interface DomainNic {
  key: DeviceKey;
  /** 'network' | 'bridge' | 'user' | 'direct' | … */
  type: string;
  /** For 'network' and 'bridge' interfaces; other types have sources Ferry does not model. */
  source?: NicSource;
  /** Lower case, as libvirt writes it. */
  mac: string;
  model?: string;
  linkState: 'up' | 'down';
  bootOrder?: number;
  /** Host-side tap device; only in live XML ('vnet0'). */
  targetDev?: string;
}

export interface DomainGraphics {
  /** 'vnc' | 'spice' | … */
  type: string;
  /** The TCP port in use or asked for; undefined while autoport has not assigned one. */
  port?: number;
  autoport: boolean;
  listenType?: 'address' | 'network' | 'socket' | 'none';
  /** Listen address, for listenType 'address'. */
  listen?: string;
  socket?: string;
  /**
   * True when the XML carries a `passwd` attribute. libvirt only includes it in XML fetched with
   * VIR_DOMAIN_XML_SECURE, so false from plain XML means "not known", not "no password".
   * The value itself is never exposed.
   */
  hasPassword: boolean;
}

export interface DomainSerial {
  /** 'pty' | 'file' | 'unix' | … */
  type: string;
  port?: number;
  /** 'isa-serial' | … */
  targetType?: string;
  /** The host pty, in live XML. */
  ptyPath?: string;
}

export interface DomainConsole {
  type: string;
  /** 'serial' | 'virtio' | … */
  targetType?: string;
  port?: number;
  ptyPath?: string;
}

export interface DomainChannel {
  /** 'unix' | 'spicevmc' | 'spiceport' | … */
  type: string;
  targetType?: string;
  /** Virtio port name, e.g. 'org.qemu.guest_agent.0'. */
  name?: string;
  /** In live XML: whether the guest side has the port open. */
  state?: 'connected' | 'disconnected';
}

export type BootEntry =
  /** An <os><boot dev='…'/> entry: a device class, not a device. */
  | { kind: 'dev'; dev: string }
  /** A per-device <boot order='n'/>, already sorted by n. */
  | { kind: 'device'; key: DeviceKey; order: number };

export interface DomainConfig {
  uuid: string;
  name: string;
  /** Running domains only: libvirt's numeric id. */
  id?: number;
  title?: string;
  /** '' when there is none. */
  description: string;
  /** 'kvm' | 'qemu' | 'test' | … */
  type: string;
  arch: string;
  machine: string;
  memoryKiB: number;
  currentMemoryKiB: number;
  /** <memballoon model>: 'virtio' | 'none' | …; undefined when the XML has none. */
  balloonModel?: string;
  vcpus: {
    /** Maximum vCPUs (the <vcpu> element's value). */
    count: number;
    /** vCPUs online at boot (<vcpu current>, defaults to count). */
    current: number;
    placement: string;
  };
  cpu: DomainCpu;
  firmware: DomainFirmware;
  /** Either all 'dev' entries or all 'device' entries: libvirt refuses a mix. */
  boot: BootEntry[];
  /** Names of enabled <features> children ('acpi', 'apic', 'smm', …). */
  features: string[];
  disks: DomainDisk[];
  nics: DomainNic[];
  graphics: DomainGraphics[];
  serials: DomainSerial[];
  consoles: DomainConsole[];
  channels: DomainChannel[];
  guestAgent: { configured: boolean; state?: 'connected' | 'disconnected' };
  lifecycle: { onPoweroff: string; onReboot: string; onCrash: string };
  /** From Ferry's own metadata element. */
  tags: string[];
  template: boolean;
}

// ---- specs for creation and edits (plain data, validated by the server before it gets here)

export type DiskBus = 'virtio' | 'sata' | 'scsi' | 'ide';
export type DiskCache = 'default' | 'none' | 'writethrough' | 'writeback' | 'directsync' | 'unsafe';

export type NewDisk =
  | {
      kind: 'disk';
      source: { file: string };
      format: 'qcow2' | 'raw';
      bus: DiskBus;
      cache?: DiskCache;
      discard?: 'unmap' | 'ignore';
      bootOrder?: number;
    }
  | {
      kind: 'cdrom';
      source: { file: string };
      bus: 'sata' | 'ide' | 'scsi';
      bootOrder?: number;
    };

export interface NewNic {
  source: NicSource;
  /** Default 'virtio'. */
  model?: string;
  /** Default: a fresh random 52:54:00:… address (randomMac). */
  mac?: string;
  bootOrder?: number;
}

export type CpuSpec = { mode: 'host-passthrough' | 'host-model' } | { mode: 'custom'; model: string };
export type FirmwareSpec = { kind: 'bios' } | { kind: 'uefi'; secureBoot: boolean };

export interface VcpuSpec {
  sockets: number;
  cores: number;
  threads: number;
}

export interface NewDomainSpec {
  name: string;
  uuid?: string;
  title?: string;
  description?: string;
  tags?: string[];
  /** Chosen by the server from the host's acceleration: 'kvm' only where vmx/svm is real. */
  type: 'kvm' | 'qemu';
  /** Default 'x86_64'. */
  arch?: string;
  /** 'pc', 'q35' or a versioned name ('pc-q35-7.2'). */
  machine: string;
  vcpus: VcpuSpec;
  memoryMiB: number;
  cpu: CpuSpec;
  firmware: FirmwareSpec;
  disks: NewDisk[];
  nics: NewNic[];
  /** VNC password (libvirt accepts at most 8 characters for VNC). */
  vncPassword?: string;
}
