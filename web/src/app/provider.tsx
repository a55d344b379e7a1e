import type { ReactNode } from 'react';
import { Toaster } from 'react-hot-toast';
import { SWRConfig, type SWRConfiguration } from 'swr';
import { ApiError, swrFetcher } from '../lib/api-client';

const MAX_ERROR_RETRIES = 3;

/** SWR defaults for the whole app: the typed fetcher, and no retrying of client errors. */
export const swrDefaults: SWRConfiguration = {
  fetcher: swrFetcher,
  onErrorRetry: (error, _key, _config, revalidate, { retryCount }) => {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) return;
    if (retryCount > MAX_ERROR_RETRIES) return;
    const wait =
      error instanceof ApiError && error.retryAfterSeconds !== undefined
        ? error.retryAfterSeconds * 1000
        : Math.min(30_000, 1000 * 2 ** retryCount);
    window.setTimeout(() => void revalidate({ retryCount }), wait);
  },
};

export interface AppProviderProps {
  children: ReactNode;
  /** Merged over `swrDefaults` (tests pass a fresh cache). */
  swrConfig?: SWRConfiguration;
}

export function AppProvider({ children, swrConfig }: AppProviderProps) {
  return (
    <SWRConfig value={{ ...swrDefaults, ...swrConfig }}>
      {children}
      <Toaster
        position="bottom-center"
        // Above the fixed "Refresh" button on narrow screens.
        containerStyle={{ bottom: 80 }}
        toastOptions={{ className: 'text-sm', style: { maxWidth: 440 } }}
      />
    </SWRConfig>
  );
}
