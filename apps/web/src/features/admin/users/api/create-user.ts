import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateUserBody } from '@ferry/contract';
import { api } from '../../../../lib/api-client.ts';
import { adminKeys } from '../../admin-keys.ts';

export const createUser = (body: CreateUserBody) => api('createUser', { body });

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: adminKeys.users() });
      // A role given at creation is a grant on `/`.
      void qc.invalidateQueries({ queryKey: adminKeys.grants() });
    },
  });
}
