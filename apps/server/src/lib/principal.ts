// Who is calling. Set by the auth plugin on every request (null when unauthenticated).
import type { Role } from '@ferry/contract';

export interface Principal {
  userId: string;
  username: string;
  via: 'session' | 'token';
  sessionId: string | null;
  tokenId: string | null;
  /** An API token's role: its privileges are capped at this role's, below the owner's grants. */
  roleCap: Role | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}
