// Users: local accounts that sign in with a password. What a user may do comes from their ACL
// grants (acl.ts), not from the account itself; `POST /users {role}` is a shortcut for a grant
// of that role on `/`. Password hashes never leave the server.
import { z } from 'zod';
import { RowIdSchema, TimestampSchema, listOf } from './common.ts';
import { RoleSchema } from './permissions.ts';
import { defineRoute } from './route.ts';

/** Lowercase, starts with a letter, at most 32 characters. */
export const UsernameSchema = z.string().regex(/^[a-z][a-z0-9._-]{0,31}$/, 'must start with a lowercase letter and use a-z, 0-9, ".", "_" or "-" (max 32)');
export const PasswordSchema = z.string().min(8, 'must have at least 8 characters').max(1024);

export const UserSchema = z.object({
  id: RowIdSchema,
  username: UsernameSchema,
  /** A disabled user cannot sign in, their sessions are ended and their tokens stop working. */
  disabled: z.boolean(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
}).meta({ id: 'User' });
export type User = z.infer<typeof UserSchema>;

export const CreateUserBodySchema = z.strictObject({
  username: UsernameSchema,
  password: PasswordSchema,
  /** Grants this role on `/`; without it the user can sign in but sees nothing until granted. */
  role: RoleSchema.optional(),
}).meta({ id: 'CreateUserRequest' });
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = z.strictObject({
  /** Sets a new password and ends the user's other sessions (API tokens keep working). */
  password: PasswordSchema.optional(),
  disabled: z.boolean().optional(),
}).meta({ id: 'UpdateUserRequest' });
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

export const UserParamsSchema = z.strictObject({ id: RowIdSchema });

const manageUsers = { kind: 'privilege', privilege: 'users.manage', scope: '/' } as const;

export const userRoutes = {
  listUsers: defineRoute({
    method: 'GET', path: '/users', summary: 'List users', tags: ['users'],
    permission: manageUsers,
    responses: { 200: listOf(UserSchema) },
  }),
  createUser: defineRoute({
    method: 'POST', path: '/users', summary: 'Create a local user, optionally granting a role on /', tags: ['users'],
    permission: manageUsers,
    body: CreateUserBodySchema,
    responses: { 201: UserSchema },
  }),
  getUser: defineRoute({
    method: 'GET', path: '/users/:id', summary: 'Show a user', tags: ['users'],
    permission: manageUsers,
    params: UserParamsSchema,
    responses: { 200: UserSchema },
  }),
  updateUser: defineRoute({
    method: 'PATCH', path: '/users/:id', summary: 'Change a user\'s password, or disable or enable them', tags: ['users'],
    permission: manageUsers,
    params: UserParamsSchema,
    body: UpdateUserBodySchema,
    responses: { 200: UserSchema },
  }),
  deleteUser: defineRoute({
    method: 'DELETE', path: '/users/:id', summary: 'Delete a user with their sessions, tokens and grants', tags: ['users'],
    permission: manageUsers,
    params: UserParamsSchema,
    responses: { 204: z.null() },
  }),
};
