// DELETE /acl/:id → 204.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { aclKeys } from './acl-keys.ts';

export const deleteGrant = (id: string) => api('deleteGrant', { params: { id } });

export function useDeleteGrant() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteGrant,
    onSuccess: () => void qc.invalidateQueries({ queryKey: aclKeys.grants() }),
  });
}
