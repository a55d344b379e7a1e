// What the browser suites share: Debian's Chromium through playwright-core, a page that records
// console errors, and the gallery's and the job tiles' selectors. Not a test file itself.
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const artifacts = join(process.env.VISIONARY_BUILD_DIR ?? join(import.meta.dirname, '..', '..', 'build'), 'test-artifacts');

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}

/**
 * A page in a context of its own that records console errors and page errors in `problems`, so a
 * test can assert there were none. `setup(page)` runs before the page loads `url` (e.g. to count
 * requests from the very first one).
 */
export async function openPage(browser, url, { viewport = { width: 1280, height: 900 }, setup } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await setup?.(page);
  await page.goto(url);
  return { page, context, problems };
}

/** The image cards of the gallery, newest first (the job tiles are a list of their own). */
export const tiles = (page) => page.locator('ul[aria-label="Generated images"] > li');

export async function tileAlts(page) {
  return tiles(page).locator('img').evaluateAll((images) => images.map((img) => img.alt));
}

/** The tab's generations, newest first: `data-status` is queued, running, succeeded, failed or cancelled. */
export const jobTiles = (page) => page.getByTestId('job-tile');

export const promptBox = (page) => page.getByRole('textbox', { name: /describe the image/i });

/**
 * Records the page's requests for `method` `pathname` (a string or a RegExp) from now on:
 * {count, requests: [{url, body (parsed JSON or null), headers}]}.
 */
export function recordRequests(page, method, pathname) {
  const log = {
    requests: [],
    get count() {
      return this.requests.length;
    },
  };
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    const matches = typeof pathname === 'string' ? path === pathname : pathname.test(path);
    if (request.method() !== method || !matches) return;
    let body = null;
    try {
      body = request.postDataJSON();
    } catch {
      body = null;
    }
    log.requests.push({ url: request.url(), body, headers: request.headers() });
  });
  return log;
}

/**
 * Waits until the grid shows the generation `jobId` as a tile whose `aria-valuenow` is above
 * `above` and returns that value.
 */
export async function progressAbove(page, jobId, above, { timeout = 30_000 } = {}) {
  const handle = await page.waitForFunction(
    ([id, floor]) => {
      const bar = document.querySelector(`[data-testid="job-tile"][data-job-id="${id}"] [data-testid="job-progress"]`);
      const now = bar?.getAttribute('aria-valuenow');
      return now !== null && now !== undefined && Number(now) > floor ? Number(now) : null;
    },
    [jobId, above],
    { timeout },
  );
  return handle.jsonValue();
}

/**
 * Records, in every document the page loads from now on, each value a job tile's progress bar
 * shows (`aria-valuenow`), in order, so a test can check how a bar moved without having to watch
 * it at the right moment. Call before the page loads (openPage's `setup`). Returns
 * {values(jobId) → the values the current document showed for that job}.
 */
export async function recordProgress(page) {
  await page.addInitScript(() => {
    const seen = {};
    window.__jobProgress = seen;
    const note = (bar) => {
      const tile = bar.closest('[data-testid="job-tile"]');
      const value = bar.getAttribute('aria-valuenow');
      if (!tile || value === null) return;
      const list = (seen[tile.dataset.jobId] ??= []);
      if (list.at(-1) !== Number(value)) list.push(Number(value));
    };
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'attributes') {
          if (record.target.matches('[data-testid="job-progress"]')) note(record.target);
          continue;
        }
        for (const node of record.addedNodes) {
          if (node.nodeType !== Node.ELEMENT_NODE) continue;
          if (node.matches('[data-testid="job-progress"]')) note(node);
          node.querySelectorAll('[data-testid="job-progress"]').forEach(note);
        }
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  });
  return {
    values: (jobId) => page.evaluate((id) => window.__jobProgress?.[id] ?? [], jobId),
  };
}

/**
 * True when `locator`'s item is the first of the gallery's grid: nothing (no other job tile, no
 * image card) comes before it.
 */
export function isFirstInGrid(locator) {
  return locator.evaluate((li) => {
    const grid = li.closest('ul')?.parentElement;
    const first = grid?.querySelector('li');
    return first === li;
  });
}
