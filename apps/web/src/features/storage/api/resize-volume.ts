// Grows a volume to a new size in bytes (a smaller one is refused: SHRINK_REFUSED).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { storageKeys } from './storage-keys.ts';

export interface ResizeVolumeInput {
  hostId: string;
  pool: string;
  volume: string;
  capacityBytes: number;
}

export const resizeVolume = ({ hostId, pool, volume, capacityBytes }: ResizeVolumeInput) =>
  api('resizeVolume', { params: { pool, volume }, query: { hostId }, body: { capacityBytes } });

export function useResizeVolume() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: resizeVolume,
    onSuccess: (_r, { hostId, pool }) => {
      void qc.invalidateQueries({ queryKey: storageKeys.volumes(hostId, pool) });
      void qc.invalidateQueries({ queryKey: storageKeys.pools(hostId) });
    },
  });
}
