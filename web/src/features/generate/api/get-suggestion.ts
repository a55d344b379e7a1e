import useSWR from 'swr';
import type { ApiError } from '../../../lib/api-client';
import type { SuggestionResponse } from '../../../types/api';

export const SUGGESTION_KEY = '/api/suggestion';

/**
 * `GET /api/suggestion`: fetched once on load; `mutate()` ("New suggestion") fetches another.
 */
export function useSuggestion() {
  return useSWR<SuggestionResponse, ApiError>(SUGGESTION_KEY, {
    revalidateOnFocus: false,
    revalidateOnReconnect: false,
    revalidateIfStale: false,
  });
}
