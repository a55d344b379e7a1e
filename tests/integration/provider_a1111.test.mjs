// The AUTOMATIC1111 provider against a fake stable-diffusion-webui API on loopback: txt2img with
// the requested size and batch, HTTP Basic auth, and its failures mapped to the API's errors with
// nothing stored.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CHECKPOINTS, SAMPLERS, startFakeA1111 } from '../fakes/fake_a1111.mjs';
import { encodeRgbaPng } from '../fakes/fake_openai.mjs';
import {
  api, assertError, assertImage, generate, listStored, logOf, registerSecret, runBinary, startServer,
} from '../support/server.mjs';

const AUTH = 'artist:s3cret-passw0rd';
registerSecret('s3cret-passw0rd');

async function setUp(t, { auth = AUTH, behaviour = 'ok', listings = 'ok', env = {} } = {}) {
  const fake = await startFakeA1111({ auth: AUTH, behaviour, listings });
  t.after(() => fake.close());
  const server = await startServer({
    t,
    env: { VISIONARY_PROVIDER: 'automatic1111', VISIONARY_A1111_URL: fake.url, VISIONARY_A1111_AUTH: auth, ...env },
  });
  return { fake, server };
}

test('automatic1111: txt2img with size and batch, Basic auth, images stored', async (t) => {
  const { fake, server } = await setUp(t);
  const config = await api(server.url, '/api/config');
  assert.equal(config.json.provider, 'automatic1111');
  assert.equal(config.json.offline, false);
  assert.ok(config.json.options.size.values.includes('768x512'));
  assert.equal(config.json.options.quality, undefined);

  const res = await generate(server.url, { prompt: 'a castle on a hill, oil painting', size: '768x512', n: 2 });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.images.length, 2);
  for (const image of res.json.images) {
    assertImage(image, { prompt: 'a castle on a hill, oil painting', provider: 'automatic1111' });
    assert.equal(image.width, 768);
    assert.equal(image.height, 512);
  }
  assert.equal(fake.requests.length, 1);
  const sent = fake.requests[0];
  assert.equal(sent.headers.authorization, `Basic ${Buffer.from(AUTH).toString('base64')}`);
  assert.equal(sent.body.prompt, 'a castle on a hill, oil painting');
  assert.equal(sent.body.width, 768);
  assert.equal(sent.body.height, 512);
  assert.equal(sent.body.batch_size, 2);
});

test('automatic1111: wrong credentials → the visitor is told to tell the operator, the log names the setting', async (t) => {
  const { server } = await setUp(t, { auth: 'artist:wrong-password' });
  const before = listStored(server.dataDir);
  const refused = await generate(server.url, { prompt: 'x' });
  const error = assertError(refused, 502, 'provider_error');
  assert.match(error.message, /credentials/);
  assert.match(error.message, /operator/);
  assert.doesNotMatch(error.message, /VISIONARY_A1111_AUTH|artist/, 'no setting or user name for visitors');
  assert.match(await logOf(server, error.requestId, /HTTP 401/), /VISIONARY_A1111_AUTH/);
  assert.deepEqual(listStored(server.dataDir), before);
});

test('automatic1111: out of memory on the GPU server is a 503 with a fixed message; its reason is logged', async (t) => {
  const { server } = await setUp(t, { behaviour: 'error' });
  const before = listStored(server.dataDir);
  const failed = await generate(server.url, { prompt: 'x' });
  const error = assertError(failed, 503, 'provider_unavailable');
  assert.doesNotMatch(failed.text, /CUDA|OutOfMemory|GiB/, 'the server\'s own words stay in the log');
  assert.match(await logOf(server, error.requestId, /HTTP 500/), /CUDA out of memory/);
  assert.deepEqual(listStored(server.dataDir), before);
});

test('automatic1111: an answer larger than its images can be is cut off with a fixed message', async (t) => {
  const { fake, server } = await setUp(t, { behaviour: 'huge' });
  const before = listStored(server.dataDir);
  const failed = await generate(server.url, { prompt: 'x' });
  const error = assertError(failed, 502, 'provider_error');
  assert.match(error.message, /larger than allowed/);
  assert.equal(fake.requests.length, 1);
  assert.deepEqual(listStored(server.dataDir), before);
});

test('automatic1111: slow server hits the provider timeout (504)', async (t) => {
  const { server } = await setUp(t, { behaviour: 'slow', env: { VISIONARY_PROVIDER_TIMEOUT: 1 } });
  assertError(await generate(server.url, { prompt: 'x' }), 504, 'provider_timeout');
});

test('automatic1111: a malformed server address stops start-up with the fix', async () => {
  const run = await runBinary({ env: { VISIONARY_PROVIDER: 'automatic1111', VISIONARY_A1111_URL: 'not a url' } });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /VISIONARY_A1111_URL/);
});

test('automatic1111: config names the loaded model and lists the engine\'s samplers and checkpoints', async (t) => {
  const { fake, server } = await setUp(t);
  const config = await api(server.url, '/api/config');
  assert.equal(config.json.model, 'stable-diffusion', 'no checkpoint configured: the server\'s own model');
  const [model] = config.json.models;
  assert.equal(model.name, 'stable-diffusion');
  assert.deepEqual(model.options.sampler.values, SAMPLERS);
  assert.deepEqual(model.options.checkpoint.values, CHECKPOINTS.map((c) => c.title));
  assert.deepEqual(model.options.steps, { min: 1, max: 150, default: 20 });
  assert.ok(model.options.negativePrompt.maxChars > 0);
  assert.ok(model.options.seed.max >= 4294967295);
  // Listed once, then kept: more config reads do not ask the engine again.
  await api(server.url, '/api/config');
  assert.deepEqual(fake.listingCalls, ['/sdapi/v1/samplers', '/sdapi/v1/sd-models']);
});

test('automatic1111: engine settings are sent and stored; the real seed is read back', async (t) => {
  const { fake, server } = await setUp(t);
  const settings = {
    prompt: 'a lighthouse at dusk', size: '512x768', n: 2, negative_prompt: 'blurry, text', seed: 31337,
    steps: 28, cfg_scale: 6.5, sampler: 'DPM++ 2M Karras', checkpoint: CHECKPOINTS[1].title,
  };
  const res = await generate(server.url, settings);
  assert.equal(res.status, 201, res.text);
  const sent = fake.requests.at(-1).body;
  assert.equal(sent.negative_prompt, 'blurry, text');
  assert.equal(sent.seed, 31337);
  assert.equal(sent.steps, 28);
  assert.equal(sent.cfg_scale, 6.5);
  assert.equal(sent.sampler_name, 'DPM++ 2M Karras');
  assert.equal(sent.override_settings.sd_model_checkpoint, CHECKPOINTS[1].title);
  // Newest first: the batch's second picture comes first.
  assert.deepEqual(res.json.images.map((image) => image.settings.seed).sort(), [31337, 31338], 'each image its own seed');
  const stored = res.json.images[0].settings;
  assert.equal(stored.negative_prompt, 'blurry, text');
  assert.equal(stored.steps, 28);
  assert.equal(stored.cfg_scale, 6.5);
  assert.equal(stored.sampler, 'DPM++ 2M Karras');
  assert.equal(stored.checkpoint, CHECKPOINTS[1].title);
  const listed = await api(server.url, '/api/getImages');
  const again = listed.json.imageUrls.find((image) => image.id === res.json.images[1].id);
  assert.equal(again.settings.seed, res.json.images[1].settings.seed, 'the gallery keeps the seed');

  const random = await generate(server.url, { prompt: 'a random seed' });
  assert.equal(random.status, 201, random.text);
  assert.equal(fake.requests.at(-1).body.seed, -1, 'no seed: the engine picks one');
  assert.ok(Number.isInteger(random.json.images[0].settings.seed), 'the seed the engine chose is stored');
});

test('automatic1111: a sampler or checkpoint the engine does not list is refused before it is asked', async (t) => {
  const { fake, server } = await setUp(t);
  const before = listStored(server.dataDir);
  const sampler = assertError(await generate(server.url, { prompt: 'x', sampler: 'Heun' }), 400, 'invalid_request');
  assert.match(sampler.message, /sampler 'Heun'/);
  assert.match(sampler.message, /Euler a/);
  const checkpoint = assertError(await generate(server.url, { prompt: 'x', checkpoint: 'nope.ckpt' }), 400, 'invalid_request');
  assert.match(checkpoint.message, /checkpoint 'nope.ckpt'/);
  assert.equal(fake.requests.length, 0);
  assert.deepEqual(listStored(server.dataDir), before);
});

test('automatic1111: when the engine cannot list its choices, config offers none and the engine decides', async (t) => {
  const { fake, server } = await setUp(t, { listings: 'error' });
  const config = await api(server.url, '/api/config');
  assert.deepEqual(config.json.models[0].options.sampler.values, []);
  const res = await generate(server.url, { prompt: 'x', sampler: 'Euler a' });
  assert.equal(res.status, 201, res.text);
  assert.equal(fake.requests.at(-1).body.sampler_name, 'Euler a');
});

test('automatic1111: an edit is an img2img of the picture at its size, with the mask inverted and the strength asked for', async (t) => {
  const { fake, server } = await setUp(t);
  const made = await generate(server.url, { prompt: 'a red barn', size: '768x512' });
  assert.equal(made.status, 201, made.text);
  const parent = made.json.images[0];
  // Transparent (may change) on the left half, opaque on the right.
  const mask = encodeRgbaPng(768, 512, (x) => (x < 384 ? 0 : 255));
  const form = new FormData();
  form.append('image', parent.id);
  form.append('prompt', 'the barn painted blue');
  form.append('denoising_strength', '0.4');
  form.append('negative_prompt', 'people');
  form.append('seed', '5');
  form.append('mask', new Blob([mask], { type: 'image/png' }), 'mask.png');
  const res = await api(server.url, '/api/editImage', { method: 'POST', body: form });
  assert.equal(res.status, 201, res.text);
  const sent = fake.requests.at(-1);
  assert.equal(sent.path, '/sdapi/v1/img2img');
  assert.equal(sent.body.prompt, 'the barn painted blue');
  assert.equal(sent.body.width, 768);
  assert.equal(sent.body.height, 512);
  assert.equal(sent.body.denoising_strength, 0.4);
  assert.equal(sent.body.negative_prompt, 'people');
  assert.equal(sent.body.seed, 5);
  assert.equal(sent.body.inpainting_mask_invert, 1, 'the engine repaints where a mask is opaque');
  assert.deepEqual(sent.mask, mask, 'the mask is sent as it came');
  const stored = await fetch(new URL(parent.url, server.url));
  assert.deepEqual(sent.init, Buffer.from(await stored.arrayBuffer()), 'the source is the stored picture');
  const [child] = res.json.images;
  assert.equal(child.parentId, parent.id);
  assert.equal(child.settings.denoising_strength, 0.4);
  assert.equal(child.settings.seed, 5);

  // Without a mask or a strength: the whole picture at the default strength.
  const plain = new FormData();
  plain.append('image', parent.id);
  plain.append('prompt', 'in winter');
  assert.equal((await api(server.url, '/api/editImage', { method: 'POST', body: plain })).status, 201);
  const second = fake.requests.at(-1).body;
  assert.equal(second.denoising_strength, 0.75);
  assert.equal(second.mask, undefined);

  const out = new FormData();
  out.append('image', parent.id);
  out.append('prompt', 'x');
  out.append('denoising_strength', '1.5');
  const refused = assertError(await api(server.url, '/api/editImage', { method: 'POST', body: out }), 400, 'invalid_request');
  assert.match(refused.message, /denoising_strength/);
});
