// How the pool cuts a batch from its queue. A Worker runs its batch's calls one after another,
// so a call queued behind a long one (a migration: minutes to hours) would wait for it to end —
// and that may be the abortJob meant to cancel it. So a long call ends its batch: what came
// before it runs first, what came after goes to the next batch (another Worker, or this one once
// the long call has returned; the pool gives a Worker inside a long call no further batch).

/** Removes and returns up to `max` record indices from the head of `queue`, ending after the
 *  first long call. */
export function takeBatch(queue: number[], max: number, isLong: (index: number) => boolean): number[] {
  let n = 0;
  while (n < max && n < queue.length) {
    if (isLong(queue[n++]!)) break;
  }
  return queue.splice(0, n);
}
