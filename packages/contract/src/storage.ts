// Storage pools and their volumes, on one host. Pools and networks belong to a host: every
// route takes `?hostId=` (default: the first host). The permission scope is that host; a
// request that leaves hostId out is judged on `/` (the auth plugin fills scopes before any
// default applies), so callers whose grants are on one host pass its id.
//
// Names are an allowlist, checked before any lookup: a pool or volume name becomes a path
// segment on the host (dir pools store a volume as <pool path>/<volume name>).
import { z } from 'zod';
import { defineRoute } from './route.ts';
import { EmptySchema, HostIdSchema, listOf, TaskAcceptedSchema } from './common.ts';

export const OBJECT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Pool, volume and network names: letters, digits, `.`, `_`, `-`; no `..`; at most 64. */
export const ObjectNameSchema = z.string()
  .regex(OBJECT_NAME_PATTERN, 'letters, digits, dots, dashes and underscores, starting with a letter or digit (max 64)')
  .refine((s) => !s.includes('..'), 'must not contain ..');

export const HostQuerySchema = z.strictObject({
  /** The host the pool or network is on; the first host when absent. */
  hostId: HostIdSchema.optional(),
});

// Where a pool may not live: the system's own trees (and anything below them), and top-level
// directories a pool would swallow whole (only the directory itself; a pool below is fine).
export const SYSTEM_TREES = [
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/root', '/run', '/sbin', '/sys', '/usr',
  '/var/lib/ferry', '/var/lib/libvirt/qemu', '/var/lib/libvirt/dnsmasq', '/var/log', '/var/run',
] as const;
export const SYSTEM_DIRS = ['/', '/home', '/media', '/mnt', '/opt', '/srv', '/tmp', '/var', '/var/cache', '/var/lib', '/var/lib/libvirt', '/var/tmp', '/usr/local'] as const;

export function isSystemPath(p: string): boolean {
  return (SYSTEM_DIRS as readonly string[]).includes(p) || SYSTEM_TREES.some((t) => p === t || p.startsWith(`${t}/`));
}

/** An absolute, normalized directory path outside the system's trees. */
export const PoolPathSchema = z.string().max(255)
  .regex(/^\/[A-Za-z0-9._+/-]*$/, 'an absolute path of letters, digits and . _ + - /')
  .refine((p) => p === '/' || (!p.endsWith('/') && p.split('/').slice(1).every((seg) => seg !== '' && seg !== '.' && seg !== '..')),
    'must be normalized: no trailing slash, no empty, . or .. segments')
  .refine((p) => !isSystemPath(p), 'must not be a system directory');

export const StoragePoolSchema = z.object({
  hostId: HostIdSchema,
  name: z.string(),
  uuid: z.string(),
  /** libvirt's pool type; Ferry creates 'dir' pools and shows any. */
  type: z.string(),
  /** The target directory (or device); null for pool types without one. */
  path: z.string().nullable(),
  active: z.boolean(),
  autostart: z.boolean(),
  capacityBytes: z.number().int(),
  allocationBytes: z.number().int(),
  availableBytes: z.number().int(),
}).meta({ id: 'StoragePool' });
export type StoragePool = z.infer<typeof StoragePoolSchema>;

export const StorageVolumeSchema = z.object({
  hostId: HostIdSchema,
  pool: z.string(),
  name: z.string(),
  key: z.string(),
  path: z.string(),
  /** libvirt's format name as it reads the file: 'qcow2', 'raw', 'iso', … */
  format: z.string(),
  /** The size the guest sees (a qcow2's virtual size). */
  capacityBytes: z.number().int(),
  /** Space taken on the host. */
  allocationBytes: z.number().int(),
  /** The image this one is an overlay of; null for standalone images. */
  backingStore: z.object({ path: z.string(), format: z.string().nullable() }).nullable(),
}).meta({ id: 'StorageVolume' });
export type StorageVolume = z.infer<typeof StorageVolumeSchema>;

export const CreatePoolBodySchema = z.strictObject({
  name: ObjectNameSchema,
  type: z.literal('dir'),
  /** Created (with its parents) when missing. */
  path: PoolPathSchema,
  /** Start with the host (default true). */
  autostart: z.boolean().optional(),
}).meta({ id: 'CreatePoolBody' });

export const VOLUME_FORMATS = ['qcow2', 'raw'] as const;
export const UPLOAD_FORMATS = ['qcow2', 'raw', 'iso'] as const;
const MAX_VOLUME_BYTES = 2 ** 50; // 1 PiB: past any pool, well inside exact doubles

export const CreateVolumeBodySchema = z.strictObject({
  name: ObjectNameSchema,
  format: z.enum(VOLUME_FORMATS),
  /** The size in GiB, or… */
  sizeGiB: z.number().int().min(1).max(MAX_VOLUME_BYTES / 2 ** 30).optional(),
  /** …in bytes (exactly one of the two). */
  capacityBytes: z.number().int().min(1).max(MAX_VOLUME_BYTES).optional(),
}).refine((b) => (b.sizeGiB === undefined) !== (b.capacityBytes === undefined), 'give exactly one of sizeGiB and capacityBytes')
  .meta({ id: 'CreateVolumeBody' });

export const ResizeVolumeBodySchema = z.strictObject({
  /** The new size the guest sees; smaller than now is refused (SHRINK_REFUSED). */
  capacityBytes: z.number().int().min(1).max(MAX_VOLUME_BYTES),
}).meta({ id: 'ResizeVolumeBody' });

export const DeletePoolQuerySchema = HostQuerySchema.extend({
  /** Remove the pool even though it still holds volumes (their files stay on disk). */
  force: z.enum(['true', 'false']).optional(),
});

export const UploadQuerySchema = HostQuerySchema.extend({
  /** The new volume's name (e.g. the file name). */
  name: ObjectNameSchema,
  format: z.enum(UPLOAD_FORMATS),
});

/** The raw image bytes, sent as `application/octet-stream` with a Content-Length. */
export const UploadBodySchema = z.custom<unknown>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { pipe?: unknown }).pipe === 'function',
  { message: 'the image, as an application/octet-stream body' },
).meta({ type: 'string', format: 'binary', description: 'The image bytes (application/octet-stream; Content-Length required)' } as Record<string, unknown>);

/** A finished upload's task result. */
export const VolumeUploadResultSchema = z.object({
  pool: z.string(),
  volume: z.string(),
  path: z.string(),
  format: z.enum(UPLOAD_FORMATS),
  capacityBytes: z.number().int(),
}).meta({ id: 'VolumeUploadResult' });
export type VolumeUploadResult = z.infer<typeof VolumeUploadResultSchema>;

const PoolParams = z.strictObject({ pool: ObjectNameSchema });
const VolumeParams = z.strictObject({ pool: ObjectNameSchema, volume: ObjectNameSchema });
const READ = { kind: 'privilege', privilege: 'sys.read', scope: '/hosts/:hostId' } as const;
const MANAGE = { kind: 'privilege', privilege: 'storage.manage', scope: '/hosts/:hostId' } as const;

const poolAction = (action: string, summary: string) => defineRoute({
  method: 'POST', path: `/storage/pools/:pool/${action}`, summary, tags: ['storage'], permission: MANAGE,
  params: PoolParams, query: HostQuerySchema, body: EmptySchema,
  responses: { 200: StoragePoolSchema },
});

export const storageRoutes = {
  listPools: defineRoute({
    method: 'GET', path: '/storage/pools', summary: "A host's storage pools", tags: ['storage'], permission: READ,
    query: HostQuerySchema,
    responses: { 200: listOf(StoragePoolSchema) },
  }),
  createPool: defineRoute({
    method: 'POST', path: '/storage/pools', summary: 'Create a directory pool (the directory is made if missing), start it', tags: ['storage'],
    permission: MANAGE, query: HostQuerySchema, body: CreatePoolBodySchema,
    responses: { 201: StoragePoolSchema },
  }),
  getPool: defineRoute({
    method: 'GET', path: '/storage/pools/:pool', summary: 'One storage pool', tags: ['storage'], permission: READ,
    params: PoolParams, query: HostQuerySchema,
    responses: { 200: StoragePoolSchema },
  }),
  startPool: poolAction('start', 'Start (activate) a pool'),
  stopPool: poolAction('stop', 'Stop (deactivate) a pool; its files stay'),
  refreshPool: poolAction('refresh', 'Rescan a pool for volumes added or changed outside Ferry'),
  deletePool: defineRoute({
    method: 'DELETE', path: '/storage/pools/:pool',
    summary: 'Stop and remove a pool. Volume files are never deleted; a pool that still holds volumes is refused (NOT_EMPTY) unless ?force=true',
    tags: ['storage'], permission: MANAGE,
    params: PoolParams, query: DeletePoolQuerySchema,
    responses: { 204: z.null() },
  }),
  listVolumes: defineRoute({
    method: 'GET', path: '/storage/pools/:pool/volumes', summary: "A pool's volumes", tags: ['storage'], permission: READ,
    params: PoolParams, query: HostQuerySchema,
    responses: { 200: listOf(StorageVolumeSchema) },
  }),
  createVolume: defineRoute({
    method: 'POST', path: '/storage/pools/:pool/volumes', summary: 'Create an empty, thin-provisioned volume', tags: ['storage'],
    permission: MANAGE, params: PoolParams, query: HostQuerySchema, body: CreateVolumeBodySchema,
    responses: { 201: StorageVolumeSchema },
  }),
  uploadVolume: defineRoute({
    method: 'POST', path: '/storage/pools/:pool/volumes/upload',
    summary: 'Upload an image into a new volume (streamed application/octet-stream body with Content-Length). Answers 202 once the bytes are in; the task then checks the image (a qcow2 with a backing or data file is refused and removed) and its result names the volume',
    tags: ['storage'], permission: MANAGE,
    params: PoolParams, query: UploadQuerySchema, body: UploadBodySchema,
    responses: { 202: TaskAcceptedSchema },
  }),
  getVolume: defineRoute({
    method: 'GET', path: '/storage/pools/:pool/volumes/:volume', summary: 'One volume', tags: ['storage'], permission: READ,
    params: VolumeParams, query: HostQuerySchema,
    responses: { 200: StorageVolumeSchema },
  }),
  deleteVolume: defineRoute({
    method: 'DELETE', path: '/storage/pools/:pool/volumes/:volume', summary: 'Delete a volume and its data', tags: ['storage'],
    permission: MANAGE, params: VolumeParams, query: HostQuerySchema,
    responses: { 204: z.null() },
  }),
  resizeVolume: defineRoute({
    method: 'POST', path: '/storage/pools/:pool/volumes/:volume/resize', summary: 'Grow a volume (shrinking is refused: SHRINK_REFUSED)', tags: ['storage'],
    permission: MANAGE, params: VolumeParams, query: HostQuerySchema, body: ResizeVolumeBodySchema,
    responses: { 200: StorageVolumeSchema },
  }),
};
