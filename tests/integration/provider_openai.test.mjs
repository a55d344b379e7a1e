// The OpenAI provider against the fake OpenAI server: what is sent, what comes back, and how every
// kind of failure maps onto the public error codes without storing anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  api, assertError, assertImage, closedPort, generate, listStored, PNG_SIGNATURE, pngTextChunks, registerSecret, startFake, startApi,
} from '../support/server.mjs';

const TIMEOUT = 60_000;
const API_KEY = 'sk-fake-0123456789abcdefghijKLMN';
const WRONG_KEY = 'sk-wrong-9876543210zyxwvutsrqPONM';
registerSecret(API_KEY);
registerSecret(WRONG_KEY);

async function openaiServer(t, { env = {}, fake: fakeOptions = {} } = {}) {
  const fake = await startFake(t, { apiKey: API_KEY, ...fakeOptions });
  const server = await startApi({
    t,
    env: { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url, ...env },
  });
  return { fake, server };
}

/** Runs `send` and asserts it left the gallery and the disk exactly as they were. */
async function expectNothingStored(server, send) {
  const filesBefore = listStored(server.dataDir);
  const listBefore = (await api(server.url, '/api/getImages')).json;
  const res = await send();
  assert.deepEqual(listStored(server.dataDir), filesBefore, 'no files added');
  const listAfter = (await api(server.url, '/api/getImages')).json;
  assert.deepEqual(listAfter.imageUrls.map((i) => i.id), listBefore.imageUrls.map((i) => i.id), 'gallery unchanged');
  return res;
}

test('b64 answer → 201; the request carries model, prompt, n, size, Bearer key and no response_format', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  const res = await generate(server.url, { prompt: '  a heron at dawn  ' });
  assert.equal(res.status, 201, res.text);
  assertImage(res.json.images[0], {
    prompt: 'a heron at dawn', provider: 'openai', model: 'gpt-image-1', width: 1024, height: 1024, revisedPrompt: null,
  });
  assert.equal(fake.requests.length, 1);
  const sent = fake.requests[0];
  assert.equal(sent.method, 'POST');
  assert.equal(sent.path, '/v1/images/generations');
  assert.equal(sent.headers.authorization, `Bearer ${API_KEY}`);
  assert.match(sent.headers['content-type'], /^application\/json/);
  assert.equal(sent.body.model, 'gpt-image-1');
  assert.equal(sent.body.prompt, 'a heron at dawn');
  assert.equal(sent.body.n, 1);
  assert.equal(sent.body.size, '1024x1024');
  assert.ok(!('response_format' in sent.body), 'gpt-image-1 rejects response_format');
  assert.ok(!('style' in sent.body));

  const listed = await api(server.url, '/api/getImages');
  assert.deepEqual(listed.json.imageUrls.map((i) => i.id), [res.json.images[0].id]);
  const png = await api(server.url, res.json.images[0].url);
  assert.equal(png.status, 200);
  assert.ok(png.body.subarray(0, 8).equals(PNG_SIGNATURE));
  assert.equal(png.body.length, res.json.images[0].bytes);
  const text = pngTextChunks(png.body).find((c) => c.type === 'iTXt' && c.keyword === 'visionary');
  assert.ok(text, 'the stored PNG carries the visionary iTXt chunk');
  assert.equal(JSON.parse(text.text).prompt, 'a heron at dawn');
});

test('gpt-image-1 options pass through; style is refused before calling the provider', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  const res = await generate(server.url, { prompt: 'a wide heron', size: '1536x1024', quality: 'high', n: 2 });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.images.length, 2);
  for (const image of res.json.images) assertImage(image, { width: 1536, height: 1024, provider: 'openai' });
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.requests[0].body.size, '1536x1024');
  assert.equal(fake.requests[0].body.quality, 'high');
  assert.equal(fake.requests[0].body.n, 2);

  const refused = await expectNothingStored(server, () => generate(server.url, { prompt: 'x', style: 'vivid' }));
  assertError(refused, 400, 'invalid_request');
  assert.equal(fake.requests.length, 1, 'the provider was not called');
});

test('dall-e-3: revisedPrompt is returned and stored', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { env: { VISIONARY_MODEL: 'dall-e-3' } });
  const res = await generate(server.url, { prompt: 'a copper kettle', style: 'natural' });
  assert.equal(res.status, 201, res.text);
  const expected = 'A detailed rendering of a copper kettle';
  assertImage(res.json.images[0], { prompt: 'a copper kettle', model: 'dall-e-3', revisedPrompt: expected });
  assert.equal(fake.requests[0].body.model, 'dall-e-3');
  assert.equal(fake.requests[0].body.style, 'natural');
  const listed = await api(server.url, '/api/getImages');
  assert.equal(listed.json.imageUrls[0].revisedPrompt, expected, 'visible in getImages');
  assert.equal(listed.json.imageUrls[0].prompt, 'a copper kettle');
  const one = await api(server.url, `/api/images/${res.json.images[0].id}`);
  assert.equal(one.json.revisedPrompt, expected);
});

test('dall-e-3: n=2 is refused before calling the provider', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { env: { VISIONARY_MODEL: 'dall-e-3' } });
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'two kettles', n: 2 }));
  assertError(res, 400, 'invalid_request');
  assert.equal(fake.requests.length, 0);
});

test('url answer → the image is downloaded and stored', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { fake: { defaultBehaviour: 'url' } });
  const res = await generate(server.url, { prompt: 'a linked image' });
  assert.equal(res.status, 201, res.text);
  assertImage(res.json.images[0], { prompt: 'a linked image', width: 1024, height: 1024 });
  assert.equal(fake.requests.length, 1);
  const listed = await api(server.url, '/api/getImages');
  assert.equal(listed.json.imageUrls.length, 1);
  const png = await api(server.url, res.json.images[0].url);
  assert.equal(png.status, 200);
  assert.ok(png.body.subarray(0, 8).equals(PNG_SIGNATURE));
  const thumb = await api(server.url, res.json.images[0].thumbnailUrl);
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers.get('content-type'), 'image/webp');
});

for (const [kind, reason] of [
  ['content_policy', 'Your request was rejected as a result of our safety system'],
  ['moderation_blocked', 'Your request was rejected by the safety system'],
]) {
  test(`${kind} → 422 content_policy_violation with the provider's reason, nothing stored`, { timeout: TIMEOUT }, async (t) => {
    const { fake, server } = await openaiServer(t);
    fake.enqueue(kind);
    const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'something refused' }));
    const error = assertError(res, 422, 'content_policy_violation');
    assert.ok(error.message.includes(reason), `message carries the provider's reason: ${error.message}`);
    assert.equal(fake.requests.length, 1, 'a refusal is not retried');
  });
}

test('wrong API key → 502 provider_error naming OPENAI_API_KEY, key not revealed', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { env: { OPENAI_API_KEY: WRONG_KEY } });
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'a fox' }));
  const error = assertError(res, 502, 'provider_error');
  assert.ok(error.message.includes('OPENAI_API_KEY'), `message names OPENAI_API_KEY: ${error.message}`);
  assert.match(error.message, /^OpenAI rejected the server's API key/, 'the message names the provider');
  assert.ok(!res.text.includes(WRONG_KEY) && !res.text.includes(API_KEY), 'no key in the body');
  assert.ok(!res.text.includes(WRONG_KEY.slice(-8)), 'not even the end of the key');
  assert.equal(fake.requests.length, 1, 'a rejected key is not retried');
  assert.equal(fake.requests[0].headers.authorization, `Bearer ${WRONG_KEY}`);
});

test('rate_limit with Retry-After once, then success → 201 after 2 requests', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  fake.enqueue({ kind: 'rate_limit', retryAfter: '1' });
  const res = await generate(server.url, { prompt: 'patience' });
  assert.equal(res.status, 201, res.text);
  assert.equal(fake.requests.length, 2);
  assert.deepEqual(fake.requests[1].body, fake.requests[0].body, 'the retry sends the same request');
});

test('rate_limit on every attempt with VISIONARY_PROVIDER_RETRIES=1 → 429 rate_limited with Retry-After', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { env: { VISIONARY_PROVIDER_RETRIES: '1' } });
  fake.setDefault({ kind: 'rate_limit', retryAfter: '1' });
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'too fast' }));
  const error = assertError(res, 429, 'rate_limited');
  const retryAfter = res.headers.get('retry-after');
  assert.match(retryAfter ?? '', /^\d+$/, `Retry-After in seconds: ${retryAfter}`);
  assert.ok(Number(retryAfter) >= 1);
  assert.equal(error.retryAfterSeconds, Number(retryAfter), 'error.retryAfterSeconds matches the header');
  assert.equal(fake.requests.length, 2, 'one try and one retry');
});

test('rate_limit with retry-after-ms once, then success → 201', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  fake.enqueue({ kind: 'rate_limit', retryAfterMs: 200 });
  const res = await generate(server.url, { prompt: 'brief pause' });
  assert.equal(res.status, 201, res.text);
  assert.equal(fake.requests.length, 2);
});

test('rate_limit with a long Retry-After → 429 at once, passing the wait on to the client', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  fake.setDefault({ kind: 'rate_limit', retryAfter: '120' });
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'come back later' }));
  const error = assertError(res, 429, 'rate_limited');
  assert.equal(res.headers.get('retry-after'), '120');
  assert.equal(error.retryAfterSeconds, 120);
  assert.equal(fake.requests.length, 1, 'no point waiting two minutes inside the request');
});

test('insufficient_quota → 429 rate_limited, not retried', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  fake.setDefault('insufficient_quota');
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'no budget' }));
  assertError(res, 429, 'rate_limited');
  assert.equal(fake.requests.length, 1, 'exactly one request');
});

test('server_error after the request was sent → 502, not retried: the provider may have billed it', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  fake.enqueue('server_error');
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'only once' }));
  assertError(res, 502, 'provider_error');
  assert.equal(fake.requests.length, 1, 'a POST that reached the provider is never sent twice');
  const again = await generate(server.url, { prompt: 'the user tries again' });
  assert.equal(again.status, 201, again.text);
});

test('overloaded (503) on every attempt with retries=0 → 503 provider_unavailable', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { env: { VISIONARY_PROVIDER_RETRIES: '0' } });
  fake.setDefault('overloaded');
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'busy' }));
  assertError(res, 503, 'provider_unavailable');
  assert.equal(fake.requests.length, 1);
});

test('slow provider with VISIONARY_PROVIDER_TIMEOUT=1 → 504 provider_timeout', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { env: { VISIONARY_PROVIDER_TIMEOUT: '1' } });
  fake.setDefault({ kind: 'slow', delayMs: 5000 });
  const started = Date.now();
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'slow' }));
  const elapsed = Date.now() - started;
  assertError(res, 504, 'provider_timeout');
  assert.ok(elapsed < 4500, `answered after the 1 s timeout, not the 5 s delay (${elapsed} ms)`);
});

const unusable = [
  ['malformed_json', 'malformed_json'],
  ['not_image', 'not_image'],
  ['empty_data', 'empty_data'],
  ['url to text/html', { kind: 'url', fileContentType: 'text/html', fileBody: '<html><body>hello</body></html>' }],
  ['url answering 404', { kind: 'url', fileStatus: 404 }],
  ['url to 60 MB (chunked)', { kind: 'url', fileBytes: 60 * 1024 * 1024, fileChunked: true }],
  ['200 with an HTML body', { kind: 'status', status: 200, body: '<html>gateway</html>', headers: { 'content-type': 'text/html' } }],
];
for (const [what, behaviour] of unusable) {
  test(`${what} → 502 provider_error, nothing stored`, { timeout: TIMEOUT }, async (t) => {
    const { fake, server } = await openaiServer(t);
    fake.setDefault(behaviour);
    const res = await expectNothingStored(server, () => generate(server.url, { prompt: `unusable ${what}` }));
    assertError(res, 502, 'provider_error');
    assert.ok(fake.requests.length >= 1);
    assert.equal(listStored(server.dataDir).filter((f) => f.includes('.tmp-')).length, 0, 'no temp files');
  });
}

test('provider unreachable (closed port) → 503 provider_unavailable', { timeout: TIMEOUT }, async (t) => {
  // 127.0.0.2: a port released on 127.0.0.1 may be taken by another test's server meanwhile,
  // while nothing in the suite listens on this loopback address.
  const port = await closedPort();
  const server = await startApi({
    t,
    env: { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: `http://127.0.0.2:${port}/v1` },
  });
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'nobody home' }));
  assertError(res, 503, 'provider_unavailable');
});

test('azure-openai via the fake: deployment path, api-key header, content filter → 422', { timeout: TIMEOUT }, async (t) => {
  const fake = await startFake(t, { apiKey: API_KEY });
  const server = await startApi({
    t,
    env: {
      VISIONARY_PROVIDER: 'azure-openai',
      AZURE_OPENAI_ENDPOINT: fake.origin,
      AZURE_OPENAI_API_KEY: API_KEY,
      VISIONARY_MODEL: 'gpt-image-1',
    },
  });
  const ok = await generate(server.url, { prompt: 'an azure heron' });
  assert.equal(ok.status, 201, ok.text);
  assertImage(ok.json.images[0], { prompt: 'an azure heron', provider: 'azure-openai', model: 'gpt-image-1' });
  const sent = fake.requests[0];
  assert.match(sent.path, /^\/openai\/deployments\/gpt-image-1\/images\/generations\?api-version=/);
  assert.equal(sent.headers['api-key'], API_KEY);
  assert.equal(sent.headers.authorization, undefined);

  fake.enqueue('azure_content_filter');
  const refused = await expectNothingStored(server, () => generate(server.url, { prompt: 'a violent scene' }));
  const error = assertError(refused, 422, 'content_policy_violation');
  assert.ok(error.message.includes('Your task failed as a result of our safety system'), error.message);
});

test('openai-compatible via the fake: its own sizes, Bearer key, b64 answer → 201', { timeout: TIMEOUT }, async (t) => {
  const fake = await startFake(t, { apiKey: API_KEY });
  const server = await startApi({
    t,
    env: { VISIONARY_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: API_KEY, VISIONARY_MODEL: 'dall-e-2' },
  });
  const config = (await api(server.url, '/api/config')).json;
  assert.equal(config.provider, 'openai-compatible');
  assert.equal(config.offline, false);
  const res = await generate(server.url, { prompt: 'a local fox', size: '512x512' });
  assert.equal(res.status, 201, res.text);
  assertImage(res.json.images[0], { prompt: 'a local fox', width: 512, height: 512, provider: 'openai-compatible' });
  assert.equal(fake.requests[0].headers.authorization, `Bearer ${API_KEY}`);
  assert.equal(fake.requests[0].body.size, '512x512');
});
