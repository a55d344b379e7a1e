// /api/config, /api/suggestion, /api/health; no secret in any of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { api, assertError, registerSecret, startFake, startApi } from '../support/server.mjs';

const TIMEOUT = 60_000;
const API_KEY = 'sk-config-test-key-4f9a8b7c6d5e';
const ADMIN_TOKEN = 'admin-config-0123456789abcdef';
const SIGNING_KEY = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
registerSecret(API_KEY);
registerSecret(ADMIN_TOKEN);
registerSecret(SIGNING_KEY);

function assertOption(option, name) {
  assert.ok(option, `options.${name} present`);
  assert.ok(Array.isArray(option.values) && option.values.length > 0, `options.${name}.values`);
  for (const v of option.values) assert.equal(typeof v, 'string');
  assert.ok(option.values.includes(option.default), `options.${name}.default is one of the values`);
}

function assertLimits(limits) {
  for (const key of ['promptMaxChars', 'pageSizeDefault', 'pageSizeMax', 'linkLifetimeSeconds', 'maxBodyBytes']) {
    assert.ok(Number.isInteger(limits?.[key]) && limits[key] > 0, `limits.${key} is a positive integer`);
  }
  assert.equal(limits.pageSizeDefault, 50);
  assert.equal(limits.pageSizeMax, 100);
  assert.ok(limits.linkLifetimeSeconds <= 1800);
}

test('config for the demo provider', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const res = await api(server.url, '/api/config');
  assert.equal(res.status, 200, res.text);
  assert.ok(res.headers.get('x-request-id'));
  const c = res.json;
  assert.equal(c.provider, 'demo');
  assert.equal(c.model, 'procedural-v1');
  assert.equal(c.offline, true);
  assert.equal(typeof c.label, 'string');
  assertOption(c.options.size, 'size');
  assert.ok(c.options.size.values.includes('1024x1024'));
  assert.ok(Number.isInteger(c.options.n.min) && Number.isInteger(c.options.n.max) && c.options.n.min >= 1);
  assert.ok(c.options.n.max >= c.options.n.min);
  assert.ok(!('quality' in c.options), 'no quality for the demo');
  assert.ok(!('style' in c.options), 'no style for the demo');
  assertLimits(c.limits);
  assert.equal(c.limits.promptMaxChars, 4000);
  assert.equal(c.limits.maxBodyBytes, 65536);
});

test('config for openai (via the fake): gpt-image-2 by default, online, quality, no style', { timeout: TIMEOUT }, async (t) => {
  const fake = await startFake(t, { apiKey: API_KEY });
  const server = await startApi({
    t,
    env: { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url, VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN },
  });
  const res = await api(server.url, '/api/config');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.provider, 'openai');
  assert.equal(res.json.model, 'gpt-image-2');
  assert.equal(res.json.offline, false);
  assertOption(res.json.options.size, 'size');
  assertOption(res.json.options.quality, 'quality');
  assert.ok(!('style' in res.json.options), 'no style for gpt-image-2');
  assertLimits(res.json.limits);
  assert.equal(fake.requests.length, 0, 'config does not call the provider');
});

test('config for openai dall-e-3 (via the fake): style present', { timeout: TIMEOUT }, async (t) => {
  const fake = await startFake(t, { apiKey: API_KEY });
  const server = await startApi({
    t,
    env: { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url, VISIONARY_MODEL: 'dall-e-3' },
  });
  const res = await api(server.url, '/api/config');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.model, 'dall-e-3');
  assert.equal(res.json.offline, false);
  assertOption(res.json.options.style, 'style');
  assert.deepEqual([...res.json.options.style.values].sort(), ['natural', 'vivid']);
  assertOption(res.json.options.quality, 'quality');
  assert.equal(res.json.options.n.max, 1, 'dall-e-3 makes one image per request');
});

test('suggestion is a non-empty string', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const res = await api(server.url, '/api/suggestion');
  assert.equal(res.status, 200, res.text);
  assert.equal(typeof res.json.suggestion, 'string');
  assert.ok(res.json.suggestion.trim().length > 0);
});

test('health is ok and carries no secret (also config and errors)', { timeout: TIMEOUT }, async (t) => {
  const fake = await startFake(t, { apiKey: API_KEY });
  const server = await startApi({
    t,
    env: {
      VISIONARY_PROVIDER: 'openai',
      OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: fake.url,
      VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN,
      VISIONARY_SIGNING_KEY: SIGNING_KEY,
    },
  });
  const health = await api(server.url, '/api/health');
  assert.equal(health.status, 200, health.text);
  assert.equal(health.json.status, 'ok');
  assert.equal(health.json.provider, 'openai');
  assert.equal(health.json.storage, 'fs');
  assert.equal(typeof health.json.version, 'string');
  assert.ok(Number.isInteger(health.json.uptimeSeconds) && health.json.uptimeSeconds >= 0);
  // api() checks every response for the registered secrets; these are the risky ones.
  for (const text of [health.text, (await api(server.url, '/api/config')).text]) {
    for (const secret of [API_KEY, ADMIN_TOKEN, SIGNING_KEY]) assert.ok(!text.includes(secret));
  }
  assertError(await api(server.url, '/api/nope'), 404, 'not_found');
  assertError(await api(server.url, '/api/generateImage', { method: 'POST', json: { prompt: '' } }), 400, 'invalid_request');
  assertError(await api(server.url, '/api/images/8204433994950-abcdefghij', { method: 'DELETE', headers: { authorization: 'Bearer nope' } }), 401, 'unauthorized');
  // The startup log masks secrets too.
  for (const secret of [API_KEY, ADMIN_TOKEN, SIGNING_KEY]) {
    assert.ok(!server.stdout().includes(secret), 'secret in the startup log');
    assert.ok(!server.stderr().includes(secret), 'secret on stderr');
  }
});
