import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { cn } from '../../../lib/cn';
import type { UsageDay } from '../../../types/api';
import {
  describeDay,
  formatDayLong,
  formatDayShort,
  formatUsd,
  formatUsdTick,
  niceScale,
  summariseUsage,
  totalUsage,
} from '../usage';

export const CHART_HEIGHT = 240;
export const CHART_MARGIN = { top: 14, right: 36, bottom: 28, left: 52 } as const;
/** Height of the plotting area: a bar of the axis' top value is this tall. */
export const PLOT_HEIGHT = CHART_HEIGHT - CHART_MARGIN.top - CHART_MARGIN.bottom;
/** The width used before the chart could be measured (and in jsdom). */
const FALLBACK_WIDTH = 640;
/** Date labels need about this much room each. */
const LABEL_SPACING = 56;

const round = (value: number) => Math.round(value * 100) / 100;

function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(FALLBACK_WIDTH);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const measure = () => {
      const measured = Math.floor(element.getBoundingClientRect().width);
      if (measured > 0) setWidth(measured);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

export interface UsageChartProps {
  /** Oldest first; the last one is today. */
  days: UsageDay[];
}

/**
 * Spend (bars, left axis) and images (line, right axis) per day, drawn as inline SVG. The SVG is
 * one image with a summary as its name; the same numbers are in a table below it.
 */
export function UsageChart({ days }: UsageChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const width = Math.max(280, useElementWidth(boxRef));
  const [active, setActive] = useState<number | null>(null);

  const plotLeft = CHART_MARGIN.left;
  const plotWidth = width - CHART_MARGIN.left - CHART_MARGIN.right;
  const plotTop = CHART_MARGIN.top;
  const baseline = plotTop + PLOT_HEIGHT;
  const count = Math.max(1, days.length);
  const slot = plotWidth / count;
  const barWidth = Math.max(1, Math.min(28, slot * 0.66));

  const usd = niceScale(Math.max(0, ...days.map((d) => d.spentUsd)));
  const images = niceScale(Math.max(0, ...days.map((d) => d.images)), { integer: true });

  const barHeight = (spent: number) => {
    if (spent <= 0) return 0;
    // Anything spent stays visible, however small next to the busiest day.
    return Math.max(1, (spent / usd.max) * PLOT_HEIGHT);
  };
  const centre = (i: number) => plotLeft + slot * i + slot / 2;
  const imageY = (n: number) => baseline - (n / images.max) * PLOT_HEIGHT;
  const line = days.map((d, i) => `${round(centre(i))},${round(imageY(d.images))}`).join(' ');

  const labelEvery = Math.max(1, Math.ceil(count / Math.max(1, Math.floor(plotWidth / LABEL_SPACING))));
  const shownIndex = active ?? days.length - 1;
  const shown = days[shownIndex];
  const today = days.length - 1;

  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2 text-xs text-slate-600 sm:text-sm">
        <ul className="flex flex-wrap gap-x-4 gap-y-1" aria-label="Legend">
          <li className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className="h-3 w-3 rounded-sm bg-indigo-500" />
            Spend (USD, left axis)
          </li>
          <li className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className="relative h-3 w-4">
              <span className="absolute top-1/2 right-0 left-0 h-0.5 -translate-y-1/2 bg-pink-600" />
              <span className="absolute top-1/2 left-1/2 h-2 w-2 -translate-x-1/2 -translate-y-1/2 rounded-full bg-pink-600" />
            </span>
            Images (right axis)
          </li>
        </ul>
        {shown && (
          <p data-testid="chart-readout" className="min-h-5 text-slate-700 tabular-nums">
            <span className="font-semibold text-slate-900">
              {shownIndex === today ? 'Today' : formatDayShort(shown.day)}:
            </span>{' '}
            {describeDay(shown)}
          </p>
        )}
      </div>

      <div ref={boxRef} className="mt-3 w-full">
        <svg
          role="img"
          aria-label={summariseUsage(days)}
          width={width}
          height={CHART_HEIGHT}
          viewBox={`0 0 ${width} ${CHART_HEIGHT}`}
          className="block max-w-full touch-pan-y select-none"
          onPointerLeave={() => setActive(null)}
          data-testid="usage-chart"
        >
          {/* Gridlines with the spend axis on the left and the image axis on the right. */}
          <g className="text-[11px]" fill="currentColor">
            {usd.ticks.map((tick, i) => {
              const y = round(baseline - (tick / usd.max) * PLOT_HEIGHT);
              return (
                <g key={`tick-${i}`}>
                  <line
                    x1={plotLeft}
                    x2={plotLeft + plotWidth}
                    y1={y}
                    y2={y}
                    className={i === 0 ? 'stroke-slate-300' : 'stroke-slate-200'}
                    strokeDasharray={i === 0 ? undefined : '3 4'}
                  />
                  <text x={plotLeft - 8} y={y} dy="0.32em" textAnchor="end" className="fill-slate-500 tabular-nums">
                    {formatUsdTick(tick)}
                  </text>
                  <text
                    x={plotLeft + plotWidth + 8}
                    y={y}
                    dy="0.32em"
                    textAnchor="start"
                    className="fill-pink-700 tabular-nums"
                  >
                    {(images.ticks[i] ?? 0).toLocaleString('en-US')}
                  </text>
                </g>
              );
            })}
          </g>

          {/* One column per day: a highlight, the spend bar and a hit area for the pointer. */}
          {days.map((day, i) => {
            const height = barHeight(day.spentUsd);
            return (
              <g
                key={day.day}
                data-testid="chart-day"
                data-day={day.day}
                onPointerEnter={() => setActive(i)}
                onPointerDown={() => setActive(i)}
              >
                <title>{`${formatDayLong(day.day)}${i === today ? ' (today)' : ''}: ${describeDay(day)}`}</title>
                <rect
                  x={round(plotLeft + slot * i)}
                  y={plotTop}
                  width={round(slot)}
                  height={PLOT_HEIGHT}
                  className={active === i ? 'fill-slate-100' : 'fill-transparent'}
                />
                <rect
                  data-testid="spend-bar"
                  data-day={day.day}
                  x={round(centre(i) - barWidth / 2)}
                  y={round(baseline - height)}
                  width={round(barWidth)}
                  height={round(height)}
                  rx={Math.min(3, barWidth / 3)}
                  className={cn(active === i ? 'fill-indigo-600' : 'fill-indigo-500', day.spentUsd <= 0 && 'opacity-0')}
                />
              </g>
            );
          })}

          {/* Images per day. */}
          <polyline
            points={line}
            fill="none"
            className="stroke-pink-600"
            strokeWidth={2}
            strokeLinejoin="round"
            strokeLinecap="round"
            pointerEvents="none"
            data-testid="images-line"
          />
          {days.map((day, i) =>
            (day.images > 0 && (slot >= 12 || i === today)) || active === i ? (
              <circle
                key={`dot-${day.day}`}
                data-testid="images-dot"
                data-day={day.day}
                cx={round(centre(i))}
                cy={round(imageY(day.images))}
                r={active === i ? 4 : 3}
                className="fill-white stroke-pink-600"
                strokeWidth={2}
                pointerEvents="none"
              />
            ) : null,
          )}

          {/* Day labels, counted back from today so that today always has one. */}
          <g className="text-[11px]">
            {days.map((day, i) =>
              (today - i) % labelEvery === 0 ? (
                <text
                  key={`label-${day.day}`}
                  data-testid="day-label"
                  x={round(centre(i))}
                  y={baseline + 18}
                  textAnchor={i === today && labelEvery > 1 ? 'end' : 'middle'}
                  className={cn('tabular-nums', i === today ? 'fill-slate-800 font-semibold' : 'fill-slate-500')}
                >
                  {i === today ? 'Today' : formatDayShort(day.day)}
                </text>
              ) : null,
            )}
          </g>
        </svg>
      </div>

      <UsageTable days={days} />
    </div>
  );
}

/** The chart's numbers as a table (newest first), folded away under a disclosure. */
function UsageTable({ days }: { days: UsageDay[] }) {
  const totals = totalUsage(days);
  const today = days.length - 1;
  // Today on top: the day an operator usually looks for.
  const newestFirst = days.map((day, i) => ({ day, i })).reverse();
  return (
    <details className="group mt-4 rounded-lg border border-slate-200 bg-slate-50/60 text-xs sm:text-sm">
      <summary className="cursor-pointer rounded-lg px-3 py-2 font-medium text-slate-700 select-none hover:bg-slate-100">
        Show the numbers as a table
      </summary>
      <div className="max-h-96 overflow-auto border-t border-slate-200">
        <table data-testid="usage-table" className="w-full text-left tabular-nums">
          <caption className="sr-only">Spend, images and failures per day, newest first</caption>
          <thead className="sticky top-0 bg-slate-100 text-slate-600 sm:text-xs sm:tracking-wide sm:uppercase">
            <tr>
              <th scope="col" className="px-1.5 py-2 font-semibold sm:px-3">
                Day
              </th>
              <th scope="col" className="px-1.5 py-2 text-right font-semibold sm:px-3">
                Images
              </th>
              <th scope="col" className="px-1.5 py-2 text-right font-semibold sm:px-3">
                Failures
              </th>
              <th scope="col" className="px-1.5 py-2 text-right font-semibold sm:px-3">
                Spend
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 bg-white">
            {newestFirst.map(({ day, i }) => (
              <tr key={day.day} data-day={day.day} className={cn(i === today && 'bg-indigo-50/60')}>
                <th scope="row" className="px-1.5 py-1.5 sm:px-3 font-normal whitespace-nowrap text-slate-800">
                  <time dateTime={day.day}>{formatDayShort(day.day)}</time>
                  {i === today && <span className="text-slate-500"> (today)</span>}
                </th>
                <td className="px-1.5 py-1.5 sm:px-3 text-right">{day.images.toLocaleString('en-US')}</td>
                <td className="px-1.5 py-1.5 sm:px-3 text-right">{day.failures.toLocaleString('en-US')}</td>
                <td className="px-1.5 py-1.5 sm:px-3 text-right">{formatUsd(day.spentUsd)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot className="border-t border-slate-300 bg-slate-50 font-semibold text-slate-900">
            <tr>
              <th scope="row" className="px-1.5 py-2 sm:px-3">
                Total
              </th>
              <td className="px-1.5 py-2 text-right sm:px-3">{totals.images.toLocaleString('en-US')}</td>
              <td className="px-1.5 py-2 text-right sm:px-3">{totals.failures.toLocaleString('en-US')}</td>
              <td className="px-1.5 py-2 text-right sm:px-3">{formatUsd(totals.spentUsd)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </details>
  );
}
