// GET /api/suggestion with a chat model behind it (tests/support/fake_chat.mjs): suggestions from
// the model, cleaned; offline ones whenever the model fails, is slow or answers nonsense; a cache
// that answers at once; the rate cap and the back-off; Azure's v1 path and api-key header; bearer
// and no auth; no key in any response or log line; the web role passing the fields on.
// What the server did is read from the fake's request counts and /metrics, never from timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { api, registerSecret, runBinary, startRole, startServer, waitFor } from '../support/server.mjs';
import { startFakeChat } from '../support/fake_chat.mjs';

const TIMEOUT = 60_000;
const KEY = 'sk-suggest-test-key-7f3e9a1b2c4d';
const AZURE_KEY = 'azure-suggest-key-0123456789abcdef';
const OPENAI_KEY = 'sk-images-only-key-5a6b7c8d9e0f';
const FUNCTIONS_KEY = 'fk-suggestions-0123456789abcdef';
for (const secret of [KEY, AZURE_KEY, OPENAI_KEY, FUNCTIONS_KEY]) registerSecret(secret);
const MODEL = 'gpt-4o-mini';
const NUMBERED = /^A lighthouse number \d+ on a windswept cliff at dusk, watercolor$/;

async function fakeChat(t, options = {}) {
  const fake = await startFakeChat({ apiKey: KEY, ...options });
  t.after(() => fake.close());
  return fake;
}

function suggestionEnv(fake, env = {}) {
  return {
    VISIONARY_SUGGESTION_MODEL: MODEL,
    VISIONARY_SUGGESTION_URL: fake.url,
    VISIONARY_SUGGESTION_API_KEY: KEY,
    VISIONARY_METRICS: '1',
    ...env,
  };
}

/** The value of one sample of /metrics (0 when absent). */
async function metric(server, name, labels = {}) {
  const res = await api(server.url, '/metrics');
  assert.equal(res.status, 200, res.text);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  const prefix = wanted ? `${name}{${wanted}} ` : `${name} `;
  const line = res.text.split('\n').find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(prefix.length)) : 0;
}

const calls = (server, outcome) => metric(server, 'visionary_suggestion_model_calls_total', { outcome });
const skipped = (server, reason) => metric(server, 'visionary_suggestion_refills_skipped_total', { reason });

/** Waits until `count` calls to the model ended with `outcome`. */
async function callsEnded(server, outcome, count) {
  await waitFor(async () => (await calls(server, outcome)) >= count, { what: `${count} suggestion calls ${outcome}` });
  assert.equal(await calls(server, outcome), count);
}

/** Waits for a log line matching `pattern` (the log arrives through a pipe). */
async function logged(server, pattern) {
  await waitFor(() => pattern.test(server.stdout()), { what: `a log line matching ${pattern}` });
}

async function suggestion(server) {
  const res = await api(server.url, '/api/suggestion');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return res.json;
}

function assertOffline(body) {
  assert.equal(body.source, 'offline', JSON.stringify(body));
  assert.ok(!('model' in body), 'no model for an offline suggestion');
  assert.equal(typeof body.suggestion, 'string');
  assert.ok(body.suggestion.trim().length > 0);
}

test('suggestions come from the model, cleaned, named by source and model', { timeout: TIMEOUT }, async (t) => {
  const fake = await fakeChat(t, { defaultBehaviour: 'quoted' });
  const server = await startServer({ t, env: suggestionEnv(fake) });
  await callsEnded(server, 'ok', 4); // the cache fills at start-up
  const body = await suggestion(server);
  assert.deepEqual(Object.keys(body).sort(), ['model', 'source', 'suggestion']);
  assert.equal(body.source, 'model');
  assert.equal(body.model, MODEL);
  assert.match(body.suggestion, NUMBERED, 'label, quotes and markdown are gone');

  const call = fake.requests[0];
  assert.equal(call.path, '/v1/chat/completions');
  assert.equal(call.headers.authorization, `Bearer ${KEY}`);
  assert.equal(call.body.model, MODEL);
  assert.equal(call.body.messages.length, 2);
  assert.equal(call.body.max_tokens > 0, true, 'a compatible server gets max_tokens');
  assert.ok(!('max_completion_tokens' in call.body));
  const topics = new Set(fake.requests.map((r) => r.body.messages[1].content));
  assert.ok(topics.size > 1, 'each call asks about another theme');

  const config = await api(server.url, '/api/config');
  assert.equal(config.json.suggestionModel, MODEL);
  assert.ok(/suggestions: gpt-4o-mini on openai-compatible .* key set/.test(server.stdout()), 'start-up summary');
});

test('the cache answers at once: taking two starts one call, held by the model', { timeout: TIMEOUT }, async (t) => {
  const fake = await fakeChat(t);
  const server = await startServer({ t, env: suggestionEnv(fake) });
  await callsEnded(server, 'ok', 4);
  fake.setDefault('held');
  const first = await suggestion(server);
  const second = await suggestion(server);
  for (const body of [first, second]) {
    assert.equal(body.source, 'model');
    assert.match(body.suggestion, NUMBERED);
  }
  assert.notEqual(first.suggestion, second.suggestion);
  await waitFor(() => fake.heldCount === 1, { what: 'the refill call' });
  assert.equal(fake.requests.length, 5, 'one refill at a time, however many were taken');
  fake.setDefault('ok');
  fake.release();
  await callsEnded(server, 'ok', 6); // two taken, two made
  assert.equal(fake.requests.length, 6, 'the refill filled the cache again, then stopped');
});

test('a failing model means offline suggestions and no call during the back-off', { timeout: TIMEOUT }, async (t) => {
  for (const status of [500, 401, 429]) {
    const fake = await fakeChat(t, { defaultBehaviour: { kind: 'status', status } });
    const server = await startServer({ t, env: suggestionEnv(fake) });
    await callsEnded(server, 'failed', 1);
    for (let i = 0; i < 3; i++) assertOffline(await suggestion(server));
    assert.equal(await skipped(server, 'backoff'), 3, `${status}: every refill held back`);
    assert.equal(fake.requests.length, 1, `${status}: no second call`);
    await logged(server, new RegExp(`warn.*suggestion model ${MODEL} answered HTTP ${status}`));
    await server.stop();
  }
});

test('a slow model: the suggestion does not wait, the call times out, offline it is', { timeout: TIMEOUT }, async (t) => {
  const fake = await fakeChat(t, { defaultBehaviour: { kind: 'slow', delayMs: 30_000 } });
  const server = await startServer({ t, env: suggestionEnv(fake, { VISIONARY_SUGGESTION_TIMEOUT: '1' }) });
  await waitFor(() => fake.requests.length === 1, { what: 'the first call' });
  assertOffline(await suggestion(server)); // answered while the call is still pending
  await callsEnded(server, 'failed', 1);
  assertOffline(await suggestion(server));
  assert.equal(fake.requests.length, 1);
  await logged(server, /suggestion call to .* failed/);
});

test('malformed, refused, cut and spoofing answers fall back', { timeout: TIMEOUT }, async (t) => {
  const cases = [
    ['malformed', 'failed'],
    ['refusal', 'failed'],
    ['length', 'failed'],
    [{ kind: 'ok', content: '""' }, 'refused'],
    [{ kind: 'ok', content: 'A fox \u202Eecnarf\u202C in snow, watercolor' }, 'refused'],
    [{ kind: 'ok', content: 'x'.repeat(400) }, 'refused'],
  ];
  for (const [behaviour, outcome] of cases) {
    const fake = await fakeChat(t, { defaultBehaviour: behaviour });
    const server = await startServer({ t, env: suggestionEnv(fake) });
    await callsEnded(server, outcome, 1);
    assertOffline(await suggestion(server));
    assert.equal(fake.requests.length, 1, `${JSON.stringify(behaviour)}: backing off`);
    await server.stop();
  }
});

test('the rate cap holds refills back (VISIONARY_SUGGESTION_RATE)', { timeout: TIMEOUT }, async (t) => {
  const fake = await fakeChat(t);
  const server = await startServer({ t, env: suggestionEnv(fake, { VISIONARY_SUGGESTION_RATE: '5' }) });
  await callsEnded(server, 'ok', 4);
  assert.equal((await suggestion(server)).source, 'model');
  await callsEnded(server, 'ok', 5); // the fifth call of this minute refilled the cache
  for (let i = 0; i < 4; i++) assert.equal((await suggestion(server)).source, 'model');
  assert.equal(await skipped(server, 'rate_cap'), 4);
  assert.equal(fake.requests.length, 5);
  assertOffline(await suggestion(server));
  assert.equal(fake.requests.length, 5);
  assert.equal(await metric(server, 'visionary_suggestions_total', { source: 'model' }), 5);
  assert.equal(await metric(server, 'visionary_suggestions_total', { source: 'offline' }), 1);
});

test('Azure OpenAI: the v1 path, the deployment as model, the api-key header', { timeout: TIMEOUT }, async (t) => {
  const fake = await fakeChat(t, { apiKey: AZURE_KEY, deployments: ['suggest-mini'] });
  const server = await startServer({
    t,
    env: {
      VISIONARY_PROVIDER: 'azure-openai',
      AZURE_OPENAI_ENDPOINT: fake.origin,
      AZURE_OPENAI_API_KEY: AZURE_KEY,
      VISIONARY_MODEL: 'images-deployment',
      VISIONARY_CATALOG_MODEL: 'gpt-image-1',
      VISIONARY_SUGGESTION_MODEL: 'suggest-mini', // no URL, no key: the Azure endpoint and its key
      VISIONARY_METRICS: '1',
    },
  });
  await callsEnded(server, 'ok', 4);
  const call = fake.requests[0];
  assert.equal(call.path, '/openai/v1/chat/completions');
  assert.equal(call.headers['api-key'], AZURE_KEY);
  assert.ok(!('authorization' in call.headers), 'no bearer key for Azure');
  assert.equal(call.body.model, 'suggest-mini');
  assert.ok(call.body.max_completion_tokens > 0, 'Azure gets max_completion_tokens');
  assert.ok(!('max_tokens' in call.body));
  const body = await suggestion(server);
  assert.equal(body.source, 'model');
  assert.equal(body.model, 'suggest-mini');
  assert.match(server.stdout(), /suggestions: suggest-mini on azure-openai .* auth api-key, key set/);
});

test('a server without keys: no Authorization, and no other server\'s key', { timeout: TIMEOUT }, async (t) => {
  const fake = await fakeChat(t, { apiKey: null });
  const server = await startServer({
    t,
    env: {
      ...suggestionEnv(fake, { VISIONARY_SUGGESTION_API_KEY: null }),
      // The image provider's key is for another server: it must not travel to the chat server.
      VISIONARY_PROVIDER: 'openai-compatible',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_API_KEY: OPENAI_KEY,
    },
  });
  await callsEnded(server, 'ok', 4);
  for (const call of fake.requests) {
    assert.ok(!('authorization' in call.headers));
    assert.ok(!('api-key' in call.headers));
    assert.ok(!JSON.stringify(call).includes(OPENAI_KEY));
  }
  assert.equal((await suggestion(server)).source, 'model');
  assert.match(server.stdout(), /suggestions: gpt-4o-mini on openai-compatible .* auth none, key not set/);
});

test('the provider\'s key is used for its own server, bearer by default', { timeout: TIMEOUT }, async (t) => {
  const fake = await fakeChat(t, { apiKey: OPENAI_KEY });
  const server = await startServer({
    t,
    env: {
      ...suggestionEnv(fake, { VISIONARY_SUGGESTION_API_KEY: null }),
      VISIONARY_PROVIDER: 'openai-compatible',
      OPENAI_BASE_URL: fake.url, // LocalAI serving images and chat
      OPENAI_API_KEY: OPENAI_KEY,
    },
  });
  await callsEnded(server, 'ok', 4);
  assert.equal(fake.requests[0].headers.authorization, `Bearer ${OPENAI_KEY}`);
});

test('a wrong key: offline suggestions, and the key in no response or log line', { timeout: TIMEOUT }, async (t) => {
  const fake = await fakeChat(t, { apiKey: 'sk-the-right-key-000000000000' });
  const server = await startServer({ t, env: suggestionEnv(fake) });
  await callsEnded(server, 'failed', 1);
  assertOffline(await suggestion(server)); // api() checks every response for the registered keys
  assert.equal(fake.requests[0].headers.authorization, `Bearer ${KEY}`);
  await logged(server, /answered HTTP 401 invalid_api_key/);
  assert.ok(!server.output().includes(KEY), 'the key is in no log line');
  assert.ok(!server.output().includes(KEY.slice(-12)), 'nor any end of it');
});

test('without a model every suggestion is offline, and config says so', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t });
  assertOffline(await suggestion(server));
  assert.equal((await api(server.url, '/api/config')).json.suggestionModel, null);
  assert.match(server.stdout(), /suggestions: offline lists/);
});

test('the web role passes source and model on from the backend', { timeout: TIMEOUT }, async (t) => {
  const fake = await fakeChat(t);
  const backend = await startRole('functions', { t, env: suggestionEnv(fake, { VISIONARY_FUNCTIONS_KEY: FUNCTIONS_KEY }) });
  const web = await startRole('web', { t, env: { VISIONARY_FUNCTIONS_URL: backend.url, VISIONARY_FUNCTIONS_KEY: FUNCTIONS_KEY } });
  await waitFor(() => fake.requests.length === 4, { what: 'the cache to fill' });
  await waitFor(async () => {
    const res = await api(backend.url, '/metrics', { headers: { 'x-functions-key': FUNCTIONS_KEY } });
    return /visionary_suggestion_model_calls_total\{outcome="ok"\} 4/.test(res.text);
  }, { what: 'four answers kept' });
  const body = await suggestion(web);
  assert.equal(body.source, 'model');
  assert.equal(body.model, MODEL);
  assert.match(body.suggestion, NUMBERED);
  assert.equal((await api(web.url, '/api/config')).json.suggestionModel, MODEL);
});

test('inconsistent suggestion settings stop start-up with the fix', { timeout: TIMEOUT }, async () => {
  const cases = [
    [{ VISIONARY_SUGGESTION_URL: 'http://127.0.0.1:8080/v1' }, /need VISIONARY_SUGGESTION_MODEL/],
    [{ VISIONARY_SUGGESTION_MODEL: MODEL, VISIONARY_SUGGESTION_URL: 'ftp://x' }, /must be an http\(s\) URL/],
    [{ VISIONARY_SUGGESTION_MODEL: MODEL, VISIONARY_SUGGESTION_AUTH: 'basic', VISIONARY_SUGGESTION_API_KEY: KEY }, /bearer, api-key or none/],
    [{ VISIONARY_SUGGESTION_MODEL: MODEL }, /needs a key for https:\/\/api\.openai\.com\/v1: set VISIONARY_SUGGESTION_API_KEY/],
    [{ VISIONARY_SUGGESTION_MODEL: MODEL, VISIONARY_SUGGESTION_API_KEY: KEY, VISIONARY_SUGGESTION_TIMEOUT: '0' }, /VISIONARY_SUGGESTION_TIMEOUT must be between 1 and 60/],
    [{ VISIONARY_SUGGESTION_MODEL: MODEL, VISIONARY_SUGGESTION_API_KEY: KEY, VISIONARY_SUGGESTION_RATE: '0' }, /VISIONARY_SUGGESTION_RATE must be between 1 and 600/],
  ];
  for (const [env, message] of cases) {
    const result = await runBinary({ env });
    assert.equal(result.code, 2, JSON.stringify(env));
    assert.match(result.stderr, message);
    assert.ok(!result.stderr.includes(KEY) && !result.stdout.includes(KEY));
  }
});
