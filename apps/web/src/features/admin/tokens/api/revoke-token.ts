import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../../lib/api-client.ts';
import { adminKeys } from '../../admin-keys.ts';

export const revokeToken = (id: string) => api('revokeToken', { params: { id } });

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.tokens() }),
  });
}
