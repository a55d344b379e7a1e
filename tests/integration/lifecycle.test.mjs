// Process lifecycle: refusing bad configuration, the data-dir lock, restarts, graceful SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import {
  api, blobFile, generate, listFiles, registerSecret, request, runBinary, startFake, startServer, tempDir, waitFor,
} from '../support/server.mjs';

const TIMEOUT = 60_000;
const API_KEY = 'sk-lifecycle-0123456789abcdefXYZ';
registerSecret(API_KEY);

const badConfigs = [
  ['openai without a key', { VISIONARY_PROVIDER: 'openai' }, [], /OPENAI_API_KEY/],
  ['unknown provider', { VISIONARY_PROVIDER: 'dall-e-9000' }, [], /dall-e-9000[\s\S]*demo|demo[\s\S]*dall-e-9000/],
  ['azure storage without a connection string', { VISIONARY_STORAGE: 'azure' }, [], /VISIONARY_STORAGE|AZURE_STORAGE_CONNECTION_STRING/],
  ['azure-openai without endpoint and key', { VISIONARY_PROVIDER: 'azure-openai' }, [], /AZURE_OPENAI_ENDPOINT/],
  ['admin token too short', { VISIONARY_ADMIN_TOKEN: 'short' }, [], /VISIONARY_ADMIN_TOKEN/],
  ['provider timeout 0', { VISIONARY_PROVIDER_TIMEOUT: '0' }, [], /timeout/i],
  ['negative retries', { VISIONARY_PROVIDER_RETRIES: '-1' }, [], /retries/i],
  ['body limit below 4096', { VISIONARY_MAX_BODY_BYTES: '100' }, [], /body/i],
  ['port that is not a number (env)', { VISIONARY_PORT: 'abc' }, ['--port-from-env'], /port/i],
  ['timeout that is not a number', { VISIONARY_PROVIDER_TIMEOUT: 'soon' }, [], /timeout/i],
  ['unknown command-line flag', {}, ['--no-such-flag'], /no-such-flag/],
];
for (const [what, env, extra, fix] of badConfigs) {
  test(`invalid configuration (${what}) → exit code 2, stderr names the fix`, { timeout: TIMEOUT }, async (t) => {
    const dataDir = tempDir(t);
    // VISIONARY_PORT only applies when --port is absent.
    const portArgs = extra.includes('--port-from-env') ? [] : ['--port', '0'];
    const args = ['serve', ...portArgs, '--host', '127.0.0.1', '--data-dir', dataDir, ...extra.filter((a) => a !== '--port-from-env')];
    const result = await runBinary({ env, args });
    assert.equal(result.code, 2, `exit code (stdout: ${result.stdout}, stderr: ${result.stderr})`);
    assert.match(result.stderr, fix, `stderr names the fix: ${result.stderr}`);
    assert.ok(!/listening on/.test(result.stdout), 'never listened');
  });
}

test('a second server on the same data dir refuses to start: the data directory is in use', { timeout: TIMEOUT }, async (t) => {
  const dataDir = tempDir(t);
  const first = await startServer({ t, dataDir });
  const second = await runBinary({ args: ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir] });
  assert.notEqual(second.code, 0, 'the second server exits with an error');
  assert.ok(!/visionary listening on/.test(second.stdout), 'the second server never listened');
  assert.match(`${second.stdout}\n${second.stderr}`, /data dir(ectory)?[^\n]*in use/i, `message: ${second.stdout}${second.stderr}`);
  // The first one is unaffected.
  assert.equal((await api(first.url, '/api/health')).status, 200);
});

test('restart on the same data dir: images still listed with the same ids', { timeout: TIMEOUT }, async (t) => {
  const dataDir = tempDir(t);
  const first = await startServer({ t, dataDir });
  const ids = [];
  for (const prompt of ['before restart one', 'before restart two']) {
    const res = await generate(first.url, { prompt });
    assert.equal(res.status, 201, res.text);
    ids.push(res.json.images[0].id);
  }
  const before = (await api(first.url, '/api/getImages')).json.imageUrls;
  assert.equal(await first.stop(), 0, `clean exit\n${first.output()}`);

  const second = await startServer({ t, dataDir });
  const after = (await api(second.url, '/api/getImages')).json.imageUrls;
  assert.deepEqual(after.map((i) => i.id), [...ids].reverse());
  assert.deepEqual(
    after.map(({ url, thumbnailUrl, expiresAt, ...rest }) => rest),
    before.map(({ url, thumbnailUrl, expiresAt, ...rest }) => rest),
    'same records after the restart',
  );
  // The signing key persisted, so links handed out before the restart still work.
  assert.equal((await api(second.url, before[0].url)).status, 200);
});

test('SIGTERM during a generation: the in-flight request completes, exit 0, nothing half-written', { timeout: TIMEOUT }, async (t) => {
  const dataDir = tempDir(t);
  const fake = await startFake(t, { apiKey: API_KEY, defaultBehaviour: { kind: 'slow', delayMs: 1500 } });
  const env = { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url };
  const server = await startServer({ t, dataDir, env });

  const inFlight = generate(server.url, { prompt: 'finish me before you go' });
  let answered = false;
  inFlight.then(() => (answered = true), () => (answered = true));
  await waitFor(() => fake.requests.length === 1, { what: 'the provider call', timeoutMs: 10_000 });
  server.process.kill('SIGTERM');

  // New connections are refused once the server has seen the signal (the in-flight call still waits on the fake).
  const refused = await waitFor(
    () => new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: server.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (e) => resolve(e.code));
    }),
    { what: 'new connections to be refused', timeoutMs: 1200, intervalMs: 10 },
  );
  assert.ok(refused === 'ECONNREFUSED' || refused === 'ECONNRESET', `refused: ${refused}`);
  assert.equal(answered, false, 'the in-flight request had not been answered yet when new connections were refused');

  const res = await inFlight;
  assert.equal(res.status, 201, `in-flight request finished: ${res.text}`);
  const image = res.json.images[0];
  // No second signal: that one would mean "stop at once".
  assert.equal(await server.stop(null), 0, `exit code 0 after SIGTERM\n${server.output()}`);

  // Complete on disk: no temp files, image + thumbnail + metadata.
  const files = listFiles(dataDir);
  assert.deepEqual(files.filter((f) => f.includes('.tmp-')), [], 'no .tmp- files left');
  const stem = image.name.replace(/^images\//, '').replace(/\.png$/, '');
  assert.ok(files.includes(blobFile(`images/${stem}.png`)), 'image stored');
  assert.ok(files.includes(blobFile(`thumbnails/${stem}.webp`)), 'thumbnail stored');

  const again = await startServer({ t, dataDir, env });
  const listed = (await api(again.url, '/api/getImages')).json.imageUrls;
  assert.deepEqual(listed.map((i) => i.id), [image.id], 'listed after restart');
  const thumb = await api(again.url, listed[0].thumbnailUrl);
  assert.equal(thumb.status, 200);
  assert.equal(thumb.body.toString('latin1', 8, 12), 'WEBP');
  const png = await api(again.url, listed[0].url);
  assert.equal(png.status, 200);
  assert.equal(png.body.length, image.bytes, 'the whole image is there');
});

test('an idle keep-alive connection does not hold up SIGTERM', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const res = await request({ port: server.port, path: '/api/health', agent });
  assert.equal(res.status, 200);
  // The socket is parked in the agent, open and idle.
  await waitFor(() => Object.values(agent.freeSockets).flat().length === 1, { what: 'an idle pooled socket', timeoutMs: 2000 });
  const started = Date.now();
  // Default shutdown grace is 60 s; a hang would show up as a timeout here.
  assert.equal(await server.stop('SIGTERM', { timeoutMs: 10_000 }), 0, server.output());
  assert.ok(Date.now() - started < 5000, `exited promptly (${Date.now() - started} ms)`);
});

test('port already in use → the second server exits non-zero naming the address', { timeout: TIMEOUT }, async (t) => {
  const first = await startServer({ t });
  const dataDir = tempDir(t);
  const second = await runBinary({ args: ['serve', '--port', String(first.port), '--host', '127.0.0.1', '--data-dir', dataDir] });
  assert.notEqual(second.code, 0);
  assert.ok(!/visionary listening on/.test(second.stdout));
  assert.match(`${second.stdout}\n${second.stderr}`, new RegExp(`${first.port}[\\s\\S]*in use|in use[\\s\\S]*${first.port}`, 'i'));
  assert.equal((await api(first.url, '/api/health')).status, 200);
});

test('leftovers of an interrupted write and foreign files are never listed', { timeout: TIMEOUT }, async (t) => {
  const dataDir = tempDir(t);
  const first = await startServer({ t, dataDir });
  const res = await generate(first.url, { prompt: 'the only real image' });
  assert.equal(res.status, 201, res.text);
  assert.equal(await first.stop(), 0);
  // A crash mid-write leaves temp files; another tool may drop unrelated files.
  const imagesDir = path.join(dataDir, 'blobs', 'images', 'images');
  fs.writeFileSync(path.join(imagesDir, '.tmp-crashed12345'), 'half a png');
  fs.writeFileSync(path.join(imagesDir, 'notes.txt'), 'not an image');
  fs.writeFileSync(path.join(imagesDir, '0000000000000_no-token.png.blob'), 'not ours either');

  const second = await startServer({ t, dataDir });
  const listed = await api(second.url, '/api/getImages');
  assert.equal(listed.status, 200, listed.text);
  assert.deepEqual(listed.json.imageUrls.map((i) => i.id), [res.json.images[0].id]);
  // Paging one at a time still reaches the image exactly once.
  const seen = [];
  let cursor = null;
  for (let page = 0; page < 10; page++) {
    const query = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const paged = await api(second.url, `/api/getImages?limit=1${query}`);
    assert.equal(paged.status, 200, paged.text);
    seen.push(...paged.json.imageUrls.map((i) => i.id));
    cursor = paged.json.nextCursor;
    if (cursor === null) break;
  }
  assert.equal(cursor, null, 'paging ends');
  assert.deepEqual(seen, [res.json.images[0].id]);
});

test('SIGINT stops the server too (exit 0)', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({ t });
  assert.equal((await api(server.url, '/api/health')).status, 200);
  assert.equal(await server.stop('SIGINT'), 0, server.output());
});
