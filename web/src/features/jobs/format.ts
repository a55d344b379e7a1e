// Words and numbers of a job tile. Pure functions: the clock is a parameter.
import type { Job } from '../../types/api';

/** "0:07", "2:05", "1:02:03". */
export function formatElapsed(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "about 12 s left", "about 3 min left". */
export function formatEta(seconds: number): string {
  const rounded = Math.max(1, Math.ceil(seconds));
  if (rounded < 60) return `about ${rounded} s left`;
  return `about ${Math.round(rounded / 60)} min left`;
}

/** Whole percent, 0..100. */
export function percentOf(fraction: number): number {
  return Math.round(Math.min(1, Math.max(0, fraction)) * 100);
}

/** Seconds since the job started running (or was queued), by the user's clock; `null` when unknown. */
export function elapsedSeconds(job: Pick<Job, 'createdAt' | 'startedAt'>, now: number): number | null {
  const since = Date.parse(job.startedAt ?? job.createdAt);
  if (Number.isNaN(since)) return null;
  return Math.max(0, (now - since) / 1000);
}

/** Only pictures: `data:image/...`, http(s) and site-relative links. */
export function safePreviewUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  const trimmed = url.trim();
  if (/^data:image\/[a-z0-9.+-]+[;,]/i.test(trimmed)) return trimmed;
  if (/^https?:\/\//i.test(trimmed)) return trimmed;
  if (/^\/(?!\/)/.test(trimmed)) return trimmed;
  return null;
}

/** The headline of a failed job's tile, by error code; the server's message follows it. */
export function failureTitle(code: string | undefined): string {
  switch (code) {
    case 'content_policy_violation':
      return 'The provider refused this prompt';
    case 'provider_timeout':
      return 'The image provider took too long';
    case 'provider_unavailable':
    case 'provider_error':
      return 'The image provider failed';
    case 'interrupted':
      return 'Interrupted when the server restarted';
    case 'rate_limited':
    case 'budget_exhausted':
    case 'daily_quota_exhausted':
      return 'A limit was reached';
    default:
      return 'Generation failed';
  }
}

/** The tile's one-line state, announced politely when it changes (not every percent). */
export function statusLine(job: Job | null): string {
  if (job === null) return 'Reconnecting…';
  switch (job.status) {
    case 'queued':
      return job.queuePosition !== null ? `Queued · position ${job.queuePosition}` : 'Queued';
    case 'running':
      return 'Generating…';
    case 'succeeded':
      return 'Done';
    case 'failed':
      return failureTitle(job.error?.code);
    case 'cancelled':
      return 'Cancelled';
  }
}
