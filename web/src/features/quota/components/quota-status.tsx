import { cn } from '../../../lib/cn';
import { imagesLeftText, secondsUntil, type GenerateLimit } from '../limits';

/** "N images left today" beside Generate; nothing when the server sets no daily cap. */
export function ImagesLeftToday({ imagesLeftToday }: { imagesLeftToday: number | null }) {
  if (imagesLeftToday === null) return null;
  return (
    <p data-testid="images-left" className="self-center text-sm text-slate-600 tabular-nums sm:ml-auto">
      {imagesLeftText(imagesLeftToday)}
    </p>
  );
}

export interface LimitNoticeProps {
  /** Referenced by Generate's `aria-describedby`. */
  id: string;
  limit: GenerateLimit | null;
  now: number;
}

/**
 * Why Generate is disabled. The reason sits in a polite live region that is always present, so
 * it is announced when it appears; the countdown beside it is not, so it is not read every second.
 */
export function LimitNotice({ id, limit, now }: LimitNoticeProps) {
  const seconds = limit?.countdownUntil === undefined ? 0 : secondsUntil(limit.countdownUntil, now);
  return (
    <div
      id={id}
      data-testid="limit-notice"
      className={cn(
        'text-sm',
        limit && 'mt-3 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 font-medium text-amber-900',
      )}
    >
      <span role="status">{limit?.reason}</span>
      {seconds > 0 && (
        <>
          {' '}
          <span className="tabular-nums">Try again in {seconds} s.</span>
        </>
      )}
    </div>
  );
}
