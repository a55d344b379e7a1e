// Progress, previews and cancellation from the real providers, through the jobs API and its event
// stream: OpenAI and Azure OpenAI stream partial images (previews) before the image, AUTOMATIC1111
// is polled for its progress and interrupted when its job is cancelled. A failed or cancelled job
// stores nothing, bills nothing and frees its place.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { startFakeA1111 } from '../fakes/fake_a1111.mjs';
import {
  api, assertImage, generate, listStored, registerSecret, startFake, startServer, waitFor,
} from '../support/server.mjs';
import { openEvents } from '../support/sse.mjs';

const TIMEOUT = 60_000;
const API_KEY = 'sk-fake-progress-0123456789abcdefgh';
const ADMIN_TOKEN = 'admin-token-progress-0123456789abcdef';
const A1111_AUTH = 'painter:progress-passw0rd';
registerSecret(API_KEY);
registerSecret(ADMIN_TOKEN);
registerSecret('progress-passw0rd');

const PROMPT = 'a kite over the dunes'; // 21 characters → 6 input tokens at the fake
const ADMIN = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

async function openaiServer(t, { env = {}, fake: fakeOptions = {} } = {}) {
  const fake = await startFake(t, { apiKey: API_KEY, ...fakeOptions });
  const server = await startServer({
    t,
    env: {
      VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url,
      VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN, VISIONARY_DAILY_BUDGET_USD: '5', ...env,
    },
  });
  return { fake, server };
}

async function a1111Server(t, { fake: fakeOptions = {}, env = {} } = {}) {
  const fake = await startFakeA1111({ auth: A1111_AUTH, behaviour: 'steps', ...fakeOptions });
  t.after(() => fake.close());
  const server = await startServer({
    t,
    env: {
      VISIONARY_PROVIDER: 'automatic1111', VISIONARY_A1111_URL: fake.url, VISIONARY_A1111_AUTH: A1111_AUTH,
      VISIONARY_A1111_PROGRESS_MS: '100', ...env,
    },
  });
  return { fake, server };
}

async function submitJob(server, body) {
  const res = await api(server.url, '/api/jobs', { method: 'POST', json: body });
  assert.equal(res.status, 202, res.text);
  return res.json;
}

async function followJob(server, id) {
  const events = await openEvents(server.url, `/api/jobs/${id}/events`);
  assert.equal(events.status, 200);
  assert.match(events.headers['content-type'], /^text\/event-stream/);
  return events;
}

/** The job once it has ended, read with GET /api/jobs/{id}. */
function endedJob(server, id) {
  return waitFor(async () => {
    const res = await api(server.url, `/api/jobs/${id}`);
    assert.equal(res.status, 200, res.text);
    return TERMINAL.includes(res.json.status) && res.json;
  }, { what: `job ${id} to end` });
}

async function cancelJob(server, id) {
  const res = await api(server.url, `/api/jobs/${id}`, { method: 'DELETE' });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

/** The gallery's files: images, thumbnails and their metadata (job records and heartbeats aside). */
const galleryFiles = (server) => listStored(server.dataDir).filter((f) => !/\/(jobs|replicas)\//.test(f));

async function assertNothingStored(server) {
  assert.deepEqual(galleryFiles(server), [], 'no image stored');
  const listed = await api(server.url, '/api/getImages');
  assert.deepEqual(listed.json.imageUrls, [], 'the gallery is empty');
}

async function spentToday(server) {
  const res = await api(server.url, '/api/admin/usage?days=1', ADMIN);
  assert.equal(res.status, 200, res.text);
  return res.json.days.at(-1);
}

/** Checks the order of a job's events: a state first, then progress, previews (and states), then `last`. */
function assertEventOrder(events, last) {
  const names = events.map((e) => e.event);
  assert.equal(names[0], 'state', names.join());
  assert.equal(names.at(-1), last, names.join());
  for (const name of names.slice(1, -1)) assert.ok(['state', 'progress', 'preview'].includes(name), names.join());
  const ids = events.map((e) => Number(e.id));
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `event ids increase: ${ids.join()}`);
}

/** The previews among the events: each a WebP data URL. */
function previewsOf(events) {
  const urls = events.map((e) => e.json.progress.previewUrl).filter((url) => url !== null);
  for (const url of urls) {
    assert.match(url, /^data:image\/webp;base64,/);
    const bytes = Buffer.from(url.slice('data:image/webp;base64,'.length), 'base64');
    assert.equal(bytes.toString('latin1', 0, 4), 'RIFF');
    assert.equal(bytes.toString('latin1', 8, 12), 'WEBP');
  }
  return urls;
}

function assertAdvancing(fractions) {
  for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1], `fractions advance: ${fractions.join()}`);
}

test('openai: a streamed job sends its state, the partial images as previews at 1/3 and 2/3, then the image; its usage is billed', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  fake.enqueue({ kind: 'held', then: { kind: 'b64', eventDelayMs: 50 } });
  const job = await submitJob(server, { prompt: PROMPT });
  const stream = await followJob(server, job.id);
  const first = await stream.next();
  assert.equal(first.event, 'state');
  await waitFor(() => fake.heldCount === 1, { what: 'the call to reach the provider' });
  fake.release();
  await stream.ended;
  const { events } = stream;
  assertEventOrder(events, 'completed');

  const fractions = events.filter((e) => e.event === 'progress').map((e) => e.json.progress.fraction).filter((f) => f !== null);
  assertAdvancing(fractions);
  for (const expected of [1 / 3, 2 / 3]) {
    assert.ok(fractions.some((f) => Math.abs(f - expected) < 1e-9), `a fraction of ${expected}: ${fractions.join()}`);
  }
  assert.ok(events.some((e) => e.event === 'preview'), 'a preview event');
  assert.ok(previewsOf(events.slice(0, -1)).length >= 1);

  const done = events.at(-1).json;
  assert.equal(done.status, 'succeeded');
  assert.equal(done.progress.fraction, 1);
  assert.equal(done.images.length, 1);
  assertImage(done.images[0], { prompt: PROMPT, provider: 'openai', model: 'gpt-image-2', width: 1024, height: 1024 });
  const listed = await api(server.url, '/api/getImages');
  assert.deepEqual(listed.json.imageUrls.map((i) => i.id), [done.images[0].id]);

  assert.equal(fake.requests.length, 1);
  const sent = fake.requests[0];
  assert.equal(sent.body.stream, true);
  assert.equal(sent.body.partial_images, 2);
  assert.equal(sent.headers.accept, 'text/event-stream');
  // The completed event's usage: 6 text tokens in, a medium image and two partials (100 each) out,
  // at gpt-image-2's $5 and $30 per million.
  const today = await spentToday(server);
  const expected = (6 * 5 + (1056 + 2 * 100) * 30) / 1e6;
  assert.ok(Math.abs(today.spentUsd - expected) < 1e-6, `spent ${today.spentUsd}, expected ${expected}`);
  assert.equal(today.images, 1);
});

test('openai: an error frame mid-stream fails the job with the mapped code, bills nothing and stores nothing', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  fake.enqueue({ kind: 'stream_error' });
  const job = await submitJob(server, { prompt: PROMPT });
  const ended = await endedJob(server, job.id);
  assert.equal(ended.status, 'failed');
  assert.equal(ended.error.code, 'content_policy_violation');
  assert.match(ended.error.message, /rejected by the safety system/);
  assert.deepEqual(ended.images, []);
  assert.equal(fake.requests.length, 1, 'a refusal is not retried');
  await assertNothingStored(server);
  const today = await spentToday(server);
  assert.equal(today.spentUsd, 0);
  assert.equal(today.failures, 1);
});

test('openai: a connection cut before the image fails the job as provider_error; nothing is stored', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  fake.enqueue({ kind: 'stream_cut' });
  const job = await submitJob(server, { prompt: PROMPT });
  const ended = await endedJob(server, job.id);
  assert.equal(ended.status, 'failed');
  assert.equal(ended.error.code, 'provider_error');
  assert.match(ended.error.message, /stream ended before the image was complete/);
  assert.equal(fake.requests.length, 1, 'a stream that began is not sent again');
  await assertNothingStored(server);
});

// The v1 API by default; the classic deployments path when an api-version is set.
const AZURE_APIS = [
  ['the v1 API', {}, (path) => assert.equal(path, '/openai/v1/images/generations')],
  ['the classic API', { AZURE_OPENAI_API_VERSION: '2025-04-01-preview' },
    (path) => assert.equal(path, '/openai/deployments/gpt-image-1/images/generations?api-version=2025-04-01-preview')],
];
for (const [which, env, assertPath] of AZURE_APIS) {
  test(`azure-openai over ${which}: a gpt-image deployment streams the same events; previews come through`, { timeout: TIMEOUT }, async (t) => {
    const fake = await startFake(t, { apiKey: API_KEY });
    const server = await startServer({
      t,
      env: {
        VISIONARY_PROVIDER: 'azure-openai', AZURE_OPENAI_ENDPOINT: fake.origin, AZURE_OPENAI_API_KEY: API_KEY,
        VISIONARY_MODEL: 'gpt-image-1', VISIONARY_OPENAI_PARTIAL_IMAGES: '1', ...env,
      },
    });
    fake.enqueue({ kind: 'held', then: { kind: 'b64', eventDelayMs: 50 } });
    const job = await submitJob(server, { prompt: PROMPT });
    const stream = await followJob(server, job.id);
    const first = await stream.next();
    await waitFor(() => fake.heldCount === 1, { what: 'the call to reach Azure' });
    assert.equal(first.event, 'state');
    fake.release();
    await stream.ended;
    const { events } = stream;
    assertEventOrder(events, 'completed');
    const fractions = events.filter((e) => e.event === 'progress').map((e) => e.json.progress.fraction).filter((f) => f !== null);
    assert.ok(fractions.some((f) => Math.abs(f - 0.5) < 1e-9), `one partial of one is half way: ${fractions.join()}`);
    assert.ok(previewsOf(events).length >= 1);
    assertImage(events.at(-1).json.images[0], { prompt: PROMPT, provider: 'azure-openai' });
    const sent = fake.requests[0];
    assertPath(sent.path);
    assert.equal(sent.headers['api-key'], API_KEY);
    assert.equal(sent.body.model, 'gpt-image-1');
    assert.equal(sent.body.stream, true);
    assert.equal(sent.body.partial_images, 1);
  });
}

test('openai: POST /api/generateImage answers 201 with the image while the provider streams underneath', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  const res = await generate(server.url, { prompt: PROMPT });
  assert.equal(res.status, 201, res.text);
  assertImage(res.json.images[0], { prompt: PROMPT, provider: 'openai', width: 1024, height: 1024 });
  assert.equal(fake.requests[0].body.stream, true);
});

test('openai-compatible servers and batches are asked for the whole answer, not a stream', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t, { env: { VISIONARY_PROVIDER: 'openai-compatible', VISIONARY_MODEL: 'gpt-image-1' } });
  const res = await generate(server.url, { prompt: PROMPT, size: '1024x1024' });
  assert.equal(res.status, 201, res.text);
  assert.ok(!('stream' in fake.requests[0].body), JSON.stringify(fake.requests[0].body));
  const openai = await openaiServer(t);
  const batch = await generate(openai.server.url, { prompt: PROMPT, n: 2 });
  assert.equal(batch.status, 201, batch.text);
  assert.equal(batch.json.images.length, 2);
  assert.ok(!('stream' in openai.fake.requests[0].body));
});

test('openai: DELETE of a streaming job cancels it at once; nothing is stored or billed', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  // The first partial image at once, the rest 30 s later.
  fake.enqueue({ kind: 'b64', firstEventDelayMs: 0, eventDelayMs: 30_000 });
  const job = await submitJob(server, { prompt: PROMPT });
  const stream = await followJob(server, job.id);
  await stream.until((e) => e.event === 'progress' && e.json.progress.fraction > 0);
  const started = Date.now();
  const cancelled = await cancelJob(server, job.id);
  assert.ok(Date.now() - started < 5000, `cancelled in ${Date.now() - started} ms`);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.error.code, 'cancelled');
  await stream.ended;
  assert.equal(stream.events.at(-1).event, 'cancelled');
  assert.equal(fake.requests.length, 1, 'a cancelled call is not sent again');
  await assertNothingStored(server);
  assert.equal((await spentToday(server)).spentUsd, 0);
  assert.equal((await api(server.url, '/api/quota')).json.client.inFlight, 0);
});

test('automatic1111: a job reports the server\'s progress with steps, an ETA and previews, then its image', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await a1111Server(t, { fake: { steps: 6, stepMs: 250 } });
  const job = await submitJob(server, { prompt: 'a lighthouse at dusk', size: '512x512' });
  const stream = await followJob(server, job.id);
  await stream.ended;
  const { events } = stream;
  assertEventOrder(events, 'completed');
  const progress = events.filter((e) => e.event === 'progress').map((e) => e.json.progress);
  assert.ok(progress.some((p) => p.step >= 1 && p.steps === 6), JSON.stringify(progress));
  assert.ok(progress.some((p) => p.etaSeconds !== null && p.etaSeconds > 0), 'an ETA');
  assertAdvancing(progress.map((p) => p.fraction).filter((f) => f !== null));
  assert.ok(previewsOf(events).length >= 1, 'a preview from current_image');
  const done = events.at(-1).json;
  assert.equal(done.status, 'succeeded');
  assertImage(done.images[0], { prompt: 'a lighthouse at dusk', provider: 'automatic1111', width: 512, height: 512 });
  assert.ok(fake.progressPolls.length >= 2, `polled ${fake.progressPolls.length} times`);
  for (const poll of fake.progressPolls) {
    assert.equal(poll.query.skip_current_image, 'false');
    assert.equal(poll.headers.authorization, `Basic ${Buffer.from(A1111_AUTH).toString('base64')}`);
  }
  assert.equal(fake.interrupts.length, 0);
});

test('automatic1111: DELETE of a running job interrupts the server, stores nothing and frees the client\'s place', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await a1111Server(t, {
    fake: { steps: 200, stepMs: 100 }, // 20 s unless interrupted
    env: { VISIONARY_CLIENT_MAX_IN_FLIGHT: '1' },
  });
  const job = await submitJob(server, { prompt: 'a long render', size: '512x512' });
  const stream = await followJob(server, job.id);
  await stream.until((e) => e.event === 'progress' && e.json.progress.step >= 1);
  assert.equal((await api(server.url, '/api/quota')).json.client.inFlight, 1);
  const started = Date.now();
  const cancelled = await cancelJob(server, job.id);
  assert.ok(Date.now() - started < 5000, `cancelled in ${Date.now() - started} ms`);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.error.code, 'cancelled');
  await stream.ended;
  assert.equal(stream.events.at(-1).event, 'cancelled');

  assert.equal(fake.interrupts.length, 1, 'the server was told to stop');
  assert.equal(fake.interrupts[0].headers.authorization, `Basic ${Buffer.from(A1111_AUTH).toString('base64')}`);
  assert.equal(fake.running, null, 'the render stopped');
  await assertNothingStored(server);
  assert.equal((await api(server.url, '/api/quota')).json.client.inFlight, 0, 'the place is free again');
  const ended = await endedJob(server, job.id);
  assert.equal(ended.status, 'cancelled');
});
