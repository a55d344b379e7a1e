// Hostile traffic against the listener: connection caps (in all and per client), slow headers and
// bodies, descriptor exhaustion, oversized bodies sent by clients that read only afterwards, and
// client-chosen request ids. Each test holds sockets open on loopback and waits for events.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { api, assertError, listStored, startFake, startServer, waitFor } from '../support/server.mjs';

/** Opens a TCP connection and resolves once it is established; `ended` settles when it closes. */
function connect(port, { host = '127.0.0.1', localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host, localAddress });
    socket.on('error', () => {});  // a reset is one of the expected ends
    socket.ended = new Promise((done) => socket.once('close', done));
    socket.received = '';
    socket.on('data', (chunk) => (socket.received += chunk.toString('latin1')));
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function openIdle(port, count, options) {
  const sockets = [];
  for (let i = 0; i < count; i += 1) sockets.push(await connect(port, options));
  return sockets;
}

/** One GET over an existing socket; resolves with the raw answer once the server has sent it. */
function getOver(socket, path) {
  return new Promise((resolve, reject) => {
    const before = socket.received.length;
    const check = () => {
      const answer = socket.received.slice(before);
      const end = answer.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(answer);
      if (end >= 0 && length && answer.length >= end + 4 + Number(length[1])) {
        socket.off('data', check);
        resolve(answer);
      }
    };
    socket.on('data', check);
    socket.once('close', () => reject(new Error(`closed before answering ${path}`)));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
}

test('at the connection cap, new clients replace idle ones and /api/health still answers', async (t) => {
  const server = await startServer({ t, env: { VISIONARY_MAX_CONNECTIONS: '8', VISIONARY_MAX_CONNECTIONS_PER_CLIENT: '0' } });
  const idle = await openIdle(server.port, 50);
  t.after(() => idle.forEach((s) => s.destroy()));
  // 50 connections against a cap of 8: the server closes the longest-waiting ones.
  await Promise.all(idle.slice(0, 42).map((s) => s.ended));
  assert.equal((await api(server.url, '/api/health')).status, 200);
  const still = idle.filter((s) => !s.destroyed);
  assert.ok(still.length <= 8, `${still.length} idle connections kept past the cap of 8`);
});

test('one client at its cap is refused with a 429; other clients are untouched', async (t) => {
  const server = await startServer({ t, env: { VISIONARY_MAX_CONNECTIONS_PER_CLIENT: '4' } });
  const bystander = await connect(server.port, { localAddress: '127.0.0.1' });
  const greedy = await openIdle(server.port, 20, { localAddress: '127.0.0.2', host: '127.0.0.1' });
  t.after(() => [bystander, ...greedy].forEach((s) => s.destroy()));
  // Its four fresh connections are kept (the header deadline ends them); the sixteen beyond the
  // cap are told why and closed.
  await Promise.all(greedy.slice(4).map((s) => s.ended));
  for (const s of greedy.slice(4)) assert.match(s.received, /^HTTP\/1\.1 429 [^]*"too_many_connections"/);
  assert.ok(greedy.slice(0, 4).every((s) => !s.destroyed), 'the first four are kept');
  // The bystander's idle connection was never touched: it still gets answers.
  const answer = await getOver(bystander, '/api/health');
  assert.match(answer, /^HTTP\/1\.1 200/);
  // Once one of the greedy client's connections has been answered and waits idle, a newcomer
  // from the same address replaces it.
  assert.match(await getOver(greedy[0], '/api/health'), /^HTTP\/1\.1 200/);
  const newcomer = await connect(server.port, { localAddress: '127.0.0.2', host: '127.0.0.1' });
  t.after(() => newcomer.destroy());
  await greedy[0].ended;
  assert.match(await getOver(newcomer, '/api/health'), /^HTTP\/1\.1 200/);
});

test('a client whose every connection is working is told so with a 429, not a reset', async (t) => {
  const apiKey = 'sk-caps-0123456789abcdefghij';
  const fake = await startFake(t, { apiKey, defaultBehaviour: { kind: 'held' } });
  const server = await startServer({
    t,
    env: { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: fake.url, VISIONARY_MAX_CONNECTIONS_PER_CLIENT: '2' },
  });
  const from = { localAddress: '127.0.0.2', host: '127.0.0.1' };
  const working = await openIdle(server.port, 2, from);
  t.after(() => working.forEach((s) => s.destroy()));
  const body = JSON.stringify({ prompt: 'held by the provider' });
  for (const s of working) {
    s.write(`POST /api/generateImage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  }
  await waitFor(() => fake.heldCount === 2, { what: 'both generations to reach the provider' });

  const third = await connect(server.port, from);
  third.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
  await third.ended;
  const [head, json] = third.received.split('\r\n\r\n');
  assert.match(head, /^HTTP\/1\.1 429 /, third.received || 'the connection was closed without an answer');
  assert.match(head, /\r\nretry-after: 1(\r\n|$)/i);
  assert.match(head, /\r\nconnection: close(\r\n|$)/i);
  assert.equal(JSON.parse(json).error.code, 'too_many_connections');
  // Another address is not affected, and the working connections still get their images.
  assert.equal((await api(server.url, '/api/health')).status, 200);
  fake.release();
  await Promise.all(working.map((s) => waitFor(() => /^HTTP\/1\.1 201 /.test(s.received), { what: 'a 201' })));
});

test('a header sent a line at a time and a body trickled byte by byte are cut off early', { timeout: 60_000 }, async (t) => {
  const server = await startServer({ t });
  const slowHeader = await connect(server.port);
  const slowBody = await connect(server.port);
  t.after(() => [slowHeader, slowBody].forEach((s) => s.destroy()));
  const opened = Date.now();
  slowHeader.write('GET /api/health HTTP/1.1\r\n');
  slowBody.write('POST /api/generateImage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"prompt"');
  // Keep each one "active" (a byte now and then) so only the deadlines, not idleness, can end them.
  const drip = setInterval(() => {
    if (!slowHeader.destroyed) slowHeader.write('X-Drip: 1\r\n');
    if (!slowBody.destroyed) slowBody.write(' ');
  }, 1000);
  t.after(() => clearInterval(drip));
  await Promise.all([slowHeader.ended, slowBody.ended]);
  const seconds = (Date.now() - opened) / 1000;
  // Header: 10 s from its first byte; body: 10 s plus 60000 bytes at 16 KiB/s (about 13.7 s).
  assert.ok(seconds < 30, `slow clients held their connections for ${seconds} s`);
});

test('an oversized body gets its 413 even when the client reads only after sending it all', { timeout: 60_000 }, async (t) => {
  const server = await startServer({ t });
  const socket = await connect(server.port);
  t.after(() => socket.destroy());
  socket.pause();  // like Python's http.client: nothing is read until the whole body is out
  const body = Buffer.alloc(5 * 1024 * 1024, 0x61);
  socket.write(`POST /api/generateImage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
  const sent = await new Promise((resolve) => socket.write(body, (error) => resolve(error ?? null)));
  assert.equal(sent, null, 'the whole body could be sent');
  socket.resume();
  await socket.ended;
  assert.match(socket.received, /^HTTP\/1\.1 413 /);
  assert.match(socket.received, /"code":"payload_too_large"/);
});

test('when descriptors run out the accept loop backs off instead of spinning, then recovers', { timeout: 60_000 }, async (t) => {
  // 64 descriptors and a cap set far above them: accept itself fails with EMFILE.
  const server = await startServer({
    t,
    launcher: ['prlimit', '--nofile=64:64', '--'],
    env: { VISIONARY_MAX_CONNECTIONS: '1000' },
  });
  // 120 connections that come back as soon as the server closes one: descriptors stay exhausted.
  let attacking = true;
  const attackers = new Set();
  const attack = async () => {
    const socket = await connect(server.port).catch(() => null);
    if (!socket) return;
    attackers.add(socket);
    socket.ended.then(() => {
      attackers.delete(socket);
      if (attacking) attack();
    });
  };
  await Promise.all(Array.from({ length: 120 }, attack));
  t.after(() => {
    attacking = false;
    attackers.forEach((s) => s.destroy());
  });
  // The first report comes at once; the next after the 10-second interval, with its count.
  const reports = () => [...server.stdout().matchAll(/accepting connections failed (\d+) time\(s\)/g)];
  await new Promise((resolve) => {
    const poll = setInterval(() => {
      if (reports().length >= 2) {
        clearInterval(poll);
        resolve();
      }
    }, 100);
  });
  const [, second] = reports();
  // Pauses grow from 10 ms to 1 s: a few dozen tries in 10 s. A hot loop would make millions.
  assert.ok(Number(second[1]) <= 100, `${second[1]} failed accepts in one interval`);
  attacking = false;
  const left = [...attackers];
  left.forEach((s) => s.destroy());
  await Promise.all(left.map((s) => s.ended));
  assert.equal((await api(server.url, '/api/health')).status, 200);
});

test('a client-chosen X-Request-Id is used only when it cannot forge a log line', async (t) => {
  const server = await startServer({ t });
  const socket = await connect(server.port);
  t.after(() => socket.destroy());
  const forged = 'abcdefgh] GET /api/admin/usage 200 0B 0.1ms';
  const answer = await getOver(socket, `/api/config HTTP/1.1\r\nX-Request-Id: ${forged}\r\nX-Ignore: x`);
  const good = await api(server.url, '/api/config', { headers: { 'X-Request-Id': 'trace-1234_abc.def' } });
  assert.equal(good.headers.get('x-request-id'), 'trace-1234_abc.def');
  const id = /x-request-id: (.*)\r\n/i.exec(answer)?.[1];
  assert.ok(id && id !== forged && /^[0-9a-f]{16}$/.test(id), `request id ${id}`);
  assert.ok(!server.stdout().includes('GET /api/admin/usage'), 'no forged line in the log');
});

/** A PNG whose header announces width x height of 16-bit RGBA; its pixel data is one empty row. */
function bombHeader(width, height) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = table[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([16, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

test('a provider answering with a decompression bomb gets a clear refusal and stores nothing', async (t) => {
  const apiKey = 'sk-bomb-0123456789abcdefghij';
  const fake = await startFake(t, { apiKey });
  const server = await startServer({
    t,
    env: { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: fake.url, VISIONARY_MAX_IMAGE_PIXELS: '4194304' },
  });
  for (const [width, height] of [[8192, 8192], [1500, 1500]]) {
    const answer = { created: 1, data: [{ b64_json: bombHeader(width, height).toString('base64') }] };
    fake.enqueue({ kind: 'status', status: 200, body: JSON.stringify(answer), headers: { 'content-type': 'application/json' } });
    const res = await api(server.url, '/api/generateImage', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'a bomb' }),
    });
    assertError(res, 502, 'provider_error');
    assert.match(res.json.error.message, new RegExp(`too large to process \\(${width}x${height}\\); the limit is 4194304 pixels`));
  }
  assert.deepEqual(listStored(server.dataDir), [], 'nothing stored');
});
