// Raw libvirt declarations over koffi, for the Worker threads that call libvirt.
//
// Declared by hand from libvirt 9.0's headers: koffi's C-like prototypes read close to the
// headers, and the few hundred lines here are easier to audit than a generator's output.
// Rules followed throughout:
// - returned `char *` that the caller must free is declared `char *!` (koffi frees it after
//   converting to a JS string); `const char *` returns are owned by libvirt and not freed;
// - object out-arrays (`virDomainPtr **`) are `_Out_ void **`; the caller frees each element
//   and the array itself (see ffi/call.ts);
// - pointers are BigInt in koffi 3 and carry no type, so nothing outside src/ffi and src/ops
//   ever sees one except as an opaque value it passes back.
import koffi from 'koffi';

export type Ptr = bigint;

export const libvirt = koffi.load('libvirt.so.0');
export const libc = koffi.load('libc.so.6');

koffi.opaque('virConnect');
koffi.opaque('virDomain');
koffi.opaque('virDomainSnapshot');
koffi.opaque('virStoragePool');
koffi.opaque('virStorageVol');
koffi.opaque('virNetwork');
koffi.opaque('virStream');

export const virError = koffi.struct('virError', {
  code: 'int',
  domain: 'int',
  message: 'const char *',
  level: 'int',
  conn: 'void *',
  dom: 'void *',
  str1: 'const char *',
  str2: 'const char *',
  str3: 'const char *',
  int1: 'int',
  int2: 'int',
  net: 'void *',
});

export const virDomainInfo = koffi.struct('virDomainInfo', {
  state: 'unsigned char',
  maxMem: 'unsigned long',
  memory: 'unsigned long',
  nrVirtCpu: 'unsigned short',
  cpuTime: 'unsigned long long',
});

export const virNodeInfo = koffi.struct('virNodeInfo', {
  model: koffi.array('char', 32),
  memory: 'unsigned long',
  cpus: 'unsigned int',
  mhz: 'unsigned int',
  nodes: 'unsigned int',
  sockets: 'unsigned int',
  cores: 'unsigned int',
  threads: 'unsigned int',
});

export const virStoragePoolInfo = koffi.struct('virStoragePoolInfo', {
  state: 'int',
  capacity: 'unsigned long long',
  allocation: 'unsigned long long',
  available: 'unsigned long long',
});

export const virStorageVolInfo = koffi.struct('virStorageVolInfo', {
  type: 'int',
  capacity: 'unsigned long long',
  allocation: 'unsigned long long',
});

export const virNetworkDHCPLease = koffi.struct('virNetworkDHCPLease', {
  iface: 'const char *',
  expirytime: 'long long',
  type: 'int',
  mac: 'const char *',
  iaid: 'const char *',
  ipaddr: 'const char *',
  prefix: 'unsigned int',
  hostname: 'const char *',
  clientid: 'const char *',
});

export const virDomainStatsRecord = koffi.struct('virDomainStatsRecord', {
  dom: 'void *',
  params: 'void *',
  nparams: 'int',
});

// virTypedParameter: char field[80]; int type; union { ... } value  → 96 bytes on LP64.
export const TYPED_PARAM_SIZE = 96;
export const TYPED_PARAM_VALUE_OFFSET = 88;

// Callback prototypes (event callbacks are registered in the event Worker; see worker/event-worker.ts).
export const cb = {
  timeout: koffi.proto('void virEventTimeoutCallback(int timer, void *opaque)'),
  close: koffi.proto('void virConnectCloseFunc(virConnect *conn, int reason, void *opaque)'),
  lifecycle: koffi.proto('int virConnectDomainEventCallback(virConnect *conn, virDomain *dom, int event, int detail, void *opaque)'),
  generic: koffi.proto('void virConnectDomainEventGenericCallback(virConnect *conn, virDomain *dom, void *opaque)'),
  jobCompleted: koffi.proto('void virConnectDomainEventJobCompletedCallback(virConnect *conn, virDomain *dom, void *params, int nparams, void *opaque)'),
  migrationIteration: koffi.proto('void virConnectDomainEventMigrationIterationCallback(virConnect *conn, virDomain *dom, int iteration, void *opaque)'),
  deviceAlias: koffi.proto('void virConnectDomainEventDeviceAliasCallback(virConnect *conn, virDomain *dom, const char *devAlias, void *opaque)'),
  blockJob: koffi.proto('void virConnectDomainEventBlockJobCallback(virConnect *conn, virDomain *dom, const char *disk, int type, int status, void *opaque)'),
  ioErrorReason: koffi.proto('void virConnectDomainEventIOErrorReasonCallback(virConnect *conn, virDomain *dom, const char *srcPath, const char *devAlias, int action, const char *reason, void *opaque)'),
  balloonChange: koffi.proto('void virConnectDomainEventBalloonChangeCallback(virConnect *conn, virDomain *dom, unsigned long long actual, void *opaque)'),
  agentLifecycle: koffi.proto('void virConnectDomainEventAgentLifecycleCallback(virConnect *conn, virDomain *dom, int state, int reason, void *opaque)'),
  stream: koffi.proto('void virStreamEventCallback(virStream *stream, int events, void *opaque)'),
};

const f = (proto: string) => libvirt.func(proto);

export const fn = {
  // errors
  virGetLastError: f('virError *virGetLastError(void)'),
  virResetLastError: f('void virResetLastError(void)'),
  virSetErrorFunc: f('void virSetErrorFunc(void *userData, void *handler)'),

  // event loop
  virEventRegisterDefaultImpl: f('int virEventRegisterDefaultImpl(void)'),
  virEventRunDefaultImpl: f('int virEventRunDefaultImpl(void)'),
  virEventAddTimeout: f('int virEventAddTimeout(int frequency, void *cb, void *opaque, void *ff)'),
  virEventRemoveTimeout: f('int virEventRemoveTimeout(int timer)'),

  // connection
  virConnectOpen: f('virConnect *virConnectOpen(const char *name)'),
  virConnectOpenReadOnly: f('virConnect *virConnectOpenReadOnly(const char *name)'),
  virConnectClose: f('int virConnectClose(virConnect *conn)'),
  virConnectSetKeepAlive: f('int virConnectSetKeepAlive(virConnect *conn, int interval, unsigned int count)'),
  virConnectRegisterCloseCallback: f('int virConnectRegisterCloseCallback(virConnect *conn, void *cb, void *opaque, void *freecb)'),
  virConnectUnregisterCloseCallback: f('int virConnectUnregisterCloseCallback(virConnect *conn, void *cb)'),
  virConnectIsAlive: f('int virConnectIsAlive(virConnect *conn)'),
  virConnectGetHostname: f('char *! virConnectGetHostname(virConnect *conn)'),
  virConnectGetURI: f('char *! virConnectGetURI(virConnect *conn)'),
  virConnectGetType: f('const char *virConnectGetType(virConnect *conn)'),
  virConnectGetLibVersion: f('int virConnectGetLibVersion(virConnect *conn, _Out_ unsigned long *libVer)'),
  virConnectGetVersion: f('int virConnectGetVersion(virConnect *conn, _Out_ unsigned long *hvVer)'),
  virConnectGetCapabilities: f('char *! virConnectGetCapabilities(virConnect *conn)'),
  virConnectGetDomainCapabilities: f('char *! virConnectGetDomainCapabilities(virConnect *conn, const char *emulatorbin, const char *arch, const char *machine, const char *virttype, unsigned int flags)'),
  virConnectCompareCPU: f('int virConnectCompareCPU(virConnect *conn, const char *xmlDesc, unsigned int flags)'),
  virConnectBaselineCPU: f('char *! virConnectBaselineCPU(virConnect *conn, const char **xmlCPUs, unsigned int ncpus, unsigned int flags)'),
  virNodeGetInfo: f('int virNodeGetInfo(virConnect *conn, _Out_ virNodeInfo *info)'),
  virNodeGetFreeMemory: f('unsigned long long virNodeGetFreeMemory(virConnect *conn)'),
  // params: a caller-allocated array of {char field[80]; unsigned long long value} (88 bytes
  // each), passed as a Buffer; called first with NULL/0 to learn the count (ops/connection.ts).
  virNodeGetCPUStats: f('int virNodeGetCPUStats(virConnect *conn, int cpuNum, void *params, _Inout_ int *nparams, unsigned int flags)'),
  virNodeGetMemoryStats: f('int virNodeGetMemoryStats(virConnect *conn, int cellNum, void *params, _Inout_ int *nparams, unsigned int flags)'),

  // domains
  virConnectListAllDomains: f('int virConnectListAllDomains(virConnect *conn, _Out_ void **domains, unsigned int flags)'),
  virDomainLookupByUUIDString: f('virDomain *virDomainLookupByUUIDString(virConnect *conn, const char *uuid)'),
  virDomainLookupByName: f('virDomain *virDomainLookupByName(virConnect *conn, const char *name)'),
  virDomainDefineXMLFlags: f('virDomain *virDomainDefineXMLFlags(virConnect *conn, const char *xml, unsigned int flags)'),
  virDomainUndefineFlags: f('int virDomainUndefineFlags(virDomain *dom, unsigned int flags)'),
  virDomainCreateWithFlags: f('int virDomainCreateWithFlags(virDomain *dom, unsigned int flags)'),
  virDomainShutdownFlags: f('int virDomainShutdownFlags(virDomain *dom, unsigned int flags)'),
  virDomainDestroyFlags: f('int virDomainDestroyFlags(virDomain *dom, unsigned int flags)'),
  virDomainReboot: f('int virDomainReboot(virDomain *dom, unsigned int flags)'),
  virDomainReset: f('int virDomainReset(virDomain *dom, unsigned int flags)'),
  virDomainSuspend: f('int virDomainSuspend(virDomain *dom)'),
  virDomainResume: f('int virDomainResume(virDomain *dom)'),
  virDomainGetState: f('int virDomainGetState(virDomain *dom, _Out_ int *state, _Out_ int *reason, unsigned int flags)'),
  // Hot path: filled into a reused buffer and decoded by offset (ops/domain.ts); an _Out_
  // struct would make koffi build an object and a BigInt per call (2.2× C instead of 1.1×).
  virDomainGetInfo: f('int virDomainGetInfo(virDomain *dom, void *info)'),
  virDomainGetXMLDesc: f('char *! virDomainGetXMLDesc(virDomain *dom, unsigned int flags)'),
  virDomainGetName: f('const char *virDomainGetName(virDomain *dom)'),
  virDomainGetUUIDString: f('int virDomainGetUUIDString(virDomain *dom, _Out_ uint8_t *buf)'),
  virDomainGetID: f('unsigned int virDomainGetID(virDomain *dom)'),
  virDomainIsActive: f('int virDomainIsActive(virDomain *dom)'),
  virDomainIsPersistent: f('int virDomainIsPersistent(virDomain *dom)'),
  virDomainGetAutostart: f('int virDomainGetAutostart(virDomain *dom, _Out_ int *autostart)'),
  virDomainSetAutostart: f('int virDomainSetAutostart(virDomain *dom, int autostart)'),
  virDomainSetVcpusFlags: f('int virDomainSetVcpusFlags(virDomain *dom, unsigned int nvcpus, unsigned int flags)'),
  virDomainSetMemoryFlags: f('int virDomainSetMemoryFlags(virDomain *dom, unsigned long memory, unsigned int flags)'),
  virDomainAttachDeviceFlags: f('int virDomainAttachDeviceFlags(virDomain *dom, const char *xml, unsigned int flags)'),
  virDomainDetachDeviceFlags: f('int virDomainDetachDeviceFlags(virDomain *dom, const char *xml, unsigned int flags)'),
  virDomainUpdateDeviceFlags: f('int virDomainUpdateDeviceFlags(virDomain *dom, const char *xml, unsigned int flags)'),
  virDomainBlockResize: f('int virDomainBlockResize(virDomain *dom, const char *disk, unsigned long long size, unsigned int flags)'),
  virConnectGetAllDomainStats: f('int virConnectGetAllDomainStats(virConnect *conn, unsigned int stats, _Out_ void **retStats, unsigned int flags)'),
  virDomainStatsRecordListFree: f('void virDomainStatsRecordListFree(void *stats)'),
  virDomainGetJobStats: f('int virDomainGetJobStats(virDomain *dom, _Out_ int *type, _Out_ void **params, _Out_ int *nparams, unsigned int flags)'),
  virDomainAbortJob: f('int virDomainAbortJob(virDomain *dom)'),
  virDomainMigrateToURI3: f('int virDomainMigrateToURI3(virDomain *dom, const char *dconnuri, void *params, unsigned int nparams, unsigned int flags)'),
  virDomainMigrate3: f('virDomain *virDomainMigrate3(virDomain *dom, virConnect *dconn, void *params, unsigned int nparams, unsigned int flags)'),
  virDomainMigrateSetMaxDowntime: f('int virDomainMigrateSetMaxDowntime(virDomain *dom, unsigned long long downtime, unsigned int flags)'),
  virDomainMigrateSetMaxSpeed: f('int virDomainMigrateSetMaxSpeed(virDomain *dom, unsigned long bandwidth, unsigned int flags)'),
  virDomainMigrateStartPostCopy: f('int virDomainMigrateStartPostCopy(virDomain *dom, unsigned int flags)'),
  virDomainOpenConsole: f('int virDomainOpenConsole(virDomain *dom, const char *dev_name, virStream *st, unsigned int flags)'),
  virDomainFree: f('int virDomainFree(virDomain *dom)'),

  // snapshots
  virDomainSnapshotCreateXML: f('virDomainSnapshot *virDomainSnapshotCreateXML(virDomain *dom, const char *xml, unsigned int flags)'),
  virDomainListAllSnapshots: f('int virDomainListAllSnapshots(virDomain *dom, _Out_ void **snaps, unsigned int flags)'),
  virDomainSnapshotCurrent: f('virDomainSnapshot *virDomainSnapshotCurrent(virDomain *dom, unsigned int flags)'),
  virDomainHasCurrentSnapshot: f('int virDomainHasCurrentSnapshot(virDomain *dom, unsigned int flags)'),
  virDomainSnapshotLookupByName: f('virDomainSnapshot *virDomainSnapshotLookupByName(virDomain *dom, const char *name, unsigned int flags)'),
  virDomainSnapshotGetParent: f('virDomainSnapshot *virDomainSnapshotGetParent(virDomainSnapshot *snap, unsigned int flags)'),
  virDomainSnapshotGetXMLDesc: f('char *! virDomainSnapshotGetXMLDesc(virDomainSnapshot *snap, unsigned int flags)'),
  virDomainSnapshotGetName: f('const char *virDomainSnapshotGetName(virDomainSnapshot *snap)'),
  virDomainSnapshotIsCurrent: f('int virDomainSnapshotIsCurrent(virDomainSnapshot *snap, unsigned int flags)'),
  virDomainRevertToSnapshot: f('int virDomainRevertToSnapshot(virDomainSnapshot *snap, unsigned int flags)'),
  virDomainSnapshotDelete: f('int virDomainSnapshotDelete(virDomainSnapshot *snap, unsigned int flags)'),
  virDomainSnapshotFree: f('int virDomainSnapshotFree(virDomainSnapshot *snap)'),

  // storage pools
  virConnectListAllStoragePools: f('int virConnectListAllStoragePools(virConnect *conn, _Out_ void **pools, unsigned int flags)'),
  virStoragePoolLookupByName: f('virStoragePool *virStoragePoolLookupByName(virConnect *conn, const char *name)'),
  virStoragePoolDefineXML: f('virStoragePool *virStoragePoolDefineXML(virConnect *conn, const char *xml, unsigned int flags)'),
  virStoragePoolBuild: f('int virStoragePoolBuild(virStoragePool *pool, unsigned int flags)'),
  virStoragePoolCreate: f('int virStoragePoolCreate(virStoragePool *pool, unsigned int flags)'),
  virStoragePoolDestroy: f('int virStoragePoolDestroy(virStoragePool *pool)'),
  virStoragePoolUndefine: f('int virStoragePoolUndefine(virStoragePool *pool)'),
  virStoragePoolRefresh: f('int virStoragePoolRefresh(virStoragePool *pool, unsigned int flags)'),
  virStoragePoolGetInfo: f('int virStoragePoolGetInfo(virStoragePool *pool, _Out_ virStoragePoolInfo *info)'),
  virStoragePoolGetXMLDesc: f('char *! virStoragePoolGetXMLDesc(virStoragePool *pool, unsigned int flags)'),
  virStoragePoolGetName: f('const char *virStoragePoolGetName(virStoragePool *pool)'),
  virStoragePoolGetUUIDString: f('int virStoragePoolGetUUIDString(virStoragePool *pool, _Out_ uint8_t *buf)'),
  virStoragePoolIsActive: f('int virStoragePoolIsActive(virStoragePool *pool)'),
  virStoragePoolGetAutostart: f('int virStoragePoolGetAutostart(virStoragePool *pool, _Out_ int *autostart)'),
  virStoragePoolSetAutostart: f('int virStoragePoolSetAutostart(virStoragePool *pool, int autostart)'),
  virStoragePoolFree: f('int virStoragePoolFree(virStoragePool *pool)'),

  // storage volumes
  virStoragePoolListAllVolumes: f('int virStoragePoolListAllVolumes(virStoragePool *pool, _Out_ void **vols, unsigned int flags)'),
  virStorageVolLookupByName: f('virStorageVol *virStorageVolLookupByName(virStoragePool *pool, const char *name)'),
  virStorageVolLookupByPath: f('virStorageVol *virStorageVolLookupByPath(virConnect *conn, const char *path)'),
  virStorageVolCreateXML: f('virStorageVol *virStorageVolCreateXML(virStoragePool *pool, const char *xml, unsigned int flags)'),
  virStorageVolCreateXMLFrom: f('virStorageVol *virStorageVolCreateXMLFrom(virStoragePool *pool, const char *xml, virStorageVol *clonevol, unsigned int flags)'),
  virStorageVolDelete: f('int virStorageVolDelete(virStorageVol *vol, unsigned int flags)'),
  virStorageVolResize: f('int virStorageVolResize(virStorageVol *vol, unsigned long long capacity, unsigned int flags)'),
  virStorageVolGetInfo: f('int virStorageVolGetInfo(virStorageVol *vol, _Out_ virStorageVolInfo *info)'),
  virStorageVolGetPath: f('char *! virStorageVolGetPath(virStorageVol *vol)'),
  virStorageVolGetName: f('const char *virStorageVolGetName(virStorageVol *vol)'),
  virStorageVolGetXMLDesc: f('char *! virStorageVolGetXMLDesc(virStorageVol *vol, unsigned int flags)'),
  virStorageVolUpload: f('int virStorageVolUpload(virStorageVol *vol, virStream *stream, unsigned long long offset, unsigned long long length, unsigned int flags)'),
  virStorageVolDownload: f('int virStorageVolDownload(virStorageVol *vol, virStream *stream, unsigned long long offset, unsigned long long length, unsigned int flags)'),
  virStorageVolFree: f('int virStorageVolFree(virStorageVol *vol)'),

  // networks
  virConnectListAllNetworks: f('int virConnectListAllNetworks(virConnect *conn, _Out_ void **nets, unsigned int flags)'),
  virNetworkLookupByName: f('virNetwork *virNetworkLookupByName(virConnect *conn, const char *name)'),
  virNetworkDefineXML: f('virNetwork *virNetworkDefineXML(virConnect *conn, const char *xml)'),
  virNetworkCreate: f('int virNetworkCreate(virNetwork *net)'),
  virNetworkDestroy: f('int virNetworkDestroy(virNetwork *net)'),
  virNetworkUndefine: f('int virNetworkUndefine(virNetwork *net)'),
  virNetworkGetAutostart: f('int virNetworkGetAutostart(virNetwork *net, _Out_ int *autostart)'),
  virNetworkSetAutostart: f('int virNetworkSetAutostart(virNetwork *net, int autostart)'),
  virNetworkGetXMLDesc: f('char *! virNetworkGetXMLDesc(virNetwork *net, unsigned int flags)'),
  virNetworkGetName: f('const char *virNetworkGetName(virNetwork *net)'),
  virNetworkGetUUIDString: f('int virNetworkGetUUIDString(virNetwork *net, _Out_ uint8_t *buf)'),
  virNetworkIsActive: f('int virNetworkIsActive(virNetwork *net)'),
  virNetworkGetDHCPLeases: f('int virNetworkGetDHCPLeases(virNetwork *net, const char *mac, _Out_ void **leases, unsigned int flags)'),
  virNetworkDHCPLeaseFree: f('void virNetworkDHCPLeaseFree(void *lease)'),
  virNetworkFree: f('int virNetworkFree(virNetwork *net)'),

  // streams
  virStreamNew: f('virStream *virStreamNew(virConnect *conn, unsigned int flags)'),
  virStreamSend: f('int virStreamSend(virStream *st, const uint8_t *data, size_t nbytes)'),
  virStreamRecv: f('int virStreamRecv(virStream *st, _Out_ uint8_t *data, size_t nbytes)'),
  virStreamFinish: f('int virStreamFinish(virStream *st)'),
  virStreamAbort: f('int virStreamAbort(virStream *st)'),
  virStreamFree: f('int virStreamFree(virStream *st)'),
  virStreamEventAddCallback: f('int virStreamEventAddCallback(virStream *st, int events, void *cb, void *opaque, void *ff)'),
  virStreamEventUpdateCallback: f('int virStreamEventUpdateCallback(virStream *st, int events)'),
  virStreamEventRemoveCallback: f('int virStreamEventRemoveCallback(virStream *st)'),

  // domain events
  virConnectDomainEventRegisterAny: f('int virConnectDomainEventRegisterAny(virConnect *conn, virDomain *dom, int eventID, void *cb, void *opaque, void *freecb)'),
  virConnectDomainEventDeregisterAny: f('int virConnectDomainEventDeregisterAny(virConnect *conn, int callbackID)'),

  // typed parameters (libvirt allocates; we free with virTypedParamsFree)
  virTypedParamsAddString: f('int virTypedParamsAddString(_Inout_ void **params, _Inout_ int *nparams, _Inout_ int *maxparams, const char *name, const char *value)'),
  virTypedParamsAddULLong: f('int virTypedParamsAddULLong(_Inout_ void **params, _Inout_ int *nparams, _Inout_ int *maxparams, const char *name, unsigned long long value)'),
  virTypedParamsAddInt: f('int virTypedParamsAddInt(_Inout_ void **params, _Inout_ int *nparams, _Inout_ int *maxparams, const char *name, int value)'),
  virTypedParamsAddUInt: f('int virTypedParamsAddUInt(_Inout_ void **params, _Inout_ int *nparams, _Inout_ int *maxparams, const char *name, unsigned int value)'),
  virTypedParamsFree: f('void virTypedParamsFree(void *params, int nparams)'),

  free: libc.func('void free(void *ptr)'),
  gettid: libc.func('int gettid(void)'),
  setpriority: libc.func('int setpriority(int which, unsigned int who, int prio)'),
};

// libvirt prints every error to stderr by default. Install a *native* no-op handler: libc's
// free(NULL) ignores its arguments, so error reporting never has to hop to a JS thread.
export function silenceDefaultErrorPrinter(): void {
  fn.virSetErrorFunc(null, libc.symbol('free'));
}

// A native function that ignores its arguments: the wake-up timer callback at exit, where no
// JS may run (see worker/event-worker.ts and event-loop.ts).
export const nativeNoop: Ptr = libc.symbol('sched_yield') as Ptr;

export { koffi };
