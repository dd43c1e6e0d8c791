// A directory pool: libvirt makes the directory (with its parents) if missing, starts the pool
// and, unless told otherwise, starts it with the host.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type BodyOf } from '../../../lib/api-client.ts';
import { storageKeys } from './storage-keys.ts';

export type CreatePoolInput = { hostId: string } & BodyOf<'createPool'>;

export const createPool = ({ hostId, ...body }: CreatePoolInput) => api('createPool', { query: { hostId }, body });

export function useCreatePool() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createPool,
    onSuccess: (_r, { hostId }) => void qc.invalidateQueries({ queryKey: storageKeys.pools(hostId) }),
  });
}
