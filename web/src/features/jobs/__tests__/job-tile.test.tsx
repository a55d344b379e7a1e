import { act, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeJob } from '../../../testing/fixtures';
import type { Job } from '../../../types/api';
import { JobList } from '../components/job-list';
import type { JobEntry } from '../hooks/use-jobs';

const REQUEST = { prompt: 'A lighthouse on a cliff at dusk, watercolor, with seagulls and a stormy sky above' };

function entry(job: Job | null, overrides: Partial<JobEntry> = {}): JobEntry {
  return { id: job?.id ?? 'job-1', request: REQUEST, job, busy: false, ...overrides };
}

function renderTiles(entries: JobEntry[]) {
  const handlers = { onCancel: vi.fn(), onRetry: vi.fn(), onDismiss: vi.fn() };
  const view = render(<JobList entries={entries} {...handlers} />);
  return { ...handlers, ...view };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('JobTile', () => {
  it('running without a known fraction: an indeterminate bar (no aria-valuenow), prompt and Cancel', () => {
    const { onCancel } = renderTiles([entry(makeJob({ status: 'running', prompt: REQUEST.prompt }))]);
    const tile = screen.getByTestId('job-tile');
    expect(tile).toHaveAttribute('data-status', 'running');
    const bar = within(tile).getByRole('progressbar');
    expect(bar).toBe(within(tile).getByTestId('job-progress'));
    expect(bar).not.toHaveAttribute('aria-valuenow');
    expect(bar).toHaveAccessibleName('Progress of “A lighthouse on a cliff at dusk, waterco…”');
    expect(within(tile).getByText(REQUEST.prompt)).toHaveAttribute('dir', 'auto');
    const cancel = within(tile).getByRole('button', { name: /^Cancel “A lighthouse/ });
    expect(cancel).toHaveTextContent('Cancel');
    cancel.click();
    expect(onCancel).toHaveBeenCalledWith('job-1');
    expect(within(tile).queryByTestId('job-retry')).not.toBeInTheDocument();
  });

  it('determinate: aria-valuenow, percent, steps, ETA, and a readable value text', () => {
    renderTiles([
      entry(makeJob({ status: 'running', progress: { fraction: 0.255, step: 8, steps: 30, etaSeconds: 95 } })),
    ]);
    const bar = screen.getByRole('progressbar');
    expect(bar).toHaveAttribute('aria-valuenow', '26');
    expect(bar).toHaveAttribute('aria-valuemin', '0');
    expect(bar).toHaveAttribute('aria-valuemax', '100');
    expect(bar).toHaveAttribute('aria-valuetext', '26%, step 8/30, about 2 min left');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('26%');
    expect(screen.getByTestId('job-tile')).toHaveTextContent('26% · step 8/30 · about 2 min left');
  });

  it('ticks the elapsed time every second while it runs', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-02T12:00:05Z'), toFake: ['Date', 'setInterval', 'clearInterval'] });
    renderTiles([entry(makeJob({ status: 'running', startedAt: '2026-12-02T12:00:01Z' }))]);
    const tile = screen.getByTestId('job-tile');
    expect(tile).toHaveTextContent('Elapsed 0:04');
    act(() => vi.advanceTimersByTime(3000));
    expect(tile).toHaveTextContent('Elapsed 0:07');
    act(() => vi.advanceTimersByTime(60_000));
    expect(tile).toHaveTextContent('Elapsed 1:07');
  });

  it('counts from the submit while queued', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-02T12:00:12Z'), toFake: ['Date', 'setInterval', 'clearInterval'] });
    renderTiles([entry(makeJob({ status: 'queued', queuePosition: 4, createdAt: '2026-12-02T12:00:00Z' }))]);
    const tile = screen.getByTestId('job-tile');
    expect(within(tile).getByRole('status')).toHaveTextContent('Queued · position 4');
    expect(tile).toHaveTextContent('Elapsed 0:12');
  });

  it('shows the preview only when it is a picture URL', () => {
    const { rerender, onCancel, onRetry, onDismiss } = renderTiles([
      entry(makeJob({ status: 'running', progress: { previewUrl: 'javascript:alert(1)' } })),
    ]);
    expect(screen.queryByTestId('job-preview')).not.toBeInTheDocument();
    rerender(
      <JobList
        entries={[entry(makeJob({ status: 'running', progress: { previewUrl: '/blobs/previews/job-1.webp' } }))]}
        onCancel={onCancel}
        onRetry={onRetry}
        onDismiss={onDismiss}
      />,
    );
    expect(screen.getByTestId('job-preview')).toHaveAttribute('src', '/blobs/previews/job-1.webp');
  });

  it('a re-attached job not yet heard of: "Reconnecting…", the remembered prompt, Cancel', () => {
    renderTiles([entry(null, { id: 'job-9' })]);
    const tile = screen.getByTestId('job-tile');
    expect(tile).toHaveAttribute('data-job-id', 'job-9');
    expect(within(tile).getByRole('status')).toHaveTextContent('Reconnecting…');
    expect(tile).toHaveAttribute('data-status', 'reconnecting');
    expect(tile).toHaveTextContent(REQUEST.prompt);
    expect(within(tile).getByTestId('job-cancel')).toBeEnabled();
  });

  it('while cancelling: the button says so and is disabled', () => {
    renderTiles([entry(makeJob({ status: 'running' }), { busy: true })]);
    expect(screen.getByTestId('job-cancel')).toBeDisabled();
    expect(screen.getByTestId('job-cancel')).toHaveTextContent('Cancelling…');
  });

  it('failed: the reason in the live region, Retry and Dismiss with labels, no bar', () => {
    const { onRetry, onDismiss } = renderTiles([
      entry(makeJob({ status: 'failed', error: { code: 'provider_error', message: 'The image provider failed.' } })),
    ]);
    const tile = screen.getByTestId('job-tile');
    expect(tile).toHaveAttribute('data-status', 'failed');
    expect(within(tile).getByRole('status')).toHaveTextContent('The image provider failedThe image provider failed.');
    expect(within(tile).queryByRole('progressbar')).not.toBeInTheDocument();
    within(tile).getByRole('button', { name: /^Retry “/ }).click();
    within(tile).getByRole('button', { name: /^Dismiss “/ }).click();
    expect(onRetry).toHaveBeenCalledWith('job-1');
    expect(onDismiss).toHaveBeenCalledWith('job-1');
  });

  it('cancelled: says so, no preview, Dismiss', () => {
    renderTiles([entry(makeJob({ status: 'cancelled', progress: { previewUrl: 'data:image/webp;base64,AAAA' } }))]);
    const tile = screen.getByTestId('job-tile');
    expect(within(tile).getByRole('status')).toHaveTextContent('Cancelled');
    expect(within(tile).queryByTestId('job-preview')).not.toBeInTheDocument();
    expect(within(tile).getByTestId('job-dismiss')).toBeEnabled();
  });

  it('renders nothing for no jobs', () => {
    const { container } = renderTiles([]);
    expect(container).toBeEmptyDOMElement();
  });
});
