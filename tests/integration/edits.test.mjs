// Image edits (POST /api/editImage, multipart): a gallery image or an upload as the source, a mask,
// references, every limit at the edge, the parent link and the parent's list of edits, costs
// reserved and settled, models that cannot edit, edits as jobs, the web tier forwarding the form,
// and the OpenAI and Azure OpenAI edit calls checked byte for byte against the fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import {
  api, assertError, assertImage, generate, listStored, NO_LIMITS, pngChunks, registerSecret, startFake, startRole, startServer,
  waitFor,
} from '../support/server.mjs';
import { encodePng, encodeRgbaPng, EDIT_IMAGE_TOKENS, HIGH_FIDELITY_TOKENS } from '../fakes/fake_openai.mjs';

const TIMEOUT = 90_000;
const API_KEY = 'sk-fake-edits-0123456789abcdefghij';
const ADMIN_TOKEN = 'admin-token-edits-0123456789abcdef';
registerSecret(API_KEY);
registerSecret(ADMIN_TOKEN);
const JPEG = fs.readFileSync(new URL('../data/fake-image.jpg', import.meta.url));
const QUICK = { VISIONARY_DEMO_STAGE_MS: '0', ...NO_LIMITS };

/** A multipart form: text fields and files ({name, bytes, filename, type}), in order. */
function form(fields = {}, files = []) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, String(value));
  for (const file of files) {
    data.append(file.name, new Blob([file.bytes], { type: file.type ?? 'image/png' }), file.filename ?? `${file.name}.png`);
  }
  return data;
}

function edit(base, fields, files, init = {}) {
  return api(base, '/api/editImage', { method: 'POST', body: form(fields, files), ...init });
}

/** A mask of the image's size: transparent (may change) in the left half. */
const halfMask = (width, height) => encodeRgbaPng(width, height, (x) => (x < width / 2 ? 0 : 255));

async function imageBytes(base, image) {
  const res = await fetch(new URL(image.url, base));
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

async function demoServer(t, env = {}) {
  return startServer({ t, env: { ...QUICK, ...env } });
}

test('demo: an edit of a gallery image with a mask records its parent; the parent lists its edits', { timeout: TIMEOUT }, async (t) => {
  const server = await demoServer(t, { VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN });
  const made = await generate(server.url, { prompt: 'a lighthouse on a cliff' });
  assert.equal(made.status, 201, made.text);
  const parent = made.json.images[0];
  const res = await edit(server.url, { image: parent.id, prompt: 'the same lighthouse at night' }, [
    { name: 'mask', bytes: halfMask(parent.width, parent.height) },
  ]);
  assert.equal(res.status, 201, res.text);
  const child = res.json.images[0];
  assertImage(child, { prompt: 'the same lighthouse at night', provider: 'demo', width: parent.width, height: parent.height });
  assert.equal(child.parentId, parent.id);

  const found = await api(server.url, `/api/images/${child.id}`);
  assert.equal(found.json.parentId, parent.id, 'the stored record keeps the parent');
  assert.equal((await api(server.url, `/api/images/${parent.id}`)).json.parentId, null);

  // Where the mask is opaque the source is kept: a mask opaque everywhere gives back its pixels.
  const pixels = async (image) => Buffer.concat(pngChunks(await imageBytes(server.url, image)).filter((c) => c.type === 'IDAT').map((c) => c.data));
  assert.notDeepEqual(await pixels(child), await pixels(parent), 'the painted half changed');
  const kept = await edit(server.url, { image: parent.id, prompt: 'nothing may change' }, [
    { name: 'mask', bytes: encodeRgbaPng(parent.width, parent.height, () => 255) },
  ]);
  assert.equal(kept.status, 201, kept.text);
  assert.deepEqual(await pixels(kept.json.images[0]), await pixels(parent), 'an opaque mask keeps every pixel');

  const second = await edit(server.url, { image: parent.id, prompt: 'the lighthouse in fog' }, []);
  assert.equal(second.status, 201, second.text);
  const keptId = kept.json.images[0].id;
  const edits = await api(server.url, `/api/images/${parent.id}/edits`);
  assert.equal(edits.status, 200, edits.text);
  assert.deepEqual(edits.json.imageUrls.map((i) => i.id), [second.json.images[0].id, keptId, child.id], 'newest first');
  const paged = await api(server.url, `/api/images/${parent.id}/edits?limit=2`);
  assert.equal(paged.json.imageUrls.length, 2);
  assert.ok(paged.json.nextCursor);
  const rest = await api(server.url, `/api/images/${parent.id}/edits?limit=2&cursor=${encodeURIComponent(paged.json.nextCursor)}`);
  assert.deepEqual(rest.json.imageUrls.map((i) => i.id), [child.id]);
  assert.deepEqual((await api(server.url, `/api/images/${child.id}/edits`)).json.imageUrls, []);
  assertError(await api(server.url, '/api/images/..%2Fjobs/edits'), 404, 'not_found');

  // A deleted edit drops out of its parent's list.
  const removed = await api(server.url, `/api/images/${child.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(removed.status, 204);
  assert.deepEqual((await api(server.url, `/api/images/${parent.id}/edits`)).json.imageUrls.map((i) => i.id), [second.json.images[0].id, keptId]);
});

test('demo: an uploaded source has no parent; references are taken; the config names the limits', { timeout: TIMEOUT }, async (t) => {
  const server = await demoServer(t);
  const source = encodePng(320, 200);
  const res = await edit(server.url, { prompt: 'a postcard' }, [
    { name: 'image', bytes: source }, { name: 'reference', bytes: JPEG, type: 'image/jpeg', filename: 'ref.jpg' },
  ]);
  assert.equal(res.status, 201, res.text);
  const image = res.json.images[0];
  assert.equal(image.parentId, null);
  assert.equal(image.width, 320);
  assert.equal(image.height, 200);
  const config = await api(server.url, '/api/config');
  assert.equal(config.json.limits.maxUploadBytes, 25 * 1024 * 1024);
  assert.equal(typeof config.json.limits.maxImagePixels, 'number');
  assert.equal(config.json.options.canEdit, true);
  assert.equal(config.json.options.maxEditImages, 4);
});

test('limits at the edge: size, type, pixels, references, mask, ids, fields; nothing stored', { timeout: TIMEOUT }, async (t) => {
  const server = await demoServer(t, { VISIONARY_MAX_UPLOAD_BYTES: String(1024 * 1024), VISIONARY_MAX_IMAGE_PIXELS: String(300 * 300) });
  const before = listStored(server.dataDir);
  const small = encodePng(64, 48);

  const tooLarge = await edit(server.url, { prompt: 'x' }, [{ name: 'image', bytes: Buffer.concat([small, Buffer.alloc(1024 * 1024)]) }]);
  assertError(tooLarge, 413, 'payload_too_large');
  const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
  const wrongType = await edit(server.url, { prompt: 'x' }, [{ name: 'image', bytes: gif, type: 'image/png' }]);
  assertError(wrongType, 415, 'unsupported_media_type');
  assert.match(wrongType.json.error.message, /'image' must be a PNG, JPEG or WebP/);
  const pixels = await edit(server.url, { prompt: 'x' }, [{ name: 'image', bytes: encodePng(301, 300) }]);
  assertError(pixels, 400, 'invalid_request');
  assert.match(pixels.json.error.message, /too many pixels \(301x300; the limit is 90000 pixels\)/);
  const references = await edit(server.url, { prompt: 'x' }, [
    { name: 'image', bytes: small }, ...Array.from({ length: 4 }, () => ({ name: 'reference', bytes: small })),
  ]);
  assertError(references, 400, 'invalid_request');
  assert.match(references.json.error.message, /at most 3 reference image/);
  const mismatch = await edit(server.url, { prompt: 'x' }, [{ name: 'image', bytes: small }, { name: 'mask', bytes: halfMask(32, 48) }]);
  assertError(mismatch, 400, 'invalid_request');
  assert.match(mismatch.json.error.message, /mask is 32x48 but the image is 64x48/);
  const opaque = await edit(server.url, { prompt: 'x' }, [{ name: 'image', bytes: small }, { name: 'mask', bytes: small }]);
  assertError(opaque, 400, 'invalid_request');
  assert.match(opaque.json.error.message, /PNG with an alpha channel/);
  assertError(await edit(server.url, { image: '0000000000000-abcdefghij', prompt: 'x' }, []), 404, 'not_found');
  assertError(await edit(server.url, { image: '../../etc/passwd', prompt: 'x' }, []), 404, 'not_found');
  assertError(await edit(server.url, { prompt: 'x' }, []), 400, 'invalid_request');
  assertError(await edit(server.url, {}, [{ name: 'image', bytes: small }]), 400, 'invalid_request');
  assertError(await edit(server.url, { prompt: 'x', steps: 'many' }, [{ name: 'image', bytes: small }]), 400, 'invalid_request');
  const json = await api(server.url, '/api/editImage', { method: 'POST', json: { image: '0000000000000-abcdefghij', prompt: 'x' } });
  assertError(json, 415, 'unsupported_media_type');
  assert.deepEqual(listStored(server.dataDir), before, 'nothing stored by a refused edit');
});

test('an edit runs as a job with progress and ends with its image linked to the parent', { timeout: TIMEOUT }, async (t) => {
  const server = await demoServer(t);
  const parent = (await generate(server.url, { prompt: 'a quiet harbour' })).json.images[0];
  const submitted = await api(server.url, '/api/jobs', { method: 'POST', body: form({ image: parent.id, prompt: 'a stormy harbour' }) });
  assert.equal(submitted.status, 202, submitted.text);
  const id = submitted.json.id;
  let job;
  await waitFor(async () => {
    job = (await api(server.url, `/api/jobs/${id}`)).json;
    return job.status === 'succeeded' || job.status === 'failed';
  }, { what: 'the edit job to end' });
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.images[0].parentId, parent.id);
  // A JSON job above the ordinary body limit is still refused although the route takes uploads.
  const big = await api(server.url, '/api/jobs', { method: 'POST', json: { prompt: 'x'.repeat(70 * 1024) } });
  assertError(big, 413, 'payload_too_large');
});

test('the web tier checks and forwards the multipart form to the backend', { timeout: TIMEOUT }, async (t) => {
  const key = 'fk-edits-forwarding-0123456789';
  registerSecret(key);
  const backend = await startRole('functions', { t, env: { ...QUICK, VISIONARY_FUNCTIONS_KEY: key } });
  registerSecret(backend.url);
  const web = await startRole('web', { t, env: { VISIONARY_FUNCTIONS_URL: backend.url, VISIONARY_FUNCTIONS_KEY: key } });
  const parent = (await generate(web.url, { prompt: 'a mountain hut' })).json.images[0];
  const res = await edit(web.url, { image: parent.id, prompt: 'the hut in snow' }, [{ name: 'mask', bytes: halfMask(parent.width, parent.height) }]);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.images[0].parentId, parent.id);
  const listed = await api(web.url, `/api/images/${parent.id}/edits`);
  assert.deepEqual(listed.json.imageUrls.map((i) => i.id), [res.json.images[0].id]);
  const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
  assertError(await edit(web.url, { prompt: 'x' }, [{ name: 'image', bytes: gif }]), 415, 'unsupported_media_type');
  const job = await api(web.url, '/api/jobs', { method: 'POST', body: form({ image: parent.id, prompt: 'the hut at dusk' }) });
  assert.equal(job.status, 202, job.text);
});

// ---------------------------------------------------------------- OpenAI and Azure OpenAI

async function openaiServer(t, env = {}) {
  const fake = await startFake(t, { apiKey: API_KEY });
  const server = await startServer({
    t,
    env: {
      VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url, VISIONARY_MODEL: 'gpt-image-1.5',
      VISIONARY_OPENAI_PARTIAL_IMAGES: '0', VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN, ...NO_LIMITS, ...env,
    },
  });
  return { fake, server };
}

/** The multipart body build_edit_body writes, from the boundary the request named. */
function expectedForm(boundary, parts) {
  const chunks = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename) head += `; filename="${part.filename}"\r\nContent-Type: ${part.type}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const usd = (text, image, output) => (text * 5 + image * 8 + output * 32) / 1e6; // gpt-image-1.5 per 1M tokens

test('OpenAI: POST /v1/images/edits carries image[], mask and the options byte for byte; input tokens are billed', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  const parent = (await generate(server.url, { prompt: 'a red barn', size: '1024x1024', quality: 'low' })).json.images[0];
  const source = await imageBytes(server.url, parent);
  const mask = halfMask(1024, 1024);
  fake.reset();
  const prompt = 'the red barn under snow';
  const res = await edit(server.url, { image: parent.id, prompt, size: '1024x1024', quality: 'low', input_fidelity: 'high' }, [
    { name: 'mask', bytes: mask }, { name: 'reference', bytes: JPEG, type: 'image/jpeg', filename: 'ref.jpg' },
  ]);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.images[0].parentId, parent.id);
  assert.equal(fake.requests.length, 1);
  const sent = fake.requests[0];
  assert.equal(sent.path, '/v1/images/edits');
  assert.equal(sent.headers.authorization, `Bearer ${API_KEY}`);
  const boundary = /^multipart\/form-data; boundary=(visionary-[A-Za-z0-9_-]{32})$/.exec(sent.headers['content-type'])?.[1];
  assert.ok(boundary, sent.headers['content-type']);
  const expected = expectedForm(boundary, [
    { name: 'model', value: 'gpt-image-1.5' },
    { name: 'prompt', value: prompt },
    { name: 'image[]', filename: 'image-1.png', type: 'image/png', value: source },
    { name: 'image[]', filename: 'image-2.jpg', type: 'image/jpeg', value: JPEG },
    { name: 'mask', filename: 'mask.png', type: 'image/png', value: mask },
    { name: 'n', value: '1' },
    { name: 'size', value: '1024x1024' },
    { name: 'quality', value: 'low' },
    { name: 'input_fidelity', value: 'high' },
    { name: 'user', value: 'visionary' },
    { name: 'stream', value: 'true' },
    { name: 'partial_images', value: '0' },
  ]);
  assert.ok(sent.raw.equals(expected), `the form differs:\n${sent.parts.map((p) => p.header).join('\n')}`);

  // Settled at what the answer's usage says: text, both input images at high fidelity, the output.
  const usage = await api(server.url, '/api/admin/usage?days=1', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const spent = usage.json.days.at(-1).models['gpt-image-1.5'].spentUsd;
  const generation = usd(Math.ceil('a red barn'.length / 4), 0, 272);
  const edited = usd(Math.ceil(prompt.length / 4), 2 * (EDIT_IMAGE_TOKENS + HIGH_FIDELITY_TOKENS), 272);
  assert.ok(Math.abs(spent - (generation + edited)) < 1e-9, `spent ${spent}, expected ${generation + edited}`);
});

test('OpenAI: an edit reserves its input images at the image-input price while it runs', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { VISIONARY_DAILY_BUDGET_USD: '100' });
  const source = encodePng(1024, 1024);
  const reserved = async () =>
    (await api(server.url, '/api/quota', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json.budget.reservedUsd;
  fake.enqueue({ kind: 'held' });
  const generating = generate(server.url, { prompt: 'a field of tulips', size: '1024x1024', quality: 'low' });
  await waitFor(() => fake.heldCount === 1, { what: 'the generation to reach the fake' });
  const forGeneration = await reserved();
  fake.release();
  assert.equal((await generating).status, 201);
  fake.enqueue({ kind: 'held' });
  const editing = edit(server.url, { prompt: 'a field of tulips', size: '1024x1024', quality: 'low' }, [
    { name: 'image', bytes: source }, { name: 'reference', bytes: source },
  ]);
  await waitFor(() => fake.heldCount === 1, { what: 'the edit to reach the fake' });
  const forEdit = await reserved();
  fake.release();
  assert.equal((await editing).status, 201);
  assert.ok(Math.abs(forEdit - forGeneration - (2 * 8000 * 8) / 1e6) < 1e-9, `edit ${forEdit} vs generation ${forGeneration}`);
  assert.equal(await reserved(), 0, 'settled');
});

test('OpenAI: a model that cannot edit is refused before the provider is called; a refusal by the provider is passed on', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { VISIONARY_MODELS: 'gpt-image-1.5,dall-e-3' });
  const source = encodePng(256, 256);
  const refused = await edit(server.url, { prompt: 'x', model: 'dall-e-3' }, [{ name: 'image', bytes: source }]);
  assertError(refused, 400, 'edit_not_supported');
  const fidelity = await edit(server.url, { prompt: 'x', input_fidelity: 'extreme' }, [{ name: 'image', bytes: source }]);
  assertError(fidelity, 400, 'invalid_request');
  assert.equal(fake.requests.length, 0, 'no call reached the provider');
  fake.enqueue('content_policy');
  const policy = await edit(server.url, { prompt: 'x' }, [{ name: 'image', bytes: source }]);
  assertError(policy, 422, 'content_policy_violation');
});

test('Azure OpenAI: edits go to the deployment\'s images/edits path with api-key', { timeout: TIMEOUT }, async (t) => {
  const fake = await startFake(t, { apiKey: API_KEY });
  const server = await startServer({
    t,
    env: {
      VISIONARY_PROVIDER: 'azure-openai', AZURE_OPENAI_ENDPOINT: fake.origin, AZURE_OPENAI_API_KEY: API_KEY,
      VISIONARY_MODEL: 'gpt-image-1', AZURE_OPENAI_API_VERSION: '2025-04-01-preview', VISIONARY_OPENAI_PARTIAL_IMAGES: '0', ...NO_LIMITS,
    },
  });
  const res = await edit(server.url, { prompt: 'a kite over dunes' }, [{ name: 'image', bytes: encodePng(512, 512) }, { name: 'mask', bytes: halfMask(512, 512) }]);
  assert.equal(res.status, 201, res.text);
  const sent = fake.requests.at(-1);
  assert.equal(sent.path, '/openai/deployments/gpt-image-1/images/edits?api-version=2025-04-01-preview');
  assert.equal(sent.headers['api-key'], API_KEY);
  assert.deepEqual(sent.parts.map((p) => p.name), ['model', 'prompt', 'image[]', 'mask', 'n', 'size', 'stream', 'partial_images']);
});
