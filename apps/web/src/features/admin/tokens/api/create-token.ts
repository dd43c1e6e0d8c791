// Creates one of the caller's API tokens. The answer carries the secret, the only time it is
// ever sent: it is handed to the caller and never written into the query cache (the list is
// refetched instead, and holds no secrets).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateTokenBody } from '@ferry/contract';
import { api } from '../../../../lib/api-client.ts';
import { adminKeys } from '../../admin-keys.ts';

export const createToken = (body: CreateTokenBody) => api('createToken', { body });

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    // Gone from the mutation cache as soon as nothing watches it (the form resets it on success).
    gcTime: 0,
    onSuccess: () => void qc.invalidateQueries({ queryKey: adminKeys.tokens() }),
  });
}
