import { describe, expect, it } from 'vitest';
import { makeUsageDay } from '../../../testing/fixtures';
import {
  describeDay,
  formatDayLong,
  formatDayShort,
  formatUsd,
  niceScale,
  summariseUsage,
  totalUsage,
  usageByModel,
} from '../usage';

describe('niceScale', () => {
  it('rounds the top up to four round steps', () => {
    expect(niceScale(0.93)).toEqual({ max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] });
    expect(niceScale(2)).toEqual({ max: 2, ticks: [0, 0.5, 1, 1.5, 2] });
    expect(niceScale(13.2).max).toBe(20);
    expect(niceScale(0.3).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
  });

  it('uses whole steps for counts', () => {
    expect(niceScale(1, { integer: true })).toEqual({ max: 4, ticks: [0, 1, 2, 3, 4] });
    expect(niceScale(8, { integer: true }).max).toBe(8);
    expect(niceScale(12, { integer: true }).max).toBe(20);
  });

  it('still draws an axis when everything is zero', () => {
    expect(niceScale(0).max).toBe(1);
    expect(niceScale(0, { integer: true }).max).toBe(4);
    expect(niceScale(Number.NaN).max).toBe(1);
  });
});

describe('formatting', () => {
  it('shows dollars with cents, and a third decimal only below ten cents', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.93)).toBe('$0.93');
    expect(formatUsd(12.5)).toBe('$12.50');
    expect(formatUsd(0.042)).toBe('$0.042');
    expect(formatUsd(0.1 + 0.2)).toBe('$0.30');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
  });

  it('formats the server day as a calendar day, whatever the time zone', () => {
    expect(formatDayShort('2026-12-02')).toBe('Dec 2');
    expect(formatDayLong('2026-12-02')).toBe('Wed, Dec 2, 2026');
    expect(formatDayShort('not a day')).toBe('not a day');
  });

  it('describes a day', () => {
    expect(describeDay({ images: 12, failures: 1, spentUsd: 0.93 })).toBe('$0.93 · 12 images · 1 failure');
    expect(describeDay({ images: 1, failures: 0, spentUsd: 0 })).toBe('$0.00 · 1 image');
  });
});

describe('sums', () => {
  const days = [
    makeUsageDay('2026-11-30', {
      images: 3,
      failures: 1,
      spentUsd: 0.3,
      models: { 'dall-e-3': { images: 3, failures: 1, spentUsd: 0.3 } },
    }),
    makeUsageDay('2026-12-01'),
    makeUsageDay('2026-12-02', {
      images: 12,
      failures: 0,
      spentUsd: 0.93,
      models: {
        'gpt-image-1': { images: 10, failures: 0, spentUsd: 0.83 },
        'dall-e-3': { images: 2, failures: 0, spentUsd: 0.1 },
      },
    }),
  ];

  it('totals the period and counts the active days', () => {
    const totals = totalUsage(days);
    expect(totals.images).toBe(15);
    expect(totals.failures).toBe(1);
    expect(totals.spentUsd).toBeCloseTo(1.23);
    expect(totals.activeDays).toBe(2);
  });

  it('adds each model up over the period, most spent first', () => {
    const models = usageByModel(days);
    expect(models.map((m) => m.model)).toEqual(['gpt-image-1', 'dall-e-3']);
    expect(models[1]).toMatchObject({ images: 5, failures: 1 });
    expect(models[1]?.spentUsd).toBeCloseTo(0.4);
  });

  it('summarises the chart in words', () => {
    expect(summariseUsage(days)).toBe(
      'Spend and images per day over the last 3 days: $1.23 spent on 15 images in total. Highest spend $0.93 on Dec 2.',
    );
    expect(summariseUsage([makeUsageDay('2026-12-02')])).toBe(
      'Spend and images per day over the last day: no generations.',
    );
  });
});
