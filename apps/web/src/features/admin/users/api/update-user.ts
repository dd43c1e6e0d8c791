// Disable or enable a user, or set a new password (which ends their other sessions).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { UpdateUserBody } from '@ferry/contract';
import { api } from '../../../../lib/api-client.ts';
import { adminKeys } from '../../admin-keys.ts';

export const updateUser = ({ id, ...body }: UpdateUserBody & { id: string }) => api('updateUser', { params: { id }, body });

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.users() }),
  });
}
