import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JOBS_STORAGE_KEY } from '../../features/jobs/job-storage';
import { FakeEventSource, installFakeEventSource } from '../../testing/fake-event-source';
import { makeA1111, makeConfig, makeImage, makeImages, makeJob, makeMenuConfig } from '../../testing/fixtures';
import { deferred, errorResponse, jsonResponse, mockFetch, type FetchHandler } from '../../testing/mock-fetch';
import { renderWithProviders } from '../../testing/test-utils';
import type { ConfigResponse, Job } from '../../types/api';
import { App } from '../app';

const PROMPT = 'A red fox. Oil painting';
const REQUEST = { prompt: PROMPT, size: '1024x1024', quality: 'auto', style: 'vivid', n: 1 };
const PREVIEW = 'data:image/webp;base64,UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=';

interface SetupOptions {
  /** `config.jobs`; `null` leaves the field out (an older server). */
  jobsConfig?: ConfigResponse['jobs'] | null;
  existing?: ReturnType<typeof makeImages>;
  /** `POST /api/jobs`; by default job-1, job-2, ... queued at position 1. */
  createJob?: FetchHandler;
  /** `GET /api/jobs/{id}` and `DELETE /api/jobs/{id}`. */
  jobRoute?: FetchHandler;
  /** `POST /api/generateImage` (a server without the jobs API). */
  generateImage?: FetchHandler;
  /** The rest of `GET /api/config` (by default one model, `makeConfig`). */
  baseConfig?: ConfigResponse;
}

function setup({
  jobsConfig = { events: true },
  existing = makeImages(2, 'old'),
  createJob,
  jobRoute,
  generateImage,
  baseConfig = makeConfig(),
}: SetupOptions = {}) {
  const streams = installFakeEventSource();
  let created = 0;
  const config: ConfigResponse = jobsConfig === null ? baseConfig : { ...baseConfig, jobs: jobsConfig };
  const api = mockFetch((request) => {
    if (request.path === '/api/config') return jsonResponse(config);
    if (request.path === '/api/suggestion') return jsonResponse({ suggestion: 'A lighthouse at dusk' });
    if (request.path.startsWith('/api/getImages')) return jsonResponse({ imageUrls: existing, nextCursor: null });
    if (request.path === '/api/jobs' && request.method === 'POST') {
      if (createJob) return createJob(request);
      created += 1;
      const body = request.body as { prompt: string };
      return jsonResponse(makeJob({ id: `job-${created}`, prompt: body.prompt }), 202, { Location: `/api/jobs/job-${created}` });
    }
    if (request.path.startsWith('/api/jobs/') && jobRoute) return jobRoute(request);
    if (request.path === '/api/generateImage' && generateImage) return generateImage(request);
    return errorResponse(404, 'not_found', 'No such route.');
  });
  const view = renderWithProviders(<App />);
  return { api, streams, ...view };
}

/** The form is ready once the config has arrived (its options are shown). */
async function formReady() {
  await screen.findByRole('combobox', { name: 'Images' });
  return screen.getByRole('textbox', { name: /describe the image/i });
}

function submit(textbox: HTMLElement, prompt: string) {
  fireEvent.change(textbox, { target: { value: prompt } });
  fireEvent.click(screen.getByRole('button', { name: /^generate$/i }));
}

function jobTiles(): HTMLElement[] {
  return screen.queryAllByTestId('job-tile');
}

function imageIds(): Array<string | null> {
  const list = screen.getByRole('list', { name: 'Generated images' });
  return within(list)
    .getAllByRole('listitem')
    .map((item) => item.getAttribute('data-image-id'));
}

function stored(): Array<{ id: string }> {
  return JSON.parse(window.sessionStorage.getItem(JOBS_STORAGE_KEY) ?? '[]') as Array<{ id: string }>;
}

async function streamOf(streams: ReturnType<typeof installFakeEventSource>, id: string): Promise<FakeEventSource> {
  const url = `/api/jobs/${id}/events`;
  await waitFor(() => expect(streams.opened(url)).toHaveLength(1));
  return streams.latest(url);
}

/**
 * Fakes setTimeout (the poll loop's clock). Testing Library's waitFor/findBy wait on a real
 * setTimeout, so from here on a test moves time with `advance` and asserts synchronously.
 */
function fakeTimeouts() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
}

/** Moves the fake clock by `ms`, letting every answer that is due arrive and render. */
async function advance(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('App: generating as a job (Server-Sent Events)', () => {
  it('submit → queued tile → progress and preview → the image replaces the tile, without re-fetching', async () => {
    const generated = makeImage({ id: 'gen-1', prompt: PROMPT });
    const { api, streams } = setup({
      createJob: () => jsonResponse(makeJob({ id: 'job-1', queuePosition: 2 }), 202),
    });
    await screen.findByRole('img', { name: 'old prompt 1' });
    const textbox = await formReady();
    submit(textbox, `  ${PROMPT}  `);

    const tile = await screen.findByTestId('job-tile');
    expect(tile).toHaveAttribute('data-status', 'queued');
    expect(within(tile).getByRole('status')).toHaveTextContent('Queued · position 2');
    expect(within(tile).getByRole('status')).toHaveAttribute('aria-live', 'polite');
    expect(tile).toHaveTextContent(PROMPT);
    expect(api.to('/api/jobs')).toHaveLength(1);
    expect(api.to('/api/jobs')[0]?.body).toEqual(REQUEST);
    expect(api.to('/api/jobs')[0]?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(api.to('/api/generateImage')).toHaveLength(0);
    // The form is ready for the next prompt at once.
    await waitFor(() => expect(textbox).toHaveValue(''));
    fireEvent.change(textbox, { target: { value: 'next' } });
    expect(screen.getByRole('button', { name: /^generate$/i })).toBeEnabled();
    // The tile comes first in the gallery's grid, before the images.
    const grid = screen.getByRole('list', { name: 'Generated images' }).parentElement as HTMLElement;
    expect(grid.firstElementChild).toContainElement(tile);

    const stream = await streamOf(streams, 'job-1');
    stream.open();
    stream.emit('state', makeJob({ id: 'job-1', queuePosition: 1 }));
    expect(within(tile).getByRole('status')).toHaveTextContent('Queued · position 1');
    const bar = within(tile).getByTestId('job-progress');
    expect(bar).toHaveAttribute('role', 'progressbar');
    expect(bar).not.toHaveAttribute('aria-valuenow');

    stream.emit(
      'progress',
      makeJob({ id: 'job-1', status: 'running', progress: { fraction: 0.42, step: 12, steps: 30, etaSeconds: 8 } }),
    );
    expect(tile).toHaveAttribute('data-status', 'running');
    expect(within(tile).getByRole('status')).toHaveTextContent('Generating…');
    expect(within(tile).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '42');
    expect(tile).toHaveTextContent('42% · step 12/30 · about 8 s left');
    expect(within(tile).queryByTestId('job-preview')).not.toBeInTheDocument();

    stream.emit(
      'preview',
      makeJob({ id: 'job-1', status: 'running', progress: { fraction: 0.6, step: 18, steps: 30, previewUrl: PREVIEW } }),
    );
    expect(within(tile).getByTestId('job-preview')).toHaveAttribute('src', PREVIEW);
    expect(within(tile).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '60');

    stream.emit('completed', makeJob({ id: 'job-1', status: 'succeeded', images: [generated] }));
    expect(jobTiles()).toHaveLength(0);
    expect(imageIds()).toEqual(['gen-1', 'old-1', 'old-2']);
    expect(stream.closed).toBe(true);
    expect(await screen.findByText('Your image has been generated!')).toBeInTheDocument();
    expect(api.to('/api/getImages')).toHaveLength(1);
    expect(stored()).toEqual([]);

    // The gallery's own stream announces the same image: it is not shown twice.
    streams.latest('/api/events').emit('image.created', generated);
    expect(imageIds()).toEqual(['gen-1', 'old-1', 'old-2']);
    expect(api.to('/api/getImages')).toHaveLength(1);
  });

  it('a failed job shows the reason; Retry sends the same request as a new job; Dismiss removes it', async () => {
    const { api, streams } = setup();
    const textbox = await formReady();
    submit(textbox, PROMPT);
    const stream = await streamOf(streams, 'job-1');
    stream.emit(
      'failed',
      makeJob({
        id: 'job-1',
        status: 'failed',
        error: { code: 'content_policy_violation', message: 'Your prompt was refused by the provider: violence.' },
      }),
    );

    const tile = screen.getByTestId('job-tile');
    expect(tile).toHaveAttribute('data-status', 'failed');
    expect(within(tile).getByRole('status')).toHaveTextContent(
      'The provider refused this prompt' + 'Your prompt was refused by the provider: violence.',
    );
    expect(within(tile).queryByRole('progressbar')).not.toBeInTheDocument();
    expect(within(tile).queryByTestId('job-cancel')).not.toBeInTheDocument();
    expect(stream.closed).toBe(true);
    expect(stored().map((job) => job.id)).toEqual(['job-1']); // a reload still shows it

    fireEvent.click(within(tile).getByTestId('job-retry'));
    await waitFor(() => expect(api.to('/api/jobs')).toHaveLength(2));
    expect(api.to('/api/jobs')[1]?.body).toEqual(REQUEST);
    await waitFor(() => expect(jobTiles().map((t) => t.getAttribute('data-job-id'))).toEqual(['job-2']));
    expect(jobTiles()[0]).toHaveAttribute('data-status', 'queued');
    expect(stored().map((job) => job.id)).toEqual(['job-2']);

    const second = await streamOf(streams, 'job-2');
    second.emit('failed', makeJob({ id: 'job-2', status: 'failed', error: { code: 'provider_timeout', message: 'The provider did not answer in time.' } }));
    const retried = screen.getByTestId('job-tile');
    expect(retried).toHaveTextContent('The image provider took too long');
    expect(screen.getByRole('button', { name: `Dismiss “${PROMPT}”` })).toBe(within(retried).getByTestId('job-dismiss'));
    fireEvent.click(within(retried).getByTestId('job-dismiss'));
    expect(jobTiles()).toHaveLength(0);
    expect(stored()).toEqual([]);
    expect(api.to('/api/jobs')).toHaveLength(2);
  });

  it('Retry of a failed job sends every setting again: model, custom size, seed and engine controls', async () => {
    const { api, streams } = setup({ baseConfig: makeMenuConfig([{ ...makeA1111(), default: true }]) });
    await screen.findByRole('combobox', { name: 'Images' });
    const textbox = screen.getByRole('textbox', { name: /describe the image/i });
    fireEvent.change(screen.getByLabelText('Size'), { target: { value: 'custom' } });
    fireEvent.change(screen.getByLabelText('Width'), { target: { value: '640' } });
    fireEvent.change(screen.getByLabelText('Height'), { target: { value: '448' } });
    fireEvent.click(screen.getByRole('button', { name: 'Advanced' }));
    fireEvent.change(screen.getByLabelText('Seed'), { target: { value: '7' } });
    fireEvent.change(screen.getByLabelText('Negative prompt'), { target: { value: 'fog' } });
    fireEvent.change(screen.getByLabelText('Sampler'), { target: { value: 'Euler a' } });
    submit(textbox, PROMPT);
    const stream = await streamOf(streams, 'job-1');
    stream.emit('failed', makeJob({ id: 'job-1', status: 'failed', error: { code: 'provider_error', message: 'The engine failed.' } }));

    fireEvent.click(within(screen.getByTestId('job-tile')).getByTestId('job-retry'));
    await waitFor(() => expect(api.to('/api/jobs')).toHaveLength(2));
    const expected = {
      prompt: PROMPT,
      model: 'automatic1111',
      size: '640x448',
      n: 1,
      negative_prompt: 'fog',
      seed: 7,
      steps: 20,
      cfg_scale: 7,
      sampler: 'Euler a',
    };
    expect(api.to('/api/jobs')[0]?.body).toEqual(expected);
    expect(api.to('/api/jobs')[1]?.body).toEqual(expected);
  });

  it('Cancel sends DELETE and the tile says "Cancelled" until dismissed', async () => {
    const { api, streams } = setup({
      jobRoute: (request) =>
        request.method === 'DELETE' && request.path === '/api/jobs/job-1'
          ? jsonResponse(makeJob({ id: 'job-1', status: 'cancelled' }))
          : errorResponse(404, 'not_found', 'No such job.'),
    });
    const textbox = await formReady();
    submit(textbox, PROMPT);
    const stream = await streamOf(streams, 'job-1');
    stream.emit('progress', makeJob({ id: 'job-1', status: 'running', progress: { fraction: 0.1 } }));

    const tile = screen.getByTestId('job-tile');
    const cancel = within(tile).getByTestId('job-cancel');
    expect(cancel).toHaveAccessibleName(`Cancel “${PROMPT}”`);
    fireEvent.click(cancel);
    await waitFor(() => expect(tile).toHaveAttribute('data-status', 'cancelled'));
    expect(api.to('/api/jobs/job-1').map((r) => r.method)).toEqual(['DELETE']);
    expect(within(tile).getByRole('status')).toHaveTextContent('Cancelled');
    expect(within(tile).queryByRole('progressbar')).not.toBeInTheDocument();
    expect(stream.closed).toBe(true);
    expect(stored()).toEqual([]);

    // A late event of the stream changes nothing: cancelled is final.
    stream.emit('progress', makeJob({ id: 'job-1', status: 'running', progress: { fraction: 0.2 } }));
    expect(tile).toHaveAttribute('data-status', 'cancelled');

    fireEvent.click(within(tile).getByTestId('job-dismiss'));
    expect(jobTiles()).toHaveLength(0);
  });

  it('runs two jobs at once, each with its own stream and tile, newest first', async () => {
    const { streams } = setup();
    const textbox = await formReady();
    submit(textbox, 'first fox');
    await waitFor(() => expect(jobTiles()).toHaveLength(1));
    await waitFor(() => expect(screen.getByRole('button', { name: /^generate$/i })).toHaveTextContent('Generate'));
    submit(textbox, 'second fox');
    await waitFor(() => expect(jobTiles()).toHaveLength(2));
    expect(jobTiles().map((t) => t.getAttribute('data-job-id'))).toEqual(['job-2', 'job-1']);

    const first = await streamOf(streams, 'job-1');
    const second = await streamOf(streams, 'job-2');
    first.emit('progress', makeJob({ id: 'job-1', prompt: 'first fox', status: 'running', progress: { fraction: 0.5 } }));
    second.emit('progress', makeJob({ id: 'job-2', prompt: 'second fox', status: 'running', progress: { fraction: 0.25 } }));
    const [tile2, tile1] = jobTiles() as [HTMLElement, HTMLElement];
    expect(within(tile1).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');
    expect(within(tile2).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');

    second.emit('completed', makeJob({ id: 'job-2', status: 'succeeded', images: [makeImage({ id: 'gen-2', prompt: 'second fox' })] }));
    expect(jobTiles().map((t) => t.getAttribute('data-job-id'))).toEqual(['job-1']);
    expect(imageIds()[0]).toBe('gen-2');
    expect(first.closed).toBe(false);

    first.emit('completed', makeJob({ id: 'job-1', status: 'succeeded', images: [makeImage({ id: 'gen-1', prompt: 'first fox' })] }));
    expect(jobTiles()).toHaveLength(0);
    expect(imageIds()).toEqual(['gen-1', 'gen-2', 'old-1', 'old-2']);
  });

  it('too_many_in_flight: the server\'s message as a toast, no tile, the prompt kept', async () => {
    const message = 'You already have 2 images being generated; wait for one to finish.';
    setup({ createJob: () => errorResponse(429, 'too_many_in_flight', message, { retryAfterSeconds: 5 }) });
    const textbox = await formReady();
    submit(textbox, PROMPT);
    expect(await screen.findByText(`${message} Try again in 5 s.`)).toBeInTheDocument();
    expect(jobTiles()).toHaveLength(0);
    expect(textbox).toHaveValue(PROMPT);
    expect(screen.getByRole('button', { name: /^generate$/i })).toBeEnabled();
  });

  it('a stream that keeps failing falls back to polling the job', async () => {
    let polls = 0;
    const { api, streams } = setup({
      jobRoute: (request) => {
        if (request.path !== '/api/jobs/job-1' || request.method !== 'GET') return errorResponse(404, 'not_found', 'No.');
        polls += 1;
        return jsonResponse(makeJob({ id: 'job-1', status: 'succeeded', images: [makeImage({ id: 'polled' })] }));
      },
    });
    const textbox = await formReady();
    submit(textbox, PROMPT);
    const stream = await streamOf(streams, 'job-1');
    fakeTimeouts();
    stream.fail();
    stream.fail();
    expect(stream.closed).toBe(false);
    stream.fail();
    expect(stream.closed).toBe(true);
    expect(polls).toBe(0);

    await advance(999);
    expect(polls).toBe(0);
    await advance(1);
    expect(imageIds()[0]).toBe('polled');
    expect(api.to('/api/jobs/job-1')).toHaveLength(1);
    expect(jobTiles()).toHaveLength(0);
    expect(streams.opened('/api/jobs/job-1/events')).toHaveLength(1);
  });
});

describe('App: generating as a job where the server cannot stream', () => {
  it.each([
    ['jobs.events is false', { events: false }],
    ['the config has no jobs field', null],
  ] as const)('%s: polls GET /api/jobs/{id} about every second instead of opening streams', async (_name, jobsConfig) => {
    const answers: Job[] = [
      makeJob({ id: 'job-1', status: 'running', progress: { fraction: 0.2 } }),
      makeJob({ id: 'job-1', status: 'running', progress: { fraction: 0.7, previewUrl: PREVIEW } }),
      makeJob({ id: 'job-1', status: 'succeeded', images: [makeImage({ id: 'gen-1', prompt: PROMPT })] }),
    ];
    let polls = 0;
    const { api } = setup({
      jobsConfig,
      jobRoute: () => jsonResponse(answers[Math.min(polls++, answers.length - 1)]),
    });
    const textbox = await formReady();
    fakeTimeouts();
    submit(textbox, PROMPT);
    await advance(0); // the POST is answered
    const tile = screen.getByTestId('job-tile');
    expect(tile).toHaveAttribute('data-status', 'queued');

    await advance(999);
    expect(api.to('/api/jobs/job-1')).toHaveLength(0);
    await advance(1);
    expect(api.to('/api/jobs/job-1')).toHaveLength(1);
    expect(tile).toHaveAttribute('data-status', 'running');
    expect(within(tile).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '20');

    await advance(1000);
    expect(api.to('/api/jobs/job-1')).toHaveLength(2);
    expect(within(tile).getByTestId('job-preview')).toHaveAttribute('src', PREVIEW);
    expect(within(tile).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '70');

    await advance(1000);
    expect(jobTiles()).toHaveLength(0);
    expect(imageIds()[0]).toBe('gen-1');

    await advance(5000);
    expect(api.to('/api/jobs/job-1')).toHaveLength(3); // no polling after the end
    expect(api.to('/api/jobs/job-1').every((r) => r.method === 'GET')).toBe(true);
    expect(FakeEventSource.instances).toHaveLength(0); // neither the job nor the gallery streams
    expect(api.to('/api/getImages')).toHaveLength(1);
  });
});

describe('App: cancelling a polled job', () => {
  it('an answer to a poll that was under way when Cancel succeeded does not bring the job back', async () => {
    const pendingPoll = deferred<Response>();
    const { api } = setup({
      jobsConfig: { events: false },
      jobRoute: (request) =>
        request.method === 'DELETE'
          ? jsonResponse(makeJob({ id: 'job-1', status: 'cancelled' }))
          : pendingPoll.promise,
    });
    const textbox = await formReady();
    fakeTimeouts();
    submit(textbox, PROMPT);
    await advance(0);
    await advance(1000); // the first poll is sent and not answered yet
    expect(api.to('/api/jobs/job-1')).toHaveLength(1);

    const tile = screen.getByTestId('job-tile');
    fireEvent.click(within(tile).getByTestId('job-cancel'));
    await advance(0);
    expect(tile).toHaveAttribute('data-status', 'cancelled');

    pendingPoll.resolve(jsonResponse(makeJob({ id: 'job-1', status: 'running', progress: { fraction: 0.5 } })));
    await advance(5000);
    expect(tile).toHaveAttribute('data-status', 'cancelled');
    expect(api.to('/api/jobs/job-1').map((r) => r.method)).toEqual(['GET', 'DELETE']);
  });
});

describe('App: jobs survive a reload', () => {
  it('re-attaches to the running job of the previous page', async () => {
    const first = setup();
    const textbox = await formReady();
    submit(textbox, PROMPT);
    await screen.findByTestId('job-tile');
    expect(stored()).toEqual([{ id: 'job-1', request: REQUEST }]);
    first.unmount();

    // The reload: a fresh page (and SWR cache) with the same sessionStorage.
    const second = setup({
      jobRoute: (request) =>
        request.path === '/api/jobs/job-1'
          ? jsonResponse(makeJob({ id: 'job-1', status: 'running', progress: { fraction: 0.3 } }))
          : errorResponse(404, 'not_found', 'No.'),
    });
    const tile = await screen.findByTestId('job-tile');
    expect(tile).toHaveTextContent(PROMPT);
    await waitFor(() => expect(tile).toHaveAttribute('data-status', 'running'));
    expect(within(tile).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '30');
    expect(second.api.to('/api/jobs/job-1')).toHaveLength(1);

    const stream = await streamOf(second.streams, 'job-1');
    stream.emit('completed', makeJob({ id: 'job-1', status: 'succeeded', images: [makeImage({ id: 'gen-1' })] }));
    expect(jobTiles()).toHaveLength(0);
    expect(imageIds()[0]).toBe('gen-1');
    expect(stored()).toEqual([]);
  });

  it('reconciles finished jobs: succeeded → images, failed → failure tile, unknown → forgotten', async () => {
    window.sessionStorage.setItem(
      JOBS_STORAGE_KEY,
      JSON.stringify([
        { id: 'job-ok', request: { prompt: 'done meanwhile' } },
        { id: 'job-bad', request: { prompt: 'failed meanwhile', n: 2 } },
        { id: 'job-gone', request: { prompt: 'expired' } },
        { id: 'job-off', request: { prompt: 'cancelled elsewhere' } },
      ]),
    );
    const jobs: Record<string, Job> = {
      '/api/jobs/job-ok': makeJob({ id: 'job-ok', status: 'succeeded', images: [makeImage({ id: 'made-meanwhile' })] }),
      '/api/jobs/job-bad': makeJob({
        id: 'job-bad',
        prompt: 'failed meanwhile',
        status: 'failed',
        error: { code: 'interrupted', message: 'The server restarted while this image was being generated.' },
      }),
      '/api/jobs/job-off': makeJob({ id: 'job-off', status: 'cancelled' }),
    };
    const { api, streams } = setup({
      jobRoute: (request) => {
        const job = jobs[request.path];
        return job ? jsonResponse(job) : errorResponse(404, 'not_found', 'No such job.');
      },
    });

    await waitFor(() => expect(jobTiles().map((t) => t.getAttribute('data-job-id'))).toEqual(['job-bad']));
    const tile = jobTiles()[0] as HTMLElement;
    expect(tile).toHaveAttribute('data-status', 'failed');
    expect(tile).toHaveTextContent('Interrupted when the server restarted');
    expect(tile).toHaveTextContent('The server restarted while this image was being generated.');
    await waitFor(() => expect(imageIds()[0]).toBe('made-meanwhile'));
    expect(stored().map((job) => job.id)).toEqual(['job-bad']);
    expect(streams.opened('/api/jobs/job-bad/events')).toHaveLength(0);
    // Each remembered job was asked about exactly once.
    for (const id of ['job-ok', 'job-bad', 'job-gone', 'job-off']) expect(api.to(`/api/jobs/${id}`)).toHaveLength(1);

    // Retry uses the remembered request.
    fireEvent.click(within(tile).getByTestId('job-retry'));
    await waitFor(() => expect(api.to('/api/jobs')).toHaveLength(1));
    expect(api.to('/api/jobs')[0]?.body).toEqual({ prompt: 'failed meanwhile', n: 2 });
  });
});

describe('App: a server without the jobs API', () => {
  it('generates and waits as before after POST /api/jobs answers 404, and asks only once', async () => {
    const generated = makeImage({ id: 'sync-1', prompt: PROMPT });
    const { api } = setup({
      createJob: () => errorResponse(404, 'not_found', 'No such route.'),
      generateImage: () => jsonResponse({ images: [generated] }, 201),
    });
    const textbox = await formReady();
    submit(textbox, PROMPT);
    expect(await screen.findByText('Your image has been generated!')).toBeInTheDocument();
    await waitFor(() => expect(imageIds()[0]).toBe('sync-1'));
    expect(jobTiles()).toHaveLength(0);
    expect(api.to('/api/generateImage')[0]?.body).toEqual(REQUEST);

    submit(textbox, 'again');
    await waitFor(() => expect(api.to('/api/generateImage')).toHaveLength(2));
    expect(api.to('/api/jobs')).toHaveLength(1);
  });
});
