// Azure OpenAI against the fake: the v1 API by default (the deployment named in the body's model),
// the classic deployments path when AZURE_OPENAI_API_VERSION is set, the content filter as a 422
// that says what was filtered and why, and a resource Azure has blocked as a 503 for the operator.
// Refusals store nothing and spend nothing; the key never appears in an answer or the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  api, assertError, assertImage, generate, listStored, logOf, registerSecret, runBinary, startApi, startFake, tempDir, waitFor,
} from '../support/server.mjs';

const TIMEOUT = 60_000;
const API_KEY = 'azure-key-0123456789abcdefABCDEF0123';
const ADMIN_TOKEN = 'admin-token-azure-openai-0123456789';
registerSecret(API_KEY);
registerSecret(ADMIN_TOKEN);

const V1_PATH = '/openai/v1/images/generations';
const ADMIN = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

async function azureServer(t, { env = {} } = {}) {
  const fake = await startFake(t, { apiKey: API_KEY });
  const server = await startApi({
    t,
    env: {
      VISIONARY_PROVIDER: 'azure-openai', AZURE_OPENAI_ENDPOINT: fake.origin, AZURE_OPENAI_API_KEY: API_KEY,
      VISIONARY_MODEL: 'gpt-image-1', VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN, VISIONARY_DAILY_BUDGET_USD: '5', ...env,
    },
  });
  return { fake, server };
}

async function budget(server) {
  const res = await api(server.url, '/api/quota', ADMIN);
  assert.equal(res.status, 200, res.text);
  return res.json.budget;
}

/** Runs `send` and asserts it stored nothing and spent nothing of the budget. */
async function expectNothingStoredOrSpent(server, send) {
  const filesBefore = listStored(server.dataDir);
  const res = await send();
  assert.deepEqual(listStored(server.dataDir), filesBefore, 'no files added');
  const listed = (await api(server.url, '/api/getImages')).json;
  assert.deepEqual(listed.imageUrls, [], 'gallery still empty');
  const day = await budget(server);
  assert.equal(day.spentUsd, 0, 'nothing spent');
  assert.equal(day.reservedUsd, 0, 'nothing held');
  return res;
}

test('v1 API by default: POST /openai/v1/images/generations with the deployment as model and the api-key header', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await azureServer(t);
  assert.match(server.output(), /azure: +http:\/\/127\.0\.0\.1:\d+ \(v1 API\), key set/);
  const res = await generate(server.url, { prompt: 'a heron over the v1 lake' });
  assert.equal(res.status, 201, res.text);
  assertImage(res.json.images[0], { prompt: 'a heron over the v1 lake', provider: 'azure-openai', model: 'gpt-image-1' });
  assert.equal(fake.requests.length, 1);
  const sent = fake.requests[0];
  assert.equal(sent.path, V1_PATH, 'no api-version query');
  assert.equal(sent.body.model, 'gpt-image-1');
  assert.equal(sent.headers['api-key'], API_KEY);
  assert.equal(sent.headers.authorization, undefined);

  const config = await api(server.url, '/api/config');
  assert.equal(config.json.provider, 'azure-openai');
  assert.ok(!config.text.includes(API_KEY) && !config.text.includes(fake.origin), 'neither key nor endpoint in /api/config');
  assert.ok(!server.output().includes(API_KEY), 'the key is not logged');
});

test('classic API when AZURE_OPENAI_API_VERSION is set: the deployment in the path, the version in the query', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await azureServer(t, { env: { AZURE_OPENAI_API_VERSION: '2025-04-01-preview' } });
  assert.match(server.output(), /azure: +http:\/\/127\.0\.0\.1:\d+ \(classic API, api-version 2025-04-01-preview\)/);
  const res = await generate(server.url, { prompt: 'a classic heron' });
  assert.equal(res.status, 201, res.text);
  const sent = fake.requests[0];
  assert.equal(sent.path, '/openai/deployments/gpt-image-1/images/generations?api-version=2025-04-01-preview');
  assert.equal(sent.headers['api-key'], API_KEY);
});

test('an AZURE_OPENAI_API_VERSION that is not a dated version stops start-up, naming the fix', { timeout: TIMEOUT }, async (t) => {
  const result = await runBinary({
    env: {
      VISIONARY_PROVIDER: 'azure-openai', AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com', AZURE_OPENAI_API_KEY: API_KEY,
      VISIONARY_MODEL: 'gpt-image-1', AZURE_OPENAI_API_VERSION: 'v1',
    },
    args: ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', tempDir(t)],
  });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /AZURE_OPENAI_API_VERSION must be a dated version[\s\S]*unset it to use the v1 API/);
  assert.ok(!`${result.stdout}${result.stderr}`.includes(API_KEY));
});

test('content filter of the prompt → 422 naming the filtered categories; nothing stored, nothing spent', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await azureServer(t);
  fake.enqueue({ kind: 'azure_content_filter', categories: { sexual: 'high' } });
  const res = await expectNothingStoredOrSpent(server, () => generate(server.url, { prompt: 'something the filter stops' }));
  const error = assertError(res, 422, 'content_policy_violation');
  assert.equal(error.message, "Azure OpenAI's content filter refused the prompt (sexual: high).");
  assert.equal(fake.requests.length, 1, 'a refusal is not sent again');
});

test('content filter of the generated image → 422 saying the image was filtered', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await azureServer(t);
  fake.enqueue({ kind: 'azure_content_filter', stage: 'image', categories: { violence: 'medium', self_harm: 'high' } });
  const res = await expectNothingStoredOrSpent(server, () => generate(server.url, { prompt: 'an image the filter stops' }));
  const error = assertError(res, 422, 'content_policy_violation');
  assert.equal(error.message, "Azure OpenAI's content filter refused the generated image (self_harm: high, violence: medium).");
});

test('a 200 answer whose entries the filter emptied → 422; with one image kept, that image is stored', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await azureServer(t);
  fake.enqueue({ kind: 'azure_filtered_data', categories: { hate: 'high' } });
  const res = await expectNothingStoredOrSpent(server, () => generate(server.url, { prompt: 'a filtered answer' }));
  const error = assertError(res, 422, 'content_policy_violation');
  assert.equal(error.message, "Azure OpenAI's content filter refused the generated image (hate: high).");

  fake.enqueue({ kind: 'azure_filtered_data', keep: 1, categories: { hate: 'high' } });
  const partly = await generate(server.url, { prompt: 'half filtered', n: 2 });
  assert.equal(partly.status, 201, partly.text);
  assert.equal(partly.json.images.length, 1, 'the image the filter let through');
  assertImage(partly.json.images[0], { prompt: 'half filtered', provider: 'azure-openai' });
});

test('a resource Azure has blocked → 503 for the operator, not retried, nothing spent, the provider\'s words only in the log', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await azureServer(t);
  fake.setDefault({ kind: 'azure_blocked' });
  const res = await expectNothingStoredOrSpent(server, () => generate(server.url, { prompt: 'any prompt at all' }));
  const error = assertError(res, 503, 'provider_unavailable');
  assert.match(error.message, /^The image service is temporarily blocked by Azure OpenAI; the site's operator must resolve it/);
  assert.equal(res.headers.get('retry-after'), null, 'waiting does not help: someone must act');
  assert.equal(error.retryAfterSeconds, undefined);
  assert.equal(fake.requests.length, 1, 'not retried');
  assert.ok(!res.text.includes('aka.ms') && !res.text.includes(API_KEY), res.text);
  const log = await logOf(server, error.requestId, /HTTP 403 Forbidden/);
  assert.match(log, /Your resource has been temporarily blocked because we detected behavior/);
  assert.match(log, /resource is blocked/);
  assert.ok(!server.output().includes(API_KEY), 'the key is not logged');

  // A job meets the same answer and fails with the same error.
  const job = await api(server.url, '/api/jobs', { method: 'POST', json: { prompt: 'a job while blocked' } });
  assert.equal(job.status, 202, job.text);
  const ended = await waitFor(async () => {
    const seen = await api(server.url, `/api/jobs/${job.json.id}`);
    assert.equal(seen.status, 200, seen.text);
    return ['succeeded', 'failed', 'cancelled'].includes(seen.json.status) && seen.json;
  }, { what: 'the job to end' });
  assert.equal(ended.status, 'failed');
  assert.equal(ended.error.code, 'provider_unavailable');
  assert.match(ended.error.message, /temporarily blocked by Azure OpenAI/);
  assert.equal((await budget(server)).spentUsd, 0);
});
