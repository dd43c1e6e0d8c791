// POST /acl {userId, path, role} → 201 the grant (409 CONFLICT if the user already holds one there).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateGrantBody } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { aclKeys } from './acl-keys.ts';

export const createGrant = (body: CreateGrantBody) => api('createGrant', { body });

export function useCreateGrant() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createGrant,
    onSuccess: () => void qc.invalidateQueries({ queryKey: aclKeys.grants() }),
  });
}
