import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { storageKeys } from './storage-keys.ts';

export interface DeleteVolumeInput {
  hostId: string;
  pool: string;
  volume: string;
}

export const deleteVolume = ({ hostId, pool, volume }: DeleteVolumeInput) =>
  api('deleteVolume', { params: { pool, volume }, query: { hostId } });

export function useDeleteVolume() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteVolume,
    onSuccess: (_r, { hostId, pool }) => {
      void qc.invalidateQueries({ queryKey: storageKeys.volumes(hostId, pool) });
      void qc.invalidateQueries({ queryKey: storageKeys.pools(hostId) });
    },
  });
}
