// Messages between the main thread and the event-loop Worker.
import type { LibvirtErrorData } from '../errors.ts';
import type { DomainEventKind } from '../events.ts';
import type { DomainRef } from '../types.ts';

export type ToEventLoop =
  | { t: 'subscribe'; sub: number; conn: bigint; kind: DomainEventKind; domainUuid: string | null }
  | { t: 'unsubscribe'; sub: number }
  | { t: 'stream-watch'; stream: number; ptr: bigint }
  | { t: 'stream-write'; stream: number; data: Uint8Array }
  | { t: 'stream-unwatch'; stream: number };

export type FromEventLoop =
  | { t: 'ready'; wake: bigint }
  | { t: 'subscribed'; sub: number }
  | { t: 'subscribe-failed'; sub: number; error: LibvirtErrorData }
  | { t: 'event'; sub: number; kind: DomainEventKind; domain: DomainRef; payload: unknown }
  | { t: 'stream-data'; stream: number; data: Uint8Array }
  | { t: 'stream-drained'; stream: number }
  | { t: 'stream-end'; stream: number }
  | { t: 'stream-error'; stream: number; error: LibvirtErrorData }
  | { t: 'stopped' };
