// Memory an operation hands over with its reply instead of having it copied: an op running in
// a pool Worker registers the ArrayBuffers of its result here, and the Worker passes them as
// postMessage's transfer list, so the main thread receives them without a copy (the buffer
// changes owner; the Worker's view of it is detached). Ops run one at a time and the reply is
// posted right after its batch, so a module-level list is enough.
const pending: ArrayBuffer[] = [];

/** `buf` goes to the main thread with this batch's reply, not copied. Returns it. */
export function transferWithReply<T extends ArrayBufferView>(view: T): T {
  pending.push(view.buffer as ArrayBuffer);
  return view;
}

/** The buffers registered since the last call (call-worker.ts, once per reply). */
export function takeTransfers(): ArrayBuffer[] {
  return pending.splice(0);
}
