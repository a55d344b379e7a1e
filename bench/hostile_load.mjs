#!/usr/bin/env node
// Hostile traffic against `visionary serve`, measured on this machine with real processes on
// loopback. Each case starts its own server (fresh data dir) and, where a provider is needed, the
// repository's fake OpenAI (tests/fakes/fake_openai.mjs) in this process:
//   1. idle and slow-body connections (a slow body: header with Content-Length 65536, then
//      65,535 bytes, never the last one) at the default caps: (a) 2,000 + 2,000 from 127.0.0.1,
//      (b) the same spread over 400 addresses 127.0.x.y (10 each, under the per-client cap),
//      (c) 9,000 slow bodies over 900 addresses, past the total cap (the worst case for memory):
//      /api/health from 127.0.0.1 before and during (200 sequential, a new connection each),
//      server RSS, how many attacker connections the server closed at a cap and by its deadlines;
//   2. paused readers of an image from /blobs/...: 1,000 of a 1.26 MB one (it fits whole in
//      loopback's kernel buffers) and 200 of a 9.4 MB one (it does not): RSS growth, and how much
//      of the answers sits in kernel buffers vs. not yet written by the server (ss);
//   3. descriptor exhaustion: the server under `prlimit --nofile=256:256` with
//      VISIONARY_MAX_CONNECTIONS=5000, 400 connections (40 addresses) that reconnect when closed,
//      held 15 s: server CPU, log lines per second, /api/health during and after;
//   4. 1,000 simultaneous POST /api/generateImage, the provider answering after 2 s: default
//      limits and no limits, each from 127.0.0.1 and over 125 addresses (8 each): answers by
//      status, provider calls, peak RSS (VmHWM), threads;
//   5. a decompression bomb (8192x8192 16-bit RGBA PNG of zeros, 0.5 MB compressed, 512 MiB
//      decoded) returned by the provider, at the default pixel limit and at its maximum; for
//      contrast, images the limits let through (4096x4096 and 8192x8192 8-bit RGBA of zeros);
//   6. 100 sequential GETs of a thumbnail from /blobs/... (timed by curl) before and while 32
//      generations of a 2048x1536 image run at once (the image pool busy): p50 and p99.
// Figures come from /proc/PID/status (VmRSS, VmHWM, Threads) and /proc/PID/stat (utime+stime).
//
// Usage: node bench/hostile_load.mjs [build-dir | binary]
//   default binary: $VISIONARY_BIN, else <repo>/build/visionary. HOSTILE_SECTIONS="1 3" runs
//   only some sections. Needs ~12,000 descriptors for itself: re-runs itself under
//   `prlimit --nofile=20000` when its limit is lower. Node 20, built-ins only.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { startFakeOpenAI } from '../tests/fakes/fake_openai.mjs';
import {
  binaryFrom, cpuSeconds, eachLimited, fmtMB, fmtMs, MB, NO_LIMITS, percentile, procStatus, request, resetPeak, sampler,
  sleep, spreadAddress, startServer as startServer_, tempDir, until,
} from './load_support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- own descriptor limit

const NEEDED_FDS = 12_000;
function openFileLimit() {
  const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.trim().split(/\s+/).slice(3, 5);
  return { soft: soft === 'unlimited' ? Infinity : Number(soft), hard: hard === 'unlimited' ? Infinity : Number(hard) };
}
if (openFileLimit().soft < NEEDED_FDS && !process.env.HOSTILE_REEXEC) {
  const r = spawnSync('prlimit', ['--nofile=20000', '--', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, HOSTILE_REEXEC: '1' },
  });
  process.exit(r.status ?? 1);
}

// ---------------------------------------------------------------- the binary

const BINARY = binaryFrom(process.argv[2]);
const startServer = (options) => startServer_(BINARY, options);
const sections = (process.env.HOSTILE_SECTIONS ?? '1 2 3 4 5 6').split(/\s+/).filter(Boolean);
const want = (n) => sections.includes(String(n));

/** n sequential GET /api/health from 127.0.0.1, each on a new connection. */
async function healthSeries(origin, n, timeoutMs = 10_000) {
  const ms = [];
  let failed = 0;
  const errors = new Map();
  for (let i = 0; i < n; i++) {
    const r = await request(origin, '/api/health', { timeoutMs });
    if (r.status === 200) ms.push(r.ms);
    else {
      failed++;
      const key = r.error ?? `HTTP ${r.status}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms), failed, errors: Object.fromEntries(errors) };
}

const fmtHealth = (h) =>
  `p50 ${fmtMs(h.p50)}, p99 ${fmtMs(h.p99)}, max ${fmtMs(h.max)}${h.failed ? `, failed ${h.failed} ${JSON.stringify(h.errors)}` : ''}`;

/** The server's own count of connections closed at a cap, by reason (needs VISIONARY_METRICS=1,
 * which only adds the /metrics route: the counters exist either way). */
async function shedCounts(origin) {
  const r = await request(origin, '/metrics', { localAddress: '127.0.9.9' });
  const counts = {};
  for (const m of String(r.body ?? '').matchAll(/^visionary_http_connections_shed_total\{reason="([^"]+)"\} (\S+)$/gm)) {
    counts[m[1]] = Number(m[2]);
  }
  return counts;
}
const fmtShed = (c) => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';

// ---------------------------------------------------------------- attacker connections

const SLOW_BODY_HEAD =
  'POST /api/generateImage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 65536\r\n\r\n';
const SLOW_BODY = Buffer.concat([Buffer.from(SLOW_BODY_HEAD, 'latin1'), Buffer.alloc(65535, 0x20)]);

/** A set of attacker sockets; counts the ones the server closed (anything we did not destroy). */
class Attack {
  constructor(port) {
    this.port = port;
    this.sockets = new Set();
    this.open = 0;
    this.closedByServer = 0;
    this.failedConnects = 0;
    this.reconnects = 0;
    this.stopped = false;
    this.lifetimes = { idle: [], slowBody: [], other: [] }; // ms from connect to the server's close
  }

  /** Opens one connection of `kind` ('idle' | 'slowBody' | a request string sent then paused);
   * resolves true once connected (false when the connect failed). */
  connect({ localAddress, kind, reconnect = false, pause = false }) {
    return new Promise((resolve) => {
      const socket = net.connect({ port: this.port, host: '127.0.0.1', localAddress });
      if (pause) socket.pause();
      let connected = false;
      this.sockets.add(socket);
      socket.on('error', () => {});
      if (!pause) socket.on('data', () => {}); // discard any answer
      let connectedAt = 0;
      socket.once('connect', () => {
        connected = true;
        connectedAt = Date.now();
        this.open++;
        if (kind === 'slowBody') socket.write(SLOW_BODY);
        else if (kind !== 'idle') socket.write(kind);
        resolve(true);
      });
      socket.once('close', () => {
        this.sockets.delete(socket);
        if (socket.ours) return;
        if (connected) {
          this.open--;
          this.closedByServer++;
          (this.lifetimes[kind] ?? this.lifetimes.other).push(Date.now() - connectedAt);
        } else {
          this.failedConnects++;
          resolve(false);
        }
        if (reconnect && !this.stopped && this.reconnects < 200_000) {
          this.reconnects++;
          setImmediate(() => this.connect({ localAddress, kind, reconnect, pause }));
        }
      });
    });
  }

  destroyAll() {
    this.stopped = true;
    for (const socket of this.sockets) {
      socket.ours = true;
      socket.destroy();
    }
    this.sockets.clear();
  }
}

// ---------------------------------------------------------------- PNG

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}
function png(width, height, bitDepth, colourType, idat) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** 8-bit RGB noise: incompressible, so the file is about width*height*3 bytes. */
function noisePng(width, height) {
  const stride = 1 + 3 * width;
  const raw = randomBytes(stride * height);
  for (let y = 0; y < height; y++) raw[y * stride] = 0; // filter byte: none
  return png(width, height, 8, 2, zlib.deflateSync(raw, { level: 1 }));
}

/** width x height RGBA (8 or 16 bits) of zeros, deflated row by row (never held inflated here). */
async function bombPng(width, height, bitDepth = 16) {
  const deflate = zlib.createDeflate({ level: 9 });
  const parts = [];
  deflate.on('data', (c) => parts.push(c));
  const ended = once(deflate, 'end');
  const row = Buffer.alloc(1 + (width * 4 * bitDepth) / 8);
  for (let y = 0; y < height; y++) {
    if (!deflate.write(row)) await once(deflate, 'drain');
  }
  deflate.end();
  await ended;
  return png(width, height, bitDepth, 6, Buffer.concat(parts));
}

/** A fake answer carrying one image as b64_json. */
const b64Answer = (pngBytes) => ({
  kind: 'status',
  status: 200,
  body: JSON.stringify({ created: Math.floor(Date.now() / 1000), data: [{ b64_json: pngBytes.toString('base64') }] }),
});

const providerEnv = (fake) => ({ VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: fake.url });
const generateBody = (prompt) => JSON.stringify({ prompt, size: '1024x1024' });

// ---------------------------------------------------------------- the sections

const table = []; // [section, figure, value, target]
const record = (section, figure, value, target = '') => {
  table.push([section, figure, value, target]);
};
const log = (...a) => console.log(...a);

async function section1() {
  log('== 1. idle and slow-body connections, default caps');
  const cases = [
    { label: '1a', what: '2000 idle + 2000 slow-body, all from 127.0.0.1', idle: 2000, slow: 2000, perAddress: 0 },
    { label: '1b', what: '2000 idle + 2000 slow-body, 400 addresses 127.0.x.y (10 each)', idle: 2000, slow: 2000, perAddress: 10 },
    // The worst case for memory: slow bodies up to the connection cap (8192 here) and beyond.
    { label: '1c', what: '9000 slow-body, 900 addresses (10 each)', idle: 0, slow: 9000, perAddress: 10 },
  ];
  for (const c of cases) {
    const server = await startServer({ env: { VISIONARY_METRICS: '1' } });
    const before = await healthSeries(server.origin, 200);
    const idle = procStatus(server.pid);
    const attack = new Attack(server.port);
    const total = c.idle + c.slow;
    // Interleaved: idle, slow, idle, slow, ... then the rest of the larger kind.
    const kinds = [];
    for (let i = 0; i < total; i++) kinds.push(i < 2 * Math.min(c.idle, c.slow) ? (i % 2 === 0 ? 'idle' : 'slowBody') : c.idle > c.slow ? 'idle' : 'slowBody');
    const started = Date.now();
    await eachLimited(kinds, 200, (kind, i) =>
      attack.connect({ kind, localAddress: c.perAddress ? spreadAddress(i, c.perAddress) : '127.0.0.1' }));
    const openedMs = Date.now() - started;
    await sleep(500); // let the slow bodies arrive
    const closedAtOpen = attack.closedByServer;
    const openAtHealth = attack.open;
    const rssOpened = procStatus(server.pid).rss;
    const during = await healthSeries(server.origin, 200);
    const after = procStatus(server.pid);
    const closedAfterHealth = attack.closedByServer;
    // The deadlines: 10 s for a silent connection, 10 s + 64 KiB at 16 KiB/s = 14 s for a body;
    // wait (bounded) for the server to close every one.
    const watchRss = sampler(server.pid, 200);
    await until(() => attack.open === 0 || Date.now() > started + openedMs + 20_000, 25_000, 'deadlines');
    const held = watchRss.stop();
    const end = procStatus(server.pid);
    const stillOpen = attack.open;
    const shed = await shedCounts(server.origin);
    attack.destroyAll();
    await server.stop();
    const peak = Math.max(end.hwm, held.rss, rssOpened, after.rss);
    // A lifetime under 9 s is a close at a cap (the deadlines are 10 s and 14 s).
    const all = [...attack.lifetimes.idle, ...attack.lifetimes.slowBody];
    const atCap = all.filter((ms) => ms < 9000).length;
    const life = (kind) => {
      const l = attack.lifetimes[kind].filter((ms) => ms >= 9000);
      return l.length ? `${l.length} ${kind === 'idle' ? 'idle' : 'slow-body'} after ${(percentile(l, 50) / 1000).toFixed(1)} s median (max ${(Math.max(...l) / 1000).toFixed(1)} s)` : null;
    };
    const deadlines = [life('idle'), life('slowBody')].filter(Boolean).join('; ') || 'none';
    log(`-- ${c.label}: ${c.what}`);
    log(`opened ${total} in ${openedMs} ms (failed connects: ${attack.failedConnects}); closed by the server while opening: ${closedAtOpen}; open when health began: ${openAtHealth}`);
    log(`health before: ${fmtHealth(before)}`);
    log(`health during: ${fmtHealth(during)}`);
    log(`RSS idle ${fmtMB(idle.rss)}, with the connections ${fmtMB(rssOpened)}, after health ${fmtMB(after.rss)}, highest while held ${fmtMB(held.rss)}, VmHWM ${fmtMB(end.hwm)}; RSS once all were closed ${fmtMB(end.rss)}`);
    log(`closed by the server: ${closedAfterHealth} by the end of the health series, ${attack.closedByServer} in all (still open at the end: ${stillOpen}); at a cap (within 9 s): ${atCap}; by deadline: ${deadlines}; the server's count at a cap: ${fmtShed(shed)}`);
    record(c.label, `${c.what}: health p50 / p99 before → during`, `${fmtMs(before.p50)} / ${fmtMs(before.p99)} → ${fmtMs(during.p50)} / ${fmtMs(during.p99)}${during.failed ? `, ${during.failed} failed` : ''}`, 'all answered');
    record(c.label, `closed by the server: at a cap / by deadline`, `${atCap} / ${all.length - atCap} of ${total} (${deadlines.replace(/ \(max[^)]*\)/g, '')})`);
    record(c.label, `RSS idle → peak (growth); once all closed`, `${fmtMB(idle.rss)} → ${fmtMB(peak)} (+${fmtMB(peak - idle.rss)}); ${fmtMB(end.rss)}`, 'bounded');
  }
}

async function section2() {
  log('== 2. clients that request a large image from /blobs/... and never read');
  // Loopback's kernel buffers take about 1.26 MB per connection (the sender's queue grows to
  // ~1.1 MB, the paused reader's to 128 KB): the 1.26 MB image fits there whole, so the second case
  // sends a 9.4 MB one, of which the server must still hold most back (200 readers: ~0.9 GB of
  // kernel buffers, below this machine's tcp_mem pressure mark of 1.5 GB).
  const cases = [
    { label: '2a', width: 700, height: 600, readers: 1000, perAddress: 8 },
    { label: '2b', width: 2048, height: 1536, readers: 200, perAddress: 8 },
  ];
  const fake = await startFakeOpenAI({});
  try {
    for (const c of cases) {
      fake.setDefault(b64Answer(noisePng(c.width, c.height)));
      const server = await startServer({ env: { ...NO_LIMITS, ...providerEnv(fake) } });
      const made = await request(server.origin, '/api/generateImage', { method: 'POST', body: generateBody('a noisy picture'), timeoutMs: 60_000 });
      if (made.status !== 201) throw new Error(`generation failed: ${made.status ?? made.error} ${made.body}`);
      const { url, bytes } = JSON.parse(made.body).images[0];
      const whole = await request(server.origin, url, { timeoutMs: 30_000 });
      if (whole.status !== 200 || whole.body.length !== bytes) throw new Error(`GET ${url}: ${whole.status} ${whole.body?.length}`);
      await sleep(300);
      resetPeak(server.pid); // the generation's own peak is not the readers'
      const before = procStatus(server.pid);
      const attack = new Attack(server.port);
      const get = `GET ${url} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`;
      const started = Date.now();
      // 8 per address: below the per-client cap, so every one is served.
      await eachLimited(Array.from({ length: c.readers }, (_, i) => i), 200, (i) =>
        attack.connect({ kind: get, localAddress: spreadAddress(i, c.perAddress), pause: true }));
      const openedMs = Date.now() - started;
      const ssRows = (filter) => {
        const out = execFileSync('ss', ['-tnH', 'state', 'established', filter], { timeout: 10_000 }).toString().trim();
        return out ? out.split('\n').map((l) => l.trim().split(/\s+/).map(Number)) : [];
      };
      const queued = () => {
        const serverRows = ssRows(`( sport = :${server.port} )`); // Recv-Q Send-Q ...
        const clientRows = ssRows(`( dport = :${server.port} )`);
        return {
          serverSendQs: serverRows.map((r) => r[1]),
          clientRecvQs: clientRows.map((r) => r[0]),
          serverSendQ: serverRows.reduce((a, r) => a + r[1], 0),
          clientRecvQ: clientRows.reduce((a, r) => a + r[0], 0),
        };
      };
      // Wait (bounded) until the queues stop growing.
      let q = queued();
      for (let i = 0; i < 15; i++) {
        await sleep(1000);
        const next = queued();
        const stable = next.serverSendQ === q.serverSendQ && next.clientRecvQ === q.clientRecvQ;
        q = next;
        if (stable) break;
      }
      const held = procStatus(server.pid);
      const health = await healthSeries(server.origin, 50);
      const after = procStatus(server.pid);
      const fds = fs.readdirSync(`/proc/${server.pid}/fd`).length;
      const inKernel = q.serverSendQ + q.clientRecvQ;
      const answered = c.readers * bytes; // bodies only
      const heldBack = Math.max(0, answered - inKernel);
      attack.destroyAll();
      await server.stop();
      const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
      log(`-- ${c.label}: image ${bytes} bytes (${c.width}x${c.height} noise); ${c.readers} paused readers opened in ${openedMs} ms (${c.perAddress} per address), closed by the server while held: ${attack.closedByServer}; server descriptors ${fds}`);
      log(`RSS before ${fmtMB(before.rss)}, held ${fmtMB(held.rss)}, after health ${fmtMB(after.rss)}, VmHWM ${fmtMB(after.hwm)} (growth to VmHWM +${fmtMB(after.hwm - before.rss)})`);
      log(`kernel buffers hold ${mb(inKernel)} of the ${mb(answered)} of bodies (server send queues ${mb(q.serverSendQ)}, median ${(percentile(q.serverSendQs, 50) / 1e3).toFixed(0)} KB; readers' receive queues ${mb(q.clientRecvQ)}, median ${(percentile(q.clientRecvQs, 50) / 1e3).toFixed(0)} KB); not yet written by the server: ~${mb(heldBack)}`);
      log(`health during: ${fmtHealth(health)}`);
      record(c.label, `${c.readers} paused readers of a ${mb(bytes)} image: RSS before → held (VmHWM growth)`, `${fmtMB(before.rss)} → ${fmtMB(held.rss)} (+${fmtMB(after.hwm - before.rss)})`, '< +64 MB');
      record(c.label, `bodies in kernel buffers / not yet written by the server`, `${mb(inKernel)} / ~${mb(heldBack)} of ${mb(answered)}`);
      record(c.label, `health p50 / p99 during (50)`, `${fmtMs(health.p50)} / ${fmtMs(health.p99)}${health.failed ? `, ${health.failed} failed` : ''}`);
    }
  } finally {
    await fake.close();
  }
}

async function section3() {
  log('== 3. descriptor exhaustion: prlimit --nofile=256:256, VISIONARY_MAX_CONNECTIONS=5000, 400 reconnecting connections, 15 s');
  const server = await startServer({ env: { VISIONARY_MAX_CONNECTIONS: '5000' }, launcher: ['prlimit', '--nofile=256:256', '--'] });
  const limits = fs.readFileSync(`/proc/${server.pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files')).trim();
  const idleCpu = cpuSeconds(server.pid);
  const attack = new Attack(server.port);
  // 10 per address (40 addresses): the per-client cap never applies; only descriptors run out.
  await eachLimited(Array.from({ length: 400 }, (_, i) => i), 100, (i) =>
    attack.connect({ kind: 'idle', localAddress: spreadAddress(i, 10), reconnect: true }));
  const t0 = Date.now();
  const cpu0 = cpuSeconds(server.pid);
  const lines0 = server.lines.length;
  const duringHealth = sleep(1000).then(() => request(server.origin, '/api/health', { timeoutMs: 13_000 }));
  await sleep(15_000);
  const wall = (Date.now() - t0) / 1000;
  const cpu = cpuSeconds(server.pid) - cpu0;
  const window = server.lines.slice(lines0);
  const failures = server.lines.filter((l) => /accepting connections failed/.test(l.text));
  const failuresHeld = window.filter((l) => /accepting connections failed/.test(l.text)).length;
  const reconnects = attack.reconnects;
  const closed = attack.closedByServer;
  const health1 = await duringHealth;
  attack.destroyAll();
  const released = Date.now();
  const first = await request(server.origin, '/api/health', { timeoutMs: 10_000 });
  const after = await healthSeries(server.origin, 50);
  const fdCount = fs.readdirSync(`/proc/${server.pid}/fd`).length;
  const status = procStatus(server.pid);
  await server.stop();
  log(`server: ${limits}; CPU before the attack ${idleCpu.toFixed(2)} s`);
  log(`held ${wall.toFixed(1)} s: server CPU ${cpu.toFixed(2)} s = ${((100 * cpu) / wall).toFixed(1)} % of one core; ${window.length} log lines (${(window.length / wall).toFixed(2)}/s); closed by the server ${closed}, reconnects ${reconnects}`);
  for (const l of failures) log(`  log: ${l.text.slice(0, 200)}`);
  log(`health during (started 1 s in, deadline 13 s): ${health1.status === 200 ? `200 in ${fmtMs(health1.ms)}` : `${health1.status ?? health1.error} after ${fmtMs(health1.ms)}`}`);
  log(`health after release: first ${first.status ?? first.error} in ${fmtMs(first.ms)} (${Date.now() - released} ms after release incl. series); then 50: ${fmtHealth(after)}; server descriptors then ${fdCount}, RSS ${fmtMB(status.rss)}`);
  record('3', 'server CPU while held (15 s)', `${((100 * cpu) / wall).toFixed(1)} % of one core`);
  record('3', 'log lines per second while held', `${(window.length / wall).toFixed(2)} (${window.length} lines, ${failuresHeld} of them "accepting connections failed"; ${failures.length} such lines in all)`);
  record('3', 'health during (one request, 1 s in)', health1.status === 200 ? `200 in ${fmtMs(health1.ms)}` : `${health1.status ?? health1.error} after ${fmtMs(health1.ms)}`);
  record('3', 'health after release: first / p50 / p99', `${first.status === 200 ? fmtMs(first.ms) : first.error ?? first.status} / ${fmtMs(after.p50)} / ${fmtMs(after.p99)}${after.failed ? `, ${after.failed} failed` : ''}`);
}

async function section4() {
  log('== 4. 1,000 simultaneous POST /api/generateImage, provider answers after 2 s');
  const fake = await startFakeOpenAI({});
  try {
    fake.setDefault({ kind: 'slow', delayMs: 2000, then: 'b64' });
    const cases = [
      { label: '4a default limits, 127.0.0.1', env: {}, spread: false },
      { label: '4b default limits, 125 addresses', env: {}, spread: true },
      { label: '4c no limits, 127.0.0.1', env: NO_LIMITS, spread: false },
      { label: '4d no limits, 125 addresses', env: NO_LIMITS, spread: true },
    ];
    for (const c of cases) {
      const server = await startServer({ env: { ...c.env, ...providerEnv(fake), VISIONARY_METRICS: '1' } });
      await sleep(300);
      const idleThreads = procStatus(server.pid).threads;
      // One generation first (from an address the burst does not use), so that the pools that a
      // first generation starts are counted before the burst, not as growth under it.
      const warm = await request(server.origin, '/api/generateImage', { method: 'POST', body: generateBody('warm-up'), localAddress: '127.0.9.9', timeoutMs: 30_000 });
      if (warm.status !== 201) throw new Error(`warm-up generation: ${warm.status ?? warm.error}`);
      fake.reset();
      const before = procStatus(server.pid);
      const watch = sampler(server.pid, 50);
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          request(server.origin, '/api/generateImage', {
            method: 'POST',
            body: generateBody(`hostile load picture ${i}`),
            localAddress: c.spread ? spreadAddress(i, 8) : '127.0.0.1',
            timeoutMs: 240_000,
          })),
      );
      const wall = Date.now() - started;
      const peak = watch.stop();
      await sleep(2000);
      const after = procStatus(server.pid);
      const shed = await shedCounts(server.origin);
      await server.stop();
      const counts = {};
      for (const r of results) {
        const key = r.status === 201 || r.status === 429 ? String(r.status) : r.status ? `HTTP ${r.status}` : r.error;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      const other = results.filter((r) => r.status !== 201 && r.status !== 429).length;
      const ms201 = results.filter((r) => r.status === 201).map((r) => r.ms);
      const s = c.label.slice(0, 2);
      log(`-- ${c.label}: ${JSON.stringify(counts)} in ${(wall / 1000).toFixed(1)} s; 201 p50 ${fmtMs(percentile(ms201, 50))}, max ${fmtMs(Math.max(...ms201))}`);
      log(`RSS before ${fmtMB(before.rss)}, VmHWM ${fmtMB(after.hwm)}, after ${fmtMB(after.rss)}; threads idle ${idleThreads}, after one generation ${before.threads}, peak ${peak.threads}, after ${after.threads}`);
      log(`RSS over time: ${peak.timeline.filter(([t]) => t % 5 === 0).map(([t, kb]) => `${t} s ${MB(kb).toFixed(0)}`).join(', ')} MB`);
      record(s, `${c.label.slice(3)}: 201 / 429 / other`, `${counts['201'] ?? 0} / ${counts['429'] ?? 0} / ${other}${other ? ` ${JSON.stringify(Object.fromEntries(Object.entries(counts).filter(([k]) => k !== '201' && k !== '429')))}` : ''}`, 'other = 0');
      const samples = new Map(); // one error message per status other than 201
      for (const r of results) {
        if (r.status && r.status !== 201 && !samples.has(r.status)) {
          try {
            const e = JSON.parse(r.body).error;
            samples.set(r.status, `${e.code}: ${e.message}`);
          } catch {
            samples.set(r.status, String(r.body).slice(0, 200));
          }
        }
      }
      for (const [status, message] of samples) {
        const ms = results.filter((r) => r.status === status).map((r) => r.ms);
        log(`e.g. ${status} ${message} (${ms.length}, answered after p50 ${fmtMs(percentile(ms, 50))}, max ${fmtMs(Math.max(...ms))})`);
        if (status !== 429) record(s, `HTTP ${status}: ${message.split(':')[0]}`, `${ms.length}, answered after ${(percentile(ms, 50) / 1000).toFixed(1)} s median`);
      }
      const providerCalls = fake.requests.length;
      const unsettled = server.lines.filter((l) => /could not settle/.test(l.text)).length;
      log(`provider calls: ${providerCalls}; ledger settlements that failed ("could not settle"): ${unsettled}; connections closed at a cap (server's count): ${fmtShed(shed)}`);
      record(s, 'provider calls; failed ledger settlements; closed at a cap (server)', `${providerCalls}; ${unsettled}; ${fmtShed(shed)}`);
      record(s, 'peak RSS (VmHWM)', fmtMB(after.hwm), '≤ 150 MB');
      record(s, 'threads idle / after one generation / peak / after', `${idleThreads} / ${before.threads} / ${peak.threads} / ${after.threads}`, 'flat');
    }
  } finally {
    await fake.close();
  }
}

async function section5() {
  log('== 5. decompression bomb: 8192x8192 16-bit RGBA PNG of zeros');
  const t = Date.now();
  const bomb = await bombPng(8192, 8192, 16);
  log(`bomb: ${bomb.length} bytes compressed, ${8192 * (1 + 8192 * 8)} bytes inflated, built in ${Date.now() - t} ms`);
  // For contrast, images the limits let through, decoded for real: the largest 8-bit RGBA the
  // default admits (4096x4096, 64 MiB decoded) and the largest VISIONARY_MAX_IMAGE_PIXELS may be
  // set to (67108864, its maximum: 8192x8192, 256 MiB decoded; well within this machine's 24 GB).
  // A 16-bit 8192x8192 (512 MiB) cannot be decoded at any setting: beyond 67108864 x 4 bytes.
  const cases = [
    { name: 'bomb, 16-bit 8192x8192, default limit', image: bomb, target: '502, < +64 MB' },
    { name: 'bomb, 16-bit 8192x8192, VISIONARY_MAX_IMAGE_PIXELS=67108864 (max)', image: bomb, limit: '67108864' },
    { name: 'contrast: 8-bit RGBA 4096x4096 (64 MiB decoded), default limit', image: await bombPng(4096, 4096, 8) },
    { name: 'contrast: 8-bit RGBA 8192x8192 (256 MiB decoded), limit 67108864', image: await bombPng(8192, 8192, 8), limit: '67108864' },
  ];
  const fake = await startFakeOpenAI({});
  try {
    for (const c of cases) {
      fake.setDefault(b64Answer(c.image));
      const env = { ...NO_LIMITS, ...providerEnv(fake), ...(c.limit && { VISIONARY_MAX_IMAGE_PIXELS: c.limit }) };
      const server = await startServer({ env });
      await sleep(300);
      const before = procStatus(server.pid);
      const r = await request(server.origin, '/api/generateImage', { method: 'POST', body: generateBody('a bomb'), timeoutMs: 120_000 });
      const after = procStatus(server.pid);
      await server.stop();
      let answer = r.error ?? `${r.status}`;
      try {
        const j = JSON.parse(r.body);
        answer += j.error ? ` ${j.error.code}: ${j.error.message}` : ` ${j.images?.[0]?.width}x${j.images?.[0]?.height} stored`;
      } catch {
        /* not JSON */
      }
      log(`-- ${c.name} (${c.image.length} bytes): ${answer} in ${fmtMs(r.ms)}; RSS before ${fmtMB(before.rss)}, VmHWM after ${fmtMB(after.hwm)} (+${fmtMB(after.hwm - before.rss)})`);
      const short = r.status === 201 ? '201 decoded and stored' : `${r.status ?? r.error}${answer.includes('too large') ? ' "too large to process"' : ''}`;
      record('5', c.name, `${short} in ${fmtMs(r.ms)}; VmHWM − RSS before +${fmtMB(after.hwm - before.rss)}`, c.target ?? '');
    }
  } finally {
    await fake.close();
  }
}

async function section6() {
  log('== 6. a thumbnail from /blobs/... while generations flood the image pool');
  // Every generation decodes a 2048x1536 noise PNG, makes its thumbnail and re-encodes it: image
  // work that runs on the image pool, while /blobs is served from the I/O threads.
  const fake = await startFakeOpenAI({});
  try {
    fake.setDefault(b64Answer(noisePng(2048, 1536)));
    const server = await startServer({ env: { ...NO_LIMITS, ...providerEnv(fake) } });
    const made = await request(server.origin, '/api/generateImage', { method: 'POST', body: generateBody('a noisy picture'), timeoutMs: 60_000 });
    if (made.status !== 201) throw new Error(`generation failed: ${made.status ?? made.error} ${made.body}`);
    const thumbnail = JSON.parse(made.body).images[0].thumbnailUrl;
    // Timed by curl itself: this process also serves the fake provider's answers, and its own
    // event loop stalls under the flood would otherwise count as the server's.
    const curlGet = () => new Promise((resolve) => {
      execFile('curl', ['-s', '-o', '/dev/null', '-m', '30', '-w', '%{http_code} %{time_total}', `${server.origin}${thumbnail}`],
        (error, stdout) => resolve(String(stdout).split(' ')));
    });
    const series = async (n) => {
      const ms = [];
      let failed = 0;
      for (let i = 0; i < n; i++) {
        const [status, seconds] = await curlGet();
        if (status === '200') ms.push(Number(seconds) * 1000);
        else failed++;
      }
      return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms), failed, errors: {} };
    };
    const before = await series(100);
    let flooding = true;
    let generated = 0;
    const flood = Array.from({ length: 32 }, async (_, i) => {
      while (flooding) {
        const r = await request(server.origin, '/api/generateImage', { method: 'POST', body: generateBody(`flood ${i}`), localAddress: spreadAddress(i, 1), timeoutMs: 120_000 });
        if (r.status === 201) generated++;
      }
    });
    await until(() => generated >= 1, 60_000, 'the flood to produce an image');
    const during = await series(100);
    flooding = false;
    await Promise.all(flood);
    await server.stop();
    log(`thumbnail GET before: ${fmtHealth(before)}`);
    log(`thumbnail GET during 32 generations at once: ${fmtHealth(during)} (${generated} images made meanwhile)`);
    record('6', 'thumbnail GET p50 / p99 before → during 32 generations', `${fmtMs(before.p50)} / ${fmtMs(before.p99)} → ${fmtMs(during.p50)} / ${fmtMs(during.p99)}${during.failed ? `, ${during.failed} failed` : ''}`, 'not starved');
  } finally {
    await fake.close();
  }
}

// ---------------------------------------------------------------- main

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
log(`== machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB; load ${loadavg()}`);
log(`== binary: ${BINARY} (${fs.statSync(BINARY).mtime.toISOString()})`);
const began = Date.now();
for (const [n, run] of [[1, section1], [2, section2], [3, section3], [4, section4], [5, section5], [6, section6]]) {
  if (!want(n)) continue;
  const t = Date.now();
  await run();
  log(`(section ${n}: ${((Date.now() - t) / 1000).toFixed(0)} s, load ${loadavg()})`);
}
log(`\n== summary (${((Date.now() - began) / 1000).toFixed(0)} s)`);
const widths = [0, 1, 2, 3].map((i) => Math.max(...[['', 'figure', 'value', 'target'], ...table].map((r) => String(r[i]).length)));
for (const row of [['', 'figure', 'value', 'target'], ...table]) {
  log(row.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ').trimEnd());
}
process.exit(0);
