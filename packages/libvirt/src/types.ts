// Plain data the binding returns. Everything here crosses a thread boundary by structured
// clone, so it is numbers, strings, booleans, arrays and plain objects — never a pointer.
import type { TypedParams } from './ffi/typed-params.ts';

export type { TypedParams, TypedValue } from './ffi/typed-params.ts';

/** A domain's identity; `id` is -1 when the domain is not running. */
export interface DomainRef { uuid: string; name: string; id: number }

export interface DomainState { state: number; reason: number }

export interface DomainInfo {
  state: number;
  maxMemKiB: number;
  memoryKiB: number;
  vcpus: number;
  cpuTimeNs: number;
}

export interface DomainStatsRecord { uuid: string; name: string; stats: TypedParams }

export interface JobStats { type: number; stats: TypedParams }

export interface NodeInfo {
  model: string;
  memoryKiB: number;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

export interface SnapshotRef { name: string }

export interface StoragePoolSummary { name: string; uuid: string; active: boolean; autostart: boolean }
export interface StoragePoolInfo { state: number; capacity: number; allocation: number; available: number }
export interface StorageVolumeSummary { name: string; path: string; type: number; capacity: number; allocation: number }

export interface NetworkSummary { name: string; uuid: string; active: boolean; autostart: boolean }

export interface DhcpLease {
  iface: string;
  expiryTime: number;
  type: number;
  mac: string;
  ipAddress: string;
  prefix: number;
  hostname: string | null;
  clientId: string | null;
}
