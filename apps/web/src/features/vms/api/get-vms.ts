import { queryOptions, useQuery } from '@tanstack/react-query';
import type { VmSummary } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { pollWhenOffline } from '../../../lib/live-status.ts';
import { vmKeys } from './vm-keys.ts';

/** Every VM the caller may see, on every host (filters are applied in the browser). */
export const getVms = (signal?: AbortSignal): Promise<VmSummary[]> =>
  api('listVms', {}, { signal }).then((r) => r.items);

export const vmsQueryOptions = () => queryOptions({
  queryKey: vmKeys.list(),
  queryFn: ({ signal }) => getVms(signal),
  refetchInterval: pollWhenOffline(5_000),
});

export const useVms = () => useQuery(vmsQueryOptions());
