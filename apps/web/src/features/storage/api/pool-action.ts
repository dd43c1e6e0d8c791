// Start, stop or rescan a pool (refresh finds volumes added or changed outside Ferry).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { storageKeys } from './storage-keys.ts';

export type PoolAction = 'start' | 'stop' | 'refresh';

const ROUTE = { start: 'startPool', stop: 'stopPool', refresh: 'refreshPool' } as const satisfies Record<PoolAction, string>;

export const poolAction = ({ hostId, pool, action }: { hostId: string; pool: string; action: PoolAction }) =>
  api(ROUTE[action], { params: { pool }, query: { hostId }, body: {} });

export function usePoolAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: poolAction,
    onSuccess: (_r, { hostId, pool }) => {
      void qc.invalidateQueries({ queryKey: storageKeys.pools(hostId) });
      void qc.invalidateQueries({ queryKey: storageKeys.volumes(hostId, pool) });
    },
  });
}
