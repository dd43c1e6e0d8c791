import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BodyOf } from '../../../lib/api-client.ts';
import { api } from '../../../lib/api-client.ts';
import { hostKeys } from './host-keys.ts';

export type CreateHostInput = BodyOf<'createHost'>;

export const createHost = (body: CreateHostInput) => api('createHost', { body });

export function useCreateHost() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createHost,
    onSuccess: () => void qc.invalidateQueries({ queryKey: hostKeys.all }),
  });
}
