// Self-test of prometheus.mjs: promtool tells a valid exposition text from a broken one, and a real
// Prometheus scrapes a tiny node:http target (behind a bearer token) until a sample shows up.
// Run: node --test tests/support/prometheus.selftest.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';

import { promtoolCheckMetrics, startPrometheus } from '../support/prometheus.mjs';

const TOKEN = 'selftest-token-0123456789abcdef';
const VALID = [
  '# HELP selftest_requests_total Requests served.',
  '# TYPE selftest_requests_total counter',
  'selftest_requests_total{method="GET",path="/a \\"quoted\\" \\\\ path"} 3',
  '# HELP selftest_latency_seconds Latency.',
  '# TYPE selftest_latency_seconds histogram',
  'selftest_latency_seconds_bucket{le="0.5"} 1',
  'selftest_latency_seconds_bucket{le="+Inf"} 2',
  'selftest_latency_seconds_sum 1.75',
  'selftest_latency_seconds_count 2',
  '',
].join('\n');

/** A loopback target serving VALID at /metrics to requests with the token, 401 to others. */
async function startTarget(t) {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end();
    } else if (req.url !== '/metrics') {
      res.writeHead(404).end();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(VALID);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { address: `127.0.0.1:${server.address().port}`, seen };
}

test('promtool accepts a valid exposition text', async () => {
  const { ok, output } = await promtoolCheckMetrics(VALID);
  assert.equal(ok, true, output);
});

test('promtool rejects a broken text and a text with lint problems, saying why', async () => {
  const broken = await promtoolCheckMetrics('# TYPE x counter\nx{a="unterminated} 1\n');
  assert.equal(broken.ok, false);
  assert.match(broken.output, /parsing error/);

  const lint = await promtoolCheckMetrics('# HELP x X.\n# TYPE x counter\nx 1\n');
  assert.equal(lint.ok, false);
  assert.match(lint.output, /should have "_total" suffix/);
});

test('Prometheus scrapes the target with the bearer token until the sample is there', async (t) => {
  const target = await startTarget(t);
  const prometheus = await startPrometheus({ targets: [target.address], scrapeIntervalMs: 500, bearerToken: TOKEN, t });

  const result = await prometheus.waitForSample('selftest_requests_total', (r) => r.length === 1 && r[0].value[1] === '3',
    { timeoutMs: 20_000 });
  assert.equal(result[0].metric.path, '/a "quoted" \\ path');
  assert.equal(result[0].metric.job, 'visionary');

  const histogram = await prometheus.query('selftest_latency_seconds_bucket{le="+Inf"}');
  assert.equal(histogram[0].value[1], '2');
  const { activeTargets } = await prometheus.targets();
  assert.equal(activeTargets.length, 1);
  assert.equal(activeTargets[0].health, 'up');
  assert.ok(target.seen.length > 0 && target.seen.every((r) => r.authorization === `Bearer ${TOKEN}` && r.url === '/metrics'));
});

test('waitForSample gives up with the last result and the scrape error', async (t) => {
  const target = await startTarget(t);
  const prometheus = await startPrometheus({ targets: [target.address], bearerToken: 'wrong-token', t });
  await assert.rejects(prometheus.waitForSample('up', (r) => r.length === 1 && r[0].value[1] === '1', { timeoutMs: 12_000 }),
    /last result: .*"value":\[[^\]]*"0"\].*targets: .*401/);
});

test('cleanup stops Prometheus and removes its directory', async (t) => {
  const target = await startTarget(t);
  const prometheus = await startPrometheus({ targets: [target.address], bearerToken: TOKEN });
  await prometheus.waitForSample('up');
  await prometheus.cleanup();
  await assert.rejects(fetch(`${prometheus.url}/-/ready`));
  assert.equal(fs.existsSync(prometheus.dir), false);
});

test('a missing binary names scripts/setup.sh', async () => {
  await assert.rejects(startPrometheus({ targets: ['127.0.0.1:9'], bin: '/nonexistent/prometheus' }), /scripts\/setup\.sh/);
  await assert.rejects(promtoolCheckMetrics('', { bin: '/nonexistent/promtool' }), /scripts\/setup\.sh/);
});
