import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { hostKeys } from './host-keys.ts';

export const getHostReadiness = (hostId: string, signal?: AbortSignal) =>
  api('getHostReadiness', { params: { hostId } }, { signal });

export const hostReadinessQueryOptions = (hostId: string) => queryOptions({
  queryKey: hostKeys.readiness(hostId),
  queryFn: ({ signal }) => getHostReadiness(hostId, signal),
  staleTime: 60_000,
});

export const useHostReadiness = (hostId: string) => useQuery(hostReadinessQueryOptions(hostId));
