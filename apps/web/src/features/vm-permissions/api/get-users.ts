// GET /users (needs users.manage on `/`): who a role can be granted to.
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { User } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { aclKeys } from './acl-keys.ts';

export const getUsers = (signal?: AbortSignal): Promise<User[]> => api('listUsers', {}, { signal }).then((r) => r.items);

export const usersQueryOptions = () => queryOptions({
  queryKey: aclKeys.users(),
  queryFn: ({ signal }) => getUsers(signal),
});

export const useUsers = (enabled: boolean) => useQuery({ ...usersQueryOptions(), enabled });
