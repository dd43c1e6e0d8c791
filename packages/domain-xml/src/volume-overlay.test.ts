import { describe, expect, it } from 'vitest';
import { buildOverlayVolumeXml } from './volume-overlay.ts';
import { parseStorageVolume } from './volume.ts';

describe('buildOverlayVolumeXml', () => {
  it('names the backing image and its format explicitly', () => {
    const v = parseStorageVolume(buildOverlayVolumeXml({ name: 'c-disk0.qcow2', capacityBytes: 1 << 30, backing: { path: '/p/t & "x".qcow2', format: 'qcow2' } }));
    expect(v).toMatchObject({ name: 'c-disk0.qcow2', format: 'qcow2', capacityBytes: 1 << 30, backingStore: { path: '/p/t & "x".qcow2', format: 'qcow2' } });
  });
});
