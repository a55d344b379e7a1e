import { useEffect } from 'react';
import useSWR from 'swr';
import { apiFetch, expectShape, type ApiError } from '../../../lib/api-client';
import type { QuotaResponse } from '../../../types/api';

export const QUOTA_KEY = '/api/quota';

/** setTimeout's longest delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Ask again a little after the reset, so the server has surely started the new day. */
const AFTER_RESET_MS = 2000;

function isQuota(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { client, budget } = value as { client?: unknown; budget?: unknown };
  if (typeof client !== 'object' || client === null) return false;
  const { imagesLeftToday, resetsAt } = client as { imagesLeftToday?: unknown; resetsAt?: unknown };
  const clientOk = (imagesLeftToday === null || typeof imagesLeftToday === 'number') && typeof resetsAt === 'string';
  const budgetOk =
    budget === null ||
    budget === undefined ||
    (typeof budget === 'object' && typeof (budget as { exhausted?: unknown }).exhausted === 'boolean');
  return clientOk && budgetOk;
}

/** `GET /api/quota`: where this client stands today. */
export async function getQuota(): Promise<QuotaResponse> {
  const quota = expectShape<QuotaResponse>(await apiFetch<unknown>(QUOTA_KEY), isQuota);
  return { ...quota, budget: quota.budget ?? null };
}

/** Epoch ms of an ISO 8601 instant; `undefined` when absent or unreadable. */
export function parseInstant(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : at;
}

/** The next moment at which the client's count or the server's budget starts again. */
function nextReset(quota: QuotaResponse | undefined): number | undefined {
  const resets = [parseInstant(quota?.client.resetsAt), parseInstant(quota?.budget?.resetsAt)].filter(
    (at): at is number => at !== undefined,
  );
  return resets.length > 0 ? Math.min(...resets) : undefined;
}

/**
 * `GET /api/quota`, kept fresh: re-fetched on focus, after `mutate()` (each generation) and
 * once the day has started again.
 */
export function useQuota() {
  const swr = useSWR<QuotaResponse, ApiError>(QUOTA_KEY, getQuota, { revalidateOnFocus: true });
  const { mutate } = swr;
  const resetAt = nextReset(swr.data);

  useEffect(() => {
    if (resetAt === undefined) return undefined;
    const delay = resetAt - Date.now();
    if (delay <= 0) return undefined; // a clock behind the server's: focus and generations still refresh
    const id = window.setTimeout(() => void mutate(), Math.min(MAX_TIMER_MS, delay + AFTER_RESET_MS));
    return () => window.clearTimeout(id);
  }, [mutate, resetAt]);

  return swr;
}
