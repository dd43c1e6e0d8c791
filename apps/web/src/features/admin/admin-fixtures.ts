// Answers shaped like the Administration routes', for this feature's component tests.
import type { ApiToken, Grant, Me, Role, User } from '@ferry/contract';
import { ROLE_PRIVILEGES } from '@ferry/contract';

const T = '2026-01-01T00:00:00.000Z';

export const user = (over: Partial<User> = {}): User => ({ id: 'user0001', username: 'alice', disabled: false, createdAt: T, updatedAt: T, ...over });

export const grant = (over: Partial<Grant> = {}): Grant => ({ id: 'grant001', userId: 'user0001', username: 'alice', path: '/', role: 'Operator', createdAt: T, ...over });

export const token = (over: Partial<ApiToken> = {}): ApiToken => ({ id: 'token001', name: 'ci', role: 'Operator', createdAt: T, expiresAt: null, lastUsedAt: null, ...over });

/** /auth/me for a caller holding `role` on `/` (privileges as the server computes them). */
export const meWith = (role: Role | null, over: Partial<User> = {}): Me => ({
  user: user(over), via: 'session',
  grants: role ? [grant({ role, userId: over.id ?? 'user0001', username: over.username ?? 'alice' })] : [],
  privileges: role ? [...ROLE_PRIVILEGES[role]] : [],
});
