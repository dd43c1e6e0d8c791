// Messages between the main thread and the binding's Workers (structured-clone data only).
import type { LibvirtErrorData } from '../errors.ts';

export interface CallRequest { id: number; op: string; args: unknown[] }
export type CallResult =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: LibvirtErrorData }
  | { id: number; ok: false; internal: string };

export interface CallBatch { batch: CallRequest[] }
export interface CallReplies { results: CallResult[] }
