// Messages between the main thread and the binding's Workers (structured-clone data only).
import type { LibvirtErrorData } from '../errors.ts';

/** `id` names the pool's call record and `serial` its use; the Worker echoes both. */
export interface CallRequest { id: number; serial: number; op: string; args: unknown[] }
export type CallResult =
  | { id: number; serial: number; ok: true; value: unknown }
  | { id: number; serial: number; ok: false; error: LibvirtErrorData }
  | { id: number; serial: number; ok: false; internal: string };

export interface CallBatch { batch: CallRequest[] }
export interface CallReplies { results: CallResult[] }
