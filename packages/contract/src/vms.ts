// VMs: list, detail, create, edit, delete, clone, templates, bulk power.
//
// Bodies have no field for host paths, host devices, QEMU command-line passthrough or a custom
// emulator: disks come from storage pools by name, NICs from libvirt networks or host bridges,
// and the server builds the XML. Names and tags match allowlists; numbers have hard bounds here
// and are checked against the host's capacity by the server.
import { z } from 'zod';
import { defineRoute } from './route.ts';
import { HostIdSchema, listOf, RowIdSchema, UuidSchema } from './common.ts';
import { VmStateSchema } from './vm-power.ts';
import { ErrorCodeSchema } from './errors.ts';
import { ObjectNameSchema } from './storage.ts';

export const VmNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, dot, dash and underscore; at most 63; starts with a letter or digit');
export const TagSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'letters, digits, dash and underscore; at most 32');
// Plain text: printable characters, newlines and tabs — no control characters and no markup
// (`<`, `>`): the XML is escaped anyway, but text shaped like markup is refused outright, so an
// injection attempt is a 400, never a stored curiosity.
const DescriptionSchema = z.string().max(2000).regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F<>]*$/, 'plain text: no control characters, no < or >');
// Pools, volumes and networks are named by the same allowlist everywhere.
const StorageNameSchema = ObjectNameSchema;
const BridgeNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/, 'a Linux bridge name (at most 15 characters)');
export const MacSchema = z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'a lowercase MAC address such as 52:54:00:12:34:56')
  .refine((m) => (parseInt(m.slice(0, 2), 16) & 1) === 0, 'must be a unicast MAC');
/** A guest disk's target device name (vda, sdb, hdc …). */
export const DiskTargetSchema = z.string().regex(/^(vd|sd|hd)[a-z]{1,2}$/, 'a disk target such as vda or sdb');
const MachineSchema = z.string().regex(/^(pc|q35|pc-(i440fx|q35)-[0-9]+\.[0-9]+)$/, "'pc', 'q35' or a versioned pc-i440fx-X.Y / pc-q35-X.Y");
const CpuModelNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a CPU model name such as Skylake-Client');

export const DiskBusSchema = z.enum(['virtio', 'sata', 'scsi', 'ide']);
export const DiskCacheSchema = z.enum(['none', 'writeback', 'writethrough', 'directsync', 'unsafe']);
export const NicModelSchema = z.enum(['virtio', 'e1000', 'e1000e', 'rtl8139']);

const diskCommon = {
  bus: DiskBusSchema.optional(),
  cache: DiskCacheSchema.optional(),
  discard: z.boolean().optional(),
};
/** A disk for a VM: an existing volume, a new volume, or an ISO attached as CD-ROM. */
export const DiskSpecSchema = z.union([
  z.strictObject({ pool: StorageNameSchema, volume: StorageNameSchema, ...diskCommon }),
  z.strictObject({ pool: StorageNameSchema, sizeGiB: z.number().min(0.001).max(65536), format: z.enum(['qcow2', 'raw']).optional(), ...diskCommon }),
  z.strictObject({ pool: StorageNameSchema, iso: StorageNameSchema, bus: z.enum(['sata', 'ide']).optional() }),
]).meta({ id: 'DiskSpec' });
export type DiskSpec = z.infer<typeof DiskSpecSchema>;

/** A NIC on a libvirt network (default: 'default') or a host bridge. */
export const NicSpecSchema = z.strictObject({
  network: StorageNameSchema.optional(),
  bridge: BridgeNameSchema.optional(),
  model: NicModelSchema.optional(),
  mac: MacSchema.optional(),
  link: z.enum(['up', 'down']).optional(),
}).refine((n) => !(n.network && n.bridge), 'give a network or a bridge, not both').meta({ id: 'NicSpec' });
export type NicSpec = z.infer<typeof NicSpecSchema>;

export const CpuSpecSchema = z.strictObject({
  mode: z.enum(['host-passthrough', 'host-model', 'custom']).optional(),
  /** For mode 'custom'. */
  model: CpuModelNameSchema.optional(),
  sockets: z.number().int().min(1).max(16).optional(),
  cores: z.number().int().min(1).max(256).optional(),
  threads: z.number().int().min(1).max(8).optional(),
}).refine((c) => (c.mode === 'custom') === (c.model !== undefined), "a model goes with mode 'custom', and only with it").meta({ id: 'CpuSpec' });

export const CreateVmBodySchema = z.strictObject({
  name: VmNameSchema,
  hostId: HostIdSchema.optional(),
  description: DescriptionSchema.optional(),
  tags: z.array(TagSchema).max(32).optional(),
  /** Total vCPUs (default 1); with cpu.sockets/cores/threads their product must equal it. */
  vcpus: z.number().int().min(1).max(512).optional(),
  cpu: CpuSpecSchema.optional(),
  memoryMiB: z.number().int().min(16).max(4 * 1024 * 1024).optional(),
  machine: MachineSchema.optional(),
  firmware: z.enum(['bios', 'uefi']).optional(),
  /** UEFI only (implies machine q35). */
  secureBoot: z.boolean().optional(),
  disks: z.array(DiskSpecSchema).max(16).optional(),
  nics: z.array(NicSpecSchema).max(8).optional(),
  autostart: z.boolean().optional(),
  start: z.boolean().optional(),
}).meta({ id: 'CreateVmBody' });
export type CreateVmBody = z.infer<typeof CreateVmBodySchema>;

export const VmSummarySchema = z.object({
  id: UuidSchema,
  name: z.string(),
  hostId: HostIdSchema,
  state: VmStateSchema,
  /** libvirt's reason for the state (e.g. 'booted', 'shutdown', 'destroyed'). */
  reason: z.string(),
  vcpus: z.number().int(),
  memoryMiB: z.number(),
  /** Since Ferry saw the VM start; null when stopped or started before Ferry watched. */
  uptimeS: z.number().int().nullable(),
  ips: z.array(z.string()),
  tags: z.array(z.string()),
  template: z.boolean(),
  /** True when the host is not connected: this is the last state Ferry saw. */
  stale: z.boolean(),
}).meta({ id: 'VmSummary' });
export type VmSummary = z.infer<typeof VmSummarySchema>;

export const VmDiskSchema = z.object({
  target: z.string(),
  device: z.enum(['disk', 'cdrom', 'floppy', 'lun']),
  bus: z.string(),
  format: z.string().nullable(),
  /** Where the data lives: a file path, a pool volume, or a block device. */
  source: z.object({ file: z.string().optional(), pool: z.string().optional(), volume: z.string().optional(), dev: z.string().optional() }),
  cache: z.string().nullable(),
  discard: z.string().nullable(),
  readonly: z.boolean(),
  bootOrder: z.number().int().nullable(),
  capacityBytes: z.number().nullable(),
});
export const VmNicSchema = z.object({
  mac: z.string(),
  type: z.string(),
  network: z.string().nullable(),
  bridge: z.string().nullable(),
  model: z.string().nullable(),
  link: z.enum(['up', 'down']),
  bootOrder: z.number().int().nullable(),
  ips: z.array(z.string()),
});

export const VmDetailSchema = VmSummarySchema.extend({
  description: z.string(),
  autostart: z.boolean(),
  persistent: z.boolean(),
  /** Hash of the persistent definition; send it back with an edit (optimistic concurrency). */
  digest: z.string(),
  domainType: z.string(),
  arch: z.string(),
  machine: z.string().nullable(),
  firmware: z.object({ kind: z.enum(['bios', 'uefi']), secureBoot: z.boolean() }),
  cpu: z.object({
    mode: z.string(),
    model: z.string().nullable(),
    sockets: z.number().int(),
    cores: z.number().int(),
    threads: z.number().int(),
  }),
  vcpu: z.object({ max: z.number().int(), current: z.number().int() }),
  memory: z.object({ maxMiB: z.number(), currentMiB: z.number(), balloon: z.boolean() }),
  bootOrder: z.array(z.string()),
  disks: z.array(VmDiskSchema),
  nics: z.array(VmNicSchema),
  graphics: z.array(z.object({ type: z.string(), listen: z.string().nullable(), port: z.number().int().nullable() })),
  serial: z.boolean(),
  guestAgent: z.boolean(),
  /** What differs between the running VM and its next boot (empty when stopped). */
  pendingChanges: z.array(z.string()),
}).meta({ id: 'VmDetail' });
export type VmDetail = z.infer<typeof VmDetailSchema>;

export const ListVmsQuerySchema = z.strictObject({
  hostId: HostIdSchema.optional(),
  state: VmStateSchema.optional(),
  tag: TagSchema.optional(),
  /** Case-insensitive substring of the name. */
  name: z.string().max(63).regex(/^[A-Za-z0-9._-]*$/).optional(),
});

export const EditVmBodySchema = z.strictObject({
  /** The digest from GET /vms/:vmId; a stale one gets 409 STALE_DIGEST. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  vcpus: z.number().int().min(1).max(512).optional(),
  cpu: CpuSpecSchema.optional(),
  memoryMiB: z.number().int().min(16).max(4 * 1024 * 1024).optional(),
  description: DescriptionSchema.optional(),
  tags: z.array(TagSchema).max(32).optional(),
  autostart: z.boolean().optional(),
  /** Device keys in boot order: disk targets (vda, sda) and NIC MACs. */
  bootOrder: z.array(z.union([DiskTargetSchema, MacSchema])).max(24).optional(),
  disks: z.strictObject({
    add: z.array(DiskSpecSchema).max(8).optional(),
    resize: z.array(z.strictObject({ target: DiskTargetSchema, sizeGiB: z.number().min(0.001).max(65536) })).max(16).optional(),
    detach: z.array(DiskTargetSchema).max(16).optional(),
  }).optional(),
  nics: z.strictObject({
    add: z.array(NicSpecSchema).max(8).optional(),
    update: z.array(z.strictObject({ mac: MacSchema, link: z.enum(['up', 'down']).optional(), model: NicModelSchema.optional(), network: StorageNameSchema.optional(), bridge: BridgeNameSchema.optional() })).max(8).optional(),
    remove: z.array(MacSchema).max(8).optional(),
  }).optional(),
}).meta({ id: 'EditVmBody' });
export type EditVmBody = z.infer<typeof EditVmBodySchema>;

/** An edit task's result: what took effect now and what waits for the next boot. */
export const EditResultSchema = z.object({ applied: z.array(z.string()), pending: z.array(z.string()) }).meta({ id: 'EditResult' });

export const DeleteVmQuerySchema = z.strictObject({
  /** Also delete the VM's disk volumes (never ISOs attached as CD-ROM). */
  volumes: z.enum(['true', 'false']).optional(),
  /** Allow deleting a VM that has snapshots (their metadata goes with it). */
  snapshots: z.enum(['true', 'false']).optional(),
});

export const CloneVmBodySchema = z.strictObject({
  name: VmNameSchema,
  /** 'linked' needs a template: each disk becomes a qcow2 overlay on the template's disk. */
  mode: z.enum(['full', 'linked']).optional(),
  /**
   * The storage pool on the VM's host that receives the new volumes (copies, or linked
   * overlays). Default: each disk's copy goes into the pool its source disk is in. An unknown
   * pool is 400, a stopped one 409.
   */
  pool: StorageNameSchema.optional(),
  description: DescriptionSchema.optional(),
  tags: z.array(TagSchema).max(32).optional(),
  start: z.boolean().optional(),
}).meta({ id: 'CloneVmBody' });

export const VmTaskAcceptedSchema = z.object({ taskId: RowIdSchema, vmId: UuidSchema });

export const BulkPowerBodySchema = z.strictObject({
  action: z.enum(['start', 'shutdown', 'stop', 'reboot', 'reset', 'suspend', 'resume']),
  vmIds: z.array(UuidSchema).min(1).max(200),
  timeoutS: z.number().int().min(1).max(3600).optional(),
  force: z.boolean().optional(),
}).meta({ id: 'BulkPowerBody' });
export const BulkPowerResultSchema = z.object({
  results: z.array(z.object({
    vmId: UuidSchema,
    taskId: RowIdSchema.optional(),
    error: z.object({ code: ErrorCodeSchema, message: z.string() }).optional(),
  })),
}).meta({ id: 'BulkPowerResult' });

const VmParams = z.strictObject({ vmId: UuidSchema });

export const vmRoutes = {
  listVms: defineRoute({
    method: 'GET', path: '/vms', summary: 'VMs the caller may see, on every host, with state, resources, IPs and tags', tags: ['vms'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '*' },
    query: ListVmsQuerySchema,
    responses: { 200: listOf(VmSummarySchema) },
  }),
  getVm: defineRoute({
    method: 'GET', path: '/vms/:vmId', summary: 'One VM: its configuration, state and pending changes', tags: ['vms'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '/vms/:vmId' },
    params: VmParams,
    responses: { 200: VmDetailSchema },
  }),
  createVm: defineRoute({
    method: 'POST', path: '/vms', summary: 'Create a VM (every field but name has a default)', tags: ['vms'],
    // The host comes in the body, which scopes cannot read: creating needs vm.create on '/'.
    permission: { kind: 'privilege', privilege: 'vm.create', scope: '/' },
    body: CreateVmBodySchema,
    responses: { 202: VmTaskAcceptedSchema },
  }),
  editVm: defineRoute({
    method: 'PATCH', path: '/vms/:vmId', summary: 'Change a VM: live where libvirt allows, otherwise at next boot', tags: ['vms'],
    permission: { kind: 'privilege', privilege: 'vm.config', scope: '/vms/:vmId' },
    params: VmParams, body: EditVmBodySchema,
    responses: { 202: z.object({ taskId: RowIdSchema }) },
  }),
  deleteVm: defineRoute({
    method: 'DELETE', path: '/vms/:vmId', summary: 'Delete a stopped VM, optionally with its volumes', tags: ['vms'],
    permission: { kind: 'privilege', privilege: 'vm.delete', scope: '/vms/:vmId' },
    params: VmParams, query: DeleteVmQuerySchema,
    responses: { 202: z.object({ taskId: RowIdSchema }) },
  }),
  cloneVm: defineRoute({
    method: 'POST', path: '/vms/:vmId/clone', summary: "Clone a stopped VM or a template (full copy, or linked to a template), into each source disk's pool or one named pool of its host", tags: ['vms'],
    permission: { kind: 'privilege', privilege: 'vm.create', scope: '/vms/:vmId' },
    params: VmParams, body: CloneVmBodySchema,
    responses: { 202: VmTaskAcceptedSchema },
  }),
  templateVm: defineRoute({
    method: 'POST', path: '/vms/:vmId/template', summary: 'Mark a stopped VM as a template (it can no longer start)', tags: ['vms'],
    permission: { kind: 'privilege', privilege: 'vm.config', scope: '/vms/:vmId' },
    params: VmParams,
    responses: { 202: z.object({ taskId: RowIdSchema }) },
  }),
  bulkPower: defineRoute({
    method: 'POST', path: '/vms/power', summary: 'One power action on many VMs, with a result per VM', tags: ['vms'],
    // Checked per VM by the handler: a VM the caller may not power gets FORBIDDEN in its result.
    permission: { kind: 'privilege', privilege: 'vm.power', scope: '*' },
    body: BulkPowerBodySchema,
    responses: { 200: BulkPowerResultSchema },
  }),
};
