// Snapshot changes on the event stream, as `vm.event` with kind 'snapshot' (libvirt itself has
// no snapshot event): detail { name, action, … }. The services get a publisher rather than the
// app, so they work (and are tested) with or without the events plugin registered.
import type { FastifyInstance } from 'fastify';

export type SnapshotAction = 'created' | 'reverted' | 'deleted' | 'edited';
export interface SnapshotChange { vmId: string; hostId: string; name: string; action: SnapshotAction; detail?: Record<string, unknown> }
export type SnapshotPublisher = (change: SnapshotChange) => void;

export function snapshotPublisher(app: FastifyInstance): SnapshotPublisher {
  if (!app.hasDecorator('events')) return () => undefined;
  return (c) => {
    app.events.publish({
      type: 'vm.event', vmId: c.vmId, hostId: c.hostId, kind: 'snapshot',
      detail: { name: c.name, action: c.action, ...c.detail }, at: new Date().toISOString(),
    });
  };
}
