import { Button } from '../../../components/button';
import { RefreshIcon } from '../../../components/icons';
import { cn } from '../../../lib/cn';
import { truncate } from '../../../lib/text';
import { isTerminal } from '../api/jobs';
import { elapsedSeconds, formatElapsed, formatEta, percentOf, safePreviewUrl, statusLine } from '../format';
import type { JobEntry } from '../hooks/use-jobs';
import { useNow } from '../hooks/use-now';
import { JobProgressBar } from './job-progress-bar';

/** How much of the prompt the buttons' accessible names quote. */
const LABEL_PROMPT_CHARS = 40;

const SMALL_BUTTON = 'px-3 py-1.5';

export interface JobTileProps {
  entry: JobEntry;
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
  onDismiss: (id: string) => void;
}

/**
 * One generation of this tab, in the gallery grid: prompt, state, progress, the latest preview,
 * elapsed time and Cancel while it runs; the reason with Retry and Dismiss when it failed.
 */
export function JobTile({ entry, onCancel, onRetry, onDismiss }: JobTileProps) {
  const { id, job, request, busy } = entry;
  const active = job === null || !isTerminal(job.status);
  const failed = job?.status === 'failed';
  const now = useNow(active && job !== null);

  const prompt = job?.prompt || request.prompt;
  const short = truncate(prompt, LABEL_PROMPT_CHARS);
  const progress = job?.progress;
  const preview = active ? safePreviewUrl(progress?.previewUrl) : null;
  const fraction = progress?.fraction ?? null;
  const stepText =
    progress?.step != null && progress.steps != null ? `step ${progress.step}/${progress.steps}` : null;
  const elapsed = job ? elapsedSeconds(job, now) : null;
  const details = [
    fraction !== null ? `${percentOf(fraction)}%` : null,
    job?.status === 'running' ? stepText : null,
    job?.status === 'running' && progress?.etaSeconds != null ? formatEta(progress.etaSeconds) : null,
  ].filter((part): part is string => part !== null);

  return (
    <li
      className="list-none"
      data-testid="job-tile"
      data-status={job?.status ?? 'reconnecting'}
      data-job-id={id}
    >
      <article
        aria-label={`Generation: ${short}`}
        className={cn(
          'relative flex aspect-square w-full flex-col justify-end overflow-hidden rounded-xl shadow-sm ring-1',
          active && 'bg-slate-900 text-white ring-slate-900/5',
          failed && 'bg-red-50 text-red-950 ring-red-200',
          job?.status === 'cancelled' && 'bg-slate-100 text-slate-700 ring-slate-200',
        )}
      >
        {preview && (
          <img
            data-testid="job-preview"
            src={preview}
            alt=""
            decoding="async"
            className="absolute inset-0 h-full w-full object-cover"
          />
        )}
        <div
          className={cn(
            'relative flex flex-col gap-2 p-3 sm:p-4',
            active && 'bg-linear-to-t from-slate-950/90 via-slate-950/70 to-transparent pt-10',
          )}
        >
          <p role="status" aria-live="polite" className="text-sm font-semibold">
            {statusLine(job)}
            {failed && job.error?.message && (
              <span className="mt-1 block font-normal break-words">{job.error.message}</span>
            )}
          </p>
          <p
            dir="auto"
            className={cn(
              'line-clamp-3 text-sm leading-snug break-words whitespace-pre-wrap',
              active ? 'text-white/85' : 'opacity-80',
            )}
          >
            {prompt}
          </p>

          {active && (
            <>
              <JobProgressBar
                fraction={fraction}
                label={`Progress of “${short}”`}
                {...(details.length > 0 ? { valueText: details.join(', ') } : {})}
              />
              <p className="flex items-baseline justify-between gap-2 text-xs text-white/80 tabular-nums">
                <span>{details.join(' · ')}</span>
                {elapsed !== null && (
                  <span>
                    <span className="sr-only">Elapsed </span>
                    {formatElapsed(elapsed)}
                  </span>
                )}
              </p>
            </>
          )}

          <div className="flex flex-wrap gap-2">
            {active ? (
              <Button
                data-testid="job-cancel"
                aria-label={`Cancel “${short}”`}
                disabled={busy}
                onClick={() => onCancel(id)}
                className={SMALL_BUTTON}
              >
                {busy ? 'Cancelling…' : 'Cancel'}
              </Button>
            ) : (
              <>
                <Button
                  variant={failed ? 'primary' : 'secondary'}
                  data-testid="job-retry"
                  aria-label={`Retry “${short}”`}
                  disabled={busy}
                  onClick={() => onRetry(id)}
                  className={SMALL_BUTTON}
                >
                  <RefreshIcon className="h-4 w-4" />
                  Retry
                </Button>
                <Button
                  data-testid="job-dismiss"
                  aria-label={`Dismiss “${short}”`}
                  disabled={busy}
                  onClick={() => onDismiss(id)}
                  className={SMALL_BUTTON}
                >
                  Dismiss
                </Button>
              </>
            )}
          </div>
        </div>
      </article>
    </li>
  );
}
