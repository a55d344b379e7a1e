import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { makeQuietDays, makeUsageDay } from '../../../testing/fixtures';
import { CHART_HEIGHT, CHART_MARGIN, PLOT_HEIGHT, UsageChart } from '../components/usage-chart';

// Spend tops out at $2, so the axis runs to $2 and a $1 bar is half the plot tall; images top out
// at 8, so the image axis runs to 8 as well.
const DAYS = [
  makeUsageDay('2026-11-29'),
  makeUsageDay('2026-11-30', { images: 4, failures: 1, spentUsd: 0.5 }),
  makeUsageDay('2026-12-01', { images: 8, spentUsd: 2 }),
  makeUsageDay('2026-12-02', { images: 2, spentUsd: 1 }),
];
const BASELINE = CHART_MARGIN.top + PLOT_HEIGHT;

function bars(): SVGRectElement[] {
  return screen.getAllByTestId('spend-bar') as unknown as SVGRectElement[];
}

function num(element: Element, attribute: string): number {
  return Number(element.getAttribute(attribute));
}

describe('UsageChart', () => {
  it('is one image named by a summary of the numbers', () => {
    render(<UsageChart days={DAYS} />);
    const chart = screen.getByRole('img', { name: /^Spend and images per day over the last 4 days/ });
    expect(chart.tagName.toLowerCase()).toBe('svg');
    expect(chart).toHaveAccessibleName(
      'Spend and images per day over the last 4 days: $3.50 spent on 14 images in total. Highest spend $2.00 on Dec 1.',
    );
    expect(chart).toHaveAttribute('height', String(CHART_HEIGHT));
  });

  it('draws one bar per day, as tall as its spend on the axis', () => {
    render(<UsageChart days={DAYS} />);
    const drawn = bars();
    expect(drawn.map((bar) => bar.getAttribute('data-day'))).toEqual(DAYS.map((d) => d.day));
    const heights = drawn.map((bar) => num(bar, 'height'));
    expect(heights[0]).toBe(0);
    expect(heights[1]).toBeCloseTo(PLOT_HEIGHT / 4, 1);
    expect(heights[2]).toBeCloseTo(PLOT_HEIGHT, 1);
    expect(heights[3]).toBeCloseTo(PLOT_HEIGHT / 2, 1);
    // Bars stand on the baseline, left to right in day order.
    for (const bar of drawn) expect(num(bar, 'y') + num(bar, 'height')).toBeCloseTo(BASELINE, 1);
    const xs = drawn.map((bar) => num(bar, 'x'));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('labels each bar with its day and numbers', () => {
    const { container } = render(<UsageChart days={DAYS} />);
    const titles = Array.from(container.querySelectorAll('[data-testid="chart-day"] > title')).map((t) => t.textContent);
    expect(titles).toEqual([
      'Sun, Nov 29, 2026: $0.00 · 0 images',
      'Mon, Nov 30, 2026: $0.50 · 4 images · 1 failure',
      'Tue, Dec 1, 2026: $2.00 · 8 images',
      'Wed, Dec 2, 2026 (today): $1.00 · 2 images',
    ]);
  });

  it('puts the images on a second axis and labels both axes', () => {
    const { container } = render(<UsageChart days={DAYS} />);
    const dots = screen.getAllByTestId('images-dot');
    expect(dots.map((dot) => dot.getAttribute('data-day'))).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    // 8 images (the top of the image axis) sits at the top of the plot; 2 images a quarter up.
    expect(num(dots[1]!, 'cy')).toBeCloseTo(CHART_MARGIN.top, 1);
    expect(num(dots[2]!, 'cy')).toBeCloseTo(BASELINE - PLOT_HEIGHT / 4, 1);
    const texts = Array.from(container.querySelectorAll('svg text')).map((t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(['$0', '$0.5', '$1', '$1.5', '$2', '0', '2', '4', '6', '8']));
    expect(screen.getAllByTestId('day-label').map((t) => t.textContent)).toEqual(['Nov 29', 'Nov 30', 'Dec 1', 'Today']);
  });

  it('spaces the day labels out over 30 days, always labelling today', () => {
    render(<UsageChart days={makeQuietDays(30)} />);
    expect(bars()).toHaveLength(30);
    const labels = screen.getAllByTestId('day-label').map((t) => t.textContent);
    expect(labels.length).toBeLessThan(30);
    expect(labels.at(-1)).toBe('Today');
  });

  it('has the same numbers in a table, newest first, with a total', async () => {
    const user = userEvent.setup();
    render(<UsageChart days={DAYS} />);
    await user.click(screen.getByText('Show the numbers as a table'));
    const table = screen.getByRole('table', { name: 'Spend, images and failures per day, newest first' });
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => Array.from(row.querySelectorAll('th, td'), (cell) => cell.textContent));
    expect(rows).toEqual([
      ['Day', 'Images', 'Failures', 'Spend'],
      ['Dec 2 (today)', '2', '0', '$1.00'],
      ['Dec 1', '8', '0', '$2.00'],
      ['Nov 30', '4', '1', '$0.50'],
      ['Nov 29', '0', '0', '$0.00'],
      ['Total', '14', '1', '$3.50'],
    ]);
  });

  it('shows the hovered day above the chart, and today otherwise', async () => {
    const user = userEvent.setup();
    render(<UsageChart days={DAYS} />);
    expect(screen.getByTestId('chart-readout')).toHaveTextContent('Today: $1.00 · 2 images');
    await user.hover(screen.getAllByTestId('chart-day')[1]!);
    expect(screen.getByTestId('chart-readout')).toHaveTextContent('Nov 30: $0.50 · 4 images · 1 failure');
  });
});
