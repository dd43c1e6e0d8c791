// Turns libvirt's job stats (virDomainGetJobStats on the source, polled while the migrate call
// blocks its Worker) into the task's structured progress. Pure, so the rules are unit-tested:
// - percent is processed / (processed + remaining). Both move while the guest re-dirties pages
//   (a new iteration finds more to send), so the raw figure runs backwards; the bar shown is the
//   highest seen so far, and only 'done' reaches 100.
// - With disks copied, libvirt first mirrors the disks, and until memory starts moving its
//   data_* figures cover the disks only (data_total ≤ disk_total); the guest's memory is then
//   added to the whole as still to send. Otherwise the disk copy alone took the bar to 99.9,
//   where it stayed through the whole memory phase. Once memory moves, data_* cover both.
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
  const memoryToCome = diskTotal > 0 && total !== null && total <= diskTotal ? guestMemoryBytes : 0;
  const whole = processed !== null && remaining !== null ? processed + remaining + memoryToCome : 0;
  const raw = whole > 0 ? (processed! / whole) * 100 : 0;
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

export function startingProgress(phase: 'checking' | 'preparing'): MigrationProgress {
  return { phase, percent: 0, iteration: null, processedBytes: null, remainingBytes: null, totalBytes: null, rateBps: null, dirtyRatePps: null, expectedDowntimeMs: null, etaS: null };
}
