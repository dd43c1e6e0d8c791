import { queryOptions, useQuery } from '@tanstack/react-query';
import type { VmDetail } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { isApiError } from '../../../lib/api-error.ts';
import { pollWhenOffline } from '../../../lib/live-status.ts';
import { vmKeys } from './vm-keys.ts';

export const getVm = (vmId: string, signal?: AbortSignal): Promise<VmDetail> =>
  api('getVm', { params: { vmId } }, { signal });

export const vmQueryOptions = (vmId: string) => queryOptions({
  queryKey: vmKeys.detail(vmId),
  queryFn: ({ signal }) => getVm(vmId, signal),
  refetchInterval: pollWhenOffline(5_000),
  // A VM just asked for is defined by its create task a moment later: keep asking briefly.
  retry: (count, err) => isApiError(err) && err.code === 'NOT_FOUND' && count < 8,
  retryDelay: 500,
});

export const useVm = (vmId: string) => useQuery(vmQueryOptions(vmId));
