// Editing an image in Debian's Chromium against the real `visionary serve` (demo provider): open
// an image's details, Edit, paint a mask with the brush, describe the change, apply; the new image
// opens in the details dialog, says "Edited from" with a link to its parent, and the parent lists
// it among its edits.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { api, startServer } from '../support/server.mjs';
import { artifacts, launchChromium, openPage, tiles } from './chromium.mjs';

let browser;
let server;
before(async () => {
  browser = await launchChromium();
  server = await startServer({ env: { VISIONARY_DEMO_STAGE_MS: '0' } });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an edit with a painted mask makes an image whose dialog links back to its parent', { timeout: 120_000 }, async () => {
  const seeded = await api(server.url, '/api/generateImage', { method: 'POST', json: { prompt: 'A windmill in a tulip field' } });
  assert.equal(seeded.status, 201, seeded.text);
  const parent = seeded.json.images[0];
  // The forms the page sends, kept in the page (a multipart body with files is not visible to the
  // browser's request events).
  const keepForms = () => {
    const send = window.fetch.bind(window);
    window.sentForms = [];
    window.fetch = (input, init) => {
      if (init?.body instanceof FormData) window.sentForms.push(init.body);
      return send(input, init);
    };
  };
  const { page, context, problems } = await openPage(browser, server.url, { setup: (p) => p.addInitScript(keepForms) });
  try {
    await tiles(page).first().locator('img').waitFor();
    await tiles(page).first().getByRole('button').first().click();
    const details = page.getByRole('dialog', { name: 'Image details' });
    await details.waitFor();
    await details.getByRole('button', { name: 'Edit', exact: true }).click();

    const panel = page.getByRole('dialog', { name: 'Edit image' });
    await panel.waitFor();
    const canvas = panel.getByTestId('mask-canvas');
    assert.equal(await canvas.getAttribute('width'), String(parent.width), 'the mask is painted at the image size');
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 8 });
    await page.mouse.up();
    await panel.getByRole('button', { name: 'Clear mask' }).waitFor({ state: 'visible' });
    assert.equal(await panel.getByRole('button', { name: 'Clear mask' }).isEnabled(), true, 'something is painted');
    await panel.getByRole('textbox', { name: /what should change/i }).fill('The windmill at sunset');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'edit-panel.png') });
    await panel.getByRole('button', { name: /apply edit/i }).click();

    // The new image opens in the details dialog with its parent linked.
    await details.getByText('The windmill at sunset').first().waitFor({ timeout: 30_000 });
    await details.getByText('Edited from').waitFor();
    const original = details.getByRole('button', { name: 'Open the original image' });
    await original.waitFor();

    // What was sent: the image by id and the mask as a PNG of the image's size, transparent where
    // painted and opaque elsewhere (decoded by the browser).
    const sent = await page.evaluate(async () => {
      const form = window.sentForms[0];
      const mask = form.get('mask');
      const bitmap = await createImageBitmap(mask);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      context.drawImage(bitmap, 0, 0);
      const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      let clear = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] === 0) clear += 1;
      return { image: form.get('image'), type: mask.type, width: bitmap.width, height: bitmap.height, clear, pixels: data.length / 4 };
    });
    assert.equal(sent.image, parent.id, 'the image is sent by id');
    assert.equal(sent.type, 'image/png');
    assert.deepEqual([sent.width, sent.height], [parent.width, parent.height]);
    assert.ok(sent.clear > 0 && sent.clear < sent.pixels / 2, `painted pixels are transparent: ${sent.clear} of ${sent.pixels}`);
    const listed = await api(server.url, '/api/getImages');
    const child = listed.json.imageUrls.find((image) => image.prompt === 'The windmill at sunset');
    assert.equal(child?.parentId, parent.id);

    // Following the link shows the parent, which lists its edit.
    await original.click();
    await details.getByText('A windmill in a tulip field').first().waitFor();
    await details.locator(`[data-edit-id="${child.id}"]`).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
