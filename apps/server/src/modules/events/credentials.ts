// Who opens an event socket. The upgrade request never reaches Fastify's hooks, so this applies
// the auth plugin's rule (plugins/auth.ts) itself, with the same stores: an `Authorization:
// Bearer` header wins; otherwise the `ferry_session` cookie. A socket outlives the request that
// opened it, so the credential is kept (in memory only) to ask again later whether it still
// stands: a revoked token or an ended session closes the socket at the next heartbeat.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '@ferry/contract';
import type { Principal } from '../../lib/principal.ts';

export interface SocketCredentials {
  principal: Principal;
  /** Whether the token or session still stands (expired, revoked, logged out, user disabled). */
  stillValid(): boolean;
}

// The same shape plugins/auth.ts accepts; another Authorization scheme falls through to the cookie.
const BEARER = /^Bearer +(\S+) *$/i;

export function authenticateUpgrade(app: FastifyInstance, req: IncomingMessage): SocketCredentials | null {
  const { tokens, sessions } = app.auth;
  const header = req.headers.authorization;
  const secret = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
  if (secret !== undefined) {
    const principal = tokens.authenticate(secret);
    return principal && { principal, stillValid: () => tokens.authenticate(secret) !== null };
  }
  const sid = req.headers.cookie ? app.parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
  if (!sid) return null;
  const session = sessions.lookup(sid);
  if (!session) return null;
  return {
    principal: { userId: session.userId, username: session.username, via: 'session', sessionId: session.idHash, tokenId: null, roleCap: null },
    stillValid: () => sessions.isLive(session.idHash),
  };
}
