import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import { sessionStore } from '../../../lib/session-store.ts';
import { authState } from '../session.ts';

export const logout = () => api('logout', {});

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // Signed out locally whatever the server said: a failed logout still forgets the session here.
    onSettled: () => {
      sessionStore.clear();
      authState.signedOut();
      qc.clear();
    },
  });
}
