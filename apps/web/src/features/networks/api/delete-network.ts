import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { networkKeys } from './network-keys.ts';

export const deleteNetwork = ({ hostId, name }: { hostId: string; name: string }) =>
  api('deleteNetwork', { params: { name }, query: { hostId } });

export function useDeleteNetwork() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteNetwork,
    onSuccess: (_r, { hostId }) => void qc.invalidateQueries({ queryKey: networkKeys.list(hostId) }),
  });
}
