import { describe, expect, it } from 'vitest';
import { migrationProgress } from './migration-progress.ts';

describe('migration progress from job stats', () => {
  it('reports rate, dirty rate, expected downtime and an ETA from what is left', () => {
    const p = migrationProgress({ data_processed: 300, data_remaining: 100, data_total: 400, memory_bps: 50, memory_dirty_rate: 7, memory_iteration: 2, downtime: 40 }, false, null);
    expect(p).toMatchObject({ phase: 'memory', percent: 75, iteration: 2, rateBps: 50, dirtyRatePps: 7, expectedDowntimeMs: 40, etaS: 2 });
  });

  it('never runs the bar backwards when a new iteration finds re-dirtied pages', () => {
    const first = migrationProgress({ data_processed: 90, data_remaining: 10, data_total: 100 }, false, null);
    const second = migrationProgress({ data_processed: 100, data_remaining: 60, data_total: 160 }, false, first);
    expect(first.percent).toBe(90);
    expect(second.percent).toBe(90);
  });

  it('keeps 100 for the finished migration', () => {
    expect(migrationProgress({ data_processed: 100, data_remaining: 0, data_total: 100 }, false, null).percent).toBe(99.9);
  });

  it('names the phase: setup before data, storage while disks copy, completing once the source pauses', () => {
    expect(migrationProgress({}, false, null).phase).toBe('setup');
    expect(migrationProgress({ data_total: 10, data_processed: 1, data_remaining: 9, disk_total: 8, disk_remaining: 4 }, false, null).phase).toBe('storage');
    expect(migrationProgress({ data_total: 10, data_processed: 9, data_remaining: 1 }, true, null).phase).toBe('completing');
  });

  it('with disks copied, counts the memory still to come: the disk copy alone does not fill the bar', () => {
    const MiB = 1024 * 1024;
    // Disk mirror half done (libvirt's data_* cover the disks only), 256 MiB of guest memory to follow.
    const disk = migrationProgress({ data_total: 64 * MiB, data_processed: 32 * MiB, data_remaining: 32 * MiB, disk_total: 64 * MiB, disk_processed: 32 * MiB, disk_remaining: 32 * MiB }, false, null, 256 * MiB);
    expect(disk.phase).toBe('storage');
    expect(disk.percent).toBe(10);
    // Disks mirrored, memory not moving yet: still only the disks in libvirt's figures.
    const mirrored = migrationProgress({ data_total: 64 * MiB, data_processed: 64 * MiB, data_remaining: 0, disk_total: 64 * MiB, disk_processed: 64 * MiB, disk_remaining: 0 }, false, disk, 256 * MiB);
    expect(mirrored.percent).toBe(20);
    // Memory under way: libvirt's figures now cover disks and memory (as seen in the lab).
    const memory = migrationProgress({ disk_total: 64 * MiB, disk_processed: 64 * MiB, disk_remaining: 0, data_total: 337 * MiB, data_processed: 168.5 * MiB, data_remaining: 168.5 * MiB }, false, mirrored, 256 * MiB);
    expect(memory.phase).toBe('memory');
    expect(memory.percent).toBe(50);
  });
});
