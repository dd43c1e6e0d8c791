// Signing in and out. Login answers with a session cookie (`ferry_session`: HttpOnly,
// SameSite=Strict, Secure under TLS) and a CSRF token the client keeps and sends as
// `X-CSRF-Token` on every cookie-authenticated POST/PUT/PATCH/DELETE. The CSRF token is shown
// only by login (the server keeps its hash), so a browser client stores it (e.g. sessionStorage)
// and signs in again when it is lost. Failed logins are throttled per source IP and per
// account (429 with Retry-After); unknown and known usernames answer alike.
import { z } from 'zod';
import { GrantSchema } from './acl.ts';
import { PrivilegeSchema } from './permissions.ts';
import { defineRoute } from './route.ts';
import { UserSchema } from './users.ts';

export const SESSION_COOKIE = 'ferry_session';
export const CSRF_HEADER = 'x-csrf-token';

export const LoginBodySchema = z.strictObject({
  // Deliberately looser than UsernameSchema: a malformed name is just a failed login.
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
}).meta({ id: 'LoginRequest' });
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const LoginResultSchema = z.object({
  csrfToken: z.string(),
  user: UserSchema,
}).meta({ id: 'LoginResult' });
export type LoginResult = z.infer<typeof LoginResultSchema>;

export const MeSchema = z.object({
  user: UserSchema,
  /** How this request was authenticated. */
  via: z.enum(['session', 'token']),
  grants: z.array(GrantSchema),
  /** Effective privileges on `/` (for a token: capped at its role). */
  privileges: z.array(PrivilegeSchema),
}).meta({ id: 'Me' });
export type Me = z.infer<typeof MeSchema>;

export const authRoutes = {
  login: defineRoute({
    method: 'POST', path: '/auth/login', summary: 'Sign in: sets the session cookie and returns the CSRF token', tags: ['auth'],
    permission: { kind: 'public' },
    body: LoginBodySchema,
    responses: { 200: LoginResultSchema },
  }),
  logout: defineRoute({
    method: 'POST', path: '/auth/logout', summary: 'Sign out: ends this session', tags: ['auth'],
    permission: { kind: 'authenticated' },
    responses: { 204: z.null() },
  }),
  me: defineRoute({
    method: 'GET', path: '/auth/me', summary: 'Who am I: user, grants and privileges on /', tags: ['auth'],
    permission: { kind: 'authenticated' },
    responses: { 200: MeSchema },
  }),
};
