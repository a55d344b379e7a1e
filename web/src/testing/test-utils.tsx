import { render, type RenderOptions } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement, ReactNode } from 'react';
import { AppProvider } from '../app/provider';

/** The app's providers with a fresh SWR cache per test and no automatic error retries. */
export function TestProviders({ children }: { children: ReactNode }) {
  return (
    <AppProvider swrConfig={{ provider: () => new Map(), dedupingInterval: 0, shouldRetryOnError: false }}>
      {children}
    </AppProvider>
  );
}

export function renderWithProviders(ui: ReactElement, options?: Omit<RenderOptions, 'wrapper'>) {
  const user = userEvent.setup();
  const result = render(ui, { wrapper: TestProviders, ...options });
  return { user, ...result };
}
