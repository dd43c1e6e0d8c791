// GET /vms/:vmId/snapshots: the tree in depth-first order (with depth) and the current one.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ResultOf } from '../../../lib/api-client.ts';
import { pollWhenOffline } from '../../../lib/live-status.ts';
import { snapshotKeys } from './snapshot-keys.ts';

export type SnapshotList = ResultOf<'listSnapshots'>;

export const getSnapshots = (vmId: string, signal?: AbortSignal): Promise<SnapshotList> =>
  api('listSnapshots', { params: { vmId } }, { signal });

export const snapshotsQueryOptions = (vmId: string) => queryOptions({
  queryKey: snapshotKeys.list(vmId),
  queryFn: ({ signal }) => getSnapshots(vmId, signal),
  refetchInterval: pollWhenOffline(5_000),
});

export const useSnapshots = (vmId: string) => useQuery(snapshotsQueryOptions(vmId));
