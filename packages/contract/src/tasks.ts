// Tasks: every long operation answers `202 { taskId }` and is followed here. A task is queued,
// runs, and ends succeeded, failed or cancelled — or `interrupted` when Ferry stopped while it
// was unfinished (its real outcome is then unknown: look at the object it targeted).
import { z } from 'zod';
import { HostIdSchema, PageQuerySchema, RowIdSchema, TimestampSchema, listOf, pageOf } from './common.ts';
import { ErrorCodeSchema } from './errors.ts';
import { defineRoute } from './route.ts';

export const TASK_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const TaskStateSchema = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof TaskStateSchema>;
/** States a task never leaves. */
export const FINISHED_TASK_STATES: readonly TaskState[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

export const TASK_TARGET_KINDS = ['vm', 'host', 'pool', 'network', 'system'] as const;
export const TaskTargetSchema = z.object({ kind: z.enum(TASK_TARGET_KINDS), id: z.string() });
export type TaskTarget = z.infer<typeof TaskTargetSchema>;

export const TaskErrorSchema = z.object({ code: ErrorCodeSchema, message: z.string() });
export type TaskError = z.infer<typeof TaskErrorSchema>;

export const TaskSchema = z.object({
  id: RowIdSchema,
  /** What it does, e.g. `vm.start`, `vm.migrate`, `volume.upload`. */
  type: z.string(),
  state: TaskStateSchema,
  target: TaskTargetSchema,
  hostId: z.string().nullable(),
  /** Who started it; null for Ferry's own tasks. */
  userId: z.string().nullable(),
  username: z.string().nullable(),
  /** Structured and operation-specific, e.g. `{ percent, bytes, totalBytes }`; the latest report. */
  progress: z.record(z.string(), z.unknown()).optional(),
  /** Present once succeeded, when the operation returns something (e.g. the volume it made). */
  result: z.unknown().optional(),
  /** Present once failed. */
  error: TaskErrorSchema.optional(),
  /** Whether `DELETE /tasks/:taskId` would cancel it now. */
  cancellable: z.boolean(),
  createdAt: TimestampSchema,
  startedAt: TimestampSchema.nullable(),
  finishedAt: TimestampSchema.nullable(),
}).meta({ id: 'Task' });
export type Task = z.infer<typeof TaskSchema>;

export const TaskLogLineSchema = z.object({
  seq: z.number().int(),
  at: TimestampSchema,
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
}).meta({ id: 'TaskLogLine' });
export type TaskLogLine = z.infer<typeof TaskLogLineSchema>;

export const TaskListQuerySchema = PageQuerySchema.extend({
  state: TaskStateSchema.optional(),
  /** A task type such as `vm.start` (dotted lowercase words). */
  type: z.string().max(64).regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, 'a task type such as vm.start').optional(),
  /** A VM UUID, host id, pool or network name: no slashes, no `..`. */
  targetId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_:-]*(\.[A-Za-z0-9_:-]+)*$/, 'an object id or name').max(200).optional(),
  hostId: HostIdSchema.optional(),
});
export const TaskParamsSchema = z.strictObject({ taskId: RowIdSchema });
export const TaskGetQuerySchema = z.strictObject({
  /** Long-poll: answer as soon as the task finishes, or after this many seconds with its current view. */
  wait: z.coerce.number().min(0).max(60).optional(),
});
export const TaskLogQuerySchema = z.strictObject({
  /** Only lines with a larger `seq` (to follow a running task's log). */
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(2000),
});

export const taskRoutes = {
  listTasks: defineRoute({
    method: 'GET', path: '/tasks', summary: "Tasks, newest first: the caller's own, or everyone's with sys.audit", tags: ['tasks'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '*' },
    query: TaskListQuerySchema,
    responses: { 200: pageOf(TaskSchema) },
  }),
  getTask: defineRoute({
    method: 'GET', path: '/tasks/:taskId', summary: 'One task; `?wait=<seconds>` long-polls until it finishes', tags: ['tasks'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '*' },
    params: TaskParamsSchema,
    query: TaskGetQuerySchema,
    responses: { 200: TaskSchema },
  }),
  getTaskLog: defineRoute({
    method: 'GET', path: '/tasks/:taskId/log', summary: "A task's log lines, oldest first", tags: ['tasks'],
    permission: { kind: 'privilege', privilege: 'sys.read', scope: '*' },
    params: TaskParamsSchema,
    query: TaskLogQuerySchema,
    responses: { 200: listOf(TaskLogLineSchema) },
  }),
  cancelTask: defineRoute({
    method: 'DELETE', path: '/tasks/:taskId',
    summary: 'Cancel a task: a queued one never runs; a running one stops where the operation allows it (409 otherwise). Your own tasks, or anyone\'s with host.manage on the task\'s host', tags: ['tasks'],
    // Seeing a task (sys.audit) is not power over it: the handler lets the owner cancel, and
    // others only with host.manage on the task's host (Proxmox: Sys.Modify).
    permission: { kind: 'authenticated' },
    params: TaskParamsSchema,
    // 200 with the task: `cancelled` at once when it was queued; still `running` for a moment
    // when it was running — follow it with `GET /tasks/:taskId?wait=`.
    responses: { 200: TaskSchema },
  }),
};
