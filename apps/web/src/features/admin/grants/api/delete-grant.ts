import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../../lib/api-client.ts';
import { authKeys } from '../../../auth/api/auth-keys.ts';
import { adminKeys } from '../../admin-keys.ts';

export const deleteGrant = (id: string) => api('deleteGrant', { params: { id } });

export function useDeleteGrant() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteGrant,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: adminKeys.grants() });
      void qc.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}
