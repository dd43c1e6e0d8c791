// The route table: every route of the public API, by name.
import { healthRoutes } from './health.ts';

export const routes = {
  ...healthRoutes,
};

export type RouteName = keyof typeof routes;
