// An empty, thin-provisioned volume (qcow2 or raw) of a size in GiB.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type BodyOf } from '../../../lib/api-client.ts';
import { storageKeys } from './storage-keys.ts';

export type CreateVolumeInput = { hostId: string; pool: string } & BodyOf<'createVolume'>;

export const createVolume = ({ hostId, pool, ...body }: CreateVolumeInput) =>
  api('createVolume', { params: { pool }, query: { hostId }, body });

export function useCreateVolume() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createVolume,
    onSuccess: (_r, { hostId, pool }) => {
      void qc.invalidateQueries({ queryKey: storageKeys.volumes(hostId, pool) });
      void qc.invalidateQueries({ queryKey: storageKeys.pools(hostId) });
    },
  });
}
