import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RowIdSchema } from '@ferry/contract';
import { openDatabase, openMemoryDatabase, type Db } from '../../db/database.ts';
import { AppError } from '../../lib/app-error.ts';
import { PROGRESS_INTERVAL_MS, TaskService, type TaskContext, type TaskView } from './task-service.ts';

const vm = (id: string) => ({ kind: 'vm' as const, id });
const tick = () => new Promise<void>((r) => setImmediate(r));

/** A run() the test finishes by hand. */
function gate<T = string>() {
  let open!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<T>((res, rej) => { open = res; fail = rej; });
  return { done, open, fail };
}

/** Resolves when the signal aborts: a cancellable operation. */
const untilAborted = (ctx: TaskContext) => new Promise<never>((_, reject) => {
  ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
});

let db: Db;
let tasks: TaskService;
type LogFn = (obj: object, msg: string) => void;
let serverLog: { error: ReturnType<typeof vi.fn<LogFn>>; warn: ReturnType<typeof vi.fn<LogFn>> };

beforeEach(() => {
  db = openMemoryDatabase();
  serverLog = { error: vi.fn<LogFn>(), warn: vi.fn<LogFn>() };
  tasks = new TaskService({ db, log: serverLog, closeTimeoutMs: 200 });
});
afterEach(async () => {
  vi.useRealTimers();
  await tasks.close();
  db.close();
});

describe('submitting', () => {
  it('persists the task as queued and returns a url-safe id at once', () => {
    const id = tasks.submit({ type: 'vm.start', target: vm('a'), hostId: 'h1', userId: 'user-0001', run: async () => 'ok' });
    expect(RowIdSchema.parse(id)).toBe(id);
    expect(id.length).toBeGreaterThanOrEqual(16);
    expect(tasks.get(id)).toMatchObject({ id, type: 'vm.start', state: 'queued', target: { kind: 'vm', id: 'a' }, hostId: 'h1', userId: 'user-0001', startedAt: null, cancellable: true });
  });

  it('records the result of a run that resolves, with start and finish times', async () => {
    const id = tasks.submit({ type: 'volume.upload', target: { kind: 'pool', id: 'default' }, run: async () => ({ volume: 'disk.qcow2' }) });
    const done = await tasks.wait(id, 5000);
    expect(done).toMatchObject({ state: 'succeeded', result: { volume: 'disk.qcow2' }, cancellable: false });
    expect(done?.error).toBeUndefined();
    expect(Date.parse(done!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done!.startedAt!));
  });
});

describe('queues', () => {
  it('runs three tasks on one VM strictly one after another, in submission order', async () => {
    const events: string[] = [];
    const gates = [gate(), gate(), gate()];
    const ids = gates.map((g, i) => tasks.submit({
      type: 'vm.op', target: vm('a'),
      run: async () => { events.push(`start ${i}`); await g.done; events.push(`end ${i}`); },
    }));
    await tick();
    expect(events).toEqual(['start 0']);
    expect(ids.map((id) => tasks.get(id)?.state)).toEqual(['running', 'queued', 'queued']);
    gates[0]!.open('');
    await tick();
    expect(events).toEqual(['start 0', 'end 0', 'start 1']);
    gates[2]!.open(''); // finishing out of order must not let task 2 start before task 1 ends
    await tick();
    expect(events).toEqual(['start 0', 'end 0', 'start 1']);
    gates[1]!.open('');
    await tasks.wait(ids[2]!, 5000);
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(ids.map((id) => tasks.get(id)?.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('runs tasks on different VMs concurrently', async () => {
    const running = new Set<string>();
    let together = 0;
    const g = gate();
    const ids = ['a', 'b', 'c'].map((v) => tasks.submit({
      type: 'vm.op', target: vm(v),
      run: async () => { running.add(v); together = Math.max(together, running.size); await g.done; running.delete(v); },
    }));
    await tick();
    expect(together).toBe(3);
    g.open('');
    for (const id of ids) expect((await tasks.wait(id, 5000))?.state).toBe('succeeded');
  });

  it('accepts 20 submissions on one key without failing any, and runs them one at a time in order', async () => {
    const order: number[] = [];
    let active = 0;
    let maxActive = 0;
    const ids = Array.from({ length: 20 }, (_, i) => tasks.submit({
      type: 'vm.op', target: vm('a'),
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 1));
        order.push(i);
        active--;
      },
    }));
    expect(ids.map((id) => tasks.get(id)?.state)).toEqual(Array(20).fill('queued'));
    await tasks.wait(ids[19]!, 10_000);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(maxActive).toBe(1);
    expect(ids.map((id) => tasks.get(id)?.state)).toEqual(Array(20).fill('succeeded'));
  });

  it('uses an explicit queue key across targets', async () => {
    const g = gate();
    const first = tasks.submit({ type: 'vm.migrate', target: vm('a'), queueKey: 'host:h1', run: () => g.done });
    const second = tasks.submit({ type: 'vm.migrate', target: vm('b'), queueKey: 'host:h1', run: async () => 'b' });
    await tick();
    expect(tasks.get(second)?.state).toBe('queued');
    g.open('a');
    expect((await tasks.wait(second, 5000))?.state).toBe('succeeded');
    expect(tasks.get(first)?.result).toBe('a');
  });
});

describe('cancel', () => {
  it('cancels a queued task: it never runs, and the next one still does', async () => {
    const g = gate();
    const ran: string[] = [];
    const first = tasks.submit({ type: 'vm.op', target: vm('a'), run: async () => { ran.push('first'); await g.done; } });
    const second = tasks.submit({ type: 'vm.op', target: vm('a'), run: async () => { ran.push('second'); } });
    const third = tasks.submit({ type: 'vm.op', target: vm('a'), run: async () => { ran.push('third'); } });
    await tick();
    expect(tasks.cancel(second, 'user-0001')).toBe(true);
    expect(tasks.get(second)).toMatchObject({ state: 'cancelled', cancellable: false });
    expect(tasks.logLines(second)?.map((l) => l.message)).toEqual(['cancelled by user user-0001 before it started']);
    g.open('');
    expect((await tasks.wait(third, 5000))?.state).toBe('succeeded');
    expect(ran).toEqual(['first', 'third']);
    expect(tasks.get(first)?.state).toBe('succeeded');
  });

  it('cancels a queued task at the head of its queue before it starts', async () => {
    let ran = false;
    const id = tasks.submit({ type: 'vm.op', target: vm('a'), run: async () => { ran = true; } });
    expect(tasks.cancel(id, null)).toBe(true);
    const next = tasks.submit({ type: 'vm.op', target: vm('a'), run: async () => 'next' });
    expect((await tasks.wait(next, 5000))?.state).toBe('succeeded');
    expect(ran).toBe(false);
    expect(tasks.get(id)?.state).toBe('cancelled');
  });

  it('aborts a running cancellable task and marks it cancelled when its run settles', async () => {
    let signal: AbortSignal | undefined;
    const id = tasks.submit({ type: 'vm.migrate', target: vm('a'), cancellable: true, run: (ctx) => { signal = ctx.signal; return untilAborted(ctx); } });
    await tick();
    expect(tasks.get(id)).toMatchObject({ state: 'running', cancellable: true });
    expect(tasks.cancel(id, 'user-0001')).toBe(true);
    expect(signal?.aborted).toBe(true);
    const done = await tasks.wait(id, 5000);
    expect(done?.state).toBe('cancelled');
    expect(done?.error).toBeUndefined();
  });

  it('reports succeeded when a cancelled operation finished anyway', async () => {
    const started = gate<void>();
    const id = tasks.submit({
      type: 'vm.migrate', target: vm('a'), cancellable: true,
      run: async (ctx) => { started.open(); await tick(); return ctx.signal.aborted ? 'done regardless' : 'done'; },
    });
    await started.done;
    expect(tasks.cancel(id, null)).toBe(true);
    expect((await tasks.wait(id, 5000))).toMatchObject({ state: 'succeeded', result: 'done regardless' });
  });

  it('refuses to cancel a running task whose operation cannot stop, and a finished or unknown one', async () => {
    const g = gate();
    const id = tasks.submit({ type: 'vm.start', target: vm('a'), run: () => g.done });
    await tick();
    expect(tasks.get(id)?.cancellable).toBe(false);
    expect(tasks.cancel(id, null)).toBe(false);
    g.open('ok');
    await tasks.wait(id, 5000);
    expect(tasks.cancel(id, null)).toBe(false);
    expect(tasks.cancel('nope-nope-nope', null)).toBe(false);
    expect(tasks.get(id)?.state).toBe('succeeded');
  });
});

describe('failures', () => {
  it('stores an AppError as {code, message} and logs it on the task', async () => {
    const id = tasks.submit({ type: 'vm.start', target: vm('a'), run: async () => { throw new AppError('INVALID_STATE', 'domain is already running'); } });
    const done = await tasks.wait(id, 5000);
    expect(done).toMatchObject({ state: 'failed', error: { code: 'INVALID_STATE', message: 'domain is already running' } });
    expect(done?.result).toBeUndefined();
    expect(tasks.logLines(id)?.at(-1)).toMatchObject({ level: 'error', message: 'failed: domain is already running' });
  });

  it('turns any other error into INTERNAL without its message, which goes to the server log only', async () => {
    const id = tasks.submit({ type: 'vm.start', target: vm('a'), run: async () => { throw new Error('open /var/lib/secret-path failed'); } });
    const done = await tasks.wait(id, 5000);
    expect(done).toMatchObject({ state: 'failed', error: { code: 'INTERNAL', message: 'internal error' } });
    expect(JSON.stringify(done)).not.toContain('secret-path');
    expect(JSON.stringify(tasks.logLines(id))).not.toContain('secret-path');
    expect(serverLog.error).toHaveBeenCalledWith(expect.objectContaining({ taskId: id, err: expect.any(Error) }), expect.any(String));
  });

  it('fails a run that throws synchronously like any other', async () => {
    const id = tasks.submit({ type: 'vm.start', target: vm('a'), run: () => { throw new AppError('NOT_FOUND', 'no VM a'); } });
    expect(await tasks.wait(id, 5000)).toMatchObject({ state: 'failed', error: { code: 'NOT_FOUND' } });
  });
});

describe('long-poll', () => {
  it('returns as soon as the task finishes, well before the wait', async () => {
    const id = tasks.submit({ type: 'vm.op', target: vm('a'), run: () => new Promise((r) => setTimeout(() => r('x'), 50)) });
    const t0 = performance.now();
    const done = await tasks.wait(id, 10_000);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(done?.state).toBe('succeeded');
  });

  it('returns the running view at the timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const g = gate();
    const id = tasks.submit({ type: 'vm.op', target: vm('a'), run: () => g.done });
    await Promise.resolve();
    let answer: TaskView | null | undefined;
    void tasks.wait(id, 30_000).then((v) => { answer = v; });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(answer?.state).toBe('running');
    g.open('');
  });

  it('answers null for an unknown task and at once for a finished one', async () => {
    expect(await tasks.wait('unknown-id', 1000)).toBeNull();
    const id = tasks.submit({ type: 'vm.op', target: vm('a'), run: async () => 1 });
    await tasks.wait(id, 1000);
    const t0 = performance.now();
    expect((await tasks.wait(id, 10_000))?.state).toBe('succeeded');
    expect(performance.now() - t0).toBeLessThan(100);
  });
});

describe('progress, log and change events', () => {
  it('persists and emits progress at most every interval, keeping the latest', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const seen: TaskView[] = [];
    tasks.onChange((t) => seen.push(t));
    let ctx!: TaskContext;
    const g = gate();
    const id = tasks.submit({ type: 'volume.upload', target: { kind: 'pool', id: 'p' }, run: (c) => { ctx = c; return g.done; } });
    await Promise.resolve();
    await Promise.resolve();
    for (let i = 1; i <= 100; i++) ctx.progress({ percent: i });
    const progressEvents = () => seen.filter((t) => t.progress !== undefined).map((t) => t.progress?.percent);
    expect(progressEvents()).toEqual([1]); // the first report goes out at once
    expect(tasks.get(id)?.progress).toEqual({ percent: 100 }); // get() overlays the latest
    await vi.advanceTimersByTimeAsync(PROGRESS_INTERVAL_MS);
    expect(progressEvents()).toEqual([1, 100]);
    expect(JSON.parse((db.prepare('SELECT progress FROM tasks WHERE id = ?').get(id) as { progress: string }).progress)).toEqual({ percent: 100 });
    g.open('');
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.map((t) => t.state)).toEqual(['queued', 'running', 'running', 'running', 'succeeded']);
    expect(seen.at(-1)?.progress).toEqual({ percent: 100 });
  });

  it('keeps the newest log lines of a chatty task, within the cap', async () => {
    const small = new TaskService({ db, maxLogLines: 5 });
    const id = small.submit({ type: 'vm.op', target: vm('a'), run: async (ctx) => { for (let i = 1; i <= 12; i++) ctx.log(`line ${i}`, i === 12 ? 'warn' : 'info'); } });
    await small.wait(id, 5000);
    const lines = small.logLines(id)!;
    expect(lines.map((l) => l.message)).toEqual(['line 8', 'line 9', 'line 10', 'line 11', 'line 12']);
    expect(lines.map((l) => l.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(lines.at(-1)?.level).toBe('warn');
    expect(small.logLines(id, 10)?.map((l) => l.seq)).toEqual([11, 12]);
    await small.close();
  });

  it('stops calling a listener after unsubscribe and survives a throwing one', async () => {
    const calls: string[] = [];
    const off = tasks.onChange((t) => calls.push(t.state));
    tasks.onChange(() => { throw new Error('listener bug'); });
    const id = tasks.submit({ type: 'vm.op', target: vm('a'), run: async () => 1 });
    off();
    expect((await tasks.wait(id, 5000))?.state).toBe('succeeded');
    expect(calls).toEqual(['queued']);
  });
});

describe('listing', () => {
  it('filters by state, type, target, host and user, newest first, with paging', async () => {
    const g = gate();
    tasks.submit({ type: 'vm.start', target: vm('a'), hostId: 'h1', userId: 'alice-0001', run: async () => 1 });
    tasks.submit({ type: 'vm.stop', target: vm('b'), hostId: 'h2', userId: 'bob-00001', run: () => g.done });
    const last = tasks.submit({ type: 'vm.start', target: vm('b'), hostId: 'h2', userId: 'alice-0001', run: async () => 1 });
    await tick();
    const all = tasks.list({ limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    expect(all.items[0]?.id).toBe(last);
    expect(tasks.list({ type: 'vm.start', limit: 10, offset: 0 }).total).toBe(2);
    expect(tasks.list({ targetId: 'b', hostId: 'h2', limit: 10, offset: 0 }).total).toBe(2);
    expect(tasks.list({ userId: 'alice-0001', limit: 10, offset: 0 }).total).toBe(2);
    expect(tasks.list({ state: 'running', limit: 10, offset: 0 }).items.map((t) => t.type)).toEqual(['vm.stop']);
    const page = tasks.list({ limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3 });
    expect(page.items).toHaveLength(1);
    g.open('');
  });
});

describe('lifetime', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'ferry-tasks-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('marks tasks a previous process left queued or running as interrupted at start', async () => {
    const before = openDatabase(dir);
    const insert = before.prepare("INSERT INTO tasks (id, type, target_kind, target_id, state, created_at, started_at) VALUES (?, 'vm.op', 'vm', 'a', ?, ?, ?)");
    const at = new Date().toISOString();
    insert.run('running-task-1', 'running', at, at);
    insert.run('queued-task-01', 'queued', at, null);
    insert.run('finished-task1', 'succeeded', at, at);
    before.close(); // the previous process is gone

    const after = openDatabase(dir);
    const service = new TaskService({ db: after });
    expect(service.markInterrupted()).toBe(2);
    expect(service.get('running-task-1')).toMatchObject({ state: 'interrupted', cancellable: false });
    expect(service.get('running-task-1')?.finishedAt).not.toBeNull();
    expect(service.get('queued-task-01')?.state).toBe('interrupted');
    expect(service.get('finished-task1')?.state).toBe('succeeded');
    expect(service.logLines('running-task-1')?.[0]).toMatchObject({ level: 'warn', message: expect.stringContaining('interrupted') });
    // Its own live tasks are never touched.
    const g = gate();
    const live = service.submit({ type: 'vm.op', target: vm('a'), run: () => g.done });
    expect(service.markInterrupted()).toBe(0);
    expect(service.get(live)?.state).toBe('queued');
    g.open('');
    await service.wait(live, 5000);
    await service.close();
    after.close();
  });

  it('prunes finished tasks past the retention age or beyond the cap, with their logs', async () => {
    const small = new TaskService({ db, retentionMs: 86_400_000, maxFinished: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = small.submit({ type: 'vm.op', target: vm('a'), run: async (ctx) => { ctx.log('hello'); } });
      await small.wait(id, 5000);
      ids.push(id);
    }
    const g = gate();
    const live = small.submit({ type: 'vm.op', target: vm('b'), run: () => g.done });
    db.prepare("UPDATE tasks SET finished_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").run(ids[3]);
    expect(small.prune()).toBe(2); // the old one by age, then the oldest beyond the cap of 2
    expect(ids.map((id) => small.get(id) !== null)).toEqual([false, true, true, false]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM task_log WHERE task_id = ?').get(ids[3])).toEqual({ n: 0 });
    expect(small.get(live)).not.toBeNull();
    g.open('');
    await small.close();
  });

  it('on close stops accepting, interrupts queued tasks, waits for running ones and releases long polls', async () => {
    const g = gate();
    const running = tasks.submit({ type: 'vm.op', target: vm('a'), run: () => g.done });
    const queued = tasks.submit({ type: 'vm.op', target: vm('a'), run: async () => 'never' });
    await tick();
    const poll = tasks.wait(running, 60_000);
    const closing = tasks.close();
    expect((await poll)?.state).toBe('running');
    expect(tasks.get(queued)?.state).toBe('interrupted');
    expect(() => tasks.submit({ type: 'vm.op', target: vm('c'), run: async () => 1 })).toThrow(AppError);
    g.open('done');
    await closing;
    expect(tasks.get(running)?.state).toBe('succeeded');
  });

  it('marks a task still running after the close timeout interrupted and ignores its late outcome', async () => {
    const g = gate();
    const id = tasks.submit({ type: 'vm.op', target: vm('a'), run: () => g.done });
    await tick();
    await tasks.close(); // closeTimeoutMs: 200
    expect(tasks.get(id)?.state).toBe('interrupted');
    g.open('late');
    await tick();
    expect(tasks.get(id)?.state).toBe('interrupted');
  });
});
