// GET /vms/:vmId/migrate/preflight?targetHostId=&storage=: each check pass / warn / fail with
// its reason. Asked for when the user runs it, and again whenever the target or storage mode
// changes; never cached long (the hosts change under it).
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { PreflightResult } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';

export type StorageMode = 'shared' | 'copy';

export interface PreflightInput {
  vmId: string;
  targetHostId: string;
  storage: StorageMode;
}

export const getPreflight = ({ vmId, targetHostId, storage }: PreflightInput, signal?: AbortSignal): Promise<PreflightResult> =>
  api('migratePreflight', { params: { vmId }, query: { targetHostId, storage } }, { signal });

export const preflightQueryOptions = (input: PreflightInput) => queryOptions({
  queryKey: ['migrations', 'preflight', input.vmId, input.targetHostId, input.storage] as const,
  queryFn: ({ signal }) => getPreflight(input, signal),
  staleTime: 0,
  gcTime: 30_000,
});

export const usePreflight = (input: PreflightInput | null) => useQuery({
  ...preflightQueryOptions(input ?? { vmId: '', targetHostId: '', storage: 'shared' }),
  enabled: input !== null,
});
