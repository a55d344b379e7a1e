// POST /v1/images/edits on the OpenAI-compatible gateway, with the official `openai` npm package as
// its client: uploaded images (image and image[]) and a mask edited into the gallery, b64_json and
// url answers, usage with the input images' tokens, OpenAI's error classes naming the field,
// image_edit.* stream events, the upload limit of the route, and the web role's forwarding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { toFile } from 'openai';

import { gatewayClient, pngSize, rejection } from '../support/gateway.mjs';
import { api, listStored, NO_LIMITS, PNG_SIGNATURE, registerSecret, startFake, startServer } from '../support/server.mjs';
import { encodePng, encodeRgbaPng, EDIT_IMAGE_TOKENS } from '../fakes/fake_openai.mjs';

const TIMEOUT = 90_000;
const ALICE_KEY = 'vai-alice-edits-0123456789abcdef';
const WRONG_KEY = 'vai-wrong-edits-0123456789abcdef';
const UPSTREAM_KEY = 'sk-fake-gateway-edits-0123456789ab';
const FUNCTIONS_KEY = 'fk-gateway-edits-0123456789abcd';
const API_KEYS = `alice:${ALICE_KEY}`;
for (const secret of [ALICE_KEY, WRONG_KEY, UPSTREAM_KEY, FUNCTIONS_KEY]) registerSecret(secret);
const QUICK = { VISIONARY_DEMO_STAGE_MS: '0', ...NO_LIMITS };

function gateway(t, env = {}, options = {}) {
  return startServer({ t, env: { VISIONARY_API_KEYS: API_KEYS, ...QUICK, ...env }, ...options });
}

function client(server, apiKey = ALICE_KEY) {
  return gatewayClient(server, apiKey);
}

const png = (bytes, name = 'image.png') => toFile(bytes, name, { type: 'image/png' });
/** A mask of the image's size: transparent (may change) in the left half. */
const halfMask = (width, height) => encodeRgbaPng(width, height, (x) => (x < width / 2 ? 0 : 255));

async function gallery(server) {
  const res = await api(server.url, '/api/getImages');
  assert.equal(res.status, 200, res.text);
  return res.json.imageUrls;
}

async function collect(stream) {
  const events = [];
  for await (const event of stream) events.push(event);
  return events;
}

test('an uploaded image and mask are edited into the gallery; b64_json, then url answers', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t);
  const openai = client(server);
  const answer = await openai.images.edit({
    image: await png(encodePng(320, 200)), mask: await png(halfMask(320, 200), 'mask.png'), prompt: 'a postcard at night',
  });
  assert.equal(typeof answer.created, 'number');
  assert.equal(answer.data.length, 1);
  assert.equal(answer.data[0].url, undefined, 'b64_json is the default');
  assert.deepEqual(pngSize(answer.data[0].b64_json, 'the edit'), { width: 320, height: 200 }, 'the source\'s proportions');
  const stored = (await gallery(server)).find((image) => image.prompt === 'a postcard at night');
  assert.ok(stored, 'the edit is in the gallery');
  assert.equal(stored.parentId, null, 'an upload has no parent image');

  const linked = await openai.images.edit({ image: await png(encodePng(64, 48)), prompt: 'a linked edit', response_format: 'url', n: 2 });
  assert.equal(linked.data.length, 2);
  for (const item of linked.data) {
    assert.ok(item.url.startsWith(`${server.url}/blobs/`), item.url);
    assert.match(item.url, /[?&]sig=/);
    const image = await fetch(item.url);
    assert.equal(image.status, 200);
    assert.ok(Buffer.from(await image.arrayBuffer()).subarray(0, 8).equals(PNG_SIGNATURE));
  }
  assert.equal((await gallery(server)).filter((image) => image.prompt === 'a linked edit').length, 2);

  // Several images go as image[]: the first is edited, the others guide it.
  const several = await openai.images.edit({ image: [await png(encodePng(96, 64)), await png(encodePng(32, 32), 'b.png')], prompt: 'two inputs' });
  assert.deepEqual(pngSize(several.data[0].b64_json, 'the edit of two'), { width: 96, height: 64 });
});

test('refusals are the SDK\'s error classes in OpenAI\'s shape, naming the field; nothing is stored', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t, { VISIONARY_METRICS: '1' });
  const openai = client(server);
  const source = encodePng(64, 48);
  const before = listStored(server.dataDir);

  const badKey = await rejection(client(server, WRONG_KEY).images.edit({ image: await png(source), prompt: 'x' }));
  assert.ok(badKey instanceof OpenAI.AuthenticationError, badKey.constructor.name);
  assert.equal(badKey.code, 'invalid_api_key');

  const text = await rejection(openai.images.edit({ image: await toFile(Buffer.from('not an image'), 'notes.txt', { type: 'text/plain' }), prompt: 'x' }));
  assert.ok(text instanceof OpenAI.BadRequestError, text.constructor.name);
  assert.equal(text.param, 'image');
  assert.equal(text.type, 'invalid_request_error');
  assert.match(text.message, /PNG, JPEG or WebP/);

  const noPrompt = await rejection(openai.images.edit({ image: await png(source) }));
  assert.ok(noPrompt instanceof OpenAI.BadRequestError);
  assert.equal(noPrompt.param, 'prompt');

  const mask = await rejection(openai.images.edit({ image: await png(source), mask: await png(halfMask(32, 48), 'mask.png'), prompt: 'x' }));
  assert.ok(mask instanceof OpenAI.BadRequestError);
  assert.equal(mask.param, 'mask');
  assert.match(mask.message, /32x48 but the image is 64x48/);

  const tooMany = await rejection(openai.images.edit({ image: await Promise.all(Array.from({ length: 5 }, (_, i) => png(source, `${i}.png`))), prompt: 'x' }));
  assert.ok(tooMany instanceof OpenAI.BadRequestError);
  assert.equal(tooMany.param, 'image');
  assert.match(tooMany.message, /at most 4 image/);

  const unknownModel = await rejection(openai.images.edit({ image: await png(source), prompt: 'x', model: 'gpt-image-9' }));
  assert.ok(unknownModel instanceof OpenAI.NotFoundError);
  assert.equal(unknownModel.code, 'model_not_found');

  const badStream = await rejection(openai.images.edit({ image: await png(source), prompt: 'x', partial_images: 7 }));
  assert.ok(badStream instanceof OpenAI.BadRequestError);
  assert.equal(badStream.param, 'partial_images');

  // Raw forms: `image` as text (OpenAI's callers send files), a JSON body.
  const headers = { authorization: `Bearer ${ALICE_KEY}` };
  const form = new FormData();
  form.append('image', '0000000000000-abcdefghij');
  form.append('prompt', 'x');
  const asText = await api(server.url, '/v1/images/edits', { method: 'POST', body: form, headers });
  assert.equal(asText.status, 400, asText.text);
  assert.deepEqual(Object.keys(asText.json.error).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(asText.json.error.param, 'image');
  const json = await api(server.url, '/v1/images/edits', { method: 'POST', json: { prompt: 'x' }, headers });
  assert.equal(json.status, 415);
  assert.equal(json.json.error.type, 'invalid_request_error');

  assert.deepEqual(listStored(server.dataDir), before, 'nothing stored by a refused edit');
  const metrics = await api(server.url, '/metrics');
  assert.match(metrics.text, /visionary_gateway_requests_total\{key="alice",endpoint="edits",outcome="invalid_request"\} [1-9]/);
});

test('stream: true answers with image_edit.completed (the demo paints no partial edits)', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t);
  const events = await collect(await client(server).images.edit({ image: await png(encodePng(64, 48)), prompt: 'a streamed edit', stream: true, partial_images: 2 }));
  assert.deepEqual(events.map((e) => e.type), ['image_edit.completed']);
  assert.deepEqual(pngSize(events[0].b64_json, 'the streamed edit'), { width: 64, height: 48 });
  assert.ok((await gallery(server)).some((image) => image.prompt === 'a streamed edit'));
});

test('the route takes bodies up to VISIONARY_MAX_UPLOAD_BYTES, beyond the ordinary body limit', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t, { VISIONARY_MAX_BODY_BYTES: '4096', VISIONARY_MAX_UPLOAD_BYTES: String(1024 * 1024) });
  const openai = client(server);
  const source = encodePng(800, 600);
  assert.ok(source.length > 4096, `the upload (${source.length} bytes) is above the body limit`);
  const answer = await openai.images.edit({ image: await png(source), prompt: 'a large upload' });
  assert.deepEqual(pngSize(answer.data[0].b64_json, 'the edit'), { width: 800, height: 600 });
  const tooLarge = await rejection(openai.images.edit({ image: await png(Buffer.concat([source, Buffer.alloc(1024 * 1024)])), prompt: 'x' }));
  assert.ok(tooLarge instanceof OpenAI.APIError, tooLarge.constructor.name);
  assert.equal(tooLarge.status, 413);
  assert.equal(tooLarge.code, 'payload_too_large');
  const generation = await rejection(openai.images.generate({ prompt: 'x'.repeat(5000) }));
  assert.equal(generation.status, 413, 'generations keep the ordinary limit');
});

test('through OpenAI upstream: usage counts the input images; a model that cannot edit is refused; streams relay image_edit events', { timeout: TIMEOUT }, async (t) => {
  const fake = await startFake(t, { apiKey: UPSTREAM_KEY });
  const server = await gateway(t, {
    VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: UPSTREAM_KEY, OPENAI_BASE_URL: fake.url, VISIONARY_MODEL: 'gpt-image-1.5',
    VISIONARY_MODELS: 'gpt-image-1.5,dall-e-3',
  });
  const openai = client(server);
  const prompt = 'the barn under snow';
  const answer = await openai.images.edit({
    model: 'gpt-image-1.5', image: [await png(encodePng(256, 256)), await png(encodePng(256, 256), 'b.png')], prompt, size: '1024x1024', quality: 'low',
  });
  pngSize(answer.data[0].b64_json, 'the edit');
  assert.equal(fake.requests.at(-1).path, '/v1/images/edits');
  assert.equal(answer.usage.input_tokens_details.image_tokens, 2 * EDIT_IMAGE_TOKENS);
  assert.equal(answer.usage.input_tokens_details.text_tokens, Math.ceil(prompt.length / 4));
  assert.equal(answer.usage.total_tokens, answer.usage.input_tokens + answer.usage.output_tokens);
  assert.equal(answer.size, '1024x1024');
  assert.equal(answer.quality, 'low');
  assert.equal(answer.output_format, 'png');

  const calls = fake.requests.length;
  const cannot = await rejection(openai.images.edit({ model: 'dall-e-3', image: await png(encodePng(256, 256)), prompt }));
  assert.ok(cannot instanceof OpenAI.BadRequestError, cannot.constructor.name);
  assert.equal(cannot.code, 'edit_not_supported');
  assert.equal(cannot.param, 'model');
  assert.equal(fake.requests.length, calls, 'no call reached the provider');

  const events = await collect(await openai.images.edit({ image: await png(encodePng(256, 256)), prompt, stream: true, partial_images: 2, quality: 'low' }));
  const partials = events.filter((e) => e.type === 'image_edit.partial_image');
  assert.ok(partials.length >= 1 && partials.length <= 2, `${partials.length} partial images`);
  assert.deepEqual(partials.map((e) => e.partial_image_index), partials.map((_, i) => i));
  const completed = events.at(-1);
  assert.equal(completed.type, 'image_edit.completed');
  assert.equal(completed.usage.input_tokens_details.image_tokens, EDIT_IMAGE_TOKENS);
  assert.ok(events.every((e) => e.type.startsWith('image_edit.')), events.map((e) => e.type).join());
});

test('the web role forwards edits to the backend: answers, links, refusals and the upload limit', { timeout: TIMEOUT }, async (t) => {
  const functions = await startServer({
    t, role: 'functions', env: { VISIONARY_API_KEYS: API_KEYS, VISIONARY_FUNCTIONS_KEY: FUNCTIONS_KEY, ...QUICK },
  });
  const web = await startServer({
    t, role: 'web',
    env: {
      VISIONARY_FUNCTIONS_URL: functions.url, VISIONARY_FUNCTIONS_KEY: FUNCTIONS_KEY, VISIONARY_MAX_BODY_BYTES: '4096',
      VISIONARY_MAX_UPLOAD_BYTES: String(1024 * 1024),
    },
  });
  const openai = client(web);
  const source = encodePng(800, 600);
  assert.ok(source.length > 4096);
  const answer = await openai.images.edit({ image: await png(source), prompt: 'a forwarded edit', response_format: 'url' });
  const link = answer.data[0].url;
  assert.ok(link.startsWith(`${web.url}/blobs/`), `links point at the site the caller reached: ${link}`);
  assert.equal((await fetch(link)).status, 200);
  assert.ok((await gallery(web)).some((image) => image.prompt === 'a forwarded edit' && image.parentId === null));

  const badKey = await rejection(client(web, WRONG_KEY).images.edit({ image: await png(source), prompt: 'x' }));
  assert.ok(badKey instanceof OpenAI.AuthenticationError);
  const text = await rejection(openai.images.edit({ image: await toFile(Buffer.from('plain text'), 'a.txt'), prompt: 'x' }));
  assert.ok(text instanceof OpenAI.BadRequestError);
  assert.equal(text.param, 'image');
  const tooLarge = await rejection(openai.images.edit({ image: await png(Buffer.concat([source, Buffer.alloc(1024 * 1024)])), prompt: 'x' }));
  assert.equal(tooLarge.status, 413);
});
