// Snapshots of a VM: create (full = disks + memory, or disk-only), a tree with a "you are here"
// marker, detail, description edit, revert and delete.
//
// Two ways libvirt keeps a snapshot, shown on each one as `location`:
// - internal: inside the VM's qcow2 files (memory state too). Needs qcow2 disks and BIOS
//   firmware (libvirt refuses internal snapshots of pflash/UEFI guests);
// - external: the disks' current files are frozen and new writes go to overlay files beside
//   them. The only way to take a disk-only snapshot of a running VM, or of raw disks.
// Ferry never mixes the two on one VM (an internal revert would strand overlay files, an
// external delete would drop internal snapshots inside the overlay it merges); each snapshot
// says whether it can be reverted on this host and, if not, why.
import { z } from 'zod';
import { defineRoute } from './route.ts';
import { RowIdSchema, TimestampSchema, UuidSchema } from './common.ts';

/** No slashes, no leading dot or dash, no '..': a name also appears in overlay file names. */
export const SnapshotNameSchema = z.string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, dot, dash and underscore; at most 63; starts with a letter or digit')
  .refine((n) => !n.includes('..'), "no '..'");
// The same rule as VM descriptions: plain text, no control characters, nothing shaped like markup.
const SnapshotDescriptionSchema = z.string().max(2000).regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F<>]*$/, 'plain text: no control characters, no < or >');

export const SNAPSHOT_KINDS = ['full', 'disk'] as const;
export const SnapshotKindSchema = z.enum(SNAPSHOT_KINDS);

export const CreateSnapshotBodySchema = z.strictObject({
  name: SnapshotNameSchema,
  description: SnapshotDescriptionSchema.optional(),
  /**
   * 'full': disks and memory of a running or paused VM (reverts to the running guest).
   * 'disk': disks only; of a running VM through the guest agent's freeze when it answers,
   * otherwise crash-consistent (labelled so). Default: 'full' for a running VM that can have
   * one, else 'disk'.
   */
  kind: SnapshotKindSchema.optional(),
}).meta({ id: 'CreateSnapshotBody' });
export type CreateSnapshotBody = z.infer<typeof CreateSnapshotBodySchema>;

export const SnapshotDiskSchema = z.object({
  target: z.string(),
  snapshot: z.enum(['internal', 'external', 'no']),
  /** External: the overlay file that receives the writes made after the snapshot. */
  file: z.string().nullable(),
});

export const SnapshotSchema = z.object({
  name: z.string(),
  description: z.string(),
  parent: z.string().nullable(),
  children: z.array(z.string()),
  /** 0 for a root; the list is in tree order (depth first), so depth is all a UI needs to indent. */
  depth: z.number().int(),
  /** The snapshot the VM is "at": the parent of the next one taken. */
  current: z.boolean(),
  createdAt: TimestampSchema,
  kind: SnapshotKindSchema,
  location: z.enum(['internal', 'external']),
  memory: z.boolean(),
  /** The VM's state when the snapshot was taken. */
  vmState: z.enum(['running', 'paused', 'shutoff', 'other']),
  /**
   * memory: the whole running state; offline: the VM was shut off; quiesced: the guest agent
   * froze the file systems; crash-consistent: as after a power cut; unknown: taken outside Ferry.
   */
  consistency: z.enum(['memory', 'offline', 'quiesced', 'crash-consistent', 'unknown']),
  disks: z.array(SnapshotDiskSchema),
  /** Bytes the snapshot's overlay files take (external); null where libvirt cannot say (internal). */
  sizeBytes: z.number().nullable(),
  revert: z.object({ possible: z.boolean(), reason: z.string().optional() }),
}).meta({ id: 'Snapshot' });
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const SnapshotListSchema = z.object({
  items: z.array(SnapshotSchema),
  /** The current snapshot's name ("you are here"), or null. */
  current: z.string().nullable(),
}).meta({ id: 'SnapshotList' });

export const RevertSnapshotBodySchema = z.strictObject({
  /** The state to leave the VM in; default: the snapshot's own (running for a full snapshot). */
  state: z.enum(['running', 'paused', 'shutoff']).optional(),
  /** Needed when the VM runs: its current running state is discarded. */
  force: z.boolean().optional(),
}).meta({ id: 'RevertSnapshotBody' });
export type RevertSnapshotBody = z.infer<typeof RevertSnapshotBodySchema>;

export const EditSnapshotBodySchema = z.strictObject({ description: SnapshotDescriptionSchema }).meta({ id: 'EditSnapshotBody' });

export const DeleteSnapshotQuerySchema = z.strictObject({
  /** Also delete every snapshot below it. */
  children: z.enum(['true', 'false']).optional(),
  /**
   * Forget the snapshot in libvirt but leave its data in the disk files (Administrators: needs
   * vm.config and vm.delete on the VM). For snapshots libvirt cannot delete, or made elsewhere.
   */
  metadataOnly: z.enum(['true', 'false']).optional(),
});

const VmParams = z.strictObject({ vmId: UuidSchema });
const SnapshotParams = z.strictObject({ vmId: UuidSchema, name: SnapshotNameSchema });
const Accepted = z.object({ taskId: RowIdSchema });

export const snapshotRoutes = {
  listSnapshots: defineRoute({
    method: 'GET', path: '/vms/:vmId/snapshots', summary: "A VM's snapshots as a tree (tree order, with depth), and the current one", tags: ['snapshots'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '/vms/:vmId' },
    params: VmParams,
    responses: { 200: SnapshotListSchema },
  }),
  createSnapshot: defineRoute({
    method: 'POST', path: '/vms/:vmId/snapshots', summary: 'Take a snapshot: full (disks + memory) or disk-only', tags: ['snapshots'],
    permission: { kind: 'privilege', privilege: 'vm.snapshot', scope: '/vms/:vmId' },
    params: VmParams, body: CreateSnapshotBodySchema,
    responses: { 202: Accepted },
  }),
  getSnapshot: defineRoute({
    method: 'GET', path: '/vms/:vmId/snapshots/:name', summary: 'One snapshot', tags: ['snapshots'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '/vms/:vmId' },
    params: SnapshotParams,
    responses: { 200: SnapshotSchema },
  }),
  editSnapshot: defineRoute({
    method: 'PATCH', path: '/vms/:vmId/snapshots/:name', summary: "Change a snapshot's description", tags: ['snapshots'],
    permission: { kind: 'privilege', privilege: 'vm.snapshot', scope: '/vms/:vmId' },
    params: SnapshotParams, body: EditSnapshotBodySchema,
    responses: { 202: Accepted },
  }),
  revertSnapshot: defineRoute({
    method: 'POST', path: '/vms/:vmId/snapshots/:name/revert', summary: 'Revert the VM to a snapshot (force: true when it runs)', tags: ['snapshots'],
    permission: { kind: 'privilege', privilege: 'vm.snapshot', scope: '/vms/:vmId' },
    params: SnapshotParams, body: RevertSnapshotBodySchema,
    responses: { 202: Accepted },
  }),
  deleteSnapshot: defineRoute({
    method: 'DELETE', path: '/vms/:vmId/snapshots/:name', summary: 'Delete a snapshot (its data merges into its child), optionally with its children', tags: ['snapshots'],
    // metadataOnly=true additionally needs vm.config and vm.delete (checked by the handler).
    permission: { kind: 'privilege', privilege: 'vm.snapshot', scope: '/vms/:vmId' },
    params: SnapshotParams, query: DeleteSnapshotQuerySchema,
    responses: { 202: Accepted },
  }),
};
