// The operation table a pool Worker executes. The main thread imports only its *type*, so
// `pool.call('domainGetInfo', [conn, uuid])` is checked against the real signature without
// loading koffi on the main thread.
import { connectionOps } from './connection.ts';
import { domainOps } from './domain.ts';
import { snapshotOps } from './snapshot.ts';
import { storageOps } from './storage.ts';
import { networkOps } from './network.ts';

export const ops = { ...connectionOps, ...domainOps, ...snapshotOps, ...storageOps, ...networkOps };

export type Ops = typeof ops;
export type OpName = keyof Ops;
