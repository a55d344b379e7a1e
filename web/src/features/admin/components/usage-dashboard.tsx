import type { ReactNode } from 'react';
import { Button } from '../../../components/button';
import { ImageIcon, RefreshIcon, Spinner } from '../../../components/icons';
import { describeError } from '../../../lib/api-client';
import { cn } from '../../../lib/cn';
import type { AdminUsageResponse } from '../../../types/api';
import { formatUsd, plural, totalUsage, usageByModel, USAGE_PERIODS, type UsagePeriod } from '../usage';
import { BudgetCard } from './budget-card';
import { UsageChart } from './usage-chart';

const CARD = 'rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5';

export interface UsageDashboardProps {
  period: UsagePeriod;
  onPeriodChange: (period: UsagePeriod) => void;
  usage: AdminUsageResponse | undefined;
  error: unknown;
  isLoading: boolean;
  /** A refresh or another period is loading while the last answer is shown. */
  isUpdating: boolean;
  onRetry: () => void;
}

function Stat({ label, value, detail, testId }: { label: string; value: ReactNode; detail?: ReactNode; testId: string }) {
  return (
    <div className={cn(CARD, 'min-w-0')} data-testid={testId}>
      <dt className="text-xs font-semibold text-slate-600 sm:text-sm">{label}</dt>
      <dd className="mt-2 text-xl font-bold text-slate-900 tabular-nums sm:text-2xl">{value}</dd>
      {detail && <dd className="mt-1 text-xs text-slate-600 tabular-nums sm:text-sm">{detail}</dd>}
    </div>
  );
}

function PeriodPicker({ period, onChange }: { period: UsagePeriod; onChange: (period: UsagePeriod) => void }) {
  return (
    <div role="group" aria-label="Period" className="inline-flex rounded-lg border border-slate-300 bg-white p-0.5 shadow-sm">
      {USAGE_PERIODS.map((days) => (
        <button
          key={days}
          type="button"
          aria-pressed={period === days}
          onClick={() => onChange(days)}
          className={cn(
            'rounded-md px-3 py-1.5 text-sm font-semibold transition-colors',
            period === days ? 'bg-indigo-600 text-white' : 'text-slate-700 hover:bg-slate-100',
          )}
        >
          {days} days
        </button>
      ))}
    </div>
  );
}

function LoadingState() {
  return (
    <div role="status" aria-live="polite" data-testid="usage-loading">
      <span className="sr-only">Loading usage…</span>
      <div aria-hidden="true" className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {Array.from({ length: 4 }, (_, i) => (
            <div key={`stat-${i}`} className="h-28 animate-pulse rounded-2xl bg-slate-200 motion-reduce:animate-none" />
          ))}
        </div>
        <div className="h-72 animate-pulse rounded-2xl bg-slate-200 motion-reduce:animate-none" />
      </div>
    </div>
  );
}

/** Today's budget, the period's totals, spend and images per day, and the per-model breakdown. */
export function UsageDashboard({ period, onPeriodChange, usage, error, isLoading, isUpdating, onRetry }: UsageDashboardProps) {
  let body: ReactNode;
  if (!usage && error) {
    body = (
      <div role="alert" className="rounded-2xl border border-red-200 bg-red-50 p-6 text-center sm:p-10" data-testid="usage-error">
        <p className="text-base font-semibold text-red-900">The usage could not be loaded.</p>
        <p className="mt-1 text-sm text-red-800">{describeError(error)}</p>
        <Button className="mt-4" onClick={onRetry} aria-disabled={isUpdating}>
          {isUpdating ? <Spinner /> : <RefreshIcon className="h-4 w-4" />}
          {isUpdating ? 'Retrying…' : 'Retry'}
        </Button>
      </div>
    );
  } else if (!usage || isLoading) {
    body = <LoadingState />;
  } else {
    body = <UsageDetails usage={usage} period={period} />;
  }

  return (
    <div className="space-y-6" aria-busy={isLoading || isUpdating}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <PeriodPicker period={period} onChange={onPeriodChange} />
        <div className="flex items-center gap-2">
          {usage && error ? (
            <p role="alert" className="text-sm text-red-800">
              Could not refresh: {describeError(error)}
            </p>
          ) : null}
          <Button variant="ghost" onClick={onRetry} aria-disabled={isUpdating} className="px-3">
            <RefreshIcon className={cn('h-4 w-4', isUpdating && 'animate-spin motion-reduce:animate-none')} />
            {isUpdating ? 'Refreshing…' : 'Refresh'}
          </Button>
        </div>
      </div>
      {body}
    </div>
  );
}

function UsageDetails({ usage, period }: { usage: AdminUsageResponse; period: UsagePeriod }) {
  const { days, budget } = usage;
  const totals = totalUsage(days);
  const models = usageByModel(days);
  const span = `the last ${plural(days.length, 'day', 'days')}`;
  const attempts = totals.images + totals.failures;

  if (totals.activeDays === 0) {
    return (
      <div className="grid gap-4 lg:grid-cols-3">
        <BudgetCard budget={budget} />
        <div
          className={cn(CARD, 'flex flex-col items-center justify-center gap-2 py-10 text-center lg:col-span-2')}
          data-testid="usage-empty"
        >
          <ImageIcon className="h-10 w-10 text-slate-400" />
          <p className="text-base font-semibold text-slate-900">No generations in the last {plural(period, 'day', 'days')}</p>
          <p className="max-w-sm text-sm text-slate-600">Images made on this server show up here with what they cost.</p>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <div className="grid gap-4 lg:grid-cols-3">
        <BudgetCard budget={budget} />
        <dl className="grid grid-cols-2 gap-3 sm:gap-4 lg:col-span-2" aria-label={`Totals over ${span}`}>
          <Stat
            testId="total-spent"
            label={`Spent, ${plural(days.length, 'day', 'days')}`}
            value={formatUsd(totals.spentUsd)}
            detail={totals.activeDays > 0 ? `${formatUsd(totals.spentUsd / totals.activeDays)} per active day` : undefined}
          />
          <Stat
            testId="total-images"
            label={`Images, ${plural(days.length, 'day', 'days')}`}
            value={totals.images.toLocaleString('en-US')}
            detail={totals.images > 0 ? `${formatUsd(totals.spentUsd / totals.images)} per image` : 'none made'}
          />
          <Stat
            testId="total-failures"
            label="Failed generations"
            value={totals.failures.toLocaleString('en-US')}
            detail={totals.failures > 0 && attempts > 0 ? `${((totals.failures / attempts) * 100).toFixed(1)}% of attempts` : 'none'}
          />
          <Stat
            testId="total-active-days"
            label="Active days"
            value={`${totals.activeDays} / ${days.length}`}
            detail="days with at least one generation"
          />
        </dl>
      </div>

      <section aria-labelledby="usage-chart-heading" className={CARD}>
        <h3 id="usage-chart-heading" className="text-base font-bold text-slate-900">
          Spend and images per day
        </h3>
        <p className="mb-3 text-sm text-slate-600">
          {span.charAt(0).toUpperCase() + span.slice(1)}, on the server’s budget days.
        </p>
        <UsageChart days={days} />
      </section>

      <section aria-labelledby="usage-models-heading" className={CARD}>
        <h3 id="usage-models-heading" className="text-base font-bold text-slate-900">
          By model
        </h3>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm tabular-nums" data-testid="model-table">
            <caption className="sr-only">Images, failures and spend per model over {span}</caption>
            <thead className="border-b border-slate-200 text-xs text-slate-600 sm:tracking-wide sm:uppercase">
              <tr>
                <th scope="col" className="py-2 pr-2 font-semibold sm:pr-3">
                  Model
                </th>
                <th scope="col" className="px-2 py-2 text-right font-semibold sm:px-3">
                  Images
                </th>
                <th scope="col" className="px-2 py-2 text-right font-semibold sm:px-3">
                  Failures
                </th>
                <th scope="col" className="px-2 py-2 text-right font-semibold sm:px-3">
                  Spend
                </th>
                <th scope="col" className="hidden py-2 pl-3 text-right font-semibold sm:table-cell">
                  Share
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {models.map((model) => (
                <tr key={model.model}>
                  <th scope="row" className="py-2 pr-2 font-mono text-xs font-normal break-words text-slate-900 sm:pr-3 sm:text-sm">
                    {model.model}
                  </th>
                  <td className="px-2 py-2 text-right sm:px-3">{model.images.toLocaleString('en-US')}</td>
                  <td className="px-2 py-2 text-right sm:px-3">{model.failures.toLocaleString('en-US')}</td>
                  <td className="px-2 py-2 text-right sm:px-3">{formatUsd(model.spentUsd)}</td>
                  <td className="hidden py-2 pl-3 text-right text-slate-600 sm:table-cell">
                    {totals.spentUsd > 0 ? `${Math.round((model.spentUsd / totals.spentUsd) * 100)}%` : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
