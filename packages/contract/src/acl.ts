// ACL grants: a user holds a role on a path (`/`, `/hosts/<hostId>`, `/vms/<uuid>`), and the
// role's privileges apply to that path and everything below it. A user's privileges on an
// object are the union over the grants on the object's chain (`/`, its host, itself); an API
// token further caps them at its own role. One grant per user and path.
import { z } from 'zod';
import { RowIdSchema, TimestampSchema, listOf } from './common.ts';
import { AclPathSchema, RoleSchema } from './permissions.ts';
import { defineRoute } from './route.ts';
import { UsernameSchema } from './users.ts';

export const GrantSchema = z.object({
  id: RowIdSchema,
  userId: RowIdSchema,
  username: UsernameSchema,
  path: z.string(),
  role: RoleSchema,
  createdAt: TimestampSchema,
}).meta({ id: 'Grant' });
export type Grant = z.infer<typeof GrantSchema>;

export const CreateGrantBodySchema = z.strictObject({
  userId: RowIdSchema,
  path: AclPathSchema,
  role: RoleSchema,
}).meta({ id: 'CreateGrantRequest' });
export type CreateGrantBody = z.infer<typeof CreateGrantBodySchema>;

export const ListGrantsQuerySchema = z.strictObject({
  /** Only this user's grants. */
  userId: RowIdSchema.optional(),
});

const manageUsers = { kind: 'privilege', privilege: 'users.manage', scope: '/' } as const;

export const aclRoutes = {
  listGrants: defineRoute({
    method: 'GET', path: '/acl', summary: 'List ACL grants', tags: ['users'],
    permission: manageUsers,
    query: ListGrantsQuerySchema,
    responses: { 200: listOf(GrantSchema) },
  }),
  createGrant: defineRoute({
    method: 'POST', path: '/acl', summary: 'Grant a user a role on a path (409 if they already hold one there)', tags: ['users'],
    permission: manageUsers,
    body: CreateGrantBodySchema,
    responses: { 201: GrantSchema },
  }),
  deleteGrant: defineRoute({
    method: 'DELETE', path: '/acl/:id', summary: 'Remove a grant', tags: ['users'],
    permission: manageUsers,
    params: z.strictObject({ id: RowIdSchema }),
    responses: { 204: z.null() },
  }),
};
