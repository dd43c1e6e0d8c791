// The C callback for each domain event kind, registered once per kind in the event Worker.
// libvirt dispatches domain events from its event loop (a timer in virObjectEventState), which
// runs on the event Worker's own thread: koffi calls these directly, with no cross-thread hop.
// `opaque` carries the subscription id; `dom` is borrowed from libvirt and must not be freed.
import { cb, koffi, type Ptr } from '../ffi/lib.ts';
import { decodeTypedParams } from '../ffi/typed-params.ts';
import { num } from '../ffi/call.ts';
import { domainRef } from '../ops/domain.ts';
import { LIFECYCLE_EVENT_NAMES, type DomainEventKind, type DomainEventPayloads } from '../events.ts';
import type { DomainRef } from '../types.ts';

export type Emit = <K extends DomainEventKind>(sub: number, kind: K, domain: DomainRef, payload: DomainEventPayloads[K]) => void;

const sub = (opaque: Ptr | null): number => Number(opaque ?? 0n);

export function makeCallbacks(emit: Emit): Record<DomainEventKind, () => unknown> {
  const reg = (f: (...a: never[]) => unknown, proto: unknown) => () => koffi.register(f as (...a: unknown[]) => unknown, koffi.pointer(proto as never));
  return {
    lifecycle: reg((_c: Ptr, dom: Ptr, event: number, detail: number, o: Ptr) => {
      emit(sub(o), 'lifecycle', domainRef(dom), { event, detail, eventName: LIFECYCLE_EVENT_NAMES[event] ?? `event-${event}` });
      return 0;
    }, cb.lifecycle),
    reboot: reg((_c: Ptr, dom: Ptr, o: Ptr) => emit(sub(o), 'reboot', domainRef(dom), {}), cb.generic),
    jobCompleted: reg((_c: Ptr, dom: Ptr, params: Ptr, n: number, o: Ptr) =>
      emit(sub(o), 'jobCompleted', domainRef(dom), { stats: decodeTypedParams(params, n) }), cb.jobCompleted),
    migrationIteration: reg((_c: Ptr, dom: Ptr, iteration: number, o: Ptr) =>
      emit(sub(o), 'migrationIteration', domainRef(dom), { iteration }), cb.migrationIteration),
    deviceAdded: reg((_c: Ptr, dom: Ptr, alias: string, o: Ptr) => emit(sub(o), 'deviceAdded', domainRef(dom), { alias }), cb.deviceAlias),
    deviceRemoved: reg((_c: Ptr, dom: Ptr, alias: string, o: Ptr) => emit(sub(o), 'deviceRemoved', domainRef(dom), { alias }), cb.deviceAlias),
    blockJob: reg((_c: Ptr, dom: Ptr, disk: string, type: number, status: number, o: Ptr) =>
      emit(sub(o), 'blockJob', domainRef(dom), { disk, type, status }), cb.blockJob),
    ioError: reg((_c: Ptr, dom: Ptr, srcPath: string, alias: string, action: number, reason: string, o: Ptr) =>
      emit(sub(o), 'ioError', domainRef(dom), { srcPath, alias, action, reason }), cb.ioErrorReason),
    balloonChange: reg((_c: Ptr, dom: Ptr, actual: number | bigint, o: Ptr) =>
      emit(sub(o), 'balloonChange', domainRef(dom), { actualKiB: num(actual) }), cb.balloonChange),
    agentLifecycle: reg((_c: Ptr, dom: Ptr, state: number, reason: number, o: Ptr) =>
      emit(sub(o), 'agentLifecycle', domainRef(dom), { state, reason }), cb.agentLifecycle),
  };
}
