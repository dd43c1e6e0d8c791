// @ferry/contract — the public API's schemas, route table and error codes (zod only).
export * from './errors.ts';
export * from './permissions.ts';
export * from './common.ts';
export * from './route.ts';
export * from './health.ts';
export * from './auth.ts';
export * from './users.ts';
export * from './tokens.ts';
export * from './acl.ts';
export * from './hosts.ts';
export * from './vm-power.ts';
export * from './vms.ts';
export * from './tasks.ts';
export * from './audit.ts';
export * from './storage.ts';
export * from './networks.ts';
export { routes, type RouteName } from './routes.ts';
export * from './events.ts';
