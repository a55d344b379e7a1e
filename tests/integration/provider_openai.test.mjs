// The OpenAI provider against the fake OpenAI server: what is sent, what comes back, and how every
// kind of failure maps onto the public error codes without storing anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import {
  api, assertError, assertImage, closedPort, generate, listStored, logOf, PNG_SIGNATURE, pngTextChunks, registerSecret, startFake,
  startApi,
} from '../support/server.mjs';

const TIMEOUT = 60_000;
const API_KEY = 'sk-fake-0123456789abcdefghijKLMN';
const WRONG_KEY = 'sk-wrong-9876543210zyxwvutsrqPONM';
const ADMIN_TOKEN = 'admin-token-provider-0123456789abcdef';
registerSecret(API_KEY);
registerSecret(WRONG_KEY);
registerSecret(ADMIN_TOKEN);

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
    prompt: 'a heron at dawn', provider: 'openai', model: 'gpt-image-2', width: 1024, height: 1024, revisedPrompt: null,
  });
  assert.equal(fake.requests.length, 1);
  const sent = fake.requests[0];
  assert.equal(sent.method, 'POST');
  assert.equal(sent.path, '/v1/images/generations');
  assert.equal(sent.headers.authorization, `Bearer ${API_KEY}`);
  assert.match(sent.headers['content-type'], /^application\/json/);
  assert.equal(sent.body.model, 'gpt-image-2', 'the default model');
  assert.equal(sent.body.prompt, 'a heron at dawn');
  assert.equal(sent.body.n, 1);
  assert.equal(sent.body.size, '1024x1024');
  assert.ok(!('response_format' in sent.body), 'GPT image models reject response_format');
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

test('wrong API key → 502 provider_error for the operator, OPENAI_API_KEY named in the log, key not revealed', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { env: { OPENAI_API_KEY: WRONG_KEY } });
  const res = await expectNothingStored(server, () => generate(server.url, { prompt: 'a fox' }));
  const error = assertError(res, 502, 'provider_error');
  assert.match(error.message, /^OpenAI refused this server's credentials/, 'the message names the provider');
  assert.match(error.message, /operator/, 'and who can fix it');
  assert.match(await logOf(server, error.requestId, /HTTP 401/), /OPENAI_API_KEY/, 'the log names the setting');
  assert.ok(!res.text.includes(WRONG_KEY) && !res.text.includes(API_KEY), 'no key in the body');
  assert.ok(!res.text.includes(WRONG_KEY.slice(-8)), 'not even the end of the key');
  assert.ok(!server.output().includes(WRONG_KEY.slice(-4)), 'nor in the log, where the provider\'s quote of it is masked');
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

// ---------------------------------------------------------------- image links (SSRF)

/** A server on an internal address that must never be reached: it counts every connection. */
async function internalServer(t, host) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"AccessKeyId":"ASIA-internal","SecretAccessKey":"internal-secret"}');
  });
  let contacts = 0;
  server.on('connection', () => {
    contacts += 1;
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  t.after(() => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return { port: server.address().port, get contacts() { return contacts; } };
}

// The provider runs on loopback here, so its own links (the 'url answer' test above) show that a
// local provider's server is used as configured; every link elsewhere has to be https to a public
// address, checked on the addresses its host resolves to.
test('image links elsewhere must be https to a public address: internal servers are never contacted, and the answer says nothing about them', { timeout: TIMEOUT }, async (t) => {
  const metadata = await internalServer(t, '127.0.0.2');
  const local = await internalServer(t, '127.0.0.1');
  const { fake, server } = await openaiServer(t, { env: { VISIONARY_DAILY_BUDGET_USD: '10', VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN } });
  const metadataLink = `http://127.0.0.2:${metadata.port}/latest/meta-data/iam/security-credentials/`;
  const behaviours = [
    ['plain http to another host', { kind: 'url', link: metadataLink }, `127.0.0.2:${metadata.port}`],
    ['https to a loopback address', { kind: 'url', link: `https://127.0.0.2:${metadata.port}/latest/meta-data/` }, `127.0.0.2:${metadata.port}`],
    ['https to a name that resolves to loopback', { kind: 'url', link: `https://localhost:${local.port}/latest/meta-data/` }, `localhost:${local.port}`],
    ['https to an IPv4-mapped loopback address', { kind: 'url', link: `https://[::ffff:127.0.0.2]:${metadata.port}/latest/meta-data/` }, `[::ffff:127.0.0.2]:${metadata.port}`],
    ['the provider\'s own link redirecting inside', { kind: 'url', fileStatus: 302, fileHeaders: { location: metadataLink } }, '/files/'],
  ];
  const messages = new Set();
  for (const [what, behaviour, logged] of behaviours) {
    fake.enqueue(behaviour);
    const res = await expectNothingStored(server, () => generate(server.url, { prompt: `a linked image: ${what}` }));
    assert.equal(metadata.contacts, 0, `${what}: the server on 127.0.0.2 was never contacted`);
    assert.equal(local.contacts, 0, `${what}: the server on 127.0.0.1 behind "localhost" was never contacted`);
    const error = assertError(res, 502, 'provider_error');
    for (const hidden of ['127.0.0', 'localhost', '::ffff', String(metadata.port), String(local.port), 'meta-data', 'http', 'ASIA']) {
      assert.ok(!res.text.includes(hidden), `${what}: the answer does not mention ${hidden}: ${res.text}`);
    }
    messages.add(error.message);
    const log = await logOf(server, error.requestId, /image link/);
    assert.ok(log.includes(logged), `${what}: the log names the link:\n${log}`);
  }
  assert.equal(messages.size, 1, `one message whatever became of the link: ${[...messages].join(' | ')}`);
  assert.equal(fake.requests.length, behaviours.length, 'a refused link is not a reason to generate again');
  const quota = await api(server.url, '/api/quota', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(quota.status, 200, quota.text);
  assert.equal(quota.json.budget.spentUsd, 0, 'nothing is charged for an image that was not stored');
  assert.equal(quota.json.budget.reservedUsd, 0, 'nothing stays reserved');
});

// ---------------------------------------------------------------- provider error text

// What a provider says may quote keys, internal addresses or anything else: callers get fixed
// words per case, the operator gets the detail in the log under the request id.
test('provider error text never reaches the caller; the log has it under the request id', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { env: { VISIONARY_PROVIDER_RETRIES: '0' } });
  const leak = 'Key sk-proj-...Wq7Z is not valid for the gateway at 10.1.2.3:8443 (trace 7f3a9c)';
  const json = (status, code) => ({ kind: 'status', status, body: { error: { message: leak, type: 'invalid_request_error', param: null, code } } });
  const cases = [
    ['400 invalid_value', json(400, 'invalid_value'), 502, 'provider_error'],
    ['401 invalid_api_key', json(401, 'invalid_api_key'), 502, 'provider_error'],
    ['403', json(403, null), 502, 'provider_error'],
    ['409', json(409, null), 502, 'provider_error'],
    ['429', json(429, 'rate_limit_exceeded'), 429, 'rate_limited'],
    ['500', json(500, null), 502, 'provider_error'],
    ['503 from a proxy (HTML)', { kind: 'status', status: 503, body: `<html><body>upstream ${leak}</body></html>`, headers: { 'content-type': 'text/html' } }, 503, 'provider_unavailable'],
  ];
  for (const [what, behaviour, status, code] of cases) {
    fake.enqueue(behaviour);
    const res = await expectNothingStored(server, () => generate(server.url, { prompt: `a leaky provider: ${what}` }));
    const error = assertError(res, status, code);
    for (const hidden of ['10.1.2.3', '8443', 'sk-proj', 'Wq7Z', '7f3a9c', 'gateway']) {
      assert.ok(!res.text.includes(hidden), `${what}: the answer does not carry "${hidden}": ${res.text}`);
    }
    const log = await logOf(server, error.requestId, /10\.1\.2\.3/);
    assert.ok(log.includes('7f3a9c'), `${what}: the log has the provider's words:\n${log}`);
    assert.ok(!log.includes('Wq7Z'), `${what}: key-like words are masked in the log:\n${log}`);
  }
  assert.ok(!server.output().includes(API_KEY), 'the configured key is never logged');
});
