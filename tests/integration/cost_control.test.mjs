// Cost control against the real binary: per-client rate, in-flight caps, daily images, the spending
// budget reserved before and settled after each call from the provider's real `usage`, who the
// client is (X-Forwarded-For from trusted proxies only, the web tier passing the browser through),
// GET /api/quota, and one budget shared by two replicas on one Azurite.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  api, assertError, generate, registerSecret, startCustomHandler, startFake, startServer, tempDir, waitFor,
} from '../support/server.mjs';
import { startAzurite, uniqueContainer } from '../support/azurite.mjs';

const TIMEOUT = 120_000;
const API_KEY = 'sk-fake-cost-0123456789abcdefghij';
const ADMIN_TOKEN = 'admin-token-costs-0123456789abcdef';
registerSecret(API_KEY);
registerSecret(ADMIN_TOKEN);

// The fake answers gpt-image-1 with usage {input_tokens: ceil(prompt/4), output_tokens: 4160 at high
// quality, 1024x1024}; at $5 / $40 per million tokens that is this much per image.
const PROMPT = 'a lighthouse in a storm'; // 23 characters → 6 input tokens
const HIGH_IMAGE_USD = (6 * 5 + 4160 * 40) / 1e6;
// What the server reserves for one such image before the call: 7000 output tokens at most, and
// one input token per prompt character.
const HIGH_WORST_USD = (23 * 5 + 7000 * 40) / 1e6;

async function openaiServer(t, env = {}, options = {}) {
  const fake = await startFake(t, { apiKey: API_KEY });
  const server = await startServer({
    t,
    ...options,
    env: {
      VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url,
      // The prices below are gpt-image-1's.
      VISIONARY_MODEL: 'gpt-image-1',
      // Streamed partial images cost output tokens of their own; these prices are of whole images.
      VISIONARY_OPENAI_PARTIAL_IMAGES: '0',
      VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN, ...env,
    },
  });
  return { fake, server };
}

function fromClient(address) {
  return { headers: { 'x-forwarded-for': address } };
}

async function quota(server, init = {}) {
  const res = await api(server.url, '/api/quota', init);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function assertRetryAfter(res, { min = 1, max }) {
  const header = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(header) && header >= min && header <= max, `Retry-After ${header} in [${min}, ${max}]`);
  assert.equal(res.json.error.retryAfterSeconds, header, 'retryAfterSeconds equals Retry-After');
}

function secondsUntilUtcMidnight() {
  const now = new Date();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.ceil((midnight - now.getTime()) / 1000);
}

test('rate: a burst of the configured count, then 429 rate_limited with the wait for the next token', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t, env: { VISIONARY_PROVIDER: 'demo', VISIONARY_CLIENT_RATE: '3/min' } });
  const started = Date.now();
  for (let i = 0; i < 3; i++) {
    const res = await generate(server.url, { prompt: `burst ${i}` });
    assert.equal(res.status, 201, res.text);
  }
  const refused = await generate(server.url, { prompt: 'one too many' });
  assertError(refused, 429, 'rate_limited');
  // 3/min: one token every 20 s, counted from the first request (a slow machine has used some).
  const elapsed = Math.ceil((Date.now() - started) / 1000);
  assertRetryAfter(refused, { min: Math.max(1, 20 - elapsed - 1), max: 20 });
  const listed = await api(server.url, '/api/getImages');
  assert.equal(listed.json.imageUrls.length, 3, 'the refused request made nothing');
});

test('in flight: a client may have VISIONARY_CLIENT_MAX_IN_FLIGHT generations running; the place frees when one ends', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { VISIONARY_CLIENT_MAX_IN_FLIGHT: '1', VISIONARY_DAILY_BUDGET_USD: '0' });
  fake.enqueue({ kind: 'held' });
  const first = generate(server.url, { prompt: 'held by the provider' });
  await waitFor(() => fake.heldCount === 1, { what: 'the first call to reach the provider' });
  assert.equal((await quota(server)).client.inFlight, 1);

  const second = await generate(server.url, { prompt: 'second at once' });
  assertError(second, 429, 'too_many_in_flight');
  assertRetryAfter(second, { max: 60 });
  assert.equal(fake.requests.length, 1, 'the refused request never reached the provider');

  fake.release();
  assert.equal((await first).status, 201);
  const third = await generate(server.url, { prompt: 'after the first finished' });
  assert.equal(third.status, 201, third.text);
});

test('in flight: VISIONARY_MAX_IN_FLIGHT caps the whole server across clients', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, {
    VISIONARY_MAX_IN_FLIGHT: '1', VISIONARY_TRUSTED_PROXIES: '127.0.0.1', VISIONARY_DAILY_BUDGET_USD: '0',
  });
  fake.enqueue({ kind: 'held' });
  const first = generate(server.url, { prompt: 'client A' }, fromClient('198.51.100.1'));
  await waitFor(() => fake.heldCount === 1, { what: 'the first call to reach the provider' });
  const other = await generate(server.url, { prompt: 'client B' }, fromClient('198.51.100.2'));
  assertError(other, 429, 'too_many_in_flight');
  fake.release();
  assert.equal((await first).status, 201);
});

test('daily images: n counts, the refusal says when the day resets, and /api/quota shows what is left', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t, env: { VISIONARY_PROVIDER: 'demo', VISIONARY_CLIENT_DAILY_IMAGES: '5' } });
  assert.equal((await quota(server)).client.imagesLeftToday, 5);
  const four = await generate(server.url, { prompt: 'four foxes', n: 4 });
  assert.equal(four.status, 201, four.text);
  const left = await quota(server);
  assert.equal(left.client.imagesLeftToday, 1);
  assert.equal(left.budget, null, 'the demo costs nothing: no budget');
  assert.equal(new Date(left.client.resetsAt).getUTCHours(), 0);

  const two = await generate(server.url, { prompt: 'two more', n: 2 });
  const error = assertError(two, 429, 'daily_quota_exhausted');
  assert.match(error.message, /1 more image/);
  const wait = secondsUntilUtcMidnight();
  assertRetryAfter(two, { min: wait - 5, max: wait + 5 });
  const one = await generate(server.url, { prompt: 'the last one' });
  assert.equal(one.status, 201, one.text);
  assert.equal((await quota(server)).client.imagesLeftToday, 0);
});

test('budget: reserved before the call, settled at the real usage, refused when the reservation does not fit; failures cost nothing', { timeout: TIMEOUT }, async (t) => {
  const limit = 2 * HIGH_IMAGE_USD + HIGH_WORST_USD - 0.01; // two real images fit, a third reservation does not
  const { fake, server } = await openaiServer(t, { VISIONARY_DAILY_BUDGET_USD: limit.toFixed(4) });
  const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
  assert.equal((await quota(server, admin)).budget.limitUsd, Number(limit.toFixed(4)));

  fake.enqueue('content_policy');
  const refusedByProvider = await generate(server.url, { prompt: PROMPT, quality: 'high' });
  assertError(refusedByProvider, 422, 'content_policy_violation');
  assert.equal((await quota(server, admin)).budget.spentUsd, 0, 'a refused generation costs nothing');

  for (let i = 0; i < 2; i++) {
    const res = await generate(server.url, { prompt: PROMPT, quality: 'high' });
    assert.equal(res.status, 201, res.text);
  }
  const state = await quota(server, admin);
  assert.ok(Math.abs(state.budget.spentUsd - 2 * HIGH_IMAGE_USD) < 1e-6, `spent ${state.budget.spentUsd} = 2 × ${HIGH_IMAGE_USD}`);
  assert.equal(state.budget.reservedUsd, 0, 'nothing held once settled');
  assert.equal(state.budget.exhausted, false);

  const third = await generate(server.url, { prompt: PROMPT, quality: 'high' });
  assertError(third, 429, 'budget_exhausted');
  assertRetryAfter(third, { min: secondsUntilUtcMidnight() - 5, max: secondsUntilUtcMidnight() + 5 });
  assert.equal(fake.requests.length, 3, 'the refused request never reached the provider');
  const anonymous = await quota(server);
  assert.deepEqual(Object.keys(anonymous.budget).sort(), ['exhausted', 'resetsAt'], 'money only for the admin');
  assertError(await api(server.url, '/api/quota', { headers: { authorization: 'Bearer wrong-token-0123456789' } }), 401, 'unauthorized');
});

test('budget: each image records its cost and usage in the metadata', { timeout: TIMEOUT }, async (t) => {
  const { server } = await openaiServer(t, { VISIONARY_DAILY_BUDGET_USD: '5' });
  const res = await generate(server.url, { prompt: PROMPT, quality: 'high', n: 2 });
  assert.equal(res.status, 201, res.text);
  const metaDir = path.join(server.dataDir, 'meta', 'images', 'images');
  const sidecars = fs.readdirSync(metaDir).map((f) => JSON.parse(fs.readFileSync(path.join(metaDir, f), 'utf8')));
  assert.equal(sidecars.length, 2);
  // One answer for both: 6 input tokens, 2 × 4160 output tokens, shared equally by its images.
  const share = (6 * 5 + 8320 * 40) / 1e6 / 2;
  for (const sidecar of sidecars) {
    assert.ok(Math.abs(Number(sidecar.metadata.costusd) - share) < 1e-6, `cost ${sidecar.metadata.costusd}`);
    assert.equal(sidecar.metadata.usage, '6,0,8320', 'the answer\'s text, image and output tokens');
  }
});

test('the budget defaults to $5 for a paid provider and the start-up summary says so; 0 must be explicit', { timeout: TIMEOUT }, async (t) => {
  const { server } = await openaiServer(t, { VISIONARY_DAILY_BUDGET_USD: null });
  assert.match(server.output(), /budget: +\$5\.00 a day, priced as gpt-image-1/);
  const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
  assert.equal((await quota(server, admin)).budget.limitUsd, 5);
  const { server: unlimited } = await openaiServer(t, { VISIONARY_DAILY_BUDGET_USD: '0' });
  assert.match(unlimited.output(), /budget: +UNLIMITED/);
  assert.equal((await quota(unlimited)).budget, null);
});

test('client identity: X-Forwarded-For counts only from trusted proxies', { timeout: TIMEOUT }, async (t) => {
  const env = { VISIONARY_PROVIDER: 'demo', VISIONARY_CLIENT_DAILY_IMAGES: '1' };
  const untrusting = await startServer({ t, env });
  assert.equal((await generate(untrusting.url, { prompt: 'a' }, fromClient('198.51.100.1'))).status, 201);
  assertError(await generate(untrusting.url, { prompt: 'b' }, fromClient('198.51.100.2')), 429, 'daily_quota_exhausted');

  const trusting = await startServer({ t, env: { ...env, VISIONARY_TRUSTED_PROXIES: '127.0.0.0/8' } });
  assert.equal((await generate(trusting.url, { prompt: 'a' }, fromClient('198.51.100.1'))).status, 201);
  assertError(await generate(trusting.url, { prompt: 'a again' }, fromClient('198.51.100.1')), 429, 'daily_quota_exhausted');
  assert.equal((await generate(trusting.url, { prompt: 'b' }, fromClient('198.51.100.2'))).status, 201);
  // A client cannot pick its identity by prepending its own entries.
  assertError(await generate(trusting.url, { prompt: 'c' }, fromClient('203.0.113.9, 198.51.100.2')), 429, 'daily_quota_exhausted');
});

test('visionary web passes the browser\'s address to the backend, which believes it from the function key', { timeout: TIMEOUT }, async (t) => {
  const key = 'fk-cost-control-0123456789abcdef';
  registerSecret(key);
  const backend = await startCustomHandler({
    t, env: { VISIONARY_PROVIDER: 'demo', VISIONARY_CLIENT_DAILY_IMAGES: '1', VISIONARY_FUNCTIONS_KEY: key },
  });
  registerSecret(backend.url);
  const web = await startServer({
    t, role: 'web',
    env: { VISIONARY_FUNCTIONS_URL: backend.url, VISIONARY_FUNCTIONS_KEY: key, VISIONARY_TRUSTED_PROXIES: '127.0.0.1' },
  });
  assert.equal((await generate(web.url, { prompt: 'a' }, fromClient('198.51.100.1'))).status, 201);
  assertError(await generate(web.url, { prompt: 'a again' }, fromClient('198.51.100.1')), 429, 'daily_quota_exhausted');
  assert.equal((await generate(web.url, { prompt: 'b' }, fromClient('198.51.100.2'))).status, 201, 'another browser, its own count');
  assert.equal((await quota(web, fromClient('198.51.100.3'))).client.imagesLeftToday, 1);
  // Without the key the backend does not believe the header: the caller itself is the client.
  assert.equal((await generate(backend.url, { prompt: 'direct' }, { headers: { 'x-forwarded-for': '198.51.100.9', 'x-functions-key': key } })).status, 201);
});

test('concurrent requests with one Idempotency-Key make one provider call and get the same images', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { VISIONARY_DAILY_BUDGET_USD: '0' });
  fake.setDefault({ kind: 'slow', delayMs: 300 });
  const key = { headers: { 'idempotency-key': 'one-click-0123456789' } };
  const answers = await Promise.all([1, 2, 3].map(() => generate(server.url, { prompt: 'pay once' }, key)));
  for (const res of answers) assert.equal(res.status, 201, res.text);
  assert.equal(fake.requests.length, 1, 'exactly one provider call');
  const ids = answers.map((res) => res.json.images.map((i) => i.id).join());
  assert.deepEqual(new Set(ids).size, 1, 'every answer shows the same images');
  assert.equal((await api(server.url, '/api/getImages')).json.imageUrls.length, 1);
});

test('a failed generation frees its Idempotency-Key: the same key may be tried again', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { VISIONARY_DAILY_BUDGET_USD: '0' });
  fake.enqueue('server_error');
  const key = { headers: { 'idempotency-key': 'retry-after-failure-01' } };
  assertError(await generate(server.url, { prompt: 'try again' }, key), 502, 'provider_error');
  const retried = await generate(server.url, { prompt: 'try again' }, key);
  assert.equal(retried.status, 201, retried.text);
  assert.equal(fake.requests.length, 2);
});

test('GET /api/admin/usage: spending, images and failures per day and model, for the admin only', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { VISIONARY_DAILY_BUDGET_USD: '5' });
  fake.enqueue('content_policy');
  assertError(await generate(server.url, { prompt: PROMPT, quality: 'high' }), 422, 'content_policy_violation');
  assert.equal((await generate(server.url, { prompt: PROMPT, quality: 'high', n: 2 })).status, 201);

  assertError(await api(server.url, '/api/admin/usage'), 401, 'unauthorized');
  const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
  assertError(await api(server.url, '/api/admin/usage?days=0', admin), 400, 'invalid_request');
  const res = await api(server.url, '/api/admin/usage?days=7', admin);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.days.length, 7, 'one entry per day, empty days included');
  const today = res.json.days.at(-1);
  assert.equal(today.day, new Date().toISOString().slice(0, 10));
  assert.equal(today.images, 2);
  assert.equal(today.failures, 1);
  const expected = (6 * 5 + 8320 * 40) / 1e6;
  assert.ok(Math.abs(today.spentUsd - expected) < 1e-6, `spent ${today.spentUsd}`);
  assert.deepEqual(Object.keys(today.models), ['gpt-image-1']);
  assert.equal(today.models['gpt-image-1'].images, 2);
  for (const day of res.json.days.slice(0, -1)) assert.equal(day.images, 0);
  assert.equal(res.json.budget.limitUsd, 5);
  assert.ok(Math.abs(res.json.budget.spentUsd - expected) < 1e-6);

  const unconfigured = await startServer({ t, env: { VISIONARY_PROVIDER: 'demo' } });
  assertError(await api(unconfigured.url, '/api/admin/usage', admin), 403, 'forbidden');
});

let azurite;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite?.cleanup();
});

test('two functions replicas on one Azurite share one budget: 40 concurrent generations, a budget for 10, exactly 10 paid', { timeout: TIMEOUT }, async (t) => {
  const container = uniqueContainer('budget');
  const pricesFile = path.join(tempDir(t), 'prices.json');
  // A flat price makes "a budget for 10" exact: worst case and real cost are both $0.10.
  fs.writeFileSync(pricesFile, JSON.stringify({ models: { 'gpt-image-1': { perImage: { '*': { '*': 0.1 } } } } }));
  const fake = await startFake(t, { apiKey: API_KEY });
  const env = {
    VISIONARY_STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, VISIONARY_CONTAINER: container,
    VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url, VISIONARY_MODEL: 'gpt-image-1',
    VISIONARY_PRICES_FILE: pricesFile, VISIONARY_DAILY_BUDGET_USD: '1', VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN,
  };
  const replicas = [await startCustomHandler({ t, env }), await startCustomHandler({ t, env })];
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) =>
    generate(replicas[i % 2].url, { prompt: `race ${i}` }, fromClient(`198.51.100.${i}`))));
  const made = answers.filter((res) => res.status === 201);
  const refused = answers.filter((res) => res.status !== 201);
  for (const res of refused) assertError(res, 429, 'budget_exhausted');
  assert.equal(made.length, 10, `exactly the budget's worth was generated (${answers.map((r) => r.status).join(',')})`);
  assert.equal(fake.requests.length, 10, 'the provider was called only for admitted requests');
  const state = await quota(replicas[1], { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.ok(Math.abs(state.budget.spentUsd - 1) < 1e-9, `spent ${state.budget.spentUsd}`);
  assert.equal(state.budget.exhausted, true);
});
