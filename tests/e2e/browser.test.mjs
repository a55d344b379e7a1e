// The web UI in Debian's Chromium, driven by playwright-core, against the real `visionary serve`:
// what a new user does, from the empty gallery to paging, plus a refused prompt and the admin view.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startFakeOpenAI } from '../fakes/fake_openai.mjs';
import { api, registerSecret, startServer } from '../support/server.mjs';
import {
  artifacts, jobTiles, launchChromium, openPage as openPageIn, promptBox, recordProgress, recordRequests, tileAlts, tiles,
} from './chromium.mjs';

const TRICKY_PROMPT = 'Ein Fuchs. Oil_painting / night? #1 — 日本の夜 café';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

// A page that records console errors and failed requests, so a test can assert there were none.
function openPage(url, options) {
  return openPageIn(browser, url, options);
}

// Holds the next job's event stream (GET /api/jobs/{id}/events) until release() is called, so the
// test can look at the tile as the server's answer to POST /api/jobs left it, without timing
// assumptions; the stream then follows the job as usual.
async function holdNextJobEvents(page) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route(/\/api\/jobs\/[^/]+\/events$/, async (route) => {
    await released;
    await route.continue();
  }, { times: 1 });
  return release;
}

describe('a new user with the demo provider', () => {
  let server;
  before(async () => {
    // The demo paints in stages, so the generation's tile can be seen on its way.
    server = await startServer({ env: { VISIONARY_DEMO_STAGE_MS: '800' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('generates, browses, opens details and reloads', async () => {
    let progress;
    const { page, context, problems } = await openPage(server.url, {
      setup: async (p) => {
        progress = await recordProgress(p);
      },
    });
    const jobPosts = recordRequests(page, 'POST', '/api/jobs');
    try {
      await page.getByText('No images yet').waitFor();
      await page.getByTestId('offline-badge').waitFor();

      const prompt = promptBox(page);
      const generate = page.getByRole('button', { name: /^generate$/i });
      await prompt.fill(TRICKY_PROMPT);
      const release = await holdNextJobEvents(page);
      await generate.click();

      // The form returns as soon as the server has accepted the job: the prompt box is empty and
      // free for the next prompt while the generation's tile waits for its first news.
      const job = jobTiles(page).first();
      await job.waitFor();
      assert.match(await job.getAttribute('data-status'), /^(queued|running)$/);
      assert.match(await job.innerText(), /Ein Fuchs\. Oil_painting \/ night\? #1 — 日本の夜 café/);
      await page.waitForFunction(() => document.querySelector('textarea[name="prompt"]').value === '');
      assert.match(await job.getAttribute('data-status'), /^(queued|running)$/, 'the tile still waits');
      assert.equal(await page.getByRole('button', { name: /^(generating|starting)/i }).count(), 0,
        'the form does not wait for the image');
      await prompt.fill('A quiet harbour at dawn');
      assert.equal(await generate.isEnabled(), true, 'the next prompt can be sent while the first one runs');
      assert.equal(jobPosts.count, 1);
      // The demo model's settings (its catalogue entry offers sizes, a count and output formats).
      assert.deepEqual(jobPosts.requests[0].body, {
        prompt: TRICKY_PROMPT, model: 'procedural-v1', size: '1024x1024', n: 1, output_format: 'png',
      });
      assert.equal(await tiles(page).count(), 0, 'no image card before the image exists');

      // Then it shows how far it is, and becomes the image card.
      const jobId = await job.getAttribute('data-job-id');
      release();
      await page.getByText('Your image has been generated!').waitFor();
      await tiles(page).first().waitFor();
      await jobTiles(page).waitFor({ state: 'detached' });
      assert.deepEqual(await tileAlts(page), [TRICKY_PROMPT]);
      const shown = await progress.values(jobId);
      assert.ok(shown.length >= 2 && shown.every((v, i) => v > 0 && v < 100 && (i === 0 || v > shown[i - 1])),
        `the tile's progress bar filled up on the way: ${shown}`);

      // Hovering shows the full prompt, never cut at '.' or '_'.
      await tiles(page).first().hover();
      const overlay = tiles(page).first().getByTestId('tile-overlay');
      await page.waitForFunction((el) => getComputedStyle(el).opacity === '1', await overlay.elementHandle());
      assert.equal((await overlay.innerText()).trim(), TRICKY_PROMPT);

      // The detail dialog opens on click and closes with Esc, giving focus back to the tile.
      await tiles(page).first().locator('button').click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /Ein Fuchs\. Oil_painting \/ night\? #1/);
      assert.match(await dialog.innerText(), /1024\s*[×x]\s*1024/);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      // A second image comes first; the order survives a reload.
      assert.equal(await prompt.inputValue(), 'A quiet harbour at dawn', 'what was typed meanwhile is kept');
      await prompt.press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Generated images"] > li').length === 2);
      await jobTiles(page).waitFor({ state: 'detached' });
      assert.equal(jobPosts.count, 2);
      assert.deepEqual(await tileAlts(page), ['A quiet harbour at dawn', TRICKY_PROMPT]);
      await page.reload();
      await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Generated images"] > li img').length === 2);
      assert.deepEqual(await tileAlts(page), ['A quiet harbour at dawn', TRICKY_PROMPT]);

      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'gallery.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('a small phone screen', () => {
  let server;
  before(async () => {
    server = await startServer({});
    const answer = await api(server.url, '/api/generateImage', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'A narrow screen' }),
    });
    assert.equal(answer.status, 201);
  });
  after(async () => {
    await server?.stop();
  });

  test('at 360 px nothing overflows sideways and the form is reachable by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    try {
      await page.goto(server.url);
      await tiles(page).first().locator('img').waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `page is ${width} px wide`);
      // Tab from the top of the page reaches the prompt box.
      let focused = '';
      for (let i = 0; i < 10 && focused !== 'TEXTAREA'; i += 1) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.tagName ?? '');
      }
      assert.equal(focused, 'TEXTAREA');
    } finally {
      await context.close();
    }
  });
});

describe('a gallery larger than one page', () => {
  let server;
  before(async () => {
    server = await startServer({});
    for (let i = 0; i < 30; i += 1) {
      const answer = await api(server.url, '/api/generateImage', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: `Seed picture ${i}` }),
      });
      assert.equal(answer.status, 201);
    }
  });
  after(async () => {
    await server?.stop();
  });

  test('scrolling loads the next page', async () => {
    const { page, context, problems } = await openPage(server.url);
    try {
      await tiles(page).first().waitFor();
      const firstPage = await tiles(page).count();
      assert.ok(firstPage < 30, `the first page holds part of the gallery (${firstPage})`);
      await page.getByTestId('gallery-sentinel').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Generated images"] > li').length === 30);
      const alts = await tileAlts(page);
      assert.equal(alts[0], 'Seed picture 29');
      assert.equal(alts[29], 'Seed picture 0');
      assert.equal(new Set(alts).size, 30, 'no image appears twice');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('a client with a daily cap of two images', () => {
  let server;
  before(async () => {
    server = await startServer({ env: { VISIONARY_PROVIDER: 'demo', VISIONARY_CLIENT_DAILY_IMAGES: '2' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('counts the images left and, at the cap, disables Generate and says when more come', async () => {
    const { page, context, problems } = await openPage(server.url);
    const generations = recordRequests(page, 'POST', '/api/jobs');
    try {
      const prompt = page.getByRole('textbox', { name: /describe the image/i });
      const generate = page.getByRole('button', { name: /^generate$/i });
      await page.getByText('2 images left today').waitFor();

      await prompt.fill('A lighthouse on a cliff at dusk');
      await generate.click();
      await page.getByText('Your image has been generated!').waitFor();
      await page.getByText('1 image left today').waitFor();

      await prompt.fill('A quiet harbour at dawn');
      await generate.click();
      await page.getByText('0 images left today').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Generated images"] > li').length === 2);

      // A prompt is ready, yet Generate stays disabled, and says why: the reset in local time.
      await prompt.fill('A third picture, one too many');
      const notice = page.getByTestId('limit-notice');
      await notice.getByText(/made today.s images/).waitFor();
      assert.equal(await generate.isDisabled(), true, 'Generate is disabled at the daily cap');
      const quota = await api(server.url, '/api/quota');
      assert.equal(quota.status, 200);
      assert.equal(quota.json.client.imagesLeftToday, 0);
      const resetTime = await page.evaluate(
        (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
        quota.json.client.resetsAt,
      );
      assert.equal((await notice.innerText()).trim(), `You’ve made today’s images. More at ${resetTime}.`);
      assert.equal(await generate.getAttribute('aria-describedby'), await notice.getAttribute('id'),
        'the reason describes the Generate button');
      assert.equal(await notice.getByRole('status').count(), 1, 'the reason is in a live region');

      // Enter does not get past the cap either: the browser asked for two images, no more.
      await prompt.press('Enter');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'daily-limit.png'), fullPage: true });
      assert.equal(generations.count, 2);
      assert.equal(await tiles(page).count(), 2);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('a provider that refuses the prompt', () => {
  let fake;
  let server;
  before(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { kind: 'content_policy' } });
    server = await startServer({ env: { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: fake.url } });
  });
  after(async () => {
    await server?.stop();
    await fake?.close();
  });

  test('shows the reason on the job’s tile, adds no image, and Retry sends the same request again', async () => {
    const { page, context, problems } = await openPage(server.url);
    const jobPosts = recordRequests(page, 'POST', '/api/jobs');
    try {
      await page.getByText('No images yet').waitFor();
      const prompt = promptBox(page);
      await prompt.fill('something the provider refuses');
      await page.getByRole('button', { name: /^generate$/i }).click();

      // The server accepted the job, so the prompt box is free again; the job's tile tells why it failed.
      const failed = jobTiles(page).and(page.locator('[data-status="failed"]'));
      await failed.waitFor();
      assert.equal(await prompt.inputValue(), '', 'the prompt is cleared once the server accepted the job');
      const text = await failed.innerText();
      assert.match(text, /The provider refused this prompt/);
      assert.match(text, /rejected as a result of our safety system/);
      assert.match(text, /something the provider refuses/, 'the tile quotes the prompt');
      assert.equal(await page.getByText('Your image has been generated!').count(), 0);
      assert.equal(await tiles(page).count(), 0);
      await page.getByText('No images yet').waitFor();
      const firstId = await failed.getAttribute('data-job-id');
      assert.equal((await api(server.url, `/api/jobs/${firstId}`)).json.status, 'failed');

      // Retry: a new job for the very same request, in place of the failed one.
      assert.equal(jobPosts.count, 1);
      await failed.getByTestId('job-retry').click();
      await page.waitForFunction((id) => {
        const tile = document.querySelector('[data-testid="job-tile"]');
        return tile && tile.dataset.jobId !== id && tile.dataset.status === 'failed';
      }, firstId);
      assert.equal(jobPosts.count, 2, 'Retry sends one new POST /api/jobs');
      assert.deepEqual(jobPosts.requests[1].body, jobPosts.requests[0].body);
      assert.equal(jobPosts.requests[1].body.prompt, 'something the provider refuses');
      assert.notEqual(jobPosts.requests[1].headers['idempotency-key'], jobPosts.requests[0].headers['idempotency-key'],
        'a new job, not the failed one again');
      assert.equal(await jobTiles(page).count(), 1, 'the new tile replaces the failed one');
      assert.deepEqual(fake.requests.map((r) => r.body.prompt), ['something the provider refuses', 'something the provider refuses']);
      assert.match(await jobTiles(page).innerText(), /rejected as a result of our safety system/);
      assert.equal(await tiles(page).count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('the admin view', () => {
  const ADMIN_TOKEN = 'e2e-admin-token-0123456789ABCDEF';
  let server;
  before(async () => {
    registerSecret(ADMIN_TOKEN);
    server = await startServer({
      env: { VISIONARY_PROVIDER: 'demo', VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN, VISIONARY_CLIENT_DAILY_IMAGES: '10' },
    });
    const answer = await api(server.url, '/api/generateImage', { method: 'POST', json: { prompt: 'A lighthouse for the ledger' } });
    assert.equal(answer.status, 201);
  });
  after(async () => {
    await server?.stop();
  });

  test('signs in with the token, kept in the tab only, and charts today’s image', async () => {
    const { page, context, problems } = await openPage(server.url);
    const consoleLines = [];
    page.on('console', (message) => consoleLines.push(message.text()));
    const tokenRequests = [];
    page.on('request', (request) => {
      if (request.url().includes(ADMIN_TOKEN)) tokenRequests.push(request.url());
    });
    try {
      await page.getByRole('button', { name: 'Admin' }).click();
      const field = page.getByLabel('Admin token');
      assert.equal(await field.getAttribute('type'), 'password');

      // A wrong token is refused and nothing is kept.
      await field.fill('not-the-admin-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('That token is not valid').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);

      await field.fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();

      // The chart: one bar per day of the last 30, today's one image in its summary and table.
      const chart = page.getByRole('img', { name: /^Spend and images per day over the last 30 days/ });
      await chart.waitFor();
      assert.match(await chart.getAttribute('aria-label'), /\$0\.00 spent on 1 image in total/);
      assert.equal(await page.getByTestId('spend-bar').count(), 30);
      assert.equal(await page.getByTestId('images-dot').count(), 1, 'one day with images');
      assert.match(await page.getByTestId('chart-readout').innerText(), /^Today: \$0\.00 · 1 image$/);
      await page.getByText('Show the numbers as a table').click();
      const todayRow = page.getByTestId('usage-table').locator('tbody tr').first();
      assert.match(await todayRow.locator('th').innerText(), /\(today\)$/);
      assert.deepEqual(await todayRow.locator('td').allInnerTexts(), ['1', '0', '$0.00']);
      assert.deepEqual(await page.getByTestId('model-table').locator('tbody th').allInnerTexts(), ['procedural-v1']);
      await page.getByTestId('budget-card').getByText('No spending budget').waitFor();
      assert.equal((await page.getByTestId('total-images').innerText()).split('\n')[1], '1');

      // The token is in this tab's sessionStorage only: not in localStorage, a cookie or the URL.
      const kept = await page.evaluate(() => ({
        local: Object.entries(localStorage),
        session: Object.values(sessionStorage),
        cookie: document.cookie,
        href: location.href,
      }));
      assert.deepEqual(kept.local, [], 'nothing in localStorage');
      assert.deepEqual(kept.session, [ADMIN_TOKEN]);
      assert.ok(!kept.cookie.includes(ADMIN_TOKEN), 'not in a cookie');
      assert.ok(!kept.href.includes(ADMIN_TOKEN) && !page.url().includes(ADMIN_TOKEN), 'not in the URL');
      assert.deepEqual((await context.cookies()).filter((c) => c.value.includes(ADMIN_TOKEN)), []);
      assert.deepEqual(tokenRequests, [], 'no request URL carries the token');

      await page.evaluate(() => window.scrollTo(0, 0));
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'admin.png'), fullPage: true });

      // Down to 360 px wide nothing overflows sideways.
      await page.setViewportSize({ width: 360, height: 740 });
      await page.waitForFunction(() => document.documentElement.scrollWidth <= 360);
      await page.screenshot({ path: join(artifacts, 'admin-narrow.png'), fullPage: true });

      // Signing out removes the token from the tab.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Admin token').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);

      assert.ok(!consoleLines.some((line) => line.includes(ADMIN_TOKEN)), 'the token is never logged');
      // The browser reports the refused wrong token as a failed resource load; nothing else failed.
      const unexpected = problems.filter((p) => !/status of 401 \(Unauthorized\)/.test(p));
      assert.deepEqual(unexpected, []);
    } finally {
      await context.close();
    }
  });
});
