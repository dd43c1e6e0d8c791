// Stops and removes a pool. Its files are never deleted; one that still holds volumes is
// refused (NOT_EMPTY) unless `force` — then the volumes stay on disk, out of libvirt's sight.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { storageKeys } from './storage-keys.ts';

export interface DeletePoolInput {
  hostId: string;
  pool: string;
  force?: boolean;
}

export const deletePool = ({ hostId, pool, force }: DeletePoolInput) =>
  api('deletePool', { params: { pool }, query: { hostId, ...(force ? { force: 'true' as const } : {}) } });

export function useDeletePool() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deletePool,
    onSuccess: (_r, { hostId }) => void qc.invalidateQueries({ queryKey: storageKeys.pools(hostId) }),
  });
}
