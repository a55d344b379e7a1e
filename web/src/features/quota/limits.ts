// What stops the user from generating right now, worked out from `GET /api/quota` and the
// server's last `429` refusal of `POST /api/generateImage`. Pure functions: the clock is a parameter.
import { ApiError } from '../../lib/api-client';
import type { QuotaResponse } from '../../types/api';
import { parseInstant } from './api/get-quota';

export type LimitCode = 'rate_limited' | 'too_many_in_flight' | 'daily_quota_exhausted' | 'budget_exhausted';

const LIMIT_CODES: ReadonlySet<string> = new Set<LimitCode>([
  'rate_limited',
  'too_many_in_flight',
  'daily_quota_exhausted',
  'budget_exhausted',
]);

/** A `429` refusal of a generation because one of the server's limits was hit. */
export interface LimitRefusal {
  code: LimitCode;
  message: string;
  /** Epoch ms from which the server said to try again; `null` when it did not say. */
  retryAt: number | null;
  /** The options of the refused request: the daily count and budget depend on them. */
  requestKey: string;
}

/** The refusal `error` stands for, or `null` when it is some other failure. */
export function toLimitRefusal(error: unknown, requestKey: string, now: number): LimitRefusal | null {
  if (!(error instanceof ApiError) || error.status !== 429 || !LIMIT_CODES.has(error.code)) return null;
  const wait = error.retryAfterSeconds;
  return {
    code: error.code as LimitCode,
    message: error.message.trim(),
    retryAt: wait !== undefined && wait > 0 ? now + wait * 1000 : null,
    requestKey,
  };
}

/** The one line shown beside Generate while a limit applies. */
export interface GenerateLimit {
  reason: string;
  /** Generate stays disabled while true. */
  blocksGenerate: boolean;
  /** Epoch ms at which a short wait ends, shown as "Try again in N s.". */
  countdownUntil?: number;
}

export interface LimitState {
  quota: QuotaResponse | undefined;
  refusal: LimitRefusal | null;
  /** The options Generate would send now (see `LimitRefusal.requestKey`). */
  requestKey: string;
  /** How many images Generate would ask for. */
  requestedImages: number;
  now: number;
}

/** "1 image left today", "12 images left today". */
export function imagesLeftText(left: number): string {
  return `${left.toLocaleString()} ${left === 1 ? 'image' : 'images'} left today`;
}

/** The reset time as the user's clock shows it, e.g. "00:00" or "12:00 AM". */
export function formatResetTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function dailyQuotaUsedUp(resetAt: number | undefined): GenerateLimit {
  const more = resetAt === undefined ? '' : ` More at ${formatResetTime(resetAt)}.`;
  return { reason: `You’ve made today’s images.${more}`, blocksGenerate: true };
}

function budgetUsedUp(resetAt: number | undefined): GenerateLimit {
  const again = resetAt === undefined ? '' : ` Generating starts again at ${formatResetTime(resetAt)}.`;
  return { reason: `Today’s image budget on this server is used up.${again}`, blocksGenerate: true };
}

/** The budget is not used up, but what is left of it cannot pay for this request. */
function budgetTooSmall(resetAt: number | undefined): GenerateLimit {
  const again = resetAt === undefined ? '' : `, or generate again at ${formatResetTime(resetAt)}`;
  return {
    reason: `What is left of today’s image budget on this server cannot cover this request. Try fewer or smaller images${again}.`,
    blocksGenerate: true,
  };
}

/** What stops (or delays) the next generation; `null` when nothing does. */
export function currentLimit({ quota, refusal, requestKey, requestedImages, now }: LimitState): GenerateLimit | null {
  const left = quota?.client.imagesLeftToday;
  if (typeof left === 'number' && left > 0 && left < requestedImages) {
    return { reason: `Only ${imagesLeftText(left)}. Choose fewer images.`, blocksGenerate: true };
  }

  const live = refusal !== null && (refusal.retryAt === null || now < refusal.retryAt) ? refusal : null;
  // The daily count and the budget refused *these* options; other options may still fit.
  const refusedThisRequest = live !== null && live.requestKey === requestKey;
  if (refusedThisRequest && live.code === 'daily_quota_exhausted') {
    return dailyQuotaUsedUp(live.retryAt ?? parseInstant(quota?.client.resetsAt));
  }
  if (refusedThisRequest && live.code === 'budget_exhausted') {
    const resetAt = live.retryAt ?? parseInstant(quota?.budget?.resetsAt);
    return quota?.budget?.exhausted === false ? budgetTooSmall(resetAt) : budgetUsedUp(resetAt);
  }

  if (quota?.budget?.exhausted) return budgetUsedUp(parseInstant(quota.budget.resetsAt));
  if (left === 0) return dailyQuotaUsedUp(parseInstant(quota?.client.resetsAt));

  if (live && (live.code === 'rate_limited' || live.code === 'too_many_in_flight')) {
    const reason = sentence(live.message || 'Too many images are being generated right now.');
    return live.retryAt === null
      ? { reason, blocksGenerate: false }
      : { reason, blocksGenerate: true, countdownUntil: live.retryAt };
  }
  return null;
}

/** Whole seconds left until `until` (at least 1 while any time is left). */
export function secondsUntil(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}
