// The model catalogue in the web UI, in Debian's Chromium against the real `visionary serve` with
// the demo provider: a custom size checked in the form and stored at that size, a second model with
// engine controls, the image details listing the settings, and "Use these settings" refilling the
// form. A models file gives the demo a custom-size rule and adds a demo model with engine controls.
// Then the same with the fake AUTOMATIC1111: its samplers and checkpoints in Advanced, sent to the
// engine, listed in the details and refilled by "Use these settings".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { CHECKPOINTS, SAMPLERS, startFakeA1111 } from '../fakes/fake_a1111.mjs';
import { api, blobFile, pngChunks, startServer, tempDir } from '../support/server.mjs';
import { launchChromium, openPage, promptBox, recordRequests, tiles } from './chromium.mjs';

const CUSTOM_RULE = { multipleOf: 16, minEdge: 64, maxEdge: 2048, minPixels: 4096, maxPixels: 4194304, maxAspect: 4 };

const MODELS_FILE = {
  models: [
    { id: 'procedural-v1', customSize: CUSTOM_RULE },
    {
      id: 'procedural-engine',
      label: 'Demo engine',
      providers: ['demo'],
      sizes: ['512x512', '768x512'],
      defaultSize: '512x512',
      customSize: { ...CUSTOM_RULE, multipleOf: 8 },
      maxN: 2,
      maxPromptChars: 4000,
      negativePrompt: true,
      seed: true,
      steps: { min: 1, max: 150, default: 20 },
      cfgScale: { min: 1, max: 30, default: 7 },
    },
  ],
};

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** The width and height in the stored PNG's IHDR. */
function storedPngSize(server, image) {
  const bytes = fs.readFileSync(path.join(server.dataDir, blobFile(image.name)));
  const header = pngChunks(bytes).find((chunk) => chunk.type === 'IHDR');
  assert.ok(header, 'the stored PNG has an IHDR chunk');
  return [header.data.readUInt32BE(0), header.data.readUInt32BE(4)];
}

async function newestImage(server) {
  const res = await api(server.url, '/api/getImages?limit=1');
  assert.equal(res.status, 200, res.text);
  return res.json.imageUrls[0];
}

/** Types `text`, presses Generate and waits until the gallery's first card is that image. */
async function generate(page, text) {
  await promptBox(page).fill(text);
  await page.getByRole('button', { name: /^generate$/i }).click();
  await page.waitForFunction(
    (alt) => document.querySelector('ul[aria-label="Generated images"] > li img')?.alt === alt,
    text,
    { timeout: 30_000 },
  );
}

/** The open dialog's settings as {label: value}. */
async function dialogSettings(page) {
  const list = page.getByRole('dialog').getByTestId('image-settings');
  return list.evaluate((dl) => {
    const out = {};
    const terms = dl.querySelectorAll('dt');
    for (const term of terms) out[term.textContent] = term.nextElementSibling?.textContent ?? '';
    return out;
  });
}

const field = (page, label) => page.getByLabel(label, { exact: true });

describe('settings from the model catalogue (demo provider)', () => {
  let server;
  before(async () => {
    const dir = tempDir(null, 'visionary-models-');
    const file = path.join(dir, 'models.json');
    fs.writeFileSync(file, JSON.stringify(MODELS_FILE));
    server = await startServer({ env: { VISIONARY_MODELS_FILE: file, VISIONARY_MODELS: 'procedural-engine' } });
    server.modelsDir = dir;
  });
  after(async () => {
    await server?.stop();
    await server?.cleanup();
    if (server?.modelsDir) fs.rmSync(server.modelsDir, { recursive: true, force: true });
  });

  test('a custom size is checked in the form and the image is stored at that size', async () => {
    const { page, context, problems } = await openPage(browser, server.url);
    try {
      await page.getByText('No images yet').waitFor();
      assert.equal(await field(page, 'Model').inputValue(), 'procedural-v1');
      await field(page, 'Size').selectOption('custom');
      const width = field(page, 'Width');
      const height = field(page, 'Height');
      assert.equal(await width.inputValue(), '1024');

      await promptBox(page).fill('A wide lighthouse');
      await width.fill('1000');
      await page.getByText('Both edges must be multiples of 16.').waitFor();
      assert.equal(await width.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByRole('button', { name: /^generate$/i }).isDisabled(), true);
      await width.fill('2048');
      await height.fill('256');
      await page.getByText('The aspect ratio must be between 1:4 and 4:1.').waitFor();

      await width.fill('640');
      await height.fill('384');
      await page.getByText('The aspect ratio must be').waitFor({ state: 'detached' });
      const posts = recordRequests(page, 'POST', '/api/jobs');
      await generate(page, 'A wide lighthouse');
      assert.equal(posts.requests[0].body.size, '640x384');

      const image = await newestImage(server);
      assert.equal(image.settings.size, '640x384');
      assert.deepEqual([image.width, image.height], [640, 384]);
      assert.deepEqual(storedPngSize(server, image), [640, 384]);
      const shown = await tiles(page).first().locator('img').evaluate((img) => img.alt);
      assert.equal(shown, 'A wide lighthouse');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the details list the settings, and "Use these settings" fills the form with them', async () => {
    const { page, context, problems } = await openPage(browser, server.url);
    try {
      // An image made with the engine model and its controls.
      await field(page, 'Model').selectOption('procedural-engine');
      await page.getByRole('button', { name: 'Advanced' }).click();
      assert.equal(await page.getByRole('button', { name: 'Advanced' }).getAttribute('aria-expanded'), 'true');
      await field(page, 'Negative prompt').fill('fog, text');
      await field(page, 'Seed').fill('4242');
      await field(page, 'Steps').fill('30');
      await field(page, 'CFG scale').fill('6.5');
      await field(page, 'Size').selectOption('768x512');
      const posts = recordRequests(page, 'POST', '/api/jobs');
      await generate(page, 'A castle at dawn');
      const sent = posts.requests[0].body;
      assert.deepEqual(sent, {
        prompt: 'A castle at dawn',
        model: 'procedural-engine',
        size: '768x512',
        n: 1,
        negative_prompt: 'fog, text',
        seed: 4242,
        steps: 30,
        cfg_scale: 6.5,
      });

      // Another one with the default model's output options, so the form holds other values.
      await field(page, 'Model').selectOption('procedural-v1');
      await page.getByRole('button', { name: 'More options' }).click();
      await field(page, 'Format').selectOption('jpeg');
      await field(page, 'Compression').fill('80');
      await generate(page, 'A harbour at night');
      const jpeg = await newestImage(server);
      assert.equal(jpeg.contentType, 'image/jpeg');

      await tiles(page).first().getByRole('button').click();
      let settings = await dialogSettings(page);
      assert.equal(settings.Format, 'JPEG');
      assert.equal(settings.Compression, '80%');
      await page.keyboard.press('Escape');

      // The engine image's details: every setting it was made with.
      await tiles(page).nth(1).getByRole('button').click();
      const dialog = page.getByRole('dialog');
      assert.match(await dialog.innerText(), /A castle at dawn/);
      settings = await dialogSettings(page);
      assert.deepEqual(settings, {
        Size: '768 × 512',
        'Negative prompt': 'fog, text',
        Seed: '4242',
        Steps: '30',
        'CFG scale': '6.5',
      });
      assert.match(await dialog.innerText(), /procedural-engine/);

      await dialog.getByRole('button', { name: 'Use these settings' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'prompt');
      assert.equal(await promptBox(page).inputValue(), 'A castle at dawn');
      assert.equal(await field(page, 'Model').inputValue(), 'procedural-engine');
      assert.equal(await field(page, 'Size').inputValue(), '768x512');
      assert.equal(await field(page, 'Negative prompt').inputValue(), 'fog, text');
      assert.equal(await field(page, 'Seed').inputValue(), '4242');
      assert.equal(await field(page, 'Steps').inputValue(), '30');
      assert.equal(await field(page, 'CFG scale').inputValue(), '6.5');

      // Generating again sends exactly what the first image was made with.
      await page.getByRole('button', { name: /^generate$/i }).click();
      await page.waitForFunction(() => document.querySelector('textarea[name="prompt"]').value === '');
      assert.deepEqual(posts.requests.at(-1).body, sent);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('engine settings with AUTOMATIC1111 (fake)', () => {
  let fake;
  let server;
  before(async () => {
    fake = await startFakeA1111();
    server = await startServer({ env: { VISIONARY_PROVIDER: 'automatic1111', VISIONARY_A1111_URL: fake.url } });
  });
  after(async () => {
    await server?.stop();
    await server?.cleanup();
    await fake?.close();
  });

  const optionsOf = (select) => select.locator('option').evaluateAll((options) => options.map((o) => o.value));

  test('Advanced offers the engine\'s lists; an image made with them lists them; "Use these settings" refills them', async () => {
    const { page, context, problems } = await openPage(browser, server.url);
    try {
      await page.getByText('No images yet').waitFor();
      assert.equal(await page.getByLabel('Model', { exact: true }).count(), 0, 'one model: no model select');
      assert.equal(await page.getByRole('button', { name: 'More options' }).count(), 0, 'no output options');
      const advanced = page.getByRole('button', { name: 'Advanced' });
      await advanced.click();
      assert.equal(await advanced.getAttribute('aria-expanded'), 'true');
      assert.deepEqual(await optionsOf(field(page, 'Sampler')), ['', ...SAMPLERS]);
      assert.deepEqual(await optionsOf(field(page, 'Checkpoint')), ['', ...CHECKPOINTS.map((c) => c.title)]);

      await field(page, 'Size').selectOption('768x512');
      await field(page, 'Negative prompt').fill('blurry, text');
      await field(page, 'Seed').fill('31337');
      await field(page, 'Steps').fill('28');
      await field(page, 'CFG scale').fill('6.5');
      await field(page, 'Sampler').selectOption('DPM++ 2M Karras');
      await field(page, 'Checkpoint').selectOption(CHECKPOINTS[1].title);
      const posts = recordRequests(page, 'POST', '/api/jobs');
      await generate(page, 'A lighthouse at dusk');
      const first = posts.requests[0].body;
      const sent = fake.requests.at(-1).body;
      assert.equal(sent.width, 768);
      assert.equal(sent.height, 512);
      assert.equal(sent.negative_prompt, 'blurry, text');
      assert.equal(sent.seed, 31337);
      assert.equal(sent.steps, 28);
      assert.equal(sent.cfg_scale, 6.5);
      assert.equal(sent.sampler_name, 'DPM++ 2M Karras');
      assert.equal(sent.override_settings.sd_model_checkpoint, CHECKPOINTS[1].title);

      await tiles(page).first().getByRole('button').click();
      const settings = await dialogSettings(page);
      assert.equal(settings.Size, '768 × 512');
      assert.equal(settings['Negative prompt'], 'blurry, text');
      assert.equal(settings.Seed, '31337');
      assert.equal(settings.Steps, '28');
      assert.equal(settings['CFG scale'], '6.5');
      assert.equal(settings.Sampler, 'DPM++ 2M Karras');
      assert.equal(settings.Checkpoint, CHECKPOINTS[1].title);
      await page.keyboard.press('Escape');

      // The form moves on to other values; "Use these settings" brings the image's back.
      await field(page, 'Size').selectOption('512x512');
      await field(page, 'Negative prompt').fill('');
      await field(page, 'Seed').fill('');
      await field(page, 'Steps').fill('12');
      await field(page, 'CFG scale').fill('3');
      await field(page, 'Sampler').selectOption('Euler a');
      await field(page, 'Checkpoint').selectOption('');
      await tiles(page).first().getByRole('button').click();
      await page.getByRole('dialog').getByRole('button', { name: 'Use these settings' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      assert.equal(await promptBox(page).inputValue(), 'A lighthouse at dusk');
      assert.equal(await field(page, 'Size').inputValue(), '768x512');
      assert.equal(await field(page, 'Negative prompt').inputValue(), 'blurry, text');
      assert.equal(await field(page, 'Seed').inputValue(), '31337');
      assert.equal(await field(page, 'Steps').inputValue(), '28');
      assert.equal(await field(page, 'CFG scale').inputValue(), '6.5');
      assert.equal(await field(page, 'Sampler').inputValue(), 'DPM++ 2M Karras');
      assert.equal(await field(page, 'Checkpoint').inputValue(), CHECKPOINTS[1].title);

      await page.getByRole('button', { name: /^generate$/i }).click();
      await page.waitForFunction(() => document.querySelector('textarea[name="prompt"]').value === '');
      assert.deepEqual(posts.requests.at(-1).body, first, 'the same request again');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
