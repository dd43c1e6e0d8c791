// POST /auth/login, POST /auth/logout, GET /auth/me. The login throttle lives here, in memory,
// one per app.
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, routes } from '@ferry/contract';
import { AppError } from '../../lib/app-error.ts';
import { registerRoute } from '../../lib/route.ts';
import { requirePrincipal } from '../../plugins/auth.ts';
import { createAuthService } from './auth.service.ts';
import { primeDummyHash } from './passwords.ts';
import { createLoginThrottle } from './throttle.ts';

export async function authRoutes(app: FastifyInstance): Promise<void> {
  const { sessions, cookieOptions, now } = app.auth;
  const service = createAuthService({ db: app.db, sessions, throttle: createLoginThrottle({ now }), authz: app.authz });
  void primeDummyHash();

  registerRoute(app, routes.login, async (req, reply) => {
    const { username, password } = req.body;
    let outcome;
    try {
      outcome = await service.login(username, password, req.ip);
    } catch (e) {
      // In the fail2ban-friendly shape; the name is the one tried (never the password).
      if (e instanceof AppError) req.log.warn({ username: username.slice(0, 64), ip: req.ip, code: e.code }, 'authentication failure');
      throw e;
    }
    // Signing in again from the same browser replaces its session rather than adding one.
    if (req.principal?.via === 'session' && req.principal.sessionId) sessions.destroyByHash(req.principal.sessionId);
    reply.setCookie(SESSION_COOKIE, outcome.sessionId, { ...cookieOptions, maxAge: Math.floor(outcome.maxAgeMs / 1000) });
    return { csrfToken: outcome.csrfToken, user: outcome.user };
  });

  registerRoute(app, routes.logout, async (req, reply) => {
    const principal = requirePrincipal(req);
    // A bearer token is revoked with DELETE /tokens/:id; logging out with one changes nothing.
    if (principal.via === 'session' && principal.sessionId) sessions.destroyByHash(principal.sessionId);
    reply.clearCookie(SESSION_COOKIE, cookieOptions).code(204);
    return null;
  });

  registerRoute(app, routes.me, async (req) => service.me(requirePrincipal(req)));
}
