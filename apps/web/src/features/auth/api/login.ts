import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoginBody } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { sessionStore } from '../../../lib/session-store.ts';
import { authKeys } from './auth-keys.ts';
import { authState } from '../session.ts';

export async function login(body: LoginBody) {
  const result = await api('login', { body });
  sessionStore.setCsrfToken(result.csrfToken);
  return result;
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: async () => {
      // Whatever was cached belonged to the previous session.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      await qc.fetchQuery({ queryKey: authKeys.me(), queryFn: () => api('me', {}) });
      authState.signedIn();
    },
  });
}
