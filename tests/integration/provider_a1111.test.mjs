// The AUTOMATIC1111 provider against a fake stable-diffusion-webui API on loopback: txt2img with
// the requested size and batch, HTTP Basic auth, and its failures mapped to the API's errors with
// nothing stored.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startFakeA1111 } from '../fakes/fake_a1111.mjs';
import {
  api, assertError, assertImage, generate, listStored, logOf, registerSecret, runBinary, startServer,
} from '../support/server.mjs';

const AUTH = 'artist:s3cret-passw0rd';
registerSecret('s3cret-passw0rd');

async function setUp(t, { auth = AUTH, behaviour = 'ok', env = {} } = {}) {
  const fake = await startFakeA1111({ auth: AUTH, behaviour });
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
