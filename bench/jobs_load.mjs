#!/usr/bin/env node
// Live jobs and event streams under load, measured on this machine with real processes on
// loopback:
//   1. 1,000 jobs submitted at once (POST /api/jobs), each followed on its own event stream
//      (GET /api/jobs/{id}/events), against the repository's fake OpenAI (in this process)
//      streaming 2 partial images and the final image over about 2 s: peak RSS (VmHWM), threads,
//      and the delivery latency of each event from the moment the fake wrote it to the moment the
//      job's subscriber read it (p50/p99), for previews and for the end (which includes decoding
//      and storing the image);
//   2. 1,000 subscribers to GET /api/events (demo provider): RSS idle before and with them, then
//      20 images generated one after another: time from each generation's answer to the last
//      subscriber's image.created (p50/p99; negative: subscribers heard before the answer);
//   3. the cost of watching a shared store: two replicas on one Azurite, one subscriber on the
//      second: List Blobs calls per minute, their latency, and how long an image made on the first
//      takes to reach the subscriber of the second.
// Figures come from /proc/PID/status (VmRSS, VmHWM, Threads).
//
// Usage: node bench/jobs_load.mjs [build-dir | binary]
//   JOBS_SECTIONS="1 2" runs only some sections. Needs ~5,000 descriptors: re-runs itself under
//   `prlimit --nofile=20000` when its limit is lower. Node 20, built-ins only.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';

import { startFakeOpenAI } from '../tests/fakes/fake_openai.mjs';
import { startAzurite, uniqueContainer } from '../tests/support/azurite.mjs';
import {
  binaryFrom, eachLimited, fmtMB, fmtMs, NO_LIMITS, percentile, procStatus, request, resetPeak, sampler, sleep, startServer,
  until,
} from './load_support.mjs';

const NEEDED_FDS = 5_000;
const softLimit = () => Number(fs.readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+(\d+)/)?.[1] ?? 0);
if (softLimit() < NEEDED_FDS && !process.env.JOBS_REEXEC) {
  const r = spawnSync('prlimit', ['--nofile=20000', '--', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit', env: { ...process.env, JOBS_REEXEC: '1' },
  });
  process.exit(r.status ?? 1);
}

const BINARY = binaryFrom(process.argv[2]);
const sections = (process.env.JOBS_SECTIONS ?? '1 2 3').split(/\s+/).filter(Boolean);
const want = (n) => sections.includes(String(n));
const table = [];
const record = (section, figure, value) => table.push([section, figure, value]);
const log = (...a) => console.log(...a);

// ---------------------------------------------------------------- an SSE follower

/**
 * Opens an event stream and calls onEvent(name, data, receivedAt) for each event. Resolves once the
 * header arrived (the subscription is in place) with {status, ended (resolves when the server
 * closes the stream), close()}.
 */
function subscribe(origin, path, onEvent) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${origin}${path}`, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      const ended = new Promise((done) => {
        res.on('end', done);
        res.on('error', done);
      });
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        for (let end; (end = buffer.indexOf('\n\n')) >= 0;) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(frame)?.[1];
          const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (name) onEvent(name, data, Date.now());
        }
      });
      resolve({ status: res.statusCode, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------- 1. 1,000 streaming jobs

async function section1() {
  const JOBS = 1000;
  const fake = await startFakeOpenAI({ partialImages: 2, streamDelayMs: 667 });
  const server = await startServer(BINARY, {
    env: {
      ...NO_LIMITS, VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: fake.url,
      VISIONARY_MODEL: 'gpt-image-1', VISIONARY_OPENAI_PARTIAL_IMAGES: '2', VISIONARY_PROVIDER_CONCURRENCY: '1000',
      VISIONARY_MAX_CONNECTIONS_PER_CLIENT: '0',
    },
  });
  const idle = procStatus(server.pid);
  resetPeak(server.pid);
  const watch = sampler(server.pid);
  const received = new Map(); // prompt → [{name, at}]
  const began = Date.now();
  const ends = [];
  await eachLimited(Array.from({ length: JOBS }, (_, i) => i), 100, async (i) => {
    const prompt = `job load ${i}`;
    const res = await request(server.origin, '/api/jobs', { method: 'POST', body: JSON.stringify({ prompt, size: '1024x1024' }) });
    if (res.status !== 202) throw new Error(`POST /api/jobs: ${res.status ?? res.error} ${res.body}`);
    const job = JSON.parse(res.body);
    const events = [];
    received.set(prompt, events);
    const stream = await subscribe(server.origin, `/api/jobs/${job.id}/events`, (name, data, at) => {
      const parsed = JSON.parse(data);
      events.push({ name, at, status: parsed.status, error: parsed.error?.code, message: parsed.error?.message });
    });
    ends.push(stream.ended);
  });
  const submitted = Date.now() - began;
  await Promise.all(ends);
  const total = Date.now() - began;
  const peak = watch.stop();
  const status = procStatus(server.pid);

  // Match what the fake wrote to what each subscriber read (the fake records when it wrote).
  const previewLatency = [];
  const endLatency = [];
  let completed = 0;
  for (const call of fake.requests.filter((r) => r.path?.endsWith('/images/generations'))) {
    const events = received.get(call.body.prompt) ?? [];
    const previews = events.filter((e) => e.name === 'preview');
    const sent = call.sent ?? [];
    const sentPartials = sent.filter((s) => s.event === 'image_generation.partial_image');
    sentPartials.forEach((s, k) => previews[k] && previewLatency.push(previews[k].at - s.at));
    const sentEnd = sent.find((s) => s.event === 'image_generation.completed');
    const end = events.find((e) => e.name === 'completed');
    if (end) completed++;
    if (sentEnd && end) endLatency.push(end.at - sentEnd.at);
  }
  const endings = {};
  for (const events of received.values()) {
    const last = events.at(-1);
    const key = last ? `${last.name}${last.error ? ` ${last.error}: ${last.message}` : ''}` : 'no event';
    endings[key] = (endings[key] ?? 0) + 1;
  }
  log(`${JOBS} jobs: submitted in ${submitted} ms, all ended after ${total} ms; endings ${JSON.stringify(endings)}`);
  for (const line of server.lines.filter((l) => /failed|refused|reset/i.test(l.text)).slice(0, 5)) log(`  server: ${line.text}`);
  record(1, `${JOBS} streaming jobs: completed`, `${completed}/${JOBS} in ${(total / 1000).toFixed(1)} s (submitting took ${(submitted / 1000).toFixed(1)} s)`);
  record(1, 'server RSS idle → peak (VmHWM)', `${fmtMB(idle.rss)} → ${fmtMB(status.hwm)}; threads max ${peak.threads}`);
  record(1, 'preview: provider wrote → subscriber read', `p50 ${fmtMs(percentile(previewLatency, 50))}, p99 ${fmtMs(percentile(previewLatency, 99))} (${previewLatency.length} previews)`);
  record(1, 'end: provider wrote → subscriber read completed', `p50 ${fmtMs(percentile(endLatency, 50))}, p99 ${fmtMs(percentile(endLatency, 99))} (decode + store included)`);
  await server.stop();
  await fake.close();
}

// ---------------------------------------------------------------- 2. 1,000 gallery subscribers

async function section2() {
  const SUBSCRIBERS = 1000;
  const IMAGES = 20;
  const server = await startServer(BINARY, { env: { ...NO_LIMITS, VISIONARY_MAX_CONNECTIONS_PER_CLIENT: '0' } });
  await sleep(500);
  const before = procStatus(server.pid);
  const heard = new Map(); // image id → [receivedAt]
  const subscribers = [];
  await eachLimited(Array.from({ length: SUBSCRIBERS }, (_, i) => i), 50, async () => {
    subscribers.push(await subscribe(server.origin, '/api/events', (name, data, at) => {
      if (name !== 'image.created') return;
      const id = JSON.parse(data).id;
      if (!heard.has(id)) heard.set(id, []);
      heard.get(id).push(at);
    }));
  });
  await sleep(1000);
  const withSubscribers = procStatus(server.pid);
  const spreads = [];
  for (let i = 0; i < IMAGES; i++) {
    const res = await request(server.origin, '/api/generateImage', { method: 'POST', body: JSON.stringify({ prompt: `fan out ${i}` }) });
    const answeredAt = Date.now();
    const id = JSON.parse(res.body).images[0].id;
    await until(() => (heard.get(id)?.length ?? 0) >= SUBSCRIBERS, 10_000, `all subscribers to hear image ${i}`);
    spreads.push(Math.max(...heard.get(id)) - answeredAt);
  }
  const after = procStatus(server.pid);
  for (const s of subscribers) s.close();
  log(`subscribers: RSS ${fmtMB(before.rss)} → ${fmtMB(withSubscribers.rss)} with ${SUBSCRIBERS}; after ${IMAGES} images ${fmtMB(after.rss)}`);
  record(2, `RSS idle → with ${SUBSCRIBERS} idle subscribers`, `${fmtMB(before.rss)} → ${fmtMB(withSubscribers.rss)} (+${((withSubscribers.rss - before.rss) / SUBSCRIBERS).toFixed(1)} kB each); threads ${withSubscribers.threads}`);
  record(2, 'generateImage answered → last subscriber read image.created', `p50 ${fmtMs(percentile(spreads, 50))}, p99 ${fmtMs(percentile(spreads, 99))} (${IMAGES} images, ${SUBSCRIBERS} subscribers each)`);
  await server.stop();
}

// ---------------------------------------------------------------- 3. watching a shared store

async function section3() {
  const azurite = await startAzurite();
  try {
    const container = uniqueContainer('bench');
    const env = {
      ...NO_LIMITS, VISIONARY_STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      VISIONARY_CONTAINER: container, VISIONARY_METRICS: '1',
    };
    const one = await startServer(BINARY, { env });
    const two = await startServer(BINARY, { env });
    const heardAt = new Map();
    const sub = await subscribe(two.origin, '/api/events', (name, data, at) => {
      if (name === 'image.created') heardAt.set(JSON.parse(data).id, at);
    });
    const headReads = async () => Number(/^visionary_store_head_reads_total (\S+)/m.exec((await request(two.origin, '/metrics')).body)?.[1]);
    const listOps = async () => {
      const text = (await request(two.origin, '/metrics')).body.toString();
      return Number(/visionary_storage_operations_total\{operation="list",outcome="ok"\} (\S+)/.exec(text)?.[1] ?? 0);
    };
    const reads0 = await headReads();
    const lists0 = await listOps();
    const t0 = Date.now();
    const delays = [];
    for (let i = 0; i < 10; i++) {
      const res = await request(one.origin, '/api/generateImage', { method: 'POST', body: JSON.stringify({ prompt: `across replicas ${i}` }) });
      const answeredAt = Date.now();
      const id = JSON.parse(res.body).images[0].id;
      await until(() => heardAt.has(id), 10_000, 'the other replica to announce the image');
      delays.push(heardAt.get(id) - answeredAt);
      await sleep(1000 + Math.random() * 1000);
    }
    const minutes = (Date.now() - t0) / 60_000;
    const reads = (await headReads()) - reads0;
    const lists = (await listOps()) - lists0;
    // One List Blobs of one blob, timed from here as the replica does it.
    const timed = [];
    for (let i = 0; i < 50; i++) {
      const r = await request(two.origin, '/api/getImages?limit=1');
      timed.push(r.ms);
    }
    sub.close();
    record(3, 'head reads with one subscriber', `${(reads / minutes).toFixed(1)} per minute (${lists} List Blobs in ${(minutes * 60).toFixed(0)} s, incl. fetching new images' pages)`);
    record(3, 'image made on replica 1 → replica 2 subscriber', `p50 ${fmtMs(percentile(delays, 50))}, max ${fmtMs(Math.max(...delays))} (10 images)`);
    record(3, 'one page of 1 image from Azurite (what a head read costs, end to end)', `p50 ${fmtMs(percentile(timed, 50))}`);
    await one.stop();
    await two.stop();
  } finally {
    await azurite.cleanup();
  }
}

// ---------------------------------------------------------------- main

log(`== machine: ${os.cpus().length} cores, ${os.cpus()[0].model.split(' ').slice(0, 2).join(' ')}, ${Math.round(os.totalmem() / 2 ** 30)} GB; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
log(`== binary: ${BINARY}`);
const began = Date.now();
for (const [n, run] of [[1, section1], [2, section2], [3, section3]]) {
  if (!want(n)) continue;
  const t = Date.now();
  log(`== ${n}.`);
  await run();
  log(`(section ${n}: ${Math.round((Date.now() - t) / 1000)} s, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
}
log(`\n== summary (${Math.round((Date.now() - began) / 1000)} s)`);
for (const row of table) log(`${row[0]} | ${row[1]} | ${row[2]}`);
