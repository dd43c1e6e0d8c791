// @ferry/contract — the public API's schemas, route table and error codes (zod only).
export * from './errors.ts';
export * from './permissions.ts';
export * from './common.ts';
export * from './route.ts';
export * from './health.ts';
export { routes, type RouteName } from './routes.ts';
