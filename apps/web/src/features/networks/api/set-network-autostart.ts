import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { networkKeys } from './network-keys.ts';

export const setNetworkAutostart = ({ hostId, name, enabled }: { hostId: string; name: string; enabled: boolean }) =>
  api('setNetworkAutostart', { params: { name }, query: { hostId }, body: { enabled } });

export function useSetNetworkAutostart() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setNetworkAutostart,
    onSuccess: () => void qc.invalidateQueries({ queryKey: networkKeys.all }),
  });
}
