// GET /metrics in Prometheus text format: off by default, behind the admin token or function key
// when one is configured, valid for promtool, and scraped by a real Prometheus whose series move
// as generations succeed, fail and are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { api, assertError, generate, registerSecret, startServer } from '../support/server.mjs';
import { promtoolCheckMetrics, startPrometheus } from '../support/prometheus.mjs';

const TIMEOUT = 120_000;
const ADMIN_TOKEN = 'admin-token-metrics-0123456789abcd';
registerSecret(ADMIN_TOKEN);
const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

/** The value of one sample line, e.g. sample(text, 'visionary_generations_total{...}'); 0 when absent. */
function sample(text, series) {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

test('metrics are off unless VISIONARY_METRICS is set', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t, env: { VISIONARY_PROVIDER: 'demo' } });
  const res = await api(server.url, '/metrics');
  assert.doesNotMatch(res.text, /# TYPE visionary_/, 'no metrics (the web UI answers this path)');
});

test('GET /metrics: behind the admin token, valid for promtool, counting requests, generations and refusals', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({
    t,
    env: { VISIONARY_PROVIDER: 'demo', VISIONARY_METRICS: '1', VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN, VISIONARY_CLIENT_DAILY_IMAGES: '3' },
  });
  assertError(await api(server.url, '/metrics'), 401, 'unauthorized');
  assertError(await api(server.url, '/metrics', { headers: { authorization: 'Bearer not-the-token-0123456789' } }), 401, 'unauthorized');

  assert.equal((await generate(server.url, { prompt: 'two foxes', n: 2 })).status, 201);
  assertError(await generate(server.url, { prompt: 'two more', n: 2 }), 429, 'daily_quota_exhausted');
  assert.equal((await api(server.url, '/api/images/0000000000000-nosuchimage')).status, 404);

  const res = await api(server.url, '/metrics', admin);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const checked = await promtoolCheckMetrics(res.text);
  assert.ok(checked.ok, `promtool check metrics:\n${checked.output}\n${res.text}`);

  const text = res.text;
  assert.equal(sample(text, 'visionary_generations_total{provider="demo",model="procedural-v1",outcome="succeeded"}'), 1);
  assert.equal(sample(text, 'visionary_generations_total{provider="demo",model="procedural-v1",outcome="refused"}'), 1);
  assert.equal(sample(text, 'visionary_images_generated_total{provider="demo",model="procedural-v1"}'), 2);
  assert.equal(sample(text, 'visionary_refusals_total{code="daily_quota_exhausted"}'), 1);
  assert.equal(sample(text, 'visionary_generations_in_flight'), 0);
  assert.equal(sample(text, 'visionary_spend_usd_total'), 0, 'the demo costs nothing');
  assert.equal(sample(text, 'visionary_http_requests_total{route="/api/generateImage",method="POST",status="201"}'), 1);
  assert.equal(sample(text, 'visionary_http_requests_total{route="/api/generateImage",method="POST",status="429"}'), 1);
  assert.equal(sample(text, 'visionary_http_requests_total{route="/api/images/{id}",method="GET",status="404"}'), 1,
    'routes are labelled by pattern, never by the raw path');
  assert.ok(sample(text, 'visionary_http_request_duration_seconds_count{route="/api/generateImage"}') >= 2);
  assert.ok(sample(text, 'visionary_storage_operations_total{operation="put",outcome="ok"}') >= 4, 'two images and two thumbnails');
  assert.ok(sample(text, 'visionary_http_connections_open') >= 1, 'this very request is one');
  assert.ok(!text.includes(ADMIN_TOKEN));
});

test('a real Prometheus scrapes /metrics with the admin token and sees generations happen', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({
    t, env: { VISIONARY_PROVIDER: 'demo', VISIONARY_METRICS: '1', VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN },
  });
  const prometheus = await startPrometheus({
    t, targets: [`127.0.0.1:${server.port}`], metricsPath: '/metrics', scrapeIntervalMs: 500, bearerToken: ADMIN_TOKEN,
  });
  await prometheus.waitForSample('up{job="visionary"}', (result) => result.length === 1 && result[0].value[1] === '1');
  assert.equal((await generate(server.url, { prompt: 'watched fox', n: 3 })).status, 201);
  const images = await prometheus.waitForSample('sum(visionary_images_generated_total)',
    (result) => result.length === 1 && Number(result[0].value[1]) === 3);
  assert.equal(Number(images[0].value[1]), 3);
  await prometheus.waitForSample('sum(visionary_http_requests_total{route="/api/generateImage",status="201"})',
    (result) => result.length === 1 && Number(result[0].value[1]) >= 1);
});
