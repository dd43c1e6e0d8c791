// API tokens: a signed-in user's credentials for scripts, sent as `Authorization: Bearer
// <secret>`. The secret is shown once, at creation; the server keeps only its SHA-256. A token
// acts as its owner, capped at the token's role — which defaults to the owner's highest role
// and can never be higher. Bearer requests need no CSRF token.
import { z } from 'zod';
import { RowIdSchema, TimestampSchema, listOf } from './common.ts';
import { RoleSchema } from './permissions.ts';
import { defineRoute } from './route.ts';

export const ApiTokenSchema = z.object({
  id: RowIdSchema,
  name: z.string(),
  role: RoleSchema,
  createdAt: TimestampSchema,
  expiresAt: TimestampSchema.nullable(),
  lastUsedAt: TimestampSchema.nullable(),
}).meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof ApiTokenSchema>;

export const CreatedApiTokenSchema = ApiTokenSchema.extend({
  /** `ferry_…`: shown this once, never again. */
  secret: z.string(),
}).meta({ id: 'CreatedApiToken' });
export type CreatedApiToken = z.infer<typeof CreatedApiTokenSchema>;

export const CreateTokenBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  /** Defaults to the owner's highest role; a higher one is refused (403). */
  role: RoleSchema.optional(),
  /** Must be in the future; absent means the token never expires. */
  expiresAt: TimestampSchema.optional(),
}).meta({ id: 'CreateTokenRequest' });
export type CreateTokenBody = z.infer<typeof CreateTokenBodySchema>;

/** Every API token secret starts with this, so leaked secrets are easy to scan for. */
export const TOKEN_SECRET_PREFIX = 'ferry_';

export const tokenRoutes = {
  listTokens: defineRoute({
    method: 'GET', path: '/tokens', summary: 'List your API tokens (revoked ones are gone)', tags: ['auth'],
    permission: { kind: 'authenticated' },
    responses: { 200: listOf(ApiTokenSchema) },
  }),
  createToken: defineRoute({
    method: 'POST', path: '/tokens', summary: 'Create an API token; the secret is shown only in this answer', tags: ['auth'],
    permission: { kind: 'authenticated' },
    body: CreateTokenBodySchema,
    responses: { 201: CreatedApiTokenSchema },
  }),
  revokeToken: defineRoute({
    method: 'DELETE', path: '/tokens/:id', summary: 'Revoke one of your API tokens', tags: ['auth'],
    permission: { kind: 'authenticated' },
    params: z.strictObject({ id: RowIdSchema }),
    responses: { 204: z.null() },
  }),
};
