// Typed domain events. Each kind maps to one libvirt event ID and its C callback shape
// (worker/event-callbacks.ts decodes them); subscribers get plain objects.
import * as C from './generated/constants.gen.ts';
import type { DomainRef, TypedParams } from './types.ts';

export interface DomainEventPayloads {
  lifecycle: { event: number; detail: number; eventName: string };
  reboot: Record<string, never>;
  jobCompleted: { stats: TypedParams };
  migrationIteration: { iteration: number };
  deviceAdded: { alias: string };
  deviceRemoved: { alias: string };
  blockJob: { disk: string; type: number; status: number };
  ioError: { srcPath: string; alias: string; action: number; reason: string };
  balloonChange: { actualKiB: number };
  agentLifecycle: { state: number; reason: number };
}

export type DomainEventKind = keyof DomainEventPayloads;

export type DomainEvent<K extends DomainEventKind = DomainEventKind> = {
  [P in K]: { kind: P; domain: DomainRef } & DomainEventPayloads[P];
}[K];

export const DOMAIN_EVENT_IDS: Readonly<Record<DomainEventKind, number>> = {
  lifecycle: C.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
  reboot: C.VIR_DOMAIN_EVENT_ID_REBOOT,
  jobCompleted: C.VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
  migrationIteration: C.VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION,
  deviceAdded: C.VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
  deviceRemoved: C.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
  blockJob: C.VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2,
  ioError: C.VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON,
  balloonChange: C.VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE,
  agentLifecycle: C.VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE,
};

/** virDomainEventType names, indexed by value. */
export const LIFECYCLE_EVENT_NAMES = ['defined', 'undefined', 'started', 'suspended', 'resumed', 'stopped', 'shutdown', 'pmsuspended', 'crashed'] as const;

/** virDomainState names, indexed by value. */
export const DOMAIN_STATE_NAMES = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'] as const;
