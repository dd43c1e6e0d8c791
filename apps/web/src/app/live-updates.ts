// What each server event does to the query cache: one table, keyed by the contract's event
// types. An entry patches cached data in place (cheap, and instant on screen) and/or names
// the queries to refetch. Adding an event type to the contract makes this table fail to
// typecheck until the type has an entry. Patches tolerate an empty cache: an event for
// something never fetched changes nothing.
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { FINISHED_TASK_STATES, type EventMessage, type Host, type Task, type VmDetail, type VmSummary } from '@ferry/contract';
import { hostKeys } from '../features/hosts/api/host-keys.ts';
import { networkKeys } from '../features/networks/api/network-keys.ts';
import { storageKeys } from '../features/storage/api/storage-keys.ts';
import { RECENT_TASKS } from '../features/tasks/api/get-tasks.ts';
import { taskKeys } from '../features/tasks/api/task-keys.ts';
import { upsertVmTask } from '../features/vm-tasks/api/get-vm-tasks.ts';
import { vmTaskKeys } from '../features/vm-tasks/api/vm-task-keys.ts';
import { vmKeys } from '../features/vms/api/vm-keys.ts';

type EventOf<T extends EventMessage['type']> = Extract<EventMessage, { type: T }>;

export interface EventEffect<E> {
  /** Edits cached data directly. */
  patch?: (qc: QueryClient, e: E) => void;
  /** Queries to mark stale (active ones refetch). */
  invalidate?: (e: E) => QueryKey[];
}

export type EventEffects = { [T in EventMessage['type']]: EventEffect<EventOf<T>> };

/** vm.event kinds after which a VM's detail (devices, snapshots) is out of date. */
const DETAIL_CHANGING_KINDS = new Set(['deviceAdded', 'deviceRemoved', 'balloonChange', 'snapshot', 'agentLifecycle']);

/**
 * Edits the cached VM list. A list fetch under way may have been answered before the event
 * (the list page refetches as it opens, right after a delete or a power action) and would
 * undo the edit when it lands, so it is started again.
 */
function patchVmList(qc: QueryClient, edit: (vms: VmSummary[]) => VmSummary[]): void {
  qc.setQueryData<VmSummary[]>(vmKeys.list(), (vms) => vms && edit(vms));
  if (qc.isFetching({ queryKey: vmKeys.list() }) > 0) void qc.invalidateQueries({ queryKey: vmKeys.list() });
}

export const EVENT_EFFECTS: EventEffects = {
  'vm.state': {
    // During a migration one VM id lives on two hosts, and each host reports its own copy (the
    // target's incoming copy stops when a migration is cancelled): an event applies only to the
    // copy on the host that sent it.
    patch: (qc, e) => {
      qc.setQueryData<VmDetail>(vmKeys.detail(e.vmId), (vm) => vm && (vm.hostId === e.hostId ? { ...vm, state: e.state, reason: e.reason } : vm));
      let found = false;
      patchVmList(qc, (vms) => vms.map((vm) => {
        if (vm.id !== e.vmId || vm.hostId !== e.hostId) return vm;
        found = true;
        return { ...vm, state: e.state, reason: e.reason, uptimeS: e.state === 'running' ? vm.uptimeS ?? 0 : null };
      }));
      // A VM the list does not know on that host (created elsewhere, or arriving by migration),
      // or one that moved (the source's copy stops with reason 'migrated' and libvirt reports
      // no 'undefined' for it): fetch the list again.
      if ((!found || e.reason === 'migrated') && qc.getQueryData(vmKeys.list())) void qc.invalidateQueries({ queryKey: vmKeys.list() });
    },
    invalidate: (e) => [vmKeys.detail(e.vmId)],
  },
  'vm.config': {
    patch: (qc, e) => {
      if (e.change !== 'undefined') return;
      // Undefined on the source after a migration: the copy on the target stays.
      patchVmList(qc, (vms) => vms.filter((vm) => vm.id !== e.vmId || vm.hostId !== e.hostId));
    },
    invalidate: (e) => (e.change === 'undefined' ? [vmKeys.detail(e.vmId)] : [vmKeys.list(), vmKeys.detail(e.vmId)]),
  },
  'vm.event': {
    invalidate: (e) => (DETAIL_CHANGING_KINDS.has(e.kind) ? [vmKeys.detail(e.vmId)] : []),
  },
  'host.state': {
    patch: (qc, e) => {
      let found = false;
      qc.setQueryData<Host[]>(hostKeys.list(), (hosts) => hosts?.flatMap((h) => {
        if (h.id !== e.hostId) return [h];
        found = true;
        return e.removed ? [] : [{ ...h, state: e.state, lastError: e.lastError, stateSince: e.at }];
      }));
      // A host added elsewhere (another admin, the API): fetch the list again.
      if (!found && !e.removed && qc.getQueryData(hostKeys.list())) void qc.invalidateQueries({ queryKey: hostKeys.list() });
    },
    // Back from a disconnect: whatever the host holds may have changed meanwhile. Removed: its
    // VMs leave the lists.
    invalidate: (e) => (e.removed ? [hostKeys.list(), vmKeys.all]
      : e.state === 'connected' ? [hostKeys.list(), vmKeys.all, storageKeys.pools(e.hostId), networkKeys.list(e.hostId)] : []),
  },
  task: {
    patch: (qc, e) => {
      qc.setQueryData<Task[]>(taskKeys.recent(), (tasks) => {
        if (!tasks) return tasks;
        const i = tasks.findIndex((t) => t.id === e.task.id);
        if (i >= 0) return tasks.map((t, j) => (j === i ? e.task : t));
        return [e.task, ...tasks].slice(0, RECENT_TASKS);
      });
      // The VM page's Tasks tab: its list follows the VM's tasks the same way.
      if (e.task.target.kind === 'vm') qc.setQueryData<Task[]>(vmTaskKeys.list(e.task.target.id), (tasks) => upsertVmTask(tasks, e.task));
    },
    invalidate: (e) => {
      const { task } = e;
      if (!FINISHED_TASK_STATES.includes(task.state)) return [];
      // The list too: a GET /tasks answered before the task finished may land after this
      // event and put it back to running for good; refetching cancels that answer.
      const keys: QueryKey[] = [taskKeys.recent(), taskKeys.log(task.id)];
      if (task.target.kind === 'vm') keys.push(vmKeys.detail(task.target.id));
      if (task.type === 'vm.migrate') keys.push(vmKeys.list()); // which host holds it now
      if (task.target.kind === 'pool' && task.hostId) keys.push(storageKeys.all);
      if (task.target.kind === 'network' && task.hostId) keys.push(networkKeys.all);
      return keys;
    },
  },
};

/** Applies one event to the cache through the table. */
export function applyEvent(qc: QueryClient, e: EventMessage, effects: EventEffects = EVENT_EFFECTS): void {
  const effect = effects[e.type] as EventEffect<EventMessage> | undefined;
  if (!effect) return; // a type newer than this build of the dashboard
  effect.patch?.(qc, e);
  // A fetch already under way may have been answered before the event: start a new one.
  for (const queryKey of effect.invalidate?.(e) ?? []) void qc.invalidateQueries({ queryKey });
}

/**
 * After a resync: everything fetched before `since` may be stale, and so may a fetch still
 * under way (its answer may predate the stream), which starts again.
 */
export function resyncCache(qc: QueryClient, since: number): void {
  void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'auth' && (q.state.dataUpdatedAt < since || q.state.fetchStatus === 'fetching') });
}
