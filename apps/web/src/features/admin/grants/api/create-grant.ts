import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateGrantBody } from '@ferry/contract';
import { api } from '../../../../lib/api-client.ts';
import { authKeys } from '../../../auth/api/auth-keys.ts';
import { adminKeys } from '../../admin-keys.ts';

export const createGrant = (body: CreateGrantBody) => api('createGrant', { body });

export function useCreateGrant() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createGrant,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: adminKeys.grants() });
      // A grant to oneself changes what /auth/me says.
      void qc.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}
