// Rename a host or change its URIs; a changed URI makes Ferry reconnect.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BodyOf } from '../../../lib/api-client.ts';
import { api } from '../../../lib/api-client.ts';
import { hostKeys } from './host-keys.ts';

export type UpdateHostInput = BodyOf<'updateHost'> & { hostId: string };

export const updateHost = ({ hostId, ...body }: UpdateHostInput) => api('updateHost', { params: { hostId }, body });

export function useUpdateHost() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateHost,
    onSuccess: () => void qc.invalidateQueries({ queryKey: hostKeys.all }),
  });
}
