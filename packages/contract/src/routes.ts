// The route table: every route of the public API, by name.
import { healthRoutes } from './health.ts';
import { authRoutes } from './auth.ts';
import { userRoutes } from './users.ts';
import { tokenRoutes } from './tokens.ts';
import { aclRoutes } from './acl.ts';
import { hostRoutes } from './hosts.ts';
import { vmPowerRoutes } from './vm-power.ts';
import { vmRoutes } from './vms.ts';
import { taskRoutes } from './tasks.ts';
import { auditRoutes } from './audit.ts';
import { storageRoutes } from './storage.ts';
import { networkRoutes } from './networks.ts';
import { metricsRoutes } from './metrics.ts';
import { snapshotRoutes } from './snapshots.ts';
import { consoleRoutes } from './console.ts';
import { migrationRoutes } from './migrations.ts';

export const routes = {
  ...healthRoutes,
  ...authRoutes,
  ...userRoutes,
  ...tokenRoutes,
  ...aclRoutes,
  ...hostRoutes,
  ...vmRoutes,
  ...vmPowerRoutes,
  ...taskRoutes,
  ...auditRoutes,
  ...storageRoutes,
  ...networkRoutes,
  ...metricsRoutes,
  ...snapshotRoutes,
  ...consoleRoutes,
  ...migrationRoutes,
};

export type RouteName = keyof typeof routes;
