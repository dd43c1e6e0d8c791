// Turns libvirt's job stats (virDomainGetJobStats on the source, polled while the migrate call
// blocks its Worker) into the task's structured progress. Pure, so the rules are unit-tested:
// - percent is processed / (processed + remaining). Both move while the guest re-dirties pages
//   (a new iteration finds more to send), so the raw figure runs backwards; the bar shown is the
//   highest seen so far, and only 'done' reaches 100.
// - With disks copied, libvirt first mirrors the disks (its data_* figures then cover the disks
//   only) and moves memory after: the whole is disks + guest memory, with memory counted as all
//   still to send until its phase starts. Otherwise the disk copy alone took the bar to 99.9,
//   where it stayed through the whole memory phase.
// - phase: no data yet → setup; disk copy (copy-storage) under way → storage; the source paused
//   for the switch-over → completing; otherwise memory.
import type { MigrationProgress } from '@ferry/contract';
import type { TypedParams } from '@ferry/libvirt';

const num = (s: TypedParams, key: string): number | null => (typeof s[key] === 'number' ? s[key] : null);

/** `guestMemoryBytes`: the guest's memory, what the memory phase will send at least. */
export function migrationProgress(stats: TypedParams, sourcePaused: boolean, previous: MigrationProgress | null, guestMemoryBytes = 0): MigrationProgress {
  const processed = num(stats, 'data_processed');
  const remaining = num(stats, 'data_remaining');
  const total = num(stats, 'data_total');
  const diskRemaining = num(stats, 'disk_remaining') ?? 0;
  const diskTotal = num(stats, 'disk_total') ?? 0;
  const iteration = num(stats, 'memory_iteration');
  const rate = num(stats, 'memory_bps') ?? num(stats, 'disk_bps');
  const raw = diskTotal > 0 ? withDisks(stats, diskTotal, diskRemaining, guestMemoryBytes)
    : processed !== null && remaining !== null && processed + remaining > 0 ? (processed / (processed + remaining)) * 100 : 0;
  const phase: MigrationProgress['phase'] = sourcePaused ? 'completing'
    : !total ? 'setup'
    : diskTotal > 0 && diskRemaining > 0 ? 'storage'
    : 'memory';
  return {
    phase,
    // 99.9 at most: 100 belongs to the finished migration, not to a job with data left to send.
    percent: Math.max(previous?.percent ?? 0, Math.min(99.9, Math.round(raw * 10) / 10)),
    iteration,
    processedBytes: processed,
    remainingBytes: remaining,
    totalBytes: total,
    rateBps: rate,
    dirtyRatePps: num(stats, 'memory_dirty_rate'),
    // While the job runs, libvirt's 'downtime' is QEMU's expected downtime.
    expectedDowntimeMs: num(stats, 'downtime'),
    etaS: remaining !== null && rate ? Math.round((remaining / rate) * 10) / 10 : null,
  };
}

/** Percent of disks + memory sent, for a migration that copies disks. */
function withDisks(stats: TypedParams, diskTotal: number, diskRemaining: number, guestMemoryBytes: number): number {
  const diskDone = num(stats, 'disk_processed') ?? Math.max(0, diskTotal - diskRemaining);
  const memoryStarted = (num(stats, 'memory_total') ?? 0) > 0;
  const memoryDone = memoryStarted ? num(stats, 'memory_processed') ?? 0 : 0;
  const memoryLeft = memoryStarted ? num(stats, 'memory_remaining') ?? 0 : guestMemoryBytes;
  const whole = diskDone + diskRemaining + memoryDone + memoryLeft;
  return whole > 0 ? ((diskDone + memoryDone) / whole) * 100 : 0;
}

export function startingProgress(phase: 'checking' | 'preparing'): MigrationProgress {
  return { phase, percent: 0, iteration: null, processedBytes: null, remainingBytes: null, totalBytes: null, rateBps: null, dirtyRatePps: null, expectedDowntimeMs: null, etaS: null };
}
