import { cn } from '../../../lib/cn';
import { percentOf } from '../format';

export interface JobProgressBarProps {
  /** 0..1, or `null` when the provider does not say how far it is (an animated bar then). */
  fraction: number | null;
  /** The accessible name, e.g. "Progress of “a red fox”". */
  label: string;
  /** Read out instead of the bare percent, e.g. "42 %, step 12 of 30". */
  valueText?: string;
  className?: string;
}

/** A thin bar: determinate (`aria-valuenow`) when the fraction is known, else indeterminate. */
export function JobProgressBar({ fraction, label, valueText, className }: JobProgressBarProps) {
  const determinate = fraction !== null;
  const percent = determinate ? percentOf(fraction) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={determinate ? percent : undefined}
      aria-valuetext={determinate ? valueText : undefined}
      data-testid="job-progress"
      data-determinate={determinate}
      className={cn('relative h-1.5 w-full overflow-hidden rounded-full bg-white/25', className)}
    >
      {determinate ? (
        <div
          className="h-full rounded-full bg-indigo-400 transition-[width] duration-300 ease-out motion-reduce:transition-none"
          style={{ width: `${percent}%` }}
        />
      ) : (
        <div className="absolute inset-y-0 left-0 w-1/3 animate-indeterminate rounded-full bg-indigo-400 motion-reduce:w-full motion-reduce:animate-none motion-reduce:opacity-60" />
      )}
    </div>
  );
}
