import useSWR from 'swr';
import type { ApiError } from '../../../lib/api-client';
import type { ConfigResponse } from '../../../types/api';

export const CONFIG_KEY = '/api/config';

/** `GET /api/config`: the active provider, model, supported options and limits. */
export function useConfig() {
  return useSWR<ConfigResponse, ApiError>(CONFIG_KEY, {
    revalidateOnFocus: false,
    revalidateIfStale: false,
  });
}
