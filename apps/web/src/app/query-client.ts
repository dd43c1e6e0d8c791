// The one QueryClient. Data is kept fresh by the event stream while it is live (app/live-updates.ts);
// without it, queries poll (pollWhenOffline) and refetch when the window regains focus.
import { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../lib/api-error.ts';
import { liveStatus } from '../lib/live-status.ts';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        refetchOnWindowFocus: () => liveStatus.get() !== 'live',
        // Retrying cannot fix a refusal or a missing object; it can ride out a blip.
        retry: (count, err) => count < 2 && !(isApiError(err) && err.status >= 400 && err.status < 500),
      },
      mutations: { retry: false },
    },
  });
}
