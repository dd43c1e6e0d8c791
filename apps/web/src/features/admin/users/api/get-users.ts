import { queryOptions, useQuery } from '@tanstack/react-query';
import type { User } from '@ferry/contract';
import { api } from '../../../../lib/api-client.ts';
import { adminKeys } from '../../admin-keys.ts';

export const getUsers = (signal?: AbortSignal): Promise<User[]> =>
  api('listUsers', {}, { signal }).then((r) => r.items);

export const usersQueryOptions = () => queryOptions({
  queryKey: adminKeys.users(),
  queryFn: ({ signal }) => getUsers(signal),
  // No user events: the list refreshes after our own changes and on focus.
  staleTime: 10_000,
});

export const useUsers = (enabled = true) => useQuery({ ...usersQueryOptions(), enabled });
