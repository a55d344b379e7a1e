// Suggestions from a chat model in Debian's Chromium, against the real `visionary serve` and the
// fake Chat Completions server: while a suggestion loads the form names the model that is
// thinking, then shows the model's idea and, quietly, who suggested it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startFakeChat } from '../support/fake_chat.mjs';
import { api, registerSecret, startServer, waitFor } from '../support/server.mjs';
import { launchChromium, openPage, promptBox } from './chromium.mjs';

const KEY = 'sk-e2e-suggest-key-1a2b3c4d5e6f';
registerSecret(KEY);

let browser;
let fake;
let server;
before(async () => {
  browser = await launchChromium();
  fake = await startFakeChat({ apiKey: KEY });
  server = await startServer({
    env: {
      VISIONARY_SUGGESTION_MODEL: 'gpt-4o-mini',
      VISIONARY_SUGGESTION_URL: fake.url,
      VISIONARY_SUGGESTION_API_KEY: KEY,
      VISIONARY_METRICS: '1',
    },
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

test('the model is named while it thinks, then its suggestion and its source are shown', async () => {
  // The server keeps four suggestions ready: wait until it has kept four answers.
  await waitFor(async () => /visionary_suggestion_model_calls_total\{outcome="ok"\} 4\n/.test((await api(server.url, '/metrics')).text),
    { what: 'the suggestion cache to fill' });
  let release;
  const released = new Promise((resolve) => {
    release = resolve;
  });
  const { page, context, problems } = await openPage(browser, server.url, {
    setup: (p) => p.route('**/api/suggestion', async (route) => {
      await released;
      await route.continue();
    }, { times: 1 }),
  });
  try {
    const box = promptBox(page);
    await page.waitForFunction(
      () => document.querySelector('textarea')?.placeholder === 'gpt-4o-mini is thinking of a suggestion…',
    );
    assert.equal(await page.getByTestId('suggestion-source').count(), 0, 'no source while loading');
    release();
    await page.waitForFunction(() => /^A lighthouse number \d+ /.test(document.querySelector('textarea')?.placeholder ?? ''));
    assert.match(await box.getAttribute('placeholder'), /on a windswept cliff at dusk, watercolor$/);
    assert.equal(await page.getByTestId('suggestion-source').textContent(), 'Suggested by gpt-4o-mini');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
