// Generation as a live job, in Debian's Chromium against the real `visionary serve`: the job's tile
// with its progress and preview, Cancel, two jobs at once, a reload in the middle of a job, the
// gallery following images made elsewhere, and a refused prompt's tile with Retry and Dismiss.
// The demo provider paints in stages (VISIONARY_DEMO_STAGE_MS) so a job can be watched on its way.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startFakeOpenAI } from '../fakes/fake_openai.mjs';
import { api, startServer, waitFor } from '../support/server.mjs';
import {
  artifacts, isFirstInGrid, jobTiles, launchChromium, openPage, progressAbove, promptBox, recordProgress, recordRequests, tileAlts,
  tiles,
} from './chromium.mjs';

/** How soon an image made elsewhere must show in an open gallery. */
const LIVE_GALLERY_MS = 3000;

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

async function galleryPrompts(server) {
  const res = await api(server.url, '/api/getImages');
  assert.equal(res.status, 200, res.text);
  return res.json.imageUrls.map((image) => image.prompt);
}

async function jobOf(server, id) {
  const res = await api(server.url, `/api/jobs/${encodeURIComponent(id)}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

/** Types `text` and presses Generate; resolves once the form is free again (the server accepted it). */
async function submitPrompt(page, text) {
  const prompt = promptBox(page);
  await prompt.fill(text);
  await page.getByRole('button', { name: /^generate$/i }).click();
  await page.waitForFunction(() => document.querySelector('textarea[name="prompt"]').value === '');
}

/** The tile of the job whose prompt is `text` (the newest such tile). */
function jobTileOf(page, text) {
  return jobTiles(page).filter({ hasText: text }).first();
}

/** Waits until the gallery's first image card shows `prompt`. */
function waitForFirstCard(page, prompt, { timeout = 30_000 } = {}) {
  return page.waitForFunction(
    (text) => document.querySelector('ul[aria-label="Generated images"] > li img')?.alt === text,
    prompt,
    { timeout },
  );
}

describe('a job in stages', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { VISIONARY_DEMO_STAGE_MS: '800' } });
    const seeded = await api(server.url, '/api/generateImage', { method: 'POST', json: { prompt: 'An older picture' } });
    assert.equal(seeded.status, 201, seeded.text);
  });
  after(async () => {
    await server?.stop();
  });

  test('shows its tile at the top with growing progress and a WebP preview, then becomes the image card', async (t) => {
    let progress;
    const { page, context, problems } = await openPage(browser, server.url, {
      setup: async (p) => {
        progress = await recordProgress(p);
      },
    });
    try {
      await tiles(page).first().locator('img').waitFor();
      assert.deepEqual(await tileAlts(page), ['An older picture']);

      await submitPrompt(page, 'A red fox in fresh snow');
      const tile = jobTileOf(page, 'A red fox in fresh snow');
      await tile.and(page.locator('[data-status="running"]')).waitFor();
      assert.equal(await isFirstInGrid(tile), true, 'the job tile leads the grid, before the older image');
      const id = await tile.getAttribute('data-job-id');
      assert.ok(id, 'the tile names its job');

      // The bar fills as the stages arrive (the whole history is checked once the job is done).
      await progressAbove(page, id, -1);
      assert.equal(await tile.getByTestId('job-progress').getAttribute('role'), 'progressbar');

      // The latest stage as a picture, decoded by the browser.
      const preview = tile.getByTestId('job-preview');
      await preview.waitFor();
      assert.match(await preview.getAttribute('src'), /^data:image\/webp;base64,/);
      await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await preview.elementHandle());
      assert.equal(await tile.getByTestId('job-cancel').isEnabled(), true, 'a running job can be cancelled');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'job-running.png') });

      // Done: the tile gives way to the image card, first in the gallery.
      await waitForFirstCard(page, 'A red fox in fresh snow');
      await jobTiles(page).waitFor({ state: 'detached' });
      assert.deepEqual(await tileAlts(page), ['A red fox in fresh snow', 'An older picture']);
      assert.equal(await isFirstInGrid(tiles(page).first()), true);
      assert.equal((await jobOf(server, id)).status, 'succeeded');
      assert.deepEqual(await galleryPrompts(server), ['A red fox in fresh snow', 'An older picture']);
      const shown = await progress.values(id);
      t.diagnostic(`progress shown: ${shown.join(' → ')}`);
      assert.ok(shown.length >= 2, `the bar moved at least once: ${shown}`);
      assert.ok(shown.every((v, i) => v > 0 && v < 100 && (i === 0 || v > shown[i - 1])), `the bar only grows: ${shown}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('a job cancelled while it runs', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { VISIONARY_DEMO_STAGE_MS: '20000' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('reads cancelled, stores no image, and is not brought back by a reload', async () => {
    const { page, context, problems } = await openPage(browser, server.url);
    try {
      await page.getByText('No images yet').waitFor();
      await submitPrompt(page, 'A painting that takes forever');
      const tile = jobTileOf(page, 'A painting that takes forever');
      await tile.and(page.locator('[data-status="running"]')).waitFor();
      const id = await tile.getAttribute('data-job-id');

      await tile.getByTestId('job-cancel').click();
      await tile.and(page.locator('[data-status="cancelled"]')).waitFor();
      assert.match(await tile.innerText(), /Cancelled/);
      assert.equal(await tile.getByTestId('job-cancel').count(), 0, 'nothing left to cancel');
      assert.equal(await tile.getByTestId('job-retry').isEnabled(), true);
      assert.equal(await tile.getByTestId('job-dismiss').isEnabled(), true);
      assert.equal(await tiles(page).count(), 0);

      const job = await jobOf(server, id);
      assert.equal(job.status, 'cancelled');
      assert.deepEqual(job.images, []);
      assert.deepEqual(await galleryPrompts(server), []);

      // A cancelled job is not re-attached after a reload.
      await page.reload();
      await page.getByText('No images yet').waitFor();
      assert.equal(await jobTiles(page).count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('two jobs at once', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { VISIONARY_DEMO_STAGE_MS: '800', VISIONARY_PROVIDER_CONCURRENCY: '2' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('both tiles run side by side and both end as image cards', async () => {
    const { page, context, problems } = await openPage(browser, server.url);
    const jobPosts = recordRequests(page, 'POST', '/api/jobs');
    try {
      await page.getByText('No images yet').waitFor();
      const config = await api(server.url, '/api/config');
      assert.equal(config.json.jobs.concurrency, 2);

      await submitPrompt(page, 'A lighthouse at dusk');
      await submitPrompt(page, 'A harbour at dawn');
      assert.equal(jobPosts.count, 2);

      // Two tiles at once, the newest first; with room for two, both run.
      await page.waitForFunction(() => {
        const all = [...document.querySelectorAll('[data-testid="job-tile"]')];
        return all.length === 2 && all.every((tile) => tile.dataset.status === 'running');
      });
      const texts = await jobTiles(page).allInnerTexts();
      assert.match(texts[0], /A harbour at dawn/);
      assert.match(texts[1], /A lighthouse at dusk/);
      await page.screenshot({ path: join(artifacts, 'jobs-two-running.png') });

      await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Generated images"] > li img').length === 2);
      await jobTiles(page).first().waitFor({ state: 'detached' });
      assert.deepEqual((await tileAlts(page)).sort(), ['A harbour at dawn', 'A lighthouse at dusk']);
      assert.deepEqual((await galleryPrompts(server)).sort(), ['A harbour at dawn', 'A lighthouse at dusk']);
      assert.equal(jobPosts.count, 2);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('a reload in the middle of a job', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { VISIONARY_DEMO_STAGE_MS: '1500' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('brings the same job’s tile back, which keeps progressing and ends as the image card', async (t) => {
    let progress;
    const { page, context, problems } = await openPage(browser, server.url, {
      setup: async (p) => {
        progress = await recordProgress(p);
      },
    });
    const jobPosts = recordRequests(page, 'POST', '/api/jobs');
    try {
      await page.getByText('No images yet').waitFor();
      await submitPrompt(page, 'A castle in the clouds');
      const tile = jobTileOf(page, 'A castle in the clouds');
      const id = await tile.getAttribute('data-job-id');
      await progressAbove(page, id, -1);
      await tile.getByTestId('job-preview').waitFor();
      const remembered = await page.evaluate(() => sessionStorage.getItem('visionary.jobs'));
      assert.ok(remembered?.includes(id), `the tab remembers the running job: ${remembered}`);

      const shownBefore = Math.max(...(await progress.values(id)));
      await page.reload();
      const back = page.locator(`[data-testid="job-tile"][data-job-id="${id}"]`);
      await back.waitFor();
      assert.match(await back.innerText(), /A castle in the clouds/);
      await back.and(page.locator('[data-status="running"]')).waitFor();
      await back.getByTestId('job-preview').waitFor();

      await waitForFirstCard(page, 'A castle in the clouds');
      await back.waitFor({ state: 'detached' });
      const shownAfter = await progress.values(id);
      t.diagnostic(`progress before the reload up to ${shownBefore}, after it: ${shownAfter.join(' → ')}`);
      assert.ok(shownAfter.length >= 2 && shownAfter.every((v, i) => i === 0 || v > shownAfter[i - 1]),
        `the re-attached tile's bar moved on: ${shownAfter}`);
      assert.ok(shownAfter.at(-1) > shownBefore, `further than before the reload: ${shownBefore} → ${shownAfter}`);
      assert.deepEqual(await tileAlts(page), ['A castle in the clouds']);
      assert.equal(jobPosts.count, 1, 'the reload did not start the job again');
      assert.deepEqual(await galleryPrompts(server), ['A castle in the clouds']);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('visionary.jobs')), null, 'a finished job is forgotten');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('two browsers on one gallery', () => {
  let server;
  before(async () => {
    server = await startServer({});
  });
  after(async () => {
    await server?.stop();
  });

  test('an image made in one browser, or by another client, appears in the other within 3 s without a reload', async (t) => {
    let eventsOpen;
    let listings;
    const watcher = await openPage(browser, server.url, {
      setup: (page) => {
        eventsOpen = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/events');
        listings = recordRequests(page, 'GET', '/api/getImages');
      },
    });
    const maker = await openPage(browser, server.url);
    try {
      // The watching page has loaded the (empty) gallery once and follows /api/events.
      await watcher.page.getByText('No images yet').waitFor();
      assert.equal((await eventsOpen).status(), 200);
      const listed = listings.count;
      assert.equal(listed, 1, 'one listing on load');
      await maker.page.getByText('No images yet').waitFor();

      // 1. The other browser generates.
      const shown = waitForFirstCard(watcher.page, 'Made in the other browser', { timeout: 10_000 }).then(() => Date.now());
      const accepted = maker.page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/jobs');
      await submitPrompt(maker.page, 'Made in the other browser');
      const { id } = await (await accepted).json();
      await waitForFirstCard(maker.page, 'Made in the other browser');
      const shownAt = await shown;
      const job = await jobOf(server, id);
      assert.equal(job.status, 'succeeded');
      const delay = shownAt - Date.parse(job.finishedAt);
      t.diagnostic(`the other browser showed the image ${delay} ms after the job finished`);
      assert.ok(delay <= LIVE_GALLERY_MS, `shown ${delay} ms after the job finished`);

      // 2. Another client, not a browser, generates through the API.
      const shownToo = Promise.all([
        waitForFirstCard(watcher.page, 'Made by another client', { timeout: 10_000 }).then(() => Date.now()),
        waitForFirstCard(maker.page, 'Made by another client', { timeout: 10_000 }).then(() => Date.now()),
      ]);
      const made = await api(server.url, '/api/generateImage', { method: 'POST', json: { prompt: 'Made by another client' } });
      const answeredAt = Date.now();
      assert.equal(made.status, 201, made.text);
      const [watcherAt, makerAt] = await shownToo;
      t.diagnostic(`an API client's image shown ${watcherAt - answeredAt} ms and ${makerAt - answeredAt} ms after the answer`);
      assert.ok(watcherAt - answeredAt <= LIVE_GALLERY_MS, `shown ${watcherAt - answeredAt} ms after the answer`);
      assert.ok(makerAt - answeredAt <= LIVE_GALLERY_MS, `shown ${makerAt - answeredAt} ms after the answer (first browser)`);

      const expected = ['Made by another client', 'Made in the other browser'];
      assert.deepEqual(await tileAlts(watcher.page), expected);
      assert.deepEqual(await tileAlts(maker.page), expected, 'the maker shows its own image once');
      assert.equal(await jobTiles(watcher.page).count(), 0, 'no job tile for jobs of other clients');
      assert.equal(listings.count, listed, 'the gallery was not fetched again');
      await watcher.page.getByText('No images yet').waitFor({ state: 'detached' });
      assert.deepEqual(watcher.problems, []);
      assert.deepEqual(maker.problems, []);
    } finally {
      await maker.context.close();
      await watcher.context.close();
    }
  });
});

describe('a job the provider refuses', () => {
  let fake;
  let server;
  before(async () => {
    fake = await startFakeOpenAI();
    server = await startServer({ env: { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: fake.url } });
  });
  after(async () => {
    await server?.stop();
    await fake?.close();
  });

  test('keeps a failed tile with the reason, Retry and Dismiss; Dismiss removes it for good', async () => {
    const { page, context, problems } = await openPage(browser, server.url);
    const jobPosts = recordRequests(page, 'POST', '/api/jobs');
    try {
      await page.getByText('No images yet').waitFor();
      fake.enqueue('content_policy');
      await submitPrompt(page, 'A prompt the safety system refuses');
      const tile = jobTileOf(page, 'A prompt the safety system refuses');
      await tile.and(page.locator('[data-status="failed"]')).waitFor();
      const id = await tile.getAttribute('data-job-id');
      const job = await jobOf(server, id);
      assert.equal(job.status, 'failed');
      assert.equal(job.error.code, 'content_policy_violation');
      const text = await tile.innerText();
      assert.match(text, /The provider refused this prompt/);
      assert.ok(text.includes(job.error.message), `the tile shows the server's reason "${job.error.message}": ${text}`);
      assert.match(job.error.message, /rejected as a result of our safety system/);
      assert.equal(await tile.getByTestId('job-retry').isEnabled(), true);
      assert.equal(await tile.getByTestId('job-dismiss').isEnabled(), true);
      assert.equal(await tile.getByTestId('job-progress').count(), 0, 'no progress bar on a failed job');
      assert.equal(await tiles(page).count(), 0);
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'job-failed.png') });

      // The failed tile survives a reload (the tab remembers it) ...
      await page.reload();
      const again = page.locator(`[data-testid="job-tile"][data-job-id="${id}"][data-status="failed"]`);
      await again.waitFor();
      assert.match(await again.innerText(), /rejected as a result of our safety system/);

      // ... until dismissed: then it is gone, from the tab's memory too, and nothing was sent again.
      await again.getByTestId('job-dismiss').click();
      await again.waitFor({ state: 'detached' });
      assert.equal(await jobTiles(page).count(), 0);
      await page.getByText('No images yet').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('visionary.jobs')), null);
      await page.reload();
      await page.getByText('No images yet').waitFor();
      assert.equal(await jobTiles(page).count(), 0);
      assert.equal(jobPosts.count, 1);
      assert.equal(fake.requests.length, 1);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
