// Generation as a live job, end to end on the real binary with the demo provider painting in
// stages: the jobs API, the order and content of a job's events, reconnecting, keepalives,
// cancelling, the queue, a replica killed mid-job, the gallery's own event stream, the web tier
// relaying events as they happen, the Azure Functions shape without streaming, and two replicas
// sharing one Azurite.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  api, assertError, generate, listStored, registerSecret, startCustomHandler, startRole, startServer, tempDir, waitFor,
} from '../support/server.mjs';
import { openEvents, readAllEvents } from '../support/sse.mjs';
import { startAzurite, uniqueContainer } from '../support/azurite.mjs';

const TIMEOUT = 90_000;
const ADMIN_TOKEN = 'admin-token-jobs-0123456789abcdef';
registerSecret(ADMIN_TOKEN);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

function submit(base, body) {
  return api(base, '/api/jobs', { method: 'POST', json: body });
}

async function submitOk(base, body) {
  const res = await submit(base, body);
  assert.equal(res.status, 202, res.text);
  return res.json;
}

function assertJobShape(job) {
  for (const key of ['id', 'status', 'prompt', 'options', 'createdAt', 'startedAt', 'finishedAt', 'queuePosition',
    'progress', 'images', 'error']) {
    assert.ok(key in job, `job has ${key}: ${JSON.stringify(job).slice(0, 300)}`);
  }
  for (const key of ['fraction', 'step', 'steps', 'etaSeconds', 'previewUrl']) assert.ok(key in job.progress, `progress.${key}`);
  assert.match(job.status, /^(queued|running|succeeded|failed|cancelled)$/);
}

function isWebp(dataUrl) {
  const match = /^data:image\/webp;base64,(.+)$/.exec(dataUrl ?? '');
  if (!match) return false;
  const bytes = Buffer.from(match[1], 'base64');
  return bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
}

async function galleryIds(base) {
  const res = await api(base, '/api/getImages');
  assert.equal(res.status, 200, res.text);
  return res.json.imageUrls.map((i) => i.id);
}

test('a job: 202 with Location, events in order (state, progress with WebP previews, completed), the image listed, previews never', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t, env: { VISIONARY_DEMO_STAGE_MS: '200' } });
  const res = await submit(server.url, { prompt: 'a lighthouse in a storm', size: '1024x1024' });
  assert.equal(res.status, 202, res.text);
  const job = res.json;
  assertJobShape(job);
  assert.equal(res.headers.get('location'), `/api/jobs/${job.id}`);
  assert.match(job.status, /^(queued|running)$/);
  assert.equal(job.prompt, 'a lighthouse in a storm');
  assert.equal(job.options.size, '1024x1024');
  assert.equal(job.options.n, 1);

  const stream = await openEvents(server.url, `/api/jobs/${job.id}/events`);
  assert.equal(stream.status, 200);
  assert.match(stream.headers['content-type'], /^text\/event-stream/);
  assert.equal(stream.headers['cache-control'], 'no-store');
  await stream.ended;
  const names = stream.events.map((e) => e.event);
  assert.equal(names[0], 'state', `first event is the state: ${names}`);
  assert.equal(names.at(-1), 'completed', `last event is completed: ${names}`);
  assert.ok(names.filter((n) => n === 'preview').length >= 2, `previews arrive: ${names}`);
  for (const e of stream.events) {
    assert.equal(e.json.id, job.id);
    assertJobShape(e.json);
  }
  // Fractions never go back; previews are small WebP images inline.
  const fractions = stream.events.map((e) => e.json.progress.fraction).filter((f) => typeof f === 'number');
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b), `fractions advance: ${fractions}`);
  assert.ok(fractions.some((f) => f > 0 && f < 1), 'an in-between fraction');
  const previews = stream.events.filter((e) => e.event === 'preview');
  for (const p of previews) assert.ok(isWebp(p.json.progress.previewUrl), 'a preview is a WebP data URL');
  // Event ids increase.
  const ids = stream.events.map((e) => Number(e.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));

  const done = stream.events.at(-1).json;
  assert.equal(done.status, 'succeeded');
  assert.equal(done.images.length, 1);
  assert.equal(done.progress.fraction, 1);
  assert.ok(done.startedAt && done.finishedAt);
  assert.deepEqual(await galleryIds(server.url), [done.images[0].id], 'the image is listed, nothing else');
  // Stored: the image, its thumbnail and their metadata; no preview.
  const stored = listStored(server.dataDir);
  assert.equal(stored.length, 4, `${stored}`);
  assert.ok(!stored.some((f) => /preview/.test(f)));

  // GET answers the same end state, from any time later.
  const later = await api(server.url, `/api/jobs/${job.id}`);
  assert.equal(later.status, 200, later.text);
  assert.equal(later.json.status, 'succeeded');
  assert.deepEqual(later.json.images.map((i) => i.id), [done.images[0].id]);
  assert.equal(later.headers.get('cache-control'), 'no-store');

  // A finished job's stream: its state, then its terminal event, then the end.
  const replay = await readAllEvents(server.url, `/api/jobs/${job.id}/events`);
  assert.deepEqual(replay.events.map((e) => e.event), ['state', 'completed']);
});

test('unknown and malformed job ids are 404 on every job route; a bad body is refused as for generateImage', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t });
  for (const id of ['1796227238381-aaaaaaaaaaaaaaaa', 'nope', '..%2F..%2Fledger']) {
    assertError(await api(server.url, `/api/jobs/${id}`), 404, 'not_found');
    assertError(await api(server.url, `/api/jobs/${id}`, { method: 'DELETE' }), 404, 'not_found');
    assertError(await api(server.url, `/api/jobs/${id}/events`), 404, 'not_found');
  }
  assertError(await submit(server.url, { prompt: '' }), 400, 'invalid_request');
  assertError(await submit(server.url, { prompt: 'x', size: '3x3' }), 400, 'invalid_request');
  assertError(await api(server.url, '/api/jobs', { method: 'POST', body: 'prompt=x', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  assert.deepEqual(listStored(server.dataDir), []);
});

test('reconnecting (with or without Last-Event-ID) starts with the current state and loses nothing', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t, env: { VISIONARY_DEMO_STAGE_MS: '400' } });
  const job = await submitOk(server.url, { prompt: 'a harbour at dawn' });
  const first = await openEvents(server.url, `/api/jobs/${job.id}/events`);
  await first.next();
  const seen = await first.until((e) => e.event === 'preview', 10_000, 'a preview');
  first.close();

  const again = await openEvents(server.url, `/api/jobs/${job.id}/events`, { headers: { 'Last-Event-ID': seen.id } });
  const state = await again.next();
  assert.equal(state.event, 'state');
  assert.ok(state.json.status === 'running' || state.json.status === 'succeeded');
  assert.ok(state.json.progress.fraction >= seen.json.progress.fraction, 'the state is at least as far as the last event seen');
  if (state.json.status === 'running') assert.ok(isWebp(state.json.progress.previewUrl), 'the latest preview comes with the state');
  await again.ended;
  assert.equal(again.events.at(-1).event, 'completed');
});

test('a slow job: keepalive comments at least every 15 s; cancelling it mid-generation stores nothing and frees its place', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t, env: { VISIONARY_DEMO_STAGE_MS: '30000', VISIONARY_CLIENT_MAX_IN_FLIGHT: '1' } });
  const job = await submitOk(server.url, { prompt: 'a very slow painting' });
  const stream = await openEvents(server.url, `/api/jobs/${job.id}/events`);
  await stream.until((e) => e.event === 'preview', 10_000, 'the first preview');
  const since = Date.now();
  const comment = await stream.commentAfter(since, 16_000);
  assert.equal(comment.text, 'keepalive');
  assert.ok(comment.at - since <= 15_000, `keepalive after ${comment.at - since} ms`);

  // The client's one place is taken: a second job is refused.
  assertError(await submit(server.url, { prompt: 'another' }), 429, 'too_many_in_flight');
  const cancelled = await api(server.url, `/api/jobs/${job.id}`, { method: 'DELETE' });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.json.status, 'cancelled');
  assert.equal(cancelled.json.error.code, 'cancelled');
  const last = await stream.until((e) => TERMINAL.has(e.event), 10_000, 'the terminal event');
  assert.equal(last.event, 'cancelled');
  await stream.ended;
  assert.deepEqual(listStored(server.dataDir), [], 'nothing of a cancelled job is stored');
  assert.deepEqual(await galleryIds(server.url), []);
  const quota = await api(server.url, '/api/quota');
  assert.equal(quota.json.client.inFlight, 0, 'the in-flight place is released');
  // Cancelling again answers the same end state.
  const twice = await api(server.url, `/api/jobs/${job.id}`, { method: 'DELETE' });
  assert.equal(twice.status, 200);
  assert.equal(twice.json.status, 'cancelled');
});

test('the queue: FIFO within the provider concurrency, positions reported and moving, a queued job cancelled never runs', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t, env: { VISIONARY_DEMO_STAGE_MS: '300', VISIONARY_PROVIDER_CONCURRENCY: '1' } });
  const config = await api(server.url, '/api/config');
  assert.deepEqual(config.json.jobs, { events: true, concurrency: 1 });
  const a = await submitOk(server.url, { prompt: 'first in line' });
  const b = await submitOk(server.url, { prompt: 'second in line' });
  const c = await submitOk(server.url, { prompt: 'third in line' });
  assert.equal(a.queuePosition, a.status === 'queued' ? 1 : null);
  const bNow = (await api(server.url, `/api/jobs/${b.id}`)).json;
  const cNow = (await api(server.url, `/api/jobs/${c.id}`)).json;
  assert.equal(bNow.status, 'queued');
  assert.equal(cNow.status, 'queued');
  assert.equal(cNow.queuePosition, bNow.queuePosition + 1);

  const cEvents = await openEvents(server.url, `/api/jobs/${c.id}/events`);
  const cancelB = await api(server.url, `/api/jobs/${b.id}`, { method: 'DELETE' });
  assert.equal(cancelB.json.status, 'cancelled');
  assert.equal(cancelB.json.startedAt, null, 'a job cancelled in the queue never started');
  // c moves up, then runs after a and completes.
  const moved = await cEvents.until((e) => e.json.queuePosition === 1 || e.json.status === 'running', 20_000, 'c moving up');
  assert.ok(moved);
  await cEvents.ended;
  assert.equal(cEvents.events.at(-1).event, 'completed');
  const aDone = (await api(server.url, `/api/jobs/${a.id}`)).json;
  const cDone = cEvents.events.at(-1).json;
  assert.equal(aDone.status, 'succeeded');
  assert.ok(Date.parse(cDone.startedAt) >= Date.parse(aDone.finishedAt), 'one at a time, in order');
  assert.equal((await galleryIds(server.url)).length, 2);
});

test('generateImage runs as a job: the gallery stream announces its image; admin deletion is announced too', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t, env: { VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN } });
  const feed = await openEvents(server.url, '/api/events');
  assert.equal(feed.status, 200);
  const made = await generate(server.url, { prompt: 'a red bicycle' });
  assert.equal(made.status, 201, made.text);
  const created = await feed.until((e) => e.event === 'image.created', 5_000, 'image.created');
  assert.equal(created.json.id, made.json.images[0].id);
  assert.equal(created.json.prompt, 'a red bicycle');
  assert.ok(created.json.url && created.json.thumbnailUrl, 'the image comes with its links');
  assert.match(created.id, /^[a-z0-9]+-\d+$/);

  const removed = await api(server.url, `/api/images/${made.json.images[0].id}`, {
    method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.equal(removed.status, 204);
  const deleted = await feed.until((e) => e.event === 'image.deleted', 5_000, 'image.deleted');
  assert.deepEqual(deleted.json, { id: made.json.images[0].id });
  feed.close();

  // Resuming after the created event replays the deletion; an id of another process is a reset.
  const resumed = await openEvents(server.url, '/api/events', { headers: { 'Last-Event-ID': created.id } });
  const replayed = await resumed.next();
  assert.equal(replayed.event, 'image.deleted');
  assert.equal(replayed.id, deleted.id);
  resumed.close();
  const stranger = await openEvents(server.url, '/api/events', { headers: { 'Last-Event-ID': 'zzzzzzzz-3' } });
  assert.equal((await stranger.next()).event, 'reset');
  stranger.close();
});

test('kill -9 during a job: after a restart the job reads failed/interrupted and the gallery holds nothing of it', { timeout: TIMEOUT }, async (t) => {
  const dataDir = tempDir(t);
  const env = { VISIONARY_DEMO_STAGE_MS: '30000', VISIONARY_JOB_HEARTBEAT_SECONDS: '1' };
  const first = await startServer({ t, dataDir, env });
  const job = await submitOk(first.url, { prompt: 'never finished' });
  const stream = await openEvents(first.url, `/api/jobs/${job.id}/events`);
  await stream.until((e) => e.event === 'preview', 10_000, 'the job running');
  await first.stop('SIGKILL');
  await stream.ended;

  const second = await startServer({ t, dataDir, env });
  const read = await waitFor(async () => {
    const res = await api(second.url, `/api/jobs/${job.id}`);
    return res.json?.status === 'failed' ? res : null;
  }, { timeoutMs: 15_000, intervalMs: 250, what: 'the job to read as failed' });
  assert.equal(read.json.error.code, 'interrupted');
  assert.ok(read.json.finishedAt);
  assert.deepEqual(await galleryIds(second.url), []);
  assert.deepEqual(listStored(dataDir), []);
  const events = await readAllEvents(second.url, `/api/jobs/${job.id}/events`);
  assert.deepEqual(events.events.map((e) => e.event), ['state', 'failed']);
});

test('SIGTERM: queued jobs read failed/interrupted, the running one finishes, event streams end', { timeout: TIMEOUT }, async (t) => {
  const dataDir = tempDir(t);
  const env = { VISIONARY_DEMO_STAGE_MS: '500', VISIONARY_PROVIDER_CONCURRENCY: '1' };
  const server = await startServer({ t, dataDir, env });
  const running = await submitOk(server.url, { prompt: 'finishes during shutdown' });
  const queued = await submitOk(server.url, { prompt: 'never starts' });
  const feed = await openEvents(server.url, '/api/events');
  const queuedEvents = await openEvents(server.url, `/api/jobs/${queued.id}/events`);
  await queuedEvents.next();
  await server.stop('SIGTERM');
  await feed.ended;
  assert.equal(queuedEvents.events.at(-1).event, 'failed');
  assert.equal(queuedEvents.events.at(-1).json.error.code, 'interrupted');

  const again = await startServer({ t, dataDir, env });
  assert.equal((await api(again.url, `/api/jobs/${running.id}`)).json.status, 'succeeded');
  assert.equal((await api(again.url, `/api/jobs/${queued.id}`)).json.status, 'failed');
  assert.equal((await galleryIds(again.url)).length, 1);
});

test('web relays a job\'s events as they happen, not when the job ends', { timeout: TIMEOUT }, async (t) => {
  const key = 'fk-jobs-relay-0123456789abcdef';
  registerSecret(key);
  const backend = await startServer({ t, role: 'functions', env: { VISIONARY_FUNCTIONS_KEY: key, VISIONARY_DEMO_STAGE_MS: '1000' } });
  const web = await startRole('web', { t, env: { VISIONARY_FUNCTIONS_URL: backend.url, VISIONARY_FUNCTIONS_KEY: key } });
  const job = await submitOk(web.url, { prompt: 'relayed live' });
  const stream = await openEvents(web.url, `/api/jobs/${job.id}/events`);
  assert.equal(stream.status, 200);
  assert.match(stream.headers['content-type'], /^text\/event-stream/);
  const preview = await stream.until((e) => e.event === 'preview', 10_000, 'a preview through web');
  const done = await stream.until((e) => e.event === 'completed', 20_000, 'completed through web');
  // Three stages of a second each: a buffering relay would deliver everything at the end.
  assert.ok(done.at - preview.at >= 1000, `the preview came ${done.at - preview.at} ms before the end`);
  await stream.ended;

  const feed = await openEvents(web.url, '/api/events');
  const made = await generate(web.url, { prompt: 'through the web tier' });
  assert.equal(made.status, 201, made.text);
  const created = await feed.until((e) => e.event === 'image.created', 10_000, 'image.created through web');
  assert.equal(created.json.id, made.json.images[0].id);
  feed.close();
});

test('under an Azure Functions host events are off: config says so, event routes answer 404 at once, jobs are polled', { timeout: TIMEOUT }, async (t) => {
  const server = await startCustomHandler({ t });
  const config = await api(server.url, '/api/config');
  assert.equal(config.json.jobs.events, false);
  assertError(await api(server.url, '/api/events'), 404, 'not_found');
  const job = await submitOk(server.url, { prompt: 'polled to the end' });
  assertError(await api(server.url, `/api/jobs/${job.id}/events`), 404, 'not_found');
  const done = await waitFor(async () => {
    const res = await api(server.url, `/api/jobs/${job.id}`);
    return res.json.status === 'succeeded' ? res.json : null;
  }, { what: 'the job to succeed' });
  assert.equal(done.images.length, 1);
});

test('the Azure Functions deployment names every job and event route', () => {
  const dir = path.join(REPO, 'deploy', 'azure-functions');
  const routes = new Map();
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name, 'function.json');
    if (!fs.existsSync(file)) continue;
    for (const binding of JSON.parse(fs.readFileSync(file, 'utf8')).bindings) {
      if (binding.type === 'httpTrigger') routes.set(binding.route, binding.methods.map((m) => m.toUpperCase()).sort());
    }
  }
  assert.deepEqual(routes.get('jobs'), ['POST']);
  assert.deepEqual(routes.get('jobs/{id}'), ['DELETE', 'GET']);
  assert.deepEqual(routes.get('jobs/{id}/events'), ['GET']);
  assert.deepEqual(routes.get('events'), ['GET']);
  assert.deepEqual(routes.get('generateImage'), ['POST']);
});

// ---------------------------------------------------------------- two replicas, one Azurite

let azurite;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite?.cleanup();
});

test('two replicas on one Azurite: a job made on one is read on the other; an image made on one reaches the other\'s subscribers within 3 s', { timeout: TIMEOUT }, async (t) => {
  const container = uniqueContainer('jobs');
  const env = {
    VISIONARY_STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, VISIONARY_CONTAINER: container,
    VISIONARY_DEMO_STAGE_MS: '300',
  };
  const one = await startServer({ t, env });
  const two = await startServer({ t, env });
  const feedOnTwo = await openEvents(two.url, '/api/events');
  const job = await submitOk(one.url, { prompt: 'made on replica one' });

  // Replica two answers for it (from the store), and follows it to the end.
  const seenOnTwo = await api(two.url, `/api/jobs/${job.id}`);
  assert.equal(seenOnTwo.status, 200, seenOnTwo.text);
  assert.equal(seenOnTwo.json.id, job.id);
  const followed = await readAllEvents(two.url, `/api/jobs/${job.id}/events`);
  assert.equal(followed.events[0].event, 'state');
  assert.equal(followed.events.at(-1).event, 'completed');
  const image = followed.events.at(-1).json.images[0];
  assert.ok(image, 'the completed event on replica two carries the image');
  const finishedAt = Date.parse(followed.events.at(-1).json.finishedAt);

  const created = await feedOnTwo.until((e) => e.event === 'image.created' && e.json.id === image.id, 10_000, 'the image on replica two');
  assert.ok(created.at - finishedAt <= 3_000, `announced ${created.at - finishedAt} ms after it was made`);
  feedOnTwo.close();
});

test('two replicas on one Azurite: DELETE on one cancels a job running on the other; nothing is stored', { timeout: TIMEOUT }, async (t) => {
  const container = uniqueContainer('cancel');
  const env = {
    VISIONARY_STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, VISIONARY_CONTAINER: container,
    VISIONARY_DEMO_STAGE_MS: '30000', VISIONARY_JOB_HEARTBEAT_SECONDS: '1',
  };
  const one = await startServer({ t, env });
  const two = await startServer({ t, env });
  const job = await submitOk(one.url, { prompt: 'cancelled from elsewhere' });
  const onOne = await openEvents(one.url, `/api/jobs/${job.id}/events`);
  await onOne.until((e) => e.event === 'preview', 10_000, 'the job running on replica one');
  const cancelled = await api(two.url, `/api/jobs/${job.id}`, { method: 'DELETE' });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.json.status, 'cancelled');
  assert.equal((await onOne.until((e) => TERMINAL.has(e.event), 5_000, 'the end on replica one')).event, 'cancelled');
  assert.deepEqual(await galleryIds(one.url), []);
  assert.equal((await api(one.url, `/api/jobs/${job.id}`)).json.status, 'cancelled');
});
