// The shape of one entry in the route table. The server registers handlers against these
// entries (schemas validate requests and serialize responses), the OpenAPI document is
// generated from them, and the web client calls through them — one definition each.
import type { z } from 'zod';
import type { Privilege } from './permissions.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route.
 * - public: no authentication (health, login, the OpenAPI document);
 * - authenticated: any signed-in user, acting on their own things (me, logout, own tokens);
 * - privilege: the caller must hold `privilege` on the ACL path `scope`, a template filled
 *   from the route's params (e.g. '/vms/:vmId'); scope '*' means "somewhere" — the handler
 *   then shows only what the caller may see (lists).
 */
export type Permission =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'privilege'; privilege: Privilege; scope: string };

export interface RouteDef {
  method: HttpMethod;
  /** Path below /api/v1, with `:param` segments. */
  path: string;
  summary: string;
  tags: readonly string[];
  permission: Permission;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Every status the route answers with on success; errors share ErrorBodySchema. */
  responses: Readonly<Record<number, z.ZodType>>;
}

export const defineRoute = <const R extends RouteDef>(route: R): R => route;

export const API_PREFIX = '/api/v1';
