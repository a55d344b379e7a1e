// The three roles: `functions` guarded by its function key (started as the Azure Functions host
// starts a custom handler), `web` forwarding to it with the key added server-side, what happens
// when the backend goes away and comes back, and two backend replicas sharing one Azure store.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import { startAzurite, uniqueContainer } from '../support/azurite.mjs';
import {
  api, assertError, closedPort, generate, logOf, registerSecret, startCustomHandler, startRole, waitFor,
} from '../support/server.mjs';

const KEY = 'fk-0123456789abcdef-secret';
registerSecret(KEY);

function startFunctions(t, env = {}) {
  return startCustomHandler({ t, env: { VISIONARY_FUNCTIONS_KEY: KEY, ...env } });
}

test('functions: listens on FUNCTIONS_CUSTOMHANDLER_PORT and requires the function key', async (t) => {
  const functions = await startFunctions(t);
  // --port 0 is on the command line too: the Functions host's port must win.
  assert.equal(functions.port, functions.customHandlerPort);

  assertError(await api(functions.url, '/api/getImages'), 401, 'invalid_function_key');
  assertError(await api(functions.url, '/api/getImages', { headers: { 'x-functions-key': 'fk-wrong-wrong-wrong-wrong' } }),
    401, 'invalid_function_key');
  assertError(await api(functions.url, '/api/nope'), 401, 'invalid_function_key');
  assert.equal((await api(functions.url, '/api/getImages', { headers: { 'x-functions-key': KEY } })).status, 200);
  assert.equal((await api(functions.url, `/api/health?code=${KEY}`)).status, 200);
  const created = await generate(functions.url, { prompt: 'a keyed request' }, { headers: { 'x-functions-key': KEY } });
  assert.equal(created.status, 201);
  // The backend alone serves no UI.
  assert.equal((await api(functions.url, '/')).status, 404);
});

test('web: forwards with the key, never shows the key or the backend address', async (t) => {
  const functions = await startFunctions(t);
  registerSecret(functions.url);
  registerSecret(`127.0.0.1:${functions.port}`);
  const web = await startRole('web', { t, env: { VISIONARY_FUNCTIONS_URL: functions.url, VISIONARY_FUNCTIONS_KEY: KEY } });

  const created = await generate(web.url, { prompt: 'Through the middleware. _/?#' });
  assert.equal(created.status, 201);
  const [image] = created.json.images;
  const listed = await api(web.url, '/api/getImages');
  assert.equal(listed.status, 200);
  assert.equal(listed.json.imageUrls[0].id, image.id);
  // Embedded-store links are site-relative: the browser loads them from the web origin.
  assert.match(image.url, /^\/blobs\//);
  const picture = await api(web.url, image.url);
  assert.equal(picture.status, 200);
  assert.equal(picture.headers.get('content-type'), 'image/png');
  assert.equal(picture.body.length, image.bytes);
  const thumbnail = await api(web.url, image.thumbnailUrl, { headers: { range: 'bytes=0-11' } });
  assert.equal(thumbnail.status, 206);
  assert.equal(thumbnail.body.subarray(8, 12).toString('latin1'), 'WEBP');

  // Errors keep the one shape and the request id of the web tier.
  const bad = await generate(web.url, { prompt: '   ' });
  assertError(bad, 400, 'invalid_request');
  assertError(await api(web.url, '/api/images/not-an-id'), 404, 'not_found');
  for (const path of ['/', '/index.html', '/api/config', '/api/health', '/api/suggestion']) {
    assert.ok([200, 304].includes((await api(web.url, path)).status), path);  // api() scans for the secrets
  }
  const page = await api(web.url, '/');
  const script = page.text.match(/src="(\/assets\/[^"]+\.js)"/);
  if (script) await api(web.url, script[1]);
});

test('web: bad requests are refused at the edge and never reach the backend', async (t) => {
  const functions = await startFunctions(t);
  const web = await startRole('web', { t, env: { VISIONARY_FUNCTIONS_URL: functions.url, VISIONARY_FUNCTIONS_KEY: KEY } });
  const before = functions.stdout().split('\n').filter((line) => line.includes('/api/')).length;
  assertError(await api(web.url, '/api/generateImage', { method: 'POST', body: 'not json', headers: { 'content-type': 'application/json' } }), 400, 'invalid_request');
  assertError(await api(web.url, '/api/generateImage', { method: 'POST', body: '{"prompt":"x"}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  assertError(await api(web.url, '/api/getImages?limit=0'), 400, 'invalid_request');
  assertError(await api(web.url, '/api/getImages?cursor=%%%'), 400, 'invalid_request');
  assertError(await api(web.url, '/api/getImages', { method: 'PUT' }), 405, 'method_not_allowed');
  assertError(await api(web.url, '/blobs/images/a%2Fb.png?sig=x'), 400, 'invalid_request');
  const after = functions.stdout().split('\n').filter((line) => line.includes('/api/')).length;
  assert.equal(after, before, 'the backend saw none of these requests');
});

test('web: a wrong function key is a server-side problem, not the visitor\'s', async (t) => {
  const functions = await startFunctions(t);
  const web = await startRole('web', { t, env: { VISIONARY_FUNCTIONS_URL: functions.url, VISIONARY_FUNCTIONS_KEY: 'fk-not-the-right-key-at-all' } });
  const answer = await api(web.url, '/api/getImages');
  const error = assertError(answer, 503, 'backend_unavailable');
  assert.match(error.message, /operator/);
  assert.doesNotMatch(error.message, /VISIONARY_FUNCTIONS_KEY/, 'settings are for the log, not for visitors');
  assert.match(await logOf(web, error.requestId, /function key/), /VISIONARY_FUNCTIONS_KEY/);
});

test('web: backend down gives a clear 503, and it recovers when the backend is back', async (t) => {
  const port = await closedPort();
  const env = { FUNCTIONS_CUSTOMHANDLER_PORT: port, VISIONARY_FUNCTIONS_KEY: KEY };
  const first = await startRole('functions', { t, env });
  const web = await startRole('web', { t, env: { VISIONARY_FUNCTIONS_URL: first.url, VISIONARY_FUNCTIONS_KEY: KEY } });
  assert.equal((await api(web.url, '/api/getImages')).status, 200);

  assert.equal(await first.stop(), 0);
  const down = await api(web.url, '/api/getImages');
  assertError(down, 503, 'backend_unavailable');
  assert.doesNotMatch(down.text, new RegExp(String(port)));

  await startRole('functions', { t, env, dataDir: first.dataDir });
  await waitFor(async () => (await api(web.url, '/api/getImages')).status === 200, { what: 'web to reach the new backend' });
});

test('two functions replicas on one Azure store behind one web behave as one', async (t) => {
  const azurite = await startAzurite({ t });
  const storage = {
    VISIONARY_STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    VISIONARY_CONTAINER: uniqueContainer('replicas'),
  };
  const one = await startFunctions(t, storage);
  const two = await startFunctions(t, storage);
  const viaOne = await generate(one.url, { prompt: 'made by replica one' }, { headers: { 'x-functions-key': KEY } });
  assert.equal(viaOne.status, 201);
  const listedByTwo = await api(two.url, '/api/getImages', { headers: { 'x-functions-key': KEY } });
  assert.deepEqual(listedByTwo.json.imageUrls.map((i) => i.id), [viaOne.json.images[0].id]);

  const web = await startRole('web', { t, env: { VISIONARY_FUNCTIONS_URL: two.url, VISIONARY_FUNCTIONS_KEY: KEY } });
  const viaWeb = await generate(web.url, { prompt: 'made through web and replica two' });
  assert.equal(viaWeb.status, 201);
  const listedByOne = await api(one.url, '/api/getImages', { headers: { 'x-functions-key': KEY } });
  assert.deepEqual(listedByOne.json.imageUrls.map((i) => i.id), [viaWeb.json.images[0].id, viaOne.json.images[0].id]);
  // Links point straight at storage, usable by a browser that only knows the web origin.
  const picture = await fetch(listedByOne.json.imageUrls[1].url);
  assert.equal(picture.status, 200);
  assert.equal(picture.headers.get('content-type'), 'image/png');
});

test('web: /blobs paths reach the backend only rebuilt from the checked container and name', async (t) => {
  const seen = [];
  const backend = http.createServer((req, res) => {
    seen.push({ url: req.url, key: req.headers['x-functions-key'] });
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': '1' });
    res.end('x');
  });
  await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => backend.close(resolve)));
  const web = await startRole('web', {
    t, env: { VISIONARY_FUNCTIONS_URL: `http://127.0.0.1:${backend.address().port}`, VISIONARY_FUNCTIONS_KEY: KEY },
  });
  const rawGet = (path) => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: new URL(web.url).port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
  // Dot segments, encoded or not, and container names no store can have: refused at the edge.
  for (const path of ['/blobs/%2e%2e/api/admin/usage?sig=x', '/blobs/../api/admin/usage', '/blobs/%2E%2E/%2e%2e/api/health',
    '/blobs/images/images/%2e%2e/x.png', '/blobs/images/./x.png', '/blobs/IMAGES/x.png', '/blobs/a/x.png', '/blobs/images%00/x.png']) {
    assert.equal(await rawGet(path), 400, path);
  }
  assert.deepEqual(seen, [], 'the backend saw none of the refused paths');
  // A valid link arrives in one canonical spelling, whatever the browser's encoding was.
  assert.equal(await rawGet('/blobs/images/images/8204433994950_x_abcdefghij%2epng?sp=r&sig=a%2bb%3d&x=%0d%0a'), 200);
  assert.deepEqual(seen, [{ url: '/blobs/images/images/8204433994950_x_abcdefghij.png?sp=r&sig=a%2Bb%3D&x=%0D%0A', key: KEY }]);
});

test('web relays image bytes as they arrive instead of holding the whole answer', { timeout: 30_000 }, async (t) => {
  // A backend that sends the first half of a file, then waits until the client has that half.
  const half = Buffer.alloc(300_000, 7);
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const backend = http.createServer(async (req, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(half.length * 2) });
    res.write(half);
    await released;
    res.end(half);
  });
  await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    release();
    backend.closeAllConnections();
    return new Promise((resolve) => backend.close(resolve));
  });
  const web = await startRole('web', { t, env: { VISIONARY_FUNCTIONS_URL: `http://127.0.0.1:${backend.address().port}` } });

  const response = await new Promise((resolve, reject) => {
    http.get(`${web.url}/blobs/images/images/8204433994950_x_abcdefghij.png?sig=x`, resolve).on('error', reject);
  });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['content-length'], String(half.length * 2));
  assert.ok(response.headers['x-request-id']);
  let received = 0;
  for await (const chunk of response) {
    received += chunk.length;
    // Only a relay delivers this half while the backend still holds the rest back.
    if (received >= half.length) release();
  }
  assert.equal(received, half.length * 2);
});
