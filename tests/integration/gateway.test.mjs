// The OpenAI-compatible gateway (/v1/images/generations, /v1/models) with the official `openai`
// npm package as its client: b64_json and url answers, OpenAI's error classes, streaming partial
// images, per-key limits, the gallery, the web role's forwarding, and keys kept out of every log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

import { gatewayClient, pngSize, rejection } from '../support/gateway.mjs';
import { api, PNG_SIGNATURE, registerSecret, runBinary, startFake, startServer } from '../support/server.mjs';

const TIMEOUT = 60_000;
const ALICE_KEY = 'vai-alice-0123456789abcdefghij';
const BOB_KEY = 'vai-bob-0123456789abcdefghijkl';
const WRONG_KEY = 'vai-wrong-0123456789abcdefghij';
const UPSTREAM_KEY = 'sk-fake-gateway-0123456789abcdef';
const FUNCTIONS_KEY = 'fk-gateway-0123456789abcdefgh';
const API_KEYS = `alice:${ALICE_KEY},bob:${BOB_KEY}`;
for (const secret of [ALICE_KEY, BOB_KEY, WRONG_KEY, UPSTREAM_KEY, FUNCTIONS_KEY]) registerSecret(secret);

function gateway(t, env = {}, options = {}) {
  return startServer({ t, env: { VISIONARY_API_KEYS: API_KEYS, ...env }, ...options });
}

function client(server, apiKey = ALICE_KEY) {
  return gatewayClient(server, apiKey);
}

async function galleryPrompts(server) {
  const res = await api(server.url, '/api/getImages');
  assert.equal(res.status, 200, res.text);
  return res.json.imageUrls.map((image) => image.prompt);
}

/** Every event of a streamed generation, in order. */
async function collect(stream) {
  const events = [];
  for await (const event of stream) events.push(event);
  return events;
}

test('b64_json answers decode to images that land in the gallery', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t);
  const answer = await client(server).images.generate({ prompt: 'a lighthouse at dusk', n: 2, size: '1536x1024' });
  assert.equal(typeof answer.created, 'number');
  assert.equal(answer.data.length, 2);
  for (const [i, item] of answer.data.entries()) {
    assert.equal(item.url, undefined, 'b64_json is the default');
    pngSize(item.b64_json, `image ${i}`);
  }
  assert.equal(answer.size, '1536x1024');
  assert.equal(answer.output_format, 'png');
  const prompts = await galleryPrompts(server);
  assert.deepEqual(prompts.filter((p) => p === 'a lighthouse at dusk').length, 2);
});

test('url answers are signed links of this server that download', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t);
  const answer = await client(server).images.generate({ prompt: 'a fox in the snow', response_format: 'url' });
  const link = answer.data[0].url;
  assert.ok(link.startsWith(`${server.url}/blobs/`), link);
  assert.match(link, /[?&]sig=/);
  assert.match(link, /[?&]se=/);
  const image = await fetch(link);
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/png');
  assert.ok(Buffer.from(await image.arrayBuffer()).subarray(0, 8).equals(PNG_SIGNATURE));
  const tampered = await fetch(link.replace(/sig=[^&]+/, 'sig=AAAA'));
  assert.equal(tampered.status, 403);
  assert.ok((await galleryPrompts(server)).includes('a fox in the snow'));
});

test('a configured public URL is the base of url answers', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t, { VISIONARY_PUBLIC_URL: 'https://images.example.com/' });
  const answer = await client(server).images.generate({ prompt: 'a red door', response_format: 'url' });
  assert.ok(answer.data[0].url.startsWith('https://images.example.com/blobs/'), answer.data[0].url);
});

test('failures surface as the SDK error classes, in OpenAI\'s shape', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t);
  const openai = client(server);

  const badKey = await rejection(client(server, WRONG_KEY).images.generate({ prompt: 'x' }));
  assert.ok(badKey instanceof OpenAI.AuthenticationError, badKey.constructor.name);
  assert.equal(badKey.status, 401);
  assert.equal(badKey.code, 'invalid_api_key');
  assert.equal(badKey.type, 'invalid_request_error');

  const badSize = await rejection(openai.images.generate({ prompt: 'x', size: '640x480' }));
  assert.ok(badSize instanceof OpenAI.BadRequestError, badSize.constructor.name);
  assert.equal(badSize.param, 'size');
  assert.equal(badSize.type, 'invalid_request_error');
  assert.match(badSize.message, /640x480/);

  const badN = await rejection(openai.images.generate({ prompt: 'x', n: 50 }));
  assert.ok(badN instanceof OpenAI.BadRequestError);
  assert.equal(badN.param, 'n');

  const unknownModel = await rejection(openai.images.generate({ prompt: 'x', model: 'dall-e-9' }));
  assert.ok(unknownModel instanceof OpenAI.NotFoundError, unknownModel.constructor.name);
  assert.equal(unknownModel.code, 'model_not_found');
  assert.equal(unknownModel.param, 'model');

  const badFormat = await rejection(openai.images.generate({ prompt: 'x', response_format: 'gif' }));
  assert.ok(badFormat instanceof OpenAI.BadRequestError);
  assert.equal(badFormat.param, 'response_format');

  // The raw shape, for clients other than the SDK.
  const raw = await api(server.url, '/v1/images/generations', {
    method: 'POST', json: { prompt: '' }, headers: { authorization: `Bearer ${ALICE_KEY}` },
  });
  assert.equal(raw.status, 400);
  assert.deepEqual(Object.keys(raw.json.error).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(raw.json.error.param, 'prompt');
  const unknownPath = await api(server.url, '/v1/images/variations', { method: 'POST', json: {} });
  assert.equal(unknownPath.status, 404);
  assert.deepEqual(Object.keys(unknownPath.json.error).sort(), ['code', 'message', 'param', 'type']);
  const noKey = await api(server.url, '/v1/models');
  assert.equal(noKey.status, 401);
  assert.equal(noKey.json.error.code, 'invalid_api_key');
});

test('the models list is the model menu', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t);
  const openai = client(server);
  const ids = [];
  for await (const model of openai.models.list()) {
    assert.equal(model.object, 'model');
    assert.equal(typeof model.created, 'number');
    assert.equal(model.owned_by, 'demo');
    ids.push(model.id);
  }
  assert.deepEqual(ids, ['procedural-v1']);
  assert.equal((await openai.models.retrieve('procedural-v1')).id, 'procedural-v1');
  const missing = await rejection(openai.models.retrieve('gpt-image-9'));
  assert.ok(missing instanceof OpenAI.NotFoundError);
  assert.equal(missing.code, 'model_not_found');
});

test('each key has its own limits, and a refusal is a RateLimitError with Retry-After', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t, { VISIONARY_CLIENT_RATE: '1/hour', VISIONARY_METRICS: '1' });
  const alice = client(server, ALICE_KEY);
  await alice.images.generate({ prompt: 'first of the hour' });
  const limited = await rejection(alice.images.generate({ prompt: 'second of the hour' }));
  assert.ok(limited instanceof OpenAI.RateLimitError, limited.constructor.name);
  assert.equal(limited.status, 429);
  assert.equal(limited.code, 'rate_limit_exceeded');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  // Bob's key counts on its own: Alice's spent limit does not block him.
  const bob = await client(server, BOB_KEY).images.generate({ prompt: 'bob is not limited' });
  assert.equal(bob.data.length, 1);
  const metrics = await api(server.url, '/metrics');
  assert.match(metrics.text, /visionary_gateway_requests_total\{key="alice",endpoint="generations",outcome="ok"\} 1\b/);
  assert.match(metrics.text, /visionary_gateway_requests_total\{key="alice",endpoint="generations",outcome="rate_limited"\} 1\b/);
  assert.match(metrics.text, /visionary_gateway_images_total\{key="bob"\} 1\b/);
});

test('a spent daily quota is an insufficient_quota RateLimitError the SDK does not retry', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t, { VISIONARY_CLIENT_DAILY_IMAGES: '1' });
  await client(server).images.generate({ prompt: 'the only one today' });
  const spent = await rejection(client(server).images.generate({ prompt: 'one more' }));
  assert.ok(spent instanceof OpenAI.RateLimitError);
  assert.equal(spent.code, 'insufficient_quota');
  assert.equal(spent.headers.get('x-should-retry'), 'false');
});

test('stream: true relays partial images and the completed image as OpenAI events', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t, { VISIONARY_DEMO_STAGE_MS: '20' });
  const stream = await client(server).images.generate({ prompt: 'a windmill in a storm', stream: true, partial_images: 2 });
  const events = await collect(stream);
  const partials = events.filter((e) => e.type === 'image_generation.partial_image');
  const completed = events.filter((e) => e.type === 'image_generation.completed');
  assert.equal(partials.length, 2, 'the demo paints three stages; two were asked for');
  assert.deepEqual(partials.map((e) => e.partial_image_index), [0, 1]);
  for (const partial of partials) pngSize(partial.b64_json, 'a partial image');
  assert.equal(completed.length, 1);
  assert.equal(events.at(-1), completed[0], 'the completed event ends the stream');
  pngSize(completed[0].b64_json, 'the completed image');
  assert.equal(completed[0].size, '1024x1024');
  assert.ok((await galleryPrompts(server)).includes('a windmill in a storm'));

  const none = await collect(await client(server).images.generate({ prompt: 'no partials', stream: true }));
  assert.deepEqual(none.map((e) => e.type), ['image_generation.completed']);
});

test('through OpenAI upstream: usage is reported, streamed, and a mid-stream refusal is an error event', { timeout: TIMEOUT }, async (t) => {
  const fake = await startFake(t, { apiKey: UPSTREAM_KEY });
  const server = await gateway(t, {
    VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: UPSTREAM_KEY, OPENAI_BASE_URL: fake.url, VISIONARY_MODEL: 'gpt-image-1',
    VISIONARY_MODELS: 'gpt-image-1,dall-e-3',
  });
  const openai = client(server);
  const prompt = 'a harbour at dawn, oil on canvas';
  const answer = await openai.images.generate({ model: 'gpt-image-1', prompt, quality: 'low' });
  pngSize(answer.data[0].b64_json, 'the image');
  assert.equal(answer.usage.input_tokens, Math.ceil(prompt.length / 4));
  assert.equal(answer.usage.input_tokens_details.text_tokens, Math.ceil(prompt.length / 4));
  assert.ok(answer.usage.output_tokens > 0);
  assert.equal(answer.usage.total_tokens, answer.usage.input_tokens + answer.usage.output_tokens);
  assert.equal(answer.quality, 'low');

  // DALL-E models answer with a link unless asked otherwise, as OpenAI's do.
  const dalle = await openai.images.generate({ model: 'dall-e-3', prompt });
  assert.ok(dalle.data[0].url.startsWith(`${server.url}/blobs/`), JSON.stringify(dalle.data[0]));
  assert.equal(dalle.data[0].revised_prompt, `A detailed rendering of ${prompt}`);

  const events = await collect(await openai.images.generate({ model: 'gpt-image-1', prompt, stream: true, partial_images: 3 }));
  const upstream = fake.requests.at(-1).body;
  assert.equal(upstream.stream, true, 'the provider streamed from upstream');
  const partials = events.filter((e) => e.type === 'image_generation.partial_image');
  assert.ok(partials.length >= 1 && partials.length <= 3, `${partials.length} partial images`);
  const completed = events.at(-1);
  assert.equal(completed.type, 'image_generation.completed');
  assert.equal(completed.usage.input_tokens, Math.ceil(prompt.length / 4));
  assert.ok(completed.usage.output_tokens > 0);

  fake.enqueue({ kind: 'stream_error', afterPartials: 1 });
  const refused = await rejection(collect(await openai.images.generate({ model: 'gpt-image-1', prompt, stream: true, partial_images: 1 })));
  assert.ok(refused instanceof OpenAI.APIError, refused.constructor.name);
  assert.equal(refused.error?.code ?? refused.code, 'content_policy_violation');
});

test('without VISIONARY_API_KEYS the gateway is off and says so', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t });
  const off = await rejection(client(server).images.generate({ prompt: 'x' }));
  assert.ok(off instanceof OpenAI.NotFoundError, off.constructor.name);
  assert.equal(off.code, 'api_disabled');
  assert.match(off.message, /VISIONARY_API_KEYS/);
  // The rest of the site is unaffected.
  assert.equal((await api(server.url, '/api/health')).status, 200);
});

test('keys are never logged, and bad key lists stop the start naming the entry only', { timeout: TIMEOUT }, async (t) => {
  const server = await gateway(t);
  await client(server).images.generate({ prompt: 'logged carefully' });
  await rejection(client(server, WRONG_KEY).images.generate({ prompt: 'x' }));
  await server.stop();
  const output = server.output();
  assert.match(output, /alice, bob/, 'the start-up summary names the keys');
  for (const key of [ALICE_KEY, BOB_KEY, WRONG_KEY]) assert.ok(!output.includes(key), 'a key appears in the log');

  const tooShort = 'short-key-123';
  const duplicate = await runBinary({ env: { VISIONARY_API_KEYS: `ci:${ALICE_KEY},ci:${BOB_KEY}` } });
  assert.notEqual(duplicate.code, 0);
  assert.match(duplicate.stderr + duplicate.stdout, /entry 2 \(ci\): the name is used twice/);
  const short = await runBinary({ env: { VISIONARY_API_KEYS: `ci:${tooShort}` } });
  assert.notEqual(short.code, 0);
  assert.match(short.stderr + short.stdout, /entry 1 \(ci\): the key must be 16 to 256 characters long/);
  assert.ok(!(short.stderr + short.stdout).includes(tooShort), 'a rejected key appears in the output');
});

test('the web role forwards /v1 to the backend: answers, links and streams', { timeout: TIMEOUT }, async (t) => {
  const functions = await startServer({
    t, role: 'functions',
    env: { VISIONARY_API_KEYS: API_KEYS, VISIONARY_FUNCTIONS_KEY: FUNCTIONS_KEY, VISIONARY_DEMO_STAGE_MS: '20' },
  });
  const web = await startServer({
    t, role: 'web', env: { VISIONARY_FUNCTIONS_URL: functions.url, VISIONARY_FUNCTIONS_KEY: FUNCTIONS_KEY },
  });
  const openai = client(web);
  const answer = await openai.images.generate({ prompt: 'a tram through fog', response_format: 'url' });
  const link = answer.data[0].url;
  assert.ok(link.startsWith(`${web.url}/blobs/`), `links point at the site the caller reached: ${link}`);
  const image = await fetch(link);
  assert.equal(image.status, 200);
  assert.ok(Buffer.from(await image.arrayBuffer()).subarray(0, 8).equals(PNG_SIGNATURE));

  const events = await collect(await openai.images.generate({ prompt: 'a tram at night', stream: true, partial_images: 1 }));
  assert.deepEqual(events.map((e) => e.type), ['image_generation.partial_image', 'image_generation.completed']);

  const badKey = await rejection(client(web, WRONG_KEY).images.generate({ prompt: 'x' }));
  assert.ok(badKey instanceof OpenAI.AuthenticationError);
  const unknownModel = await rejection(openai.models.retrieve('nope'));
  assert.ok(unknownModel instanceof OpenAI.NotFoundError);
  assert.ok((await galleryPrompts(web)).includes('a tram through fog'));

  // A backend that is down answers in OpenAI's shape too.
  await functions.stop();
  const down = await rejection(openai.images.generate({ prompt: 'x' }));
  assert.ok(down instanceof OpenAI.InternalServerError, down.constructor.name);
  assert.equal(down.status, 503);
  assert.equal(down.type, 'server_error');
});
