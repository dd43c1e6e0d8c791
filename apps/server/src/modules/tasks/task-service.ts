// The task queue. Every long operation is submitted here and answered with the task id at once.
//
// Model:
// - A task belongs to a queue key (default `<target kind>:<target id>`). Tasks with the same key
//   run one at a time in submission order; different keys run concurrently. This is how two
//   mutations of one VM never collide: the second waits, visibly `queued`, instead of failing
//   on a lock timeout. Queues live in memory — one Ferry process owns its tasks.
// - The row in `tasks` is the truth clients read; memory only holds what a row cannot: the
//   run() closure, the abort controller, long-poll waiters and not-yet-persisted progress.
// - Progress is kept in memory as reported and written/emitted at most every PROGRESS_INTERVAL_MS
//   (operations like uploads report far more often than anyone needs); get() overlays the latest.
// - Cancel: a queued task is removed from its queue and never runs. A running one is cancelled
//   only if its operation said it can be (`cancellable`): its AbortSignal fires and the task is
//   `cancelled` when run() rejects. If run() still resolves, the operation finished before the
//   abort took effect and the task is `succeeded` — the state never claims what did not happen.
// - Errors: an AppError becomes `{code, message}`; anything else is `INTERNAL` with a generic
//   message (the real one goes to the server log only: it may name paths or internals).
// - A process that stops leaves rows `queued`/`running`; the next start calls markInterrupted().
import { randomBytes } from 'node:crypto';
import type { ErrorCode, Task, TaskError, TaskLogLine, TaskState, TaskTarget } from '@ferry/contract';
import type { Db } from '../../db/database.ts';
import { isLibvirtError } from '@ferry/libvirt';
import { AppError } from '../../lib/app-error.ts';

export type TaskView = Task;
export type TaskLogLevel = 'info' | 'warn' | 'error';

export interface TaskContext {
  id: string;
  /** Aborted on cancel(). */
  signal: AbortSignal;
  log(message: string, level?: TaskLogLevel): void;
  /** Structured; persisted (throttled) and emitted. */
  progress(p: Record<string, unknown>): void;
}

export interface SubmitOptions<T> {
  /** e.g. 'vm.start' */
  type: string;
  target: TaskTarget;
  hostId?: string | null;
  userId?: string | null;
  /** Operations with the same queue key run one at a time, in submission order (default: `${target.kind}:${target.id}`). */
  queueKey?: string;
  /** Resolves → succeeded with the result; throws AppError → failed with {code, message}; other errors → failed INTERNAL. */
  run(ctx: TaskContext): Promise<T>;
  /** DELETE /tasks/:id only cancels running tasks that say so (queued tasks are always cancellable). */
  cancellable?: boolean;
}

export interface TaskListFilter {
  state?: TaskState;
  type?: string;
  targetId?: string;
  hostId?: string;
  /** Only this user's tasks; undefined for everyone's. */
  userId?: string;
  limit: number;
  offset: number;
}

interface TaskLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface TaskServiceOptions {
  db: Db;
  log?: TaskLogger;
  /** Finished tasks older than this are pruned (default 30 days). */
  retentionMs?: number;
  /** At most this many finished tasks are kept (default 10,000). */
  maxFinished?: number;
  /** Lines kept per task: the newest (default 2,000). */
  maxLogLines?: number;
  /** How long close() waits for running tasks (default 10 s). */
  closeTimeoutMs?: number;
}

export const PROGRESS_INTERVAL_MS = 500;
const MAX_PROGRESS_JSON = 16 * 1024;
const MAX_LOG_MESSAGE = 4000;
const PRUNE_EVERY_MS = 3600_000;

interface Entry {
  id: string;
  key: string;
  opts: SubmitOptions<unknown>;
  state: 'queued' | 'running';
  controller: AbortController;
  cancelRequested: boolean;
  progress: Record<string, unknown> | undefined;
  progressDirty: boolean;
  progressFlushedAt: number;
  progressTimer: NodeJS.Timeout | null;
  logSeq: number;
  waiters: Set<() => void>;
  done: Promise<void>;
  markDone: () => void;
}

interface TaskRow {
  id: string; type: string; target_kind: TaskTarget['kind']; target_id: string; host_id: string | null; user_id: string | null;
  username: string | null; state: TaskState; progress: string | null; result: string | null; error: string | null;
  created_at: string; started_at: string | null; finished_at: string | null;
}

const SELECT_TASK = 'SELECT t.*, u.username FROM tasks t LEFT JOIN users u ON u.id = t.user_id';
const nowIso = () => new Date().toISOString();
const parseJson = (s: string | null): unknown => (s === null ? undefined : JSON.parse(s));

export class TaskService {
  private readonly db: Db;
  private readonly log: TaskLogger | undefined;
  private readonly retentionMs: number;
  private readonly maxFinished: number;
  private readonly maxLogLines: number;
  private readonly closeTimeoutMs: number;
  /** Live tasks (queued or running) by id. */
  private readonly entries = new Map<string, Entry>();
  /** Per queue key: live tasks in submission order; the head is the one running (or about to). */
  private readonly queues = new Map<string, Entry[]>();
  private readonly listeners = new Set<(t: TaskView) => void>();
  private closing = false;
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(opts: TaskServiceOptions) {
    this.db = opts.db;
    this.log = opts.log;
    this.retentionMs = opts.retentionMs ?? 30 * 86_400_000;
    this.maxFinished = opts.maxFinished ?? 10_000;
    this.maxLogLines = opts.maxLogLines ?? 2000;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 10_000;
  }

  /** Prunes now and then every hour until close(). */
  startPruning(): void {
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  submit<T>(opts: SubmitOptions<T>): string {
    if (this.closing) throw new AppError('INTERNAL', 'the server is shutting down');
    const id = randomBytes(16).toString('base64url');
    const key = opts.queueKey ?? `${opts.target.kind}:${opts.target.id}`;
    this.db.prepare(`INSERT INTO tasks (id, type, target_kind, target_id, host_id, user_id, state, created_at)
      VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)`).run(id, opts.type, opts.target.kind, opts.target.id, opts.hostId ?? null, opts.userId ?? null, nowIso());
    let markDone!: () => void;
    const done = new Promise<void>((resolve) => { markDone = resolve; });
    const entry: Entry = {
      id, key, opts: opts as SubmitOptions<unknown>, state: 'queued', controller: new AbortController(), cancelRequested: false,
      progress: undefined, progressDirty: false, progressFlushedAt: 0, progressTimer: null, logSeq: 0, waiters: new Set(), done, markDone,
    };
    this.entries.set(id, entry);
    const queue = this.queues.get(key);
    if (queue) queue.push(entry);
    else this.queues.set(key, [entry]);
    this.emit(id);
    // Start on a microtask: the caller gets the id (and answers 202) before run() begins.
    if (queue === undefined) queueMicrotask(() => this.startHead(key));
    return id;
  }

  /** Live (queued or running) tasks under a queue key: a new one submitted there would wait behind them. */
  pending(queueKey: string): number {
    return this.queues.get(queueKey)?.length ?? 0;
  }

  get(id: string): TaskView | null {
    const row = this.db.prepare(`${SELECT_TASK} WHERE t.id = ?`).get(id) as TaskRow | undefined;
    return row ? this.toView(row) : null;
  }

  list(filter: TaskListFilter): { items: TaskView[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.state) { where.push('t.state = ?'); args.push(filter.state); }
    if (filter.type) { where.push('t.type = ?'); args.push(filter.type); }
    if (filter.targetId) { where.push('t.target_id = ?'); args.push(filter.targetId); }
    if (filter.hostId) { where.push('t.host_id = ?'); args.push(filter.hostId); }
    if (filter.userId !== undefined) { where.push('t.user_id = ?'); args.push(filter.userId); }
    const clause = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM tasks t${clause}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`${SELECT_TASK}${clause} ORDER BY t.created_at DESC, t.rowid DESC LIMIT ? OFFSET ?`)
      .all(...args, filter.limit, filter.offset) as TaskRow[];
    return { items: rows.map((r) => this.toView(r)), total };
  }

  /** Log lines in order; `after` skips lines up to that seq. Null when the task does not exist. */
  logLines(id: string, after = 0, limit = this.maxLogLines): TaskLogLine[] | null {
    if (!this.db.prepare('SELECT 1 FROM tasks WHERE id = ?').get(id)) return null;
    return this.db.prepare('SELECT seq, at, level, message FROM task_log WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(id, after, limit) as TaskLogLine[];
  }

  /** Resolves with the finished task as soon as it finishes, or with its current view at the timeout. */
  wait(id: string, timeoutMs: number): Promise<TaskView | null> {
    const entry = this.entries.get(id);
    if (!entry || timeoutMs <= 0) return Promise.resolve(this.get(id));
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        entry.waiters.delete(finish);
        resolve(this.get(id));
      };
      const timer = setTimeout(finish, timeoutMs);
      entry.waiters.add(finish);
    });
  }

  /**
   * Queued → cancelled at once (it never runs). Running and cancellable → its signal aborts; it
   * becomes cancelled when run() settles. Returns false when the task cannot be cancelled
   * (unknown, finished, or running an operation that cannot stop).
   */
  cancel(id: string, userId: string | null): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    const by = userId ? `user ${userId}` : 'Ferry';
    if (entry.state === 'queued') {
      const queue = this.queues.get(entry.key) ?? [];
      queue.splice(queue.indexOf(entry), 1);
      this.appendLog(entry, `cancelled by ${by} before it started`, 'info');
      this.finish(entry, 'cancelled', {});
      // Its removal may have made the next task the head of the queue.
      if (queue.length > 0 && queue[0]?.state === 'queued') queueMicrotask(() => this.startHead(entry.key));
      if (queue.length === 0) this.queues.delete(entry.key);
      return true;
    }
    if (!entry.opts.cancellable) return false;
    if (!entry.cancelRequested) {
      entry.cancelRequested = true;
      this.appendLog(entry, `cancel requested by ${by}`, 'info');
      entry.controller.abort(new AppError('INVALID_STATE', 'the task was cancelled'));
    }
    return true;
  }

  /** Every state change and (throttled) progress report. Returns the unsubscribe function. */
  onChange(listener: (t: TaskView) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** At start: rows a previous process left queued or running can never finish. Returns how many. */
  markInterrupted(): number {
    const rows = this.db.prepare("SELECT id, state FROM tasks WHERE state IN ('queued', 'running')").all() as { id: string; state: TaskState }[];
    const stale = rows.filter((r) => !this.entries.has(r.id));
    const at = nowIso();
    const update = this.db.prepare("UPDATE tasks SET state = 'interrupted', finished_at = ? WHERE id = ?");
    const nextSeq = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM task_log WHERE task_id = ?');
    const addLog = this.db.prepare("INSERT INTO task_log (task_id, seq, at, level, message) VALUES (?, ?, ?, 'warn', ?)");
    this.db.transaction(() => {
      for (const r of stale) {
        update.run(at, r.id);
        const { seq } = nextSeq.get(r.id) as { seq: number };
        addLog.run(r.id, seq, at, r.state === 'running'
          ? 'interrupted: Ferry stopped while this task was running; check the state of its target'
          : 'interrupted: Ferry stopped before this task started');
      }
    })();
    return stale.length;
  }

  /** Deletes finished tasks (and their logs) past the retention age or beyond the count cap. */
  prune(now = Date.now()): number {
    const cutoff = new Date(now - this.retentionMs).toISOString();
    const finished = "state NOT IN ('queued', 'running')";
    return this.db.transaction(() => {
      let n = this.db.prepare(`DELETE FROM tasks WHERE ${finished} AND COALESCE(finished_at, created_at) < ?`).run(cutoff).changes;
      n += this.db.prepare(`DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE ${finished}
        ORDER BY COALESCE(finished_at, created_at) DESC, rowid DESC LIMIT -1 OFFSET ?)`).run(this.maxFinished).changes;
      return n;
    })();
  }

  /**
   * Stops accepting tasks. Queued ones will never run in this process: they become
   * `interrupted` now. Running ones get closeTimeoutMs to finish; those still running after
   * that are marked `interrupted` too and their eventual outcome is ignored.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    // Long polls answer now with the current view rather than hold the shutdown up.
    for (const entry of this.entries.values()) for (const wake of [...entry.waiters]) wake();
    for (const entry of [...this.entries.values()]) {
      if (entry.state === 'queued') {
        this.appendLog(entry, 'interrupted: Ferry stopped before this task started', 'warn');
        this.finish(entry, 'interrupted', {});
      }
    }
    this.queues.clear();
    const running = [...this.entries.values()];
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, this.closeTimeoutMs); });
    await Promise.race([Promise.all(running.map((e) => e.done)), timeout]);
    clearTimeout(timer);
    for (const entry of [...this.entries.values()]) {
      this.appendLog(entry, 'interrupted: Ferry stopped while this task was running; check the state of its target', 'warn');
      this.finish(entry, 'interrupted', {});
    }
  }

  private startHead(key: string): void {
    const entry = this.queues.get(key)?.[0];
    // Cancelled or already started meanwhile: nothing to do (cancel() schedules the next head).
    if (!entry || entry.state !== 'queued' || this.closing) return;
    entry.state = 'running';
    this.db.prepare("UPDATE tasks SET state = 'running', started_at = ? WHERE id = ?").run(nowIso(), entry.id);
    this.emit(entry.id);
    const ctx: TaskContext = {
      id: entry.id,
      signal: entry.controller.signal,
      log: (message, level = 'info') => { if (this.entries.has(entry.id)) this.appendLog(entry, message, level); },
      progress: (p) => this.reportProgress(entry, p),
    };
    // Promise.resolve().then: a run() that throws synchronously fails its task like any other.
    Promise.resolve().then(() => entry.opts.run(ctx)).then(
      (result) => this.settle(entry, { ok: true, result }),
      (err: unknown) => this.settle(entry, { ok: false, err }),
    ).catch((e: unknown) => this.log?.error({ err: e, taskId: entry.id }, 'task bookkeeping failed'));
  }

  private settle(entry: Entry, outcome: { ok: true; result: unknown } | { ok: false; err: unknown }): void {
    // close() gave up on it and marked it interrupted already.
    if (!this.entries.has(entry.id)) return;
    if (outcome.ok) {
      this.finish(entry, 'succeeded', { result: outcome.result });
    } else if (entry.cancelRequested) {
      this.finish(entry, 'cancelled', {});
    } else {
      this.finish(entry, 'failed', { error: this.toTaskError(entry, outcome.err) });
    }
    const queue = this.queues.get(entry.key);
    if (queue?.[0] === entry) queue.shift();
    if (queue && queue.length === 0) this.queues.delete(entry.key);
    else if (queue) this.startHead(entry.key);
  }

  private toTaskError(entry: Entry, err: unknown): TaskError {
    if (err instanceof AppError) {
      if (err.code === 'INTERNAL' && err.cause !== undefined) {
        this.log?.error({ err: err.cause, taskId: entry.id, type: entry.opts.type }, 'task failed');
        if (isLibvirtError(err.cause)) this.appendLog(entry, `libvirt: ${err.cause.message}`, 'error');
      }
      this.appendLog(entry, `failed: ${err.message}`, 'error');
      return { code: err.code, message: err.message };
    }
    this.log?.error({ err, taskId: entry.id, type: entry.opts.type }, 'task failed with an unexpected error');
    this.appendLog(entry, 'failed: internal error (details are in the server log)', 'error');
    return { code: 'INTERNAL' satisfies ErrorCode, message: 'internal error' };
  }

  private finish(entry: Entry, state: Exclude<TaskState, 'queued' | 'running'>, out: { result?: unknown; error?: TaskError }): void {
    if (entry.progressTimer) clearTimeout(entry.progressTimer);
    entry.progressTimer = null;
    const result = out.result === undefined ? null : safeStringify(out.result);
    this.db.prepare('UPDATE tasks SET state = ?, progress = ?, result = ?, error = ?, finished_at = ? WHERE id = ?').run(
      state, entry.progress === undefined ? null : JSON.stringify(entry.progress), result,
      out.error ? JSON.stringify(out.error) : null, nowIso(), entry.id,
    );
    this.entries.delete(entry.id);
    this.emit(entry.id);
    for (const wake of [...entry.waiters]) wake();
    entry.markDone();
  }

  private reportProgress(entry: Entry, p: Record<string, unknown>): void {
    if (!this.entries.has(entry.id)) return;
    let json: string;
    try {
      json = JSON.stringify(p);
    } catch {
      this.log?.warn({ taskId: entry.id }, 'task progress is not serializable; ignored');
      return;
    }
    if (json.length > MAX_PROGRESS_JSON) {
      this.log?.warn({ taskId: entry.id, bytes: json.length }, 'task progress too large; ignored');
      return;
    }
    entry.progress = JSON.parse(json) as Record<string, unknown>;
    entry.progressDirty = true;
    const wait = entry.progressFlushedAt + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flushProgress(entry);
    else entry.progressTimer ??= setTimeout(() => this.flushProgress(entry), wait);
  }

  private flushProgress(entry: Entry): void {
    entry.progressTimer = null;
    if (!entry.progressDirty || !this.entries.has(entry.id)) return;
    entry.progressDirty = false;
    entry.progressFlushedAt = Date.now();
    this.db.prepare('UPDATE tasks SET progress = ? WHERE id = ?').run(JSON.stringify(entry.progress), entry.id);
    this.emit(entry.id);
  }

  private appendLog(entry: Entry, message: string, level: TaskLogLevel): void {
    const seq = ++entry.logSeq;
    const text = message.length > MAX_LOG_MESSAGE ? `${message.slice(0, MAX_LOG_MESSAGE)}…` : message;
    this.db.prepare('INSERT INTO task_log (task_id, seq, at, level, message) VALUES (?, ?, ?, ?, ?)').run(entry.id, seq, nowIso(), level, text);
    // Keep the newest lines: a failure's explanation is at the end. seq shows the gap.
    if (seq > this.maxLogLines) this.db.prepare('DELETE FROM task_log WHERE task_id = ? AND seq = ?').run(entry.id, seq - this.maxLogLines);
  }

  private emit(id: string): void {
    if (this.listeners.size === 0) return;
    const view = this.get(id);
    if (!view) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(view);
      } catch (err) {
        this.log?.error({ err, taskId: id }, 'task listener failed');
      }
    }
  }

  private toView(row: TaskRow): TaskView {
    const entry = this.entries.get(row.id);
    const progress = entry?.progress ?? parseJson(row.progress);
    const result = parseJson(row.result);
    const error = parseJson(row.error) as TaskError | undefined;
    return {
      id: row.id,
      type: row.type,
      state: row.state,
      target: { kind: row.target_kind, id: row.target_id },
      hostId: row.host_id,
      userId: row.user_id,
      username: row.username,
      ...(progress === undefined ? {} : { progress: progress as Record<string, unknown> }),
      ...(result === undefined ? {} : { result }),
      ...(error === undefined ? {} : { error }),
      cancellable: entry !== undefined && (entry.state === 'queued' || (entry.opts.cancellable === true && !entry.cancelRequested)),
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
    };
  }
}

/** A result that cannot be stored as JSON is a bug in the operation; the task still succeeded. */
function safeStringify(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}
