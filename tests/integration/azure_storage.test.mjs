// The real binary on Azure Blob Storage (VISIONARY_STORAGE=azure) against the emulator Azurite:
// images and thumbnails land in the container, links are per-blob read-only service SAS served by
// storage itself, paging uses the store's own marker, deletion works, and Azurite (standing in for
// Azure) refuses every altered link. A rejected key stops startup; an outage gives 503 and no
// half-written image.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';

import { api, assertError, generate, pageThrough, registerSecret, runBinary, startServer, tempDir } from '../support/server.mjs';
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, uniqueContainer } from '../support/azurite.mjs';

const TIMEOUT = 120_000;
const ADMIN_TOKEN = 'admin-token-azure-0123456789abcdef';
const MAX_LINK_LIFETIME_MS = 30 * 60 * 1000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Every separator a blob name or URL could trip on, and text outside ASCII.
const TRICKY_PROMPT = 'Ein Fuchs 🦊 im Schnee — «café». _ / ? # 日本の狐 100% a+b=c & more';

registerSecret(ADMIN_TOKEN);
registerSecret(AZURITE_KEY); // the account key never appears in any API response

let azurite; // shared by the tests of this file; the outage test starts its own
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite?.cleanup();
});

function azureEnv(az, container, extra = {}) {
  return {
    VISIONARY_STORAGE: 'azure',
    AZURE_STORAGE_CONNECTION_STRING: az.connectionString,
    VISIONARY_CONTAINER: container,
    VISIONARY_PROVIDER: 'demo',
    ...extra,
  };
}

async function startAzureServer(t, { az = azurite, container = uniqueContainer(), env = {} } = {}) {
  const server = await startServer({ t, env: azureEnv(az, container, env) });
  return { server, container };
}

// ---------------------------------------------------------------- talking to Azurite directly

/** A Shared Key signed GET to Azurite (independent of the C++ signer): Get Container Properties, List Blobs. */
async function azureGet(az, container, query = {}) {
  return azureRequest(az, 'GET', container, query);
}

/** Shared Key signed request without a body (GET, DELETE) on a container. */
async function azureRequest(az, method, container, query = {}) {
  const pairs = Object.entries(query);
  const path = `/${AZURITE_ACCOUNT}/${container}`;
  const search = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const headers = { 'x-ms-date': new Date().toUTCString(), 'x-ms-version': '2025-11-05' };
  const canonicalHeaders = Object.keys(headers).sort().map((k) => `${k}:${headers[k]}\n`).join('');
  const canonicalQuery = [...pairs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `\n${k.toLowerCase()}:${v}`).join('');
  const stringToSign = `${method}${'\n'.repeat(12)}${canonicalHeaders}/${AZURITE_ACCOUNT}${path}${canonicalQuery}`;
  const sig = crypto.createHmac('sha256', Buffer.from(AZURITE_KEY, 'base64')).update(stringToSign, 'utf8').digest('base64');
  const res = await fetch(`http://127.0.0.1:${az.port}${path}${search ? `?${search}` : ''}`, {
    method,
    headers: { ...headers, authorization: `SharedKey ${AZURITE_ACCOUNT}:${sig}` },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/**
 * Every blob name in the container (one List Blobs call; the tests store far fewer than 5000),
 * without bookkeeping that every generation, even a failed one, updates: the spending ledger, job
 * records and replica heartbeats.
 */
const isBookkeeping = (name) => /^(ledger|jobs|replicas)\//.test(name);

async function storedBlobs(az, container) {
  const res = await azureGet(az, container, { restype: 'container', comp: 'list' });
  assert.equal(res.status, 200, `List Blobs: ${res.text}`);
  const names = [...res.text.matchAll(/<Blob>\s*<Name>([^<]*)<\/Name>/g)].map((m) => m[1]);
  return names.filter((name) => !isBookkeeping(name)).sort();
}

/** GET/PUT on a blob URL exactly as given (absolute link from the API). */
async function fetchBlob(url, init = {}) {
  const res = await fetch(url, { redirect: 'manual', ...init });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

// ---------------------------------------------------------------- link helpers (absolute URLs)

function linkParts(link) {
  const q = link.indexOf('?');
  assert.ok(q > 0, `link has a query: ${link}`);
  const params = link.slice(q + 1).split('&').map((kv) => {
    const eq = kv.indexOf('=');
    return eq < 0 ? [kv, ''] : [kv.slice(0, eq), kv.slice(eq + 1)];
  });
  return { base: link.slice(0, q), query: link.slice(q + 1), params };
}
const rawParam = (link, name) => linkParts(link).params.find(([k]) => k === name)?.[1];
function withRawParam(link, name, rawValue) {
  const { base, params } = linkParts(link);
  return `${base}?${params.map(([k, v]) => `${k}=${k === name ? rawValue : v}`).join('&')}`;
}
function flipFirstChar(base64) {
  return (base64[0] === 'A' ? 'B' : 'A') + base64.slice(1);
}
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** url/thumbnailUrl are per-blob, read-only service SAS links straight to Azurite. */
function assertAzureLinks(image, az, container) {
  const prefix = `${az.endpoint}/${container}/`;
  assert.equal(linkParts(image.url).base, `${prefix}${image.name}`, 'url is the image blob in the container on Azurite');
  assert.ok(linkParts(image.thumbnailUrl).base.startsWith(`${prefix}thumbnails/`), `thumbnailUrl on Azurite: ${image.thumbnailUrl}`);
  const expires = Date.parse(image.expiresAt);
  for (const [what, link, type] of [['url', image.url, 'image/png'], ['thumbnailUrl', image.thumbnailUrl, 'image/webp']]) {
    const names = linkParts(link).params.map(([k]) => k);
    assert.equal(new Set(names).size, names.length, `${what}: no repeated parameter`);
    assert.equal(rawParam(link, 'sv'), '2025-11-05', `${what}: sv`);
    assert.equal(rawParam(link, 'sr'), 'b', `${what}: one blob (sr=b), never a container`);
    assert.equal(rawParam(link, 'sp'), 'r', `${what}: read only (sp=r), no write permission`);
    assert.equal(rawParam(link, 'spr'), 'https%2Chttp', `${what}: spr=https,http (Azurite speaks plain http)`);
    assert.equal(decodeURIComponent(rawParam(link, 'rsct') ?? ''), type, `${what}: rsct`);
    const rscc = decodeURIComponent(rawParam(link, 'rscc') ?? '');
    const maxAge = /^private, max-age=(\d+)$/.exec(rscc);
    assert.ok(maxAge, `${what}: rscc is "private, max-age=N": ${rscc}`);
    assert.ok(Number(maxAge[1]) > 0 && Number(maxAge[1]) <= 1800, `${what}: max-age ${maxAge[1]} ≤ 1800`);
    assert.ok(rawParam(link, 'sig'), `${what}: sig`);
    for (const forbidden of ['ss', 'srt', 'si', 'sip', 'st', 'ses']) {
      assert.equal(rawParam(link, forbidden), undefined, `${what}: no ${forbidden} (not an account SAS, no policy)`);
    }
    const se = Date.parse(decodeURIComponent(rawParam(link, 'se')));
    assert.equal(se, expires, `${what}: se equals expiresAt`);
    assert.ok(se > Date.now(), `${what}: se in the future`);
    assert.ok(se <= Date.now() + MAX_LINK_LIFETIME_MS + 1000, `${what}: se at most 30 minutes ahead`);
  }
}

/** Downloads both links of an image from Azurite and checks type, magic and size. */
async function assertServedByAzurite(image) {
  const png = await fetchBlob(image.url);
  assert.equal(png.status, 200, `GET url: ${png.body.toString('utf8').slice(0, 300)}`);
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.ok(png.body.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG magic');
  assert.equal(png.body.length, image.bytes, 'PNG length equals image.bytes');
  assert.match(png.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);
  const thumb = await fetchBlob(image.thumbnailUrl);
  assert.equal(thumb.status, 200, `GET thumbnailUrl: ${thumb.body.toString('utf8').slice(0, 300)}`);
  assert.equal(thumb.headers.get('content-type'), 'image/webp');
  assert.equal(thumb.body.toString('latin1', 0, 4), 'RIFF', 'WebP magic (RIFF)');
  assert.equal(thumb.body.toString('latin1', 8, 12), 'WEBP', 'WebP magic (WEBP)');
  return png.body;
}

async function generateOne(base, prompt) {
  const res = await generate(base, { prompt });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.images.length, 1);
  return res.json.images[0];
}

/**
 * A loopback HTTP proxy in front of Azurite that can fail chosen requests. decide(req, attempt)
 * returns 'pass', 'reset' (drop the connection) or {status, code} (an Azure-style error answer);
 * attempt counts requests per "METHOD path" from 1. Every request is recorded in log.
 */
async function startFaultyProxy(t, az, decide) {
  const log = [];
  const attempts = new Map();
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${req.url.split('?')[0]}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const action = decide(req, attempt);
    log.push({ method: req.method, path: decodeURIComponent(req.url.split('?')[0]), attempt, action: typeof action === 'string' ? action : action.status });
    if (action === 'reset') {
      req.socket.destroy();
      return;
    }
    if (action !== 'pass') {
      req.resume();
      res.writeHead(action.status, { 'content-type': 'application/xml', 'x-ms-error-code': action.code, 'x-ms-request-id': 'injected' });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${action.code}</Code><Message>injected by the test</Message></Error>`);
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: az.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  t.after(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  }));
  const port = server.address().port;
  return {
    log,
    // What the server under test is configured with: same account and key, the proxy's port.
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`,
    endpoint: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
  };
}

// ---------------------------------------------------------------- the tests

test('azure: the container is created at startup; generate stores image + thumbnail served by Azurite through read-only SAS', { timeout: TIMEOUT }, async (t) => {
  const container = uniqueContainer('gen');
  assert.equal((await azureGet(azurite, container, { restype: 'container' })).status, 404, 'the container does not exist yet');
  const { server } = await startAzureServer(t, { container });
  const props = await azureGet(azurite, container, { restype: 'container' });
  assert.equal(props.status, 200, `the server created its container at startup: ${props.text}`);

  const health = await api(server.url, '/api/health');
  assert.equal(health.status, 200);
  assert.equal(health.json.storage, 'azure');

  const empty = await api(server.url, '/api/getImages');
  assert.equal(empty.status, 200, empty.text);
  assert.deepEqual(empty.json.imageUrls, []);
  assert.equal(empty.json.nextCursor, null);

  const created = await generateOne(server.url, TRICKY_PROMPT);
  assert.equal(created.prompt, TRICKY_PROMPT, 'the prompt comes back exactly as typed');
  assert.equal(created.provider, 'demo');
  assert.match(created.name, /^images\/\d{13}_[a-z0-9-]*_[A-Za-z0-9]+\.png$/, 'ASCII slug name');
  assertAzureLinks(created, azurite, container);

  const listed = await api(server.url, '/api/getImages');
  assert.equal(listed.status, 200, listed.text);
  assert.equal(listed.json.imageUrls.length, 1);
  const image = listed.json.imageUrls[0];
  assert.equal(image.id, created.id);
  assert.equal(image.name, created.name);
  assert.equal(image.prompt, TRICKY_PROMPT, 'the prompt survives the trip through blob metadata');
  assert.equal(image.bytes, created.bytes);
  assert.equal(image.width, created.width);
  assert.equal(image.height, created.height);
  assertAzureLinks(image, azurite, container);
  const png = await assertServedByAzurite(image);
  assert.ok(png.includes(Buffer.from('visionary', 'latin1')), 'the PNG carries its text chunk');

  // Exactly the image and its thumbnail are stored.
  const stored = await storedBlobs(azurite, container);
  assert.equal(stored.length, 2, `stored: ${stored}`);
  assert.ok(stored.includes(image.name));
  assert.ok(stored.some((n) => n.startsWith('thumbnails/')));
});

test('azure: getImages pages over 5 images with limit=2, the cursor wrapping the store marker', { timeout: TIMEOUT }, async (t) => {
  const { server, container } = await startAzureServer(t);
  const prompts = ['one', 'two', 'three', 'four', 'five'];
  const ids = [];
  for (const prompt of prompts) ids.push((await generateOne(server.url, prompt)).id);
  const newestFirst = [...ids].reverse();

  const { seen, pageSizes, cursor } = await pageThrough(server.url, 2, {
    onPage(images, next) {
      for (const image of images) assertAzureLinks(image, azurite, container);
      // Opaque to clients, but it is the store's own NextMarker (Azurite: the last name of the page).
      if (next !== null) {
        assert.equal(Buffer.from(next, 'base64url').toString('utf8'), `v1:${images.at(-1).name}`,
          'the cursor carries the List Blobs marker');
      }
    },
  });
  assert.equal(cursor, null, 'the last page has nextCursor null');
  assert.deepEqual(seen, newestFirst, 'all five, once each, newest first');
  assert.deepEqual(pageSizes.slice(0, 2), [2, 2]);
  assert.equal(pageSizes.reduce((a, b) => a + b, 0), 5);

  // Spot-check that the links of a later page work too.
  const last = await api(server.url, `/api/images/${ids[0]}`);
  assert.equal(last.status, 200, last.text);
  await assertServedByAzurite(last.json);
});

test('azure: GET /api/images/{id} and DELETE with the admin token', { timeout: TIMEOUT }, async (t) => {
  const { server, container } = await startAzureServer(t, { env: { VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN } });
  const keep = await generateOne(server.url, 'keep me');
  const gone = await generateOne(server.url, 'delete me / please?');

  const found = await api(server.url, `/api/images/${gone.id}`);
  assert.equal(found.status, 200, found.text);
  assert.equal(found.json.id, gone.id);
  assert.equal(found.json.prompt, 'delete me / please?');
  assertAzureLinks(found.json, azurite, container);
  await assertServedByAzurite(found.json);

  assertError(await api(server.url, `/api/images/${gone.id}`, { method: 'DELETE' }), 401, 'unauthorized');
  assertError(await api(server.url, `/api/images/${gone.id}`, { method: 'DELETE', headers: { authorization: 'Bearer wrong' } }), 401, 'unauthorized');
  assert.equal((await fetchBlob(found.json.url)).status, 200, 'a refused delete deletes nothing');

  const deleted = await api(server.url, `/api/images/${gone.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(deleted.status, 204, deleted.text);
  assertError(await api(server.url, `/api/images/${gone.id}`), 404, 'not_found');
  const again = await api(server.url, `/api/images/${gone.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assertError(again, 404, 'not_found');

  const listed = await api(server.url, '/api/getImages');
  assert.deepEqual(listed.json.imageUrls.map((i) => i.id), [keep.id]);
  // Both blobs are gone from storage: the old links now find nothing.
  assert.equal((await fetchBlob(found.json.url)).status, 404);
  assert.equal((await fetchBlob(found.json.thumbnailUrl)).status, 404);
  const stored = await storedBlobs(azurite, container);
  assert.equal(stored.length, 2, `only the kept image and its thumbnail remain: ${stored}`);
  assert.ok(stored.includes(keep.name));
});

test('azure: Azurite refuses altered links (tampered sig, later se, other blob, write with the read SAS)', { timeout: TIMEOUT }, async (t) => {
  const { server } = await startAzureServer(t);
  const image = await generateOne(server.url, 'a guarded fox');
  const original = await assertServedByAzurite(image); // the untouched links work: every 403 below is the change's doing

  const sig = decodeURIComponent(rawParam(image.url, 'sig'));
  const se = Date.parse(decodeURIComponent(rawParam(image.url, 'se')));
  const refusals = {
    'tampered sig': withRawParam(image.url, 'sig', encodeURIComponent(flipFirstChar(sig))),
    'se moved to the past, same sig': withRawParam(image.url, 'se', encodeURIComponent(isoSeconds(Date.now() - 5 * 60 * 1000))),
    'se moved later, same sig': withRawParam(image.url, 'se', encodeURIComponent(isoSeconds(se + 60 * 60 * 1000))),
    'sp=rw with the same sig': withRawParam(image.url, 'sp', 'rw'),
    'sr=c with the same sig': withRawParam(image.url, 'sr', 'c'),
    'image SAS on the thumbnail blob': `${linkParts(image.thumbnailUrl).base}?${linkParts(image.url).query}`,
    'thumbnail SAS on the image blob': `${linkParts(image.url).base}?${linkParts(image.thumbnailUrl).query}`,
  };
  for (const [what, link] of Object.entries(refusals)) {
    const res = await fetchBlob(link);
    assert.equal(res.status, 403, `${what}: expected 403, got ${res.status}`);
    assert.ok(['AuthorizationFailure', 'AuthenticationFailed'].includes(res.headers.get('x-ms-error-code')),
      `${what}: error code ${res.headers.get('x-ms-error-code')}`);
    assert.ok(!res.body.subarray(0, 8).equals(PNG_SIGNATURE), `${what}: no image bytes`);
  }

  // Writing with the read SAS: refused, and the blob is unchanged.
  const put = await fetchBlob(image.url, {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'image/png' },
    body: Buffer.from('overwritten by an attacker'),
  });
  assert.equal(put.status, 403, `PUT with the read SAS: ${put.body.toString('utf8').slice(0, 300)}`);
  assert.ok(['AuthorizationPermissionMismatch', 'AuthorizationFailure'].includes(put.headers.get('x-ms-error-code')),
    `PUT error code ${put.headers.get('x-ms-error-code')}`);
  const del = await fetchBlob(image.url, { method: 'DELETE' });
  assert.equal(del.status, 403, 'DELETE with the read SAS');
  const unchanged = await fetchBlob(image.url);
  assert.equal(unchanged.status, 200);
  assert.ok(unchanged.body.equals(original), 'the blob is unchanged');

  // Without any signature the container is private.
  assert.equal((await fetchBlob(linkParts(image.url).base)).status, 403, 'anonymous read is refused');
});

test('azure: a wrong AccountKey stops startup with a clear message that does not show the key', { timeout: TIMEOUT }, async (t) => {
  const wrongKey = Buffer.alloc(64).toString('base64'); // valid base64, not the account's key
  registerSecret(wrongKey);
  const env = azureEnv(azurite, uniqueContainer('badkey'), {
    AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${wrongKey};BlobEndpoint=${azurite.endpoint};`,
  });
  const run = await runBinary({ env, args: ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', tempDir(t)] });
  const output = `${run.stdout}\n${run.stderr}`;
  assert.notEqual(run.code, 0, `exits non-zero:\n${output}`);
  assert.ok(!/listening on/.test(run.stdout), 'never starts listening');
  assert.match(output, /rejected/i, `says the key was rejected:\n${output}`);
  assert.match(output, /AccountKey|account key/i, `names the key setting:\n${output}`);
  assert.ok(!output.includes(wrongKey), 'the key is not printed');
  assert.ok(!output.includes(wrongKey.slice(0, 16)), 'no part of the key is printed');
  assert.ok(!output.includes(AZURITE_KEY.slice(0, 16)), 'no real key either');
});

test('azure: an AccountKey that is not base64 is refused before any request, without echoing it', { timeout: TIMEOUT }, async (t) => {
  const badKey = 'not*base64*at*all-secretish-0123456789';
  const env = azureEnv(azurite, uniqueContainer('badb64'), {
    AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${badKey};BlobEndpoint=${azurite.endpoint};`,
  });
  const run = await runBinary({ env, args: ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', tempDir(t)] });
  const output = `${run.stdout}\n${run.stderr}`;
  assert.notEqual(run.code, 0, `exits non-zero:\n${output}`);
  assert.match(output, /AccountKey/, output);
  assert.match(output, /base64/, output);
  assert.ok(!output.includes(badKey), `the key is not printed:\n${output}`);
});

test('azure: Azurite down → 503 storage_unavailable; back on the same port and location → exactly the complete images', { timeout: TIMEOUT }, async (t) => {
  const own = await startAzurite({ t }); // its own emulator: the other tests keep theirs
  const { server, container } = await startAzureServer(t, { az: own });
  const completed = [];
  for (const prompt of ['before the outage 1', 'before the outage 2']) completed.push(await generateOne(server.url, prompt));
  const port = own.port;

  await own.stop();
  const failedGenerate = await generate(server.url, { prompt: 'during the outage' });
  const genError = assertError(failedGenerate, 503, 'storage_unavailable');
  assert.ok(!genError.message.includes(AZURITE_KEY));
  assertError(await api(server.url, '/api/getImages'), 503, 'storage_unavailable');
  assertError(await api(server.url, `/api/images/${completed[0].id}`), 503, 'storage_unavailable');
  const health = await api(server.url, '/api/health');
  assert.equal(health.status, 200, 'the server itself stays up');

  await own.start();
  assert.equal(own.port, port, 'same port');
  const listed = await api(server.url, '/api/getImages');
  assert.equal(listed.status, 200, listed.text);
  assert.deepEqual(listed.json.imageUrls.map((i) => i.id), completed.map((i) => i.id).reverse(), 'exactly the images completed before');
  for (const image of listed.json.imageUrls) {
    assertAzureLinks(image, own, container);
    await assertServedByAzurite(image); // nothing half-written: both blobs of every listed image exist
  }
  const stored = await storedBlobs(own, container);
  assert.equal(stored.length, 4, `two images and two thumbnails, no orphans: ${stored}`);

  // And the server recovers for writes too.
  const afterwards = await generateOne(server.url, 'after the outage');
  await assertServedByAzurite(afterwards);
});

test('azure: a 4000-character non-ASCII prompt (beyond the metadata budget) comes back exactly', { timeout: TIMEOUT }, async (t) => {
  const { server } = await startAzureServer(t);
  const config = await api(server.url, '/api/config');
  const max = config.json.limits.promptMaxChars;
  assert.ok(max >= 1000, `promptMaxChars ${max}`);
  const prompt = '🦊 Füchsin im Schnee, 日本の狐. _ / ? # '.repeat(200).slice(0, 10_000);
  const chars = [...prompt].slice(0, max).join('').trim();
  const created = await generateOne(server.url, chars);
  assert.equal(created.prompt, chars);
  const listed = await api(server.url, '/api/getImages');
  assert.equal(listed.status, 200, listed.text);
  assert.equal([...listed.json.imageUrls[0].prompt].length, [...chars].length, 'no character lost');
  assert.equal(listed.json.imageUrls[0].prompt, chars, 'restored from the PNG text chunk through a ranged read on Azure');
  const found = await api(server.url, `/api/images/${created.id}`);
  assert.equal(found.json.prompt, chars);
});

test('azure: 503 ServerBusy from storage is retried and the generation succeeds', { timeout: TIMEOUT }, async (t) => {
  const proxy = await startFaultyProxy(t, azurite, (req, attempt) =>
    (req.method === 'PUT' && !req.url.includes('restype=container') && attempt === 1 ? { status: 503, code: 'ServerBusy' } : 'pass'));
  const container = uniqueContainer('busy');
  const { server } = await startAzureServer(t, { container, env: { AZURE_STORAGE_CONNECTION_STRING: proxy.connectionString } });
  const image = await generateOne(server.url, 'a patient fox');
  const puts = proxy.log.filter((e) => e.method === 'PUT' && !e.path.endsWith(`/${container}`) &&
    !isBookkeeping(e.path.split('/').slice(3).join('/')));
  assert.deepEqual(puts.map((e) => [e.path.split('/').at(3), e.attempt, e.action]),
    [['thumbnails', 1, 503], ['thumbnails', 2, 'pass'], ['images', 1, 503], ['images', 2, 'pass']],
    'thumbnail first, image last, each retried once');
  const listed = await api(server.url, '/api/getImages');
  assert.deepEqual(listed.json.imageUrls.map((i) => i.id), [image.id]);
  assert.equal(linkParts(listed.json.imageUrls[0].url).base.startsWith(`${proxy.endpoint}/${container}/`), true);
  assert.deepEqual((await storedBlobs(azurite, container)).length, 2);
});

test('azure: storage failing between thumbnail and image leaves nothing behind', { timeout: TIMEOUT }, async (t) => {
  let failImages = true;
  const proxy = await startFaultyProxy(t, azurite, (req) =>
    (failImages && req.method === 'PUT' && decodeURIComponent(req.url).includes('/images/') ? 'reset' : 'pass'));
  const container = uniqueContainer('half');
  const { server } = await startAzureServer(t, { container, env: { AZURE_STORAGE_CONNECTION_STRING: proxy.connectionString } });

  const failed = await generate(server.url, { prompt: 'a fox that never arrives' });
  assertError(failed, 503, 'storage_unavailable');
  const imagePuts = proxy.log.filter((e) => e.method === 'PUT' && e.path.includes('/images/'));
  assert.ok(imagePuts.length >= 1, 'the image write was attempted (after the thumbnail)');
  const thumbPuts = proxy.log.filter((e) => e.method === 'PUT' && e.path.includes('/thumbnails/'));
  assert.equal(thumbPuts.length, 1, 'the thumbnail was written first');
  const rollBack = proxy.log.filter((e) => e.method === 'DELETE');
  assert.deepEqual(rollBack.map((e) => e.path), [thumbPuts[0].path], 'the thumbnail is rolled back');
  assert.deepEqual(await storedBlobs(azurite, container), [], 'no orphan thumbnail, no image');
  const listed = await api(server.url, '/api/getImages');
  assert.equal(listed.status, 200, listed.text);
  assert.deepEqual(listed.json.imageUrls, []);

  failImages = false;
  const image = await generateOne(server.url, 'a fox that does arrive');
  await assertServedByAzurite(image);
});

test('azure: a container deleted while running is a storage error, not "404 not_found"', { timeout: TIMEOUT }, async (t) => {
  const { server, container } = await startAzureServer(t);
  await generateOne(server.url, 'soon without a home');
  const removed = await azureRequest(azurite, 'DELETE', container, { restype: 'container' });
  assert.equal(removed.status, 202, `Delete Container: ${removed.text}`);

  // The route exists and the request is fine: 404 not_found ("No such file.") would tell the UI
  // the gallery or the endpoint is missing. Storage lost its container: that is a storage failure.
  for (const [what, res] of [
    ['GET /api/getImages', await api(server.url, '/api/getImages')],
    ['POST /api/generateImage', await generate(server.url, { prompt: 'where does this go?' })],
  ]) {
    assert.ok(res.status >= 500, `${what}: expected a 5xx storage error, got ${res.status} ${res.text}`);
    assert.ok(['storage_error', 'storage_unavailable'].includes(res.json?.error?.code), `${what}: code ${res.text}`);
    assert.match(res.json.error.message, /container/i, `${what}: the message names the missing container`);
  }
});
