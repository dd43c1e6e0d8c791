// Start or stop a network (stopping cuts the guests on it off).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { networkKeys } from './network-keys.ts';

export interface NetworkPowerInput {
  hostId: string;
  name: string;
  action: 'start' | 'stop';
}

export const networkPower = ({ hostId, name, action }: NetworkPowerInput) =>
  api(action === 'start' ? 'startNetwork' : 'stopNetwork', { params: { name }, query: { hostId }, body: {} });

export function useNetworkPower() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: networkPower,
    onSuccess: () => void qc.invalidateQueries({ queryKey: networkKeys.all }),
  });
}
