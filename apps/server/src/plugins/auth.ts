// Authentication and permission enforcement for every request.
//
// Who is calling (onRequest): `Authorization: Bearer <token secret>` if present, else the
// `ferry_session` cookie; when both come, the bearer wins and the cookie is ignored. The
// result is `req.principal` (null when unauthenticated), set for every matched route.
//
// May they (the same onRequest hook, so before the body is even parsed — an unauthorized
// caller never sees validation detail): each route under /api/v1 carries its contract
// `permission` in its config.
//   - none declared → 403 and an error log line: fail closed (route-sweep.test.ts catches
//     such routes before they ship);
//   - public → pass;
//   - otherwise no principal → 401; a cookie-authenticated POST/PUT/PATCH/DELETE without its
//     session's X-CSRF-Token → 403 CSRF_FAILED (bearer requests need none: a browser never
//     adds that header on its own);
//   - privilege → the scope template is filled from the route's params (then its query, for
//     `?hostId=` routes); a placeholder neither supplies falls back to `/`, the strictest
//     scope; then app.authz.can() decides → 403 FORBIDDEN.
// Routes outside /api/v1 (docs, static files) are only authenticated, never refused here.
//
// Also here, because every module needs them: `app.authz` (modules/acl/authz.ts), `app.auth`
// (clock, sessions, tokens, the user-disabled listeners) and @fastify/cookie (`req.cookies`).
import cookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX, CSRF_HEADER, SESSION_COOKIE, type Permission, type RouteDef } from '@ferry/contract';
import { AppError } from '../lib/app-error.ts';
import type { Principal } from '../lib/principal.ts';
import { createAuthz, type Authz } from '../modules/acl/authz.ts';
import { createSessionStore, type SessionRecord, type SessionStore } from '../modules/auth/sessions.ts';
import { createTokenService, type TokenService } from '../modules/tokens/tokens.service.ts';

export interface RegisteredRoute {
  method: string;
  url: string;
  permission: Permission | undefined;
  routeDef: RouteDef | undefined;
}

export type UserDisabledListener = (userId: string) => void;

export interface Auth {
  /** The clock every expiry decision uses (ms since the epoch); tests inject their own. */
  readonly now: () => number;
  readonly sessions: SessionStore;
  readonly tokens: TokenService;
  /**
   * Calls `listener(userId)` after a user is disabled or deleted — their sessions are already
   * gone and their tokens refused; close whatever else they hold open (WebSockets).
   * Returns a function that removes the listener.
   */
  onUserDisabled(listener: UserDisabledListener): () => void;
  /** Tells the listeners (the users service calls this once the change is committed). */
  notifyUserDisabled(userId: string): void;
  /** Cookie attributes of `ferry_session` (Secure when the server runs TLS). */
  readonly cookieOptions: { path: string; httpOnly: true; sameSite: 'strict'; secure: boolean };
  /** Every route registered after this plugin, with its permission (for the route sweep). */
  registeredRoutes(): readonly RegisteredRoute[];
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: Auth;
    authz: Authz;
  }
}

export interface AuthPluginOptions {
  now?: () => number;
}

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const isApiRoute = (url: string): boolean => url === API_PREFIX || url.startsWith(`${API_PREFIX}/`);

/** The principal of a request on a non-public route (the plugin has already refused anonymous ones). */
export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'authentication required');
  return req.principal;
}

// Per-request code here avoids named closures: tsx (esbuild keepNames) gives each one a
// `name` with Object.defineProperty whenever it is created, a measurable cost per request.

/** '/vms/:vmId' + params → '/vms/<uuid>'; '/' or '*' as they are; '/' when a value is missing. */
export function fillScope(scope: string, params: unknown, query: unknown): string {
  if (scope === '/' || scope === '*') return scope;
  let missing = false;
  const filled = scope.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const v = scopeValue(name, params, query);
    if (v === null) missing = true;
    return v ?? '';
  });
  return missing ? '/' : filled;
}

function scopeValue(name: string, params: unknown, query: unknown): string | null {
  for (const source of [params, query]) {
    const v = (source as Record<string, unknown> | undefined)?.[name];
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
}

function refusal(privilege: string, path: string): AppError {
  return new AppError('FORBIDDEN', path === '*' ? `you hold ${privilege} nowhere` : `you do not hold ${privilege} on ${path}`);
}

function bearerSecret(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer +(\S+) *$/i.exec(h);
  return m ? m[1]! : null;
}

export default fp(async function auth(app: FastifyInstance, opts: AuthPluginOptions) {
  await app.register(cookie);
  const now = opts.now ?? Date.now;
  const { db, config } = app;
  const authz = createAuthz({ db, now });
  const sessions = createSessionStore({ db, now, idleMs: config.session.idleMs, absoluteMs: config.session.absoluteMs });
  const tokens = createTokenService({ db, now });
  const listeners = new Set<UserDisabledListener>();
  const routes: RegisteredRoute[] = [];
  const sessionOf = new WeakMap<FastifyRequest, SessionRecord>();
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: config.tls !== null } as const;

  app.decorate('authz', authz);
  app.decorate('auth', {
    now,
    sessions,
    tokens,
    cookieOptions,
    onUserDisabled(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notifyUserDisabled(userId) {
      for (const listener of listeners) {
        try {
          listener(userId);
        } catch (err) {
          app.log.error({ err, userId }, 'a user-disabled listener failed');
        }
      }
    },
    registeredRoutes: () => routes,
  } satisfies Auth);
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      routes.push({ method, url: r.url, permission: r.config?.permission, routeDef: r.config?.routeDef });
    }
  });

  /** Sets req.principal; returns whether a session cookie was presented but is no longer valid. */
  function authenticate(req: FastifyRequest): { staleCookie: boolean } {
    const secret = bearerSecret(req);
    if (secret !== null) {
      req.principal = tokens.authenticate(secret);
      return { staleCookie: false };
    }
    const sid = req.cookies[SESSION_COOKIE];
    if (!sid) return { staleCookie: false };
    const session = sessions.lookup(sid);
    if (!session) return { staleCookie: true };
    sessionOf.set(req, session);
    req.principal = { userId: session.userId, username: session.username, via: 'session', sessionId: session.idHash, tokenId: null, roleCap: null };
    return { staleCookie: false };
  }

  /**
   * Refuses the request (throws) unless the route lets this caller in; returns the ACL check
   * still to make, if the route needs one.
   */
  function admit(req: FastifyRequest, reply: FastifyReply): { principal: Principal; privilege: Extract<Permission, { kind: 'privilege' }> } | null {
    // routeOptions is a getter that builds a fresh object on every read: read it once.
    const { url, config } = req.routeOptions;
    if (url === undefined) return null; // no such route: the not-found handler answers
    const { staleCookie } = authenticate(req);
    if (!isApiRoute(url)) return null;

    const permission = config.permission;
    if (!permission) {
      req.log.error({ method: req.method, route: url }, 'route declares no permission: refusing it (fail closed)');
      throw new AppError('FORBIDDEN', 'this route declares no permission');
    }
    if (permission.kind === 'public') return null;

    const principal = req.principal;
    if (!principal) {
      if (staleCookie) reply.clearCookie(SESSION_COOKIE, cookieOptions);
      throw new AppError('UNAUTHENTICATED', 'authentication required');
    }
    if (principal.via === 'session' && MUTATIONS.has(req.method)) {
      const header = req.headers[CSRF_HEADER];
      if (!sessions.checkCsrf(sessionOf.get(req)!, typeof header === 'string' ? header : undefined)) {
        throw new AppError('CSRF_FAILED', `a cookie-authenticated ${req.method} needs the session's X-CSRF-Token header`);
      }
    }
    return permission.kind === 'authenticated' ? null : { principal, privilege: permission };
  }

  // Callback style, not async: most requests are decided synchronously, and an async hook
  // would cost each of them a promise and a microtask turn.
  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done) => {
    let check;
    try {
      check = admit(req, reply);
    } catch (err) {
      return done(err as Error);
    }
    if (!check) return done();
    const { privilege, scope } = check.privilege;
    const path = fillScope(scope, req.params, req.query);
    const now = authz.canNow(check.principal, privilege, path);
    if (now !== undefined) return done(now ? undefined : refusal(privilege, path));
    authz.can(check.principal, privilege, path).then((ok) => done(ok ? undefined : refusal(privilege, path)), done);
  });
}, { name: 'auth', dependencies: ['errors'] });
