// Hosts: libvirt daemons Ferry manages, each reached by a management URI and reachable from
// other hosts by a migration URI (peer-to-peer migration URIs are resolved by the source daemon).
import { z } from 'zod';
import { defineRoute } from './route.ts';
import { HostIdSchema, listOf, TimestampSchema } from './common.ts';

// Transports libvirt offers for a remote or local daemon (and the test driver, for demos and tests).
const URI_PATTERN = /^(qemu(\+(ssh|tcp|tls|unix|libssh2|libssh))?:\/\/[A-Za-z0-9._~:@[\]-]*\/(system|session)(\?[A-Za-z0-9._~%=&/:+-]*)?|test:\/\/\/[A-Za-z0-9._/-]+)$/;
export const LibvirtUriSchema = z.string().max(512).regex(URI_PATTERN, 'must be a libvirt URI such as qemu:///system, qemu+ssh://user@host/system or qemu+tls://host/system');
const HostNameSchema = z.string().min(1).max(64).regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'letters, digits, spaces, dots, dashes and underscores');

export const HostStateSchema = z.enum(['connecting', 'connected', 'disconnected']);
export type HostState = z.infer<typeof HostStateSchema>;

export const HostSchema = z.object({
  id: HostIdSchema,
  name: z.string(),
  uri: z.string(),
  migrationUri: z.string().nullable(),
  state: HostStateSchema,
  stateSince: TimestampSchema,
  /** Why the host is not connected (libvirt's message), or null. */
  lastError: z.string().nullable(),
  hostname: z.string().nullable(),
  libvirtVersion: z.string().nullable(),
  hypervisorVersion: z.string().nullable(),
}).meta({ id: 'Host' });
export type Host = z.infer<typeof HostSchema>;

export const CreateHostBodySchema = z.strictObject({
  name: HostNameSchema,
  uri: LibvirtUriSchema,
  migrationUri: LibvirtUriSchema.optional(),
  /** Defaults to a slug of the name. */
  id: HostIdSchema.optional(),
}).meta({ id: 'CreateHostBody' });

export const UpdateHostBodySchema = z.strictObject({
  name: HostNameSchema.optional(),
  uri: LibvirtUriSchema.optional(),
  migrationUri: LibvirtUriSchema.nullable().optional(),
}).meta({ id: 'UpdateHostBody' });

export const ReadinessCheckSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'warn', 'fail']),
  message: z.string(),
  fix: z.string().optional(),
});
export const ReadinessSchema = z.object({
  acceleration: z.enum(['kvm', 'tcg', 'none']),
  checks: z.array(ReadinessCheckSchema),
}).meta({ id: 'Readiness' });

const HostParams = z.strictObject({ hostId: HostIdSchema });

export const hostRoutes = {
  listHosts: defineRoute({
    method: 'GET', path: '/hosts', summary: 'Hosts the caller may see, with connection state', tags: ['hosts'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '*' },
    responses: { 200: listOf(HostSchema) },
  }),
  createHost: defineRoute({
    method: 'POST', path: '/hosts', summary: 'Add a host by libvirt URI', tags: ['hosts'],
    permission: { kind: 'privilege', privilege: 'host.manage', scope: '/' },
    body: CreateHostBodySchema,
    responses: { 201: HostSchema },
  }),
  getHost: defineRoute({
    method: 'GET', path: '/hosts/:hostId', summary: 'One host', tags: ['hosts'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '/hosts/:hostId' },
    params: HostParams,
    responses: { 200: HostSchema },
  }),
  updateHost: defineRoute({
    method: 'PATCH', path: '/hosts/:hostId', summary: 'Rename a host or change its URIs (reconnects)', tags: ['hosts'],
    permission: { kind: 'privilege', privilege: 'host.manage', scope: '/hosts/:hostId' },
    params: HostParams, body: UpdateHostBodySchema,
    responses: { 200: HostSchema },
  }),
  deleteHost: defineRoute({
    method: 'DELETE', path: '/hosts/:hostId', summary: 'Stop managing a host (its VMs keep running)', tags: ['hosts'],
    permission: { kind: 'privilege', privilege: 'host.manage', scope: '/hosts/:hostId' },
    params: HostParams,
    responses: { 204: z.null() },
  }),
  getHostReadiness: defineRoute({
    method: 'GET', path: '/hosts/:hostId/readiness', summary: 'What the host can do, and the exact fix for what it cannot', tags: ['hosts'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '/hosts/:hostId' },
    params: HostParams,
    responses: { 200: ReadinessSchema },
  }),
};
