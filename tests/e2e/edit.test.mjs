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
  const { page, context, problems } = await openPage(browser, server.url);
  try {
    const forms = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/editImage') {
        forms.push(request.postDataBuffer() ?? Buffer.alloc(0));
      }
    });
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
    const link = details.getByTestId('edit-lineage').getByRole('link');
    await link.waitFor();
    assert.equal(await link.getAttribute('data-parent-id'), parent.id);
    assert.match(await link.textContent(), /A windmill in a tulip field/);

    const form = forms[0]?.toString('latin1') ?? '';
    assert.match(form, /name="image"\r\n\r\n[0-9]{13}-[a-z0-9]+\r\n/, 'the image is sent by id');
    assert.match(form, /name="mask"; filename="mask.png"\r\nContent-Type: image\/png\r\n\r\n\x89PNG/, 'the painted mask is sent as a PNG');
    const listed = await api(server.url, '/api/getImages');
    const child = listed.json.imageUrls.find((image) => image.prompt === 'The windmill at sunset');
    assert.equal(child?.parentId, parent.id);

    // Following the link shows the parent, which lists its edit.
    await link.click();
    await details.getByText('A windmill in a tulip field').first().waitFor();
    await details.locator(`[data-edit-id="${child.id}"]`).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
