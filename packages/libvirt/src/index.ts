// @ferry/libvirt — libvirt for Node.js over koffi, with libvirt's threading rules built in.
// See docs/libvirt-bindings.md for the model (call pool, event-loop Worker, errors, deadlines).
export { Libvirt, type LibvirtOptions } from './client.ts';
export { Connection, type CloseReason, type Subscription } from './connection.ts';
export { Domain } from './domain.ts';
export { Stream } from './stream.ts';
export type { CallOptions, PoolOptions } from './pool.ts';
export {
  LibvirtError, type LibvirtErrorData, type LibvirtErrorKind,
  isLibvirtError, isNotFound, isOperationInvalid, isInvalidXml, isInvalidArgument, isAlreadyExists,
  isUnsupported, isAccessDenied, isTimeout, isClosed, isDisconnected,
} from './errors.ts';
export { DOMAIN_EVENT_IDS, DOMAIN_STATE_NAMES, LIFECYCLE_EVENT_NAMES, type DomainEvent, type DomainEventKind, type DomainEventPayloads } from './events.ts';
export type * from './types.ts';
export * as constants from './generated/constants.gen.ts';
export { trimNativeHeap } from './native-heap.ts';
export { packDomainStats, unpackDomainStats, paramPattern, type PackedDomainStats } from './packed-stats.ts';
