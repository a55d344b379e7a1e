// Sums, scales and words for the admin view of `GET /api/admin/usage`. Pure functions.
import type { UsageCounts, UsageDay } from '../../types/api';

/** Periods the admin view offers; the chart shows one bar per day of it. */
export const USAGE_PERIODS = [7, 30, 90] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];
export const DEFAULT_USAGE_PERIOD: UsagePeriod = 30;

export interface UsageTotals extends UsageCounts {
  /** Days with at least one generation (or failure). */
  activeDays: number;
}

export interface ModelUsage extends UsageCounts {
  model: string;
}

const zero = (): UsageCounts => ({ images: 0, failures: 0, spentUsd: 0 });

function add(into: UsageCounts, counts: UsageCounts): void {
  into.images += counts.images;
  into.failures += counts.failures;
  into.spentUsd += counts.spentUsd;
}

export function totalUsage(days: UsageDay[]): UsageTotals {
  const totals = { ...zero(), activeDays: 0 };
  for (const day of days) {
    add(totals, day);
    if (day.images > 0 || day.failures > 0 || day.spentUsd > 0) totals.activeDays += 1;
  }
  return totals;
}

/** Per model over all `days`: most spent first, then most images, then by name. */
export function usageByModel(days: UsageDay[]): ModelUsage[] {
  const byModel = new Map<string, UsageCounts>();
  for (const day of days) {
    for (const [model, counts] of Object.entries(day.models)) {
      const entry = byModel.get(model) ?? zero();
      add(entry, counts);
      byModel.set(model, entry);
    }
  }
  return Array.from(byModel, ([model, counts]) => ({ model, ...counts })).sort(
    (a, b) => b.spentUsd - a.spentUsd || b.images - a.images || a.model.localeCompare(b.model),
  );
}

export interface Scale {
  /** The axis top: a round number at or above the largest value. */
  max: number;
  /** Gridline values from 0 to `max`. */
  ticks: number[];
}

const TICK_INTERVALS = 4;

/**
 * A round axis for values up to `largest`, split into four steps of 1, 2, 2.5 or 5 × 10^k
 * (whole steps only when `integer`). An empty series still gets an axis (0–1 or 0–4).
 */
export function niceScale(largest: number, { integer = false } = {}): Scale {
  const target = Number.isFinite(largest) && largest > 0 ? largest / TICK_INTERVALS : integer ? 1 : 0.25;
  const magnitude = 10 ** Math.floor(Math.log10(target));
  const multiples = integer ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  let step = magnitude * 10;
  for (const m of multiples) {
    const candidate = m * magnitude;
    if (candidate >= target - 1e-12 && (!integer || Number.isInteger(candidate))) {
      step = candidate;
      break;
    }
  }
  if (integer) step = Math.max(1, Math.ceil(step));
  // Rounded so that 0.1 × 3 does not print as 0.30000000000000004.
  const ticks = Array.from({ length: TICK_INTERVALS + 1 }, (_, i) => Number((step * i).toPrecision(12)));
  return { max: ticks[TICK_INTERVALS] ?? step * TICK_INTERVALS, ticks };
}

const usdFormats = new Map<string, Intl.NumberFormat>();
function usdFormat(minimum: number, maximum: number): Intl.NumberFormat {
  const key = `${minimum}-${maximum}`;
  let format = usdFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: 'USD',
      minimumFractionDigits: minimum,
      maximumFractionDigits: maximum,
    });
    usdFormats.set(key, format);
  }
  return format;
}

/** "$0.93", "$12.50", "$0.042" (a third decimal only below ten cents, where cents are coarse). */
export function formatUsd(value: number): string {
  const safe = Number.isFinite(value) ? value : 0;
  return usdFormat(2, Math.abs(safe) < 0.1 && safe !== 0 ? 3 : 2).format(safe);
}

/** Axis labels: "$0", "$0.25", "$1.5", "$20". */
export function formatUsdTick(value: number): string {
  return usdFormat(0, 2).format(value);
}

export function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

function dayDate(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

const shortDay = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "Dec 2" for the server's day "2026-12-02" (a calendar day, not an instant: no time zone shift). */
export function formatDayShort(day: string): string {
  const date = dayDate(day);
  return date ? shortDay.format(date) : day;
}

/** "Wed, Dec 2, 2026". */
export function formatDayLong(day: string): string {
  const date = dayDate(day);
  return date ? longDay.format(date) : day;
}

/** The reset instant on the user's clock, e.g. "00:00" or "12:00 AM"; `null` when unreadable. */
export function formatResetTime(iso: string): string | null {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "$0.93 · 12 images · 1 failure" for one day. */
export function describeDay(day: UsageCounts): string {
  const parts = [formatUsd(day.spentUsd), plural(day.images, 'image', 'images')];
  if (day.failures > 0) parts.push(plural(day.failures, 'failure', 'failures'));
  return parts.join(' · ');
}

/** The chart's text alternative: what it shows, the totals and the busiest day. */
export function summariseUsage(days: UsageDay[]): string {
  const totals = totalUsage(days);
  const period = days.length === 1 ? 'the last day' : `the last ${plural(days.length, 'day', 'days')}`;
  if (totals.activeDays === 0) return `Spend and images per day over ${period}: no generations.`;
  let busiest: UsageDay | undefined;
  for (const day of days) {
    if (!busiest || day.spentUsd > busiest.spentUsd || (day.spentUsd === busiest.spentUsd && day.images > busiest.images)) {
      busiest = day;
    }
  }
  const most =
    busiest && busiest.spentUsd > 0
      ? ` Highest spend ${formatUsd(busiest.spentUsd)} on ${formatDayShort(busiest.day)}.`
      : busiest
        ? ` Most images ${busiest.images.toLocaleString('en-US')} on ${formatDayShort(busiest.day)}.`
        : '';
  return (
    `Spend and images per day over ${period}: ${formatUsd(totals.spentUsd)} spent on ` +
    `${plural(totals.images, 'image', 'images')} in total.${most}`
  );
}
