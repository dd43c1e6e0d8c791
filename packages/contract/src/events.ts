// The /api/v1/events WebSocket: what the server sends and what a client may send.
//
// Events (everything with a `seq`) are facts that happened: a VM changed state, a task moved, a
// host connected. Their `seq` is strictly increasing across the whole server; a client that
// reconnects with `?since=<last seq>` gets what it missed, exactly once, or `resync` when the
// server no longer holds that far back. Stats are samples, not events: no `seq`, never
// replayed, and dropped or coalesced for a client that cannot keep up — the next sample
// supersedes them anyway. Heartbeats carry no `seq` either.
import { z } from 'zod';
import { HostIdSchema, TimestampSchema, UuidSchema } from './common.ts';
import { HostStateSchema } from './hosts.ts';
import { TaskSchema } from './tasks.ts';
import { VmStateSchema } from './vm-power.ts';

const Seq = z.number().int().min(1);

export const VmStateEventSchema = z.object({
  type: z.literal('vm.state'),
  seq: Seq,
  vmId: UuidSchema,
  hostId: HostIdSchema,
  name: z.string(),
  state: VmStateSchema,
  /** libvirt's lifecycle detail, as a word: 'booted', 'shutdown', 'destroyed', 'crashed' … */
  reason: z.string(),
  at: TimestampSchema,
}).meta({ id: 'VmStateEvent' });

/** A VM's definition appeared, changed or went away: clients refetch it. */
export const VmConfigEventSchema = z.object({
  type: z.literal('vm.config'),
  seq: Seq,
  vmId: UuidSchema,
  hostId: HostIdSchema,
  name: z.string(),
  change: z.enum(['defined', 'updated', 'undefined']),
  at: TimestampSchema,
}).meta({ id: 'VmConfigEvent' });

export const VM_EVENT_KINDS = ['reboot', 'jobCompleted', 'migrationIteration', 'deviceAdded', 'deviceRemoved', 'blockJob', 'ioError', 'balloonChange', 'agentLifecycle', 'snapshot'] as const;
// 'snapshot' is Ferry's own (libvirt has none): detail { name, action: 'created'|'reverted'|'deleted'|'edited', … }
// (created: kind, location; reverted: state; deleted: deleted (names), metadataOnly).
/** Other libvirt domain events, with their payload as libvirt gave it (plain data). */
export const VmEventSchema = z.object({
  type: z.literal('vm.event'),
  seq: Seq,
  vmId: UuidSchema,
  hostId: HostIdSchema,
  kind: z.enum(VM_EVENT_KINDS),
  detail: z.record(z.string(), z.unknown()),
  at: TimestampSchema,
}).meta({ id: 'VmEvent' });

export const HostStateEventSchema = z.object({
  type: z.literal('host.state'),
  seq: Seq,
  hostId: HostIdSchema,
  state: HostStateSchema,
  lastError: z.string().nullable(),
  /** The host was removed from Ferry (it is also reported disconnected). */
  removed: z.boolean().optional(),
  at: TimestampSchema,
}).meta({ id: 'HostStateEvent' });

export const TaskEventSchema = z.object({
  type: z.literal('task'),
  seq: Seq,
  task: TaskSchema,
  at: TimestampSchema,
}).meta({ id: 'TaskEvent' });

export const EventMessageSchema = z.discriminatedUnion('type', [
  VmStateEventSchema, VmConfigEventSchema, VmEventSchema, HostStateEventSchema, TaskEventSchema,
]).meta({ id: 'EventMessage' });
export type EventMessage = z.infer<typeof EventMessageSchema>;
/** An event before the bus numbers it. */
export type EventInput = EventMessage extends infer E ? (E extends EventMessage ? Omit<E, 'seq'> : never) : never;

/** Derived per-VM rates over the last sampling interval. */
export const VmSampleSchema = z.object({
  vmId: UuidSchema,
  /** Of one host CPU: 200 = two CPUs busy. */
  cpuPct: z.number(),
  memUsedMiB: z.number().nullable(),
  memAvailableMiB: z.number().nullable(),
  diskReadBps: z.number(),
  diskWriteBps: z.number(),
  diskReadIops: z.number(),
  diskWriteIops: z.number(),
  netRxBps: z.number(),
  netTxBps: z.number(),
});
export type VmSample = z.infer<typeof VmSampleSchema>;

export const HostSampleSchema = z.object({
  /** Of all host CPUs: 100 = every CPU busy. */
  cpuPct: z.number(),
  memUsedMiB: z.number(),
  memTotalMiB: z.number(),
});
export type HostSample = z.infer<typeof HostSampleSchema>;

export const StatsMessageSchema = z.object({
  type: z.literal('stats'),
  hostId: HostIdSchema,
  at: TimestampSchema,
  intervalS: z.number(),
  host: HostSampleSchema.nullable(),
  vms: z.array(VmSampleSchema),
}).meta({ id: 'StatsMessage' });
export type StatsMessage = z.infer<typeof StatsMessageSchema>;

export const ResyncMessageSchema = z.object({
  type: z.literal('resync'),
  /** 'window': ?since is older than the server keeps; 'slow': this client fell too far behind. */
  reason: z.enum(['window', 'slow', 'host-reconnected']),
  /** The newest seq now: refetch state, then resume from here. */
  seq: z.number().int().min(0),
}).meta({ id: 'ResyncMessage' });

export const HeartbeatMessageSchema = z.object({ type: z.literal('heartbeat'), at: TimestampSchema });

/** Sent once after the upgrade: the newest seq (resume point) and the topics in force. */
export const HelloMessageSchema = z.object({
  type: z.literal('hello'),
  seq: z.number().int().min(0),
  topics: z.array(z.string()),
  heartbeatS: z.number(),
});

export const ServerMessageSchema = z.union([EventMessageSchema, StatsMessageSchema, ResyncMessageSchema, HeartbeatMessageSchema, HelloMessageSchema]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/**
 * Topics: '*' (everything the caller may see), 'host:<hostId>' (that host and its VMs),
 * 'vm:<uuid>', 'tasks' (task events), 'stats' (stats messages; off unless asked for or '*').
 */
export const TopicSchema = z.string().max(80).regex(/^(\*|tasks|stats|host:[a-z0-9][a-z0-9-]{0,62}|vm:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/);

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), topics: z.array(TopicSchema).min(1).max(256) }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
