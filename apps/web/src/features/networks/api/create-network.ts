// A NAT, isolated or bridged network; started and autostarted unless the body says otherwise.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateNetworkBody } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { networkKeys } from './network-keys.ts';

export type CreateNetworkInput = { hostId: string; body: CreateNetworkBody };

export const createNetwork = ({ hostId, body }: CreateNetworkInput) => api('createNetwork', { query: { hostId }, body });

export function useCreateNetwork() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createNetwork,
    onSuccess: (_r, { hostId }) => void qc.invalidateQueries({ queryKey: networkKeys.list(hostId) }),
  });
}
