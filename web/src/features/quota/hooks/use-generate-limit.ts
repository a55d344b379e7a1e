import { useCallback, useEffect, useState } from 'react';
import { useQuota } from '../api/get-quota';
import { currentLimit, toLimitRefusal, type LimitRefusal } from '../limits';

/** setTimeout's longest delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface UseGenerateLimitOptions {
  /** The options Generate would send now, as one string (a refusal of the count or budget is for them). */
  requestKey: string;
  /** How many images Generate would ask for. */
  requestedImages: number;
}

/**
 * The quota and the server's last limit refusal, as what stops Generate right now. Ticks once a
 * second during a short wait (for its countdown) and once more when a refusal runs out.
 */
export function useGenerateLimit({ requestKey, requestedImages }: UseGenerateLimitOptions) {
  const quota = useQuota();
  const { mutate } = quota;
  const [refusal, setRefusal] = useState<LimitRefusal | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const limit = currentLimit({ quota: quota.data, refusal, requestKey, requestedImages, now });
  const counting = limit?.countdownUntil !== undefined;
  const retryAt = refusal?.retryAt ?? null;

  useEffect(() => {
    if (retryAt === null) return undefined;
    const remaining = retryAt - Date.now();
    if (remaining <= 0) return undefined;
    const tick = () => setNow(Date.now());
    // During a countdown: every second (from the refusal, so on whole seconds of the wait);
    // otherwise once, when the refusal runs out.
    if (counting) {
      const id = window.setInterval(tick, 1000);
      return () => window.clearInterval(id);
    }
    const id = window.setTimeout(tick, Math.min(MAX_TIMER_MS, remaining));
    return () => window.clearTimeout(id);
  }, [counting, retryAt]);

  /** Remembers `error` when it is a limit refusal; returns whether it was one. */
  const recordRefusal = useCallback((error: unknown, refusedRequestKey: string): boolean => {
    const at = Date.now();
    const refused = toLimitRefusal(error, refusedRequestKey, at);
    if (!refused) return false;
    setNow(at);
    setRefusal(refused);
    return true;
  }, []);

  const clearRefusal = useCallback(() => setRefusal(null), []);
  const refreshQuota = useCallback(() => void mutate(), [mutate]);

  return {
    limit,
    now,
    imagesLeftToday: quota.data?.client.imagesLeftToday ?? null,
    recordRefusal,
    clearRefusal,
    refreshQuota,
  };
}
