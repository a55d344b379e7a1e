import { cn } from '../../../lib/cn';
import type { AdminBudget } from '../../../types/api';
import { formatResetTime, formatUsd } from '../usage';

const CARD = 'rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5';

function percent(part: number, whole: number): number {
  if (!(whole > 0)) return 0;
  return Math.min(100, Math.max(0, (part / whole) * 100));
}

/** Today's spending budget: spent of the limit, what running generations hold, and when it resets. */
export function BudgetCard({ budget }: { budget: AdminBudget | null }) {
  if (!budget) {
    return (
      <section aria-labelledby="budget-heading" className={CARD} data-testid="budget-card">
        <h3 id="budget-heading" className="text-sm font-semibold text-slate-600">
          Today’s budget
        </h3>
        <p className="mt-2 text-xl font-bold text-slate-900">No spending budget</p>
        <p className="mt-1 text-sm text-slate-600">
          Generations are not capped by cost. Set <code className="font-mono text-xs">VISIONARY_DAILY_BUDGET_USD</code>{' '}
          to stop generating once a day’s spending reaches a limit.
        </p>
      </section>
    );
  }

  const { limitUsd, spentUsd, reservedUsd, exhausted } = budget;
  const left = Math.max(0, limitUsd - spentUsd - reservedUsd);
  const spentShare = percent(spentUsd, limitUsd);
  const reservedShare = Math.min(100 - spentShare, percent(reservedUsd, limitUsd));
  const resetTime = formatResetTime(budget.resetsAt);

  return (
    <section
      aria-labelledby="budget-heading"
      className={cn(CARD, exhausted && 'border-red-200 bg-red-50/40')}
      data-testid="budget-card"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="budget-heading" className="text-sm font-semibold text-slate-600">
          Today’s budget
        </h3>
        <span
          data-testid="budget-state"
          className={cn(
            'inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold',
            exhausted ? 'bg-red-100 text-red-800' : 'bg-emerald-100 text-emerald-800',
          )}
        >
          <span aria-hidden="true" className={cn('h-1.5 w-1.5 rounded-full', exhausted ? 'bg-red-600' : 'bg-emerald-600')} />
          {exhausted ? 'Exhausted' : 'Open'}
        </span>
      </div>

      <p className="mt-2 text-slate-900 tabular-nums" data-testid="budget-spent">
        <span className="text-2xl font-bold">{formatUsd(spentUsd)}</span>{' '}
        <span className="text-sm text-slate-600">of {formatUsd(limitUsd)} spent</span>
      </p>

      <div
        role="meter"
        aria-label="Today’s budget used"
        aria-valuemin={0}
        aria-valuemax={limitUsd}
        aria-valuenow={Math.min(limitUsd, spentUsd)}
        aria-valuetext={`${formatUsd(spentUsd)} of ${formatUsd(limitUsd)} spent, ${formatUsd(reservedUsd)} reserved`}
        className="mt-3 flex h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={cn('h-full', exhausted ? 'bg-red-500' : 'bg-indigo-500')} style={{ width: `${spentShare}%` }} />
        <div
          className="h-full bg-indigo-300 bg-[repeating-linear-gradient(45deg,transparent_0_3px,rgb(255_255_255/0.5)_3px_6px)]"
          style={{ width: `${reservedShare}%` }}
        />
      </div>

      <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm tabular-nums">
        <div>
          <dt className="text-slate-600">Reserved</dt>
          <dd className="font-semibold text-slate-900" data-testid="budget-reserved">
            {formatUsd(reservedUsd)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-600">Left</dt>
          <dd className="font-semibold text-slate-900" data-testid="budget-left">
            {formatUsd(left)}
          </dd>
        </div>
      </dl>
      <p className={cn('mt-3 text-sm', exhausted ? 'font-medium text-red-800' : 'text-slate-600')} data-testid="budget-reset">
        {exhausted
          ? `Spending has reached the limit: new generations are refused${resetTime ? ` until ${resetTime}` : ' until the day resets'}.`
          : `Reserved money is held for generations still running.${resetTime ? ` Resets at ${resetTime}.` : ''}`}
      </p>
    </section>
  );
}
