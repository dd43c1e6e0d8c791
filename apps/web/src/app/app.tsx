// The dashboard: providers, then the auth gate, then the frame.
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { AuthGate } from '../features/auth/components/auth-gate.tsx';
import { Shell } from './frame/shell.tsx';
import { useLiveUpdates } from './use-live-updates.ts';

function SignedIn() {
  useLiveUpdates();
  return <Shell />;
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthGate>
        <SignedIn />
      </AuthGate>
    </QueryClientProvider>
  );
}
