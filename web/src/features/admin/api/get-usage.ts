import { useCallback, useMemo, useRef } from 'react';
import useSWR, { useSWRConfig } from 'swr';
import { ApiError, apiFetch, expectShape } from '../../../lib/api-client';
import type { AdminBudget, AdminUsageResponse, UsageCounts, UsageDay } from '../../../types/api';

export const ADMIN_USAGE_PATH = '/api/admin/usage';

export const INVALID_TOKEN_MESSAGE = 'That token is not valid';
export const NO_ADMIN_TOKEN_MESSAGE = 'This server has no admin token configured (VISIONARY_ADMIN_TOKEN)';

export function usagePath(days: number): string {
  return `${ADMIN_USAGE_PATH}?days=${days}`;
}

/**
 * The SWR key of the usage of `days` days. The token is part of it, so another token never sees
 * the previous one's answer; SWR keeps keys in memory only.
 */
export type UsageKey = readonly [path: string, token: string];
export function usageKey(token: string, days: number): UsageKey {
  return [usagePath(days), token] as const;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCounts(value: unknown): value is UsageCounts {
  if (typeof value !== 'object' || value === null) return false;
  const { images, failures, spentUsd } = value as Partial<Record<keyof UsageCounts, unknown>>;
  return isNumber(images) && isNumber(failures) && isNumber(spentUsd);
}

function isDay(value: unknown): value is UsageDay {
  if (!isCounts(value)) return false;
  const { day, models } = value as { day?: unknown; models?: unknown };
  return (
    typeof day === 'string' &&
    (models === undefined || (typeof models === 'object' && models !== null && Object.values(models).every(isCounts)))
  );
}

function isBudget(value: unknown): value is AdminBudget {
  if (typeof value !== 'object' || value === null) return false;
  const { limitUsd, spentUsd, reservedUsd, exhausted, resetsAt } = value as Partial<Record<keyof AdminBudget, unknown>>;
  return (
    isNumber(limitUsd) &&
    isNumber(spentUsd) &&
    (reservedUsd === undefined || isNumber(reservedUsd)) &&
    typeof exhausted === 'boolean' &&
    typeof resetsAt === 'string'
  );
}

function isUsage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { days, budget } = value as { days?: unknown; budget?: unknown };
  return Array.isArray(days) && days.every(isDay) && (budget === null || budget === undefined || isBudget(budget));
}

/**
 * `GET /api/admin/usage?days=N` with the admin token. A refused token becomes an `ApiError` whose
 * message says what to do (401: wrong token; 403: the server has none configured).
 */
export async function getUsage(token: string, days: number): Promise<AdminUsageResponse> {
  let body: unknown;
  try {
    body = await apiFetch<unknown>(usagePath(days), { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      throw new ApiError({
        status: error.status,
        code: error.code,
        message: error.status === 401 ? INVALID_TOKEN_MESSAGE : NO_ADMIN_TOKEN_MESSAGE,
        ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      });
    }
    throw error;
  }
  const usage = expectShape<AdminUsageResponse>(body, isUsage);
  return {
    days: usage.days.map((day) => ({ ...day, models: day.models ?? {} })),
    budget: usage.budget ? { ...usage.budget, reservedUsd: usage.budget.reservedUsd ?? 0 } : null,
  };
}

/** Whether `error` means the token is no longer accepted (signed out by the server's side). */
export function isTokenRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

const REFRESH_INTERVAL_MS = 60_000;

/**
 * The usage of the last `days` days, refreshed every minute and on focus; nothing without a token.
 * While another period loads, `data` is the previous period's answer (for the same token only) and
 * `isSwitching` is true.
 */
export function useUsage(token: string | null, days: number) {
  const swr = useSWR<AdminUsageResponse, ApiError, UsageKey | null>(
    token ? usageKey(token, days) : null,
    ([, key]: UsageKey) => getUsage(key, days),
    { refreshInterval: REFRESH_INTERVAL_MS, revalidateOnFocus: true },
  );
  const last = useRef<{ token: string; data: AdminUsageResponse } | null>(null);
  if (token && swr.data) last.current = { token, data: swr.data };
  if (!token) last.current = null;
  const previous = !swr.data && !swr.error && token && last.current?.token === token ? last.current.data : undefined;
  return {
    data: swr.data ?? previous,
    error: swr.error,
    isLoading: swr.isLoading && !previous,
    isSwitching: previous !== undefined,
    isValidating: swr.isValidating,
    mutate: swr.mutate,
  };
}

/** Puts an answer into the cache (after signing in) and drops every cached answer (signing out). */
export function useUsageCache() {
  const { mutate } = useSWRConfig();
  const seed = useCallback(
    (token: string, days: number, usage: AdminUsageResponse) =>
      void mutate(usageKey(token, days), usage, { revalidate: false }),
    [mutate],
  );
  const forget = useCallback(
    () =>
      void mutate(
        (key) => Array.isArray(key) && typeof key[0] === 'string' && key[0].startsWith(ADMIN_USAGE_PATH),
        undefined,
        { revalidate: false },
      ),
    [mutate],
  );
  return useMemo(() => ({ seed, forget }), [seed, forget]);
}
