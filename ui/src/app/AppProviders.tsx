// Everything the screens need around them: the TanStack Query client and the sign-in
// flow. main.tsx and the tests mount the app through this one component.

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { SignInFlowProvider } from "../features/signin/SignInFlow";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Rust answers from memory; a failed command is shown, not silently repeated.
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export function AppProviders({ client, children }: { client: QueryClient; children: ReactNode }) {
  return (
    <QueryClientProvider client={client}>
      <SignInFlowProvider>{children}</SignInFlowProvider>
    </QueryClientProvider>
  );
}
