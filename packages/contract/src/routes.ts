// The route table: every route of the public API, by name.
import { healthRoutes } from './health.ts';
import { authRoutes } from './auth.ts';
import { userRoutes } from './users.ts';
import { tokenRoutes } from './tokens.ts';
import { aclRoutes } from './acl.ts';
import { hostRoutes } from './hosts.ts';
import { vmPowerRoutes } from './vm-power.ts';
import { taskRoutes } from './tasks.ts';
import { auditRoutes } from './audit.ts';

export const routes = {
  ...healthRoutes,
  ...authRoutes,
  ...userRoutes,
  ...tokenRoutes,
  ...aclRoutes,
  ...hostRoutes,
  ...vmPowerRoutes,
  ...taskRoutes,
  ...auditRoutes,
};

export type RouteName = keyof typeof routes;
