// Prometheus (Debian's `prometheus` package, which also ships promtool) for the black-box tests:
// promtool checks an exposition text, and a real server scrapes our targets from a fresh temporary
// directory on a free loopback port, stopped by PID and the directory removed afterwards.
// Only node: built-ins.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { exitWithin, exited, track } from './process.mjs';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';
const START_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 15_000;
const REQUEST_TIMEOUT_MS = 5_000;
const POLL_MS = 100;
const START_ATTEMPTS = 3; // a free port can be taken between choosing it and Prometheus binding it

function missing(bin) {
  return new Error(`${bin} is missing: the metrics tests need Debian's prometheus package — run scripts/setup.sh (it installs it).`);
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `promtool check metrics` with `text` on stdin. Resolves {ok, code, output}: ok only when
 * promtool exits 0; it exits 1 on a parse error and 3 on lint problems (no HELP, a counter without
 * _total, ...), and output holds everything it printed, lint warnings included.
 */
export function promtoolCheckMetrics(text, { bin = PROMTOOL_BIN } = {}) {
  if (!fs.existsSync(bin)) return Promise.reject(missing(bin));
  return new Promise((resolve, reject) => {
    const child = track(spawn(bin, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (signal) reject(new Error(`promtool was killed by ${signal}\n${output}`));
      else resolve({ ok: code === 0, code, output });
    });
    child.stdin.on('error', () => {}); // promtool may exit before reading all of stdin
    child.stdin.end(text);
  });
}

/** A port that was free on 127.0.0.1 a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Prometheus reads YAML, and JSON is YAML: no quoting rules to get wrong for tokens or paths. */
function writeConfig(dir, { targets, metricsPath, scrapeIntervalMs, bearerToken, jobName }) {
  const interval = `${scrapeIntervalMs}ms`;
  const scrape = {
    job_name: jobName,
    metrics_path: metricsPath,
    static_configs: [{ targets }],
  };
  if (bearerToken !== undefined) scrape.authorization = { type: 'Bearer', credentials: bearerToken };
  const config = {
    // The timeout may not exceed the interval, and its default (10s) would.
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [scrape],
  };
  const file = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function getJson(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = await response.json();
  if (body.status !== 'success') {
    throw new Error(`${url}: HTTP ${response.status}, ${body.errorType}: ${body.error}`);
  }
  return body.data;
}

/**
 * Polls GET /-/ready until it answers 200; {error} when the process fails to start (spawnError()),
 * exits, or the deadline passes.
 */
async function waitReady(child, url, deadlineMs, spawnError) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (spawnError()) return { error: spawnError() };
    if (child.exitCode !== null || child.signalCode !== null) {
      return { error: `Prometheus exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready` };
    }
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await response.arrayBuffer();
      if (response.ok) return {};
    } catch {
      /* not listening yet */
    }
    await delay(POLL_MS);
  }
  return { error: `Prometheus was not ready within ${deadlineMs} ms` };
}

async function stopProcess(child) {
  if (!child) return;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  if (!(await exitWithin(child, STOP_DEADLINE_MS))) {
    child.kill('SIGKILL');
    await exited(child);
  }
}

/**
 * Starts Prometheus scraping `targets` ('host:port', over http) at `metricsPath` every
 * `scrapeIntervalMs`, with `Authorization: Bearer <bearerToken>` when one is given. Options also:
 * jobName (default 'visionary'), t (registers cleanup when the test ends, pass or fail), bin.
 * Returns {url, dir, output(), query(promql), waitForSample(promql, predicate, {timeoutMs}),
 * targets(), cleanup()}:
 * - query resolves the `data.result` of /api/v1/query (for an instant vector, an array of
 *   {metric, value: [time, "text"]}); it throws when Prometheus reports an error;
 * - waitForSample polls query until predicate(result) is true (default: a non-empty result) and
 *   resolves that result, or throws with the last result and the targets' scrape errors; the
 *   first scrape comes about 5 s after start (Prometheus batches target discovery), so timeouts
 *   need room for that;
 * - targets resolves the `data` of /api/v1/targets ({activeTargets, droppedTargets}).
 */
export async function startPrometheus({
  targets,
  metricsPath = '/metrics',
  scrapeIntervalMs = 500,
  bearerToken,
  jobName = 'visionary',
  t,
  bin = PROMETHEUS_BIN,
} = {}) {
  if (!fs.existsSync(bin)) throw missing(bin);
  if (!Array.isArray(targets) || targets.length === 0) throw new Error('startPrometheus: targets is required');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'visionary-prometheus-'));
  const configFile = writeConfig(dir, { targets, metricsPath, scrapeIntervalMs, bearerToken, jobName });
  let child = null;
  let out = '';

  const prometheus = {
    url: '',
    dir,
    output: () => out,
    query: (promql) => getJson(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`).then((data) => data.result),
    targets: () => getJson(`${prometheus.url}/api/v1/targets`),
    waitForSample: (promql, predicate, options) => waitForSample(prometheus, promql, predicate, options),
    async cleanup() {
      const proc = child;
      child = null;
      await stopProcess(proc);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };

  async function start() {
    const port = await freePort();
    out = '';
    child = track(spawn(bin, [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] }));
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    let spawnError = null;
    child.once('error', (e) => (spawnError = `cannot start Prometheus: ${e.message}`));
    prometheus.url = `http://127.0.0.1:${port}`;
    return waitReady(child, prometheus.url, START_DEADLINE_MS, () => spawnError);
  }

  t?.after(() => prometheus.cleanup());
  try {
    for (let attempt = 1; ; attempt++) {
      const ready = await start();
      if (!ready.error) return prometheus;
      const portTaken = /address already in use/.test(out);
      await stopProcess(child);
      if (!portTaken || attempt === START_ATTEMPTS) throw new Error(`${ready.error}\n${out}`);
    }
  } catch (e) {
    await prometheus.cleanup();
    throw e;
  }
}

async function waitForSample(prometheus, promql, predicate = (result) => result.length > 0, { timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const result = await prometheus.query(promql);
      if (predicate(result)) return result;
      last = JSON.stringify(result);
    } catch (e) {
      last = `error: ${e.message}`;
    }
    if (Date.now() >= deadline) break;
    await delay(POLL_MS * 2);
  }
  let scrapes = '';
  try {
    const { activeTargets } = await prometheus.targets();
    scrapes = activeTargets.map((x) => `${x.scrapeUrl}: ${x.health}${x.lastError ? ` (${x.lastError})` : ''}`).join('; ')
      || 'none discovered yet';
  } catch (e) {
    scrapes = `targets unavailable: ${e.message}`;
  }
  throw new Error(`${promql}: condition not met within ${timeoutMs} ms; last result: ${last}; targets: ${scrapes}`);
}
