// Live and offline migration of a VM to another host, peer-to-peer through libvirt.
//
// The same pre-flight checks answer GET …/migrate/preflight and guard every POST …/migrate: a
// check that fails turns the POST into 409 PREFLIGHT_FAILED (with the checks as details) before
// anything is changed. The migration itself is a task; its progress is MigrationProgress.
import { z } from 'zod';
import { defineRoute } from './route.ts';
import { HostIdSchema, TaskAcceptedSchema, UuidSchema } from './common.ts';

export const MigrateBodySchema = z.strictObject({
  targetHostId: HostIdSchema,
  /** Keep the guest running while its memory is copied (default true when it runs). */
  live: z.boolean().optional(),
  /** 'shared': the disks are already reachable on the target at the same paths; 'copy': copied along (target volumes created first). Default 'shared'. */
  storage: z.enum(['shared', 'copy']).optional(),
  bandwidthMiBps: z.number().int().min(1).max(100_000).optional(),
  /** The longest pause the guest may see at the switch-over (libvirt's default 300 ms). */
  maxDowntimeMs: z.number().int().min(1).max(60_000).optional(),
  autoConverge: z.boolean().optional(),
  postCopy: z.boolean().optional(),
  /** Define the VM on the target (default true). */
  persistent: z.boolean().optional(),
  /** Remove the definition from the source afterwards (default true; false keeps an inactive copy there). */
  undefineSource: z.boolean().optional(),
  /** Ferry aborts the migration after this many seconds (default: no limit). */
  timeoutS: z.number().int().min(1).max(86_400).optional(),
}).meta({ id: 'MigrateBody' });
export type MigrateBody = z.infer<typeof MigrateBodySchema>;

export const PreflightQuerySchema = z.strictObject({
  targetHostId: HostIdSchema,
  /** The storage mode the migration would use (default 'shared'), which decides the storage check. */
  storage: z.enum(['shared', 'copy']).optional(),
});

export const PREFLIGHT_CHECKS = ['target-connected', 'not-same-host', 'cpu', 'memory', 'name-uuid', 'emulator-machine', 'storage', 'devices', 'post-copy'] as const;
export const PreflightCheckSchema = z.object({
  id: z.enum(PREFLIGHT_CHECKS),
  status: z.enum(['pass', 'warn', 'fail']),
  reason: z.string(),
});
export type PreflightCheck = z.infer<typeof PreflightCheckSchema>;

export const PreflightResultSchema = z.object({
  /** No check failed. */
  ok: z.boolean(),
  checks: z.array(PreflightCheckSchema),
}).meta({ id: 'PreflightResult' });
export type PreflightResult = z.infer<typeof PreflightResultSchema>;

/** The migration task's progress (task.progress); `percent` never goes down. */
export const MigrationProgressSchema = z.object({
  phase: z.enum(['checking', 'preparing', 'setup', 'memory', 'storage', 'completing', 'done']),
  percent: z.number(),
  iteration: z.number().nullable(),
  processedBytes: z.number().nullable(),
  remainingBytes: z.number().nullable(),
  totalBytes: z.number().nullable(),
  rateBps: z.number().nullable(),
  dirtyRatePps: z.number().nullable(),
  expectedDowntimeMs: z.number().nullable(),
  etaS: z.number().nullable(),
});
export type MigrationProgress = z.infer<typeof MigrationProgressSchema>;

const VmParams = z.strictObject({ vmId: UuidSchema });

export const migrationRoutes = {
  migratePreflight: defineRoute({
    method: 'GET', path: '/vms/:vmId/migrate/preflight', summary: 'Check whether a VM can migrate to a host: each check pass / warn / fail with a reason', tags: ['migration'],
    permission: { kind: 'privilege', privilege: 'vm.migrate', scope: '/vms/:vmId' },
    params: VmParams, query: PreflightQuerySchema,
    responses: { 200: PreflightResultSchema },
  }),
  migrateVm: defineRoute({
    method: 'POST', path: '/vms/:vmId/migrate', summary: 'Migrate a VM to another host (a task with structured progress; cancel aborts it)', tags: ['migration'],
    permission: { kind: 'privilege', privilege: 'vm.migrate', scope: '/vms/:vmId' },
    params: VmParams, body: MigrateBodySchema,
    responses: { 202: TaskAcceptedSchema },
  }),
};
