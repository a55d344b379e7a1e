// Gallery listing: newest first, cursor paging, stable links; deleting images.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { api, assertError, assertImage, generate, listStored, pageThrough, registerSecret, startApi } from '../support/server.mjs';

const TIMEOUT = 90_000;
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
registerSecret(ADMIN_TOKEN);

async function generateSequentially(base, prompts) {
  const ids = [];
  for (const prompt of prompts) {
    const res = await generate(base, { prompt });
    assert.equal(res.status, 201, res.text);
    ids.push(res.json.images[0].id);
  }
  return ids;
}

test('getImages: newest first, limit=2 pages through 5 images with nextCursor', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const prompts = ['first', 'second', 'third', 'fourth', 'fifth'];
  const ids = await generateSequentially(server.url, prompts);
  const newestFirst = [...ids].reverse();

  const all = await api(server.url, '/api/getImages');
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(all.json.imageUrls.map((i) => i.id), newestFirst, 'newest first');
  assert.deepEqual(all.json.imageUrls.map((i) => i.prompt), [...prompts].reverse());
  assert.equal(all.json.nextCursor, null);
  for (const image of all.json.imageUrls) assertImage(image, { provider: 'demo' });
  const created = all.json.imageUrls.map((i) => Date.parse(i.createdAt));
  assert.deepEqual(created, [...created].sort((a, b) => b - a), 'createdAt descending');

  const { seen, pageSizes, cursor } = await pageThrough(server.url, 2);
  assert.equal(cursor, null, 'the last page has nextCursor null');
  assert.deepEqual(seen, newestFirst, 'all five, once each, newest first');
  assert.equal(new Set(seen).size, 5, 'no duplicates');
  assert.deepEqual(pageSizes.slice(0, 2), [2, 2]);
});

test('getImages: a cursor keeps its place when a new image arrives between pages', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const ids = await generateSequentially(server.url, ['p1', 'p2', 'p3', 'p4']);
  const page1 = await api(server.url, '/api/getImages?limit=2');
  assert.deepEqual(page1.json.imageUrls.map((i) => i.id), [ids[3], ids[2]]);
  assert.equal(typeof page1.json.nextCursor, 'string');
  const [newcomer] = await generateSequentially(server.url, ['arrives late']);
  const page2 = await api(server.url, `/api/getImages?limit=2&cursor=${encodeURIComponent(page1.json.nextCursor)}`);
  assert.equal(page2.status, 200, page2.text);
  assert.deepEqual(page2.json.imageUrls.map((i) => i.id), [ids[1], ids[0]], 'continues where page 1 stopped');
  if (page2.json.nextCursor !== null) {
    const page3 = await api(server.url, `/api/getImages?limit=2&cursor=${encodeURIComponent(page2.json.nextCursor)}`);
    assert.deepEqual(page3.json.imageUrls, [], 'nothing after the oldest image');
    assert.equal(page3.json.nextCursor, null);
  }
  const fresh = await api(server.url, '/api/getImages?limit=1');
  assert.deepEqual(fresh.json.imageUrls.map((i) => i.id), [newcomer], 'the newcomer tops a fresh listing');
});

test('getImages: the same image keeps the same links across two list calls', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  await generateSequentially(server.url, ['stable one', 'stable two']);
  const first = await api(server.url, '/api/getImages');
  const second = await api(server.url, '/api/getImages');
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  const links = (res) => res.json.imageUrls.map((i) => [i.id, i.url, i.thumbnailUrl, i.expiresAt]);
  // Two calls may straddle a 5-minute boundary of the expiry grid; then a third call must agree with the second.
  if (first.json.imageUrls[0].expiresAt !== second.json.imageUrls[0].expiresAt) {
    const third = await api(server.url, '/api/getImages');
    assert.deepEqual(links(third), links(second), 'stable links');
  } else {
    assert.deepEqual(links(second), links(first), 'stable links');
  }
  // And by-id lookups hand out the same links.
  const image = second.json.imageUrls[0];
  const one = await api(server.url, `/api/images/${image.id}`);
  if (one.json.expiresAt === image.expiresAt) assert.equal(one.json.url, image.url);
});

test('DELETE /api/images/{id} without an admin token configured → 403 forbidden', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const [id] = await generateSequentially(server.url, ['keep me']);
  const filesBefore = listStored(server.dataDir);
  assertError(await api(server.url, `/api/images/${id}`, { method: 'DELETE' }), 403, 'forbidden');
  assertError(
    await api(server.url, `/api/images/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    403,
    'forbidden',
  );
  assert.equal((await api(server.url, `/api/images/${id}`)).status, 200, 'still there');
  assert.deepEqual(listStored(server.dataDir), filesBefore);
});

test('DELETE /api/images/{id} with an admin token: 401 without/wrong, 204 right, then gone', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t, env: { VISIONARY_ADMIN_TOKEN: ADMIN_TOKEN } });
  const [keep, victim] = await generateSequentially(server.url, ['keep this one', 'delete this one']);
  const victimImage = (await api(server.url, `/api/images/${victim}`)).json;
  const filesBefore = listStored(server.dataDir);
  const stem = victimImage.name.replace(/^images\//, '').replace(/\.png$/, '');
  assert.ok(filesBefore.some((f) => f.includes(stem)), 'the victim has files');

  assertError(await api(server.url, `/api/images/${victim}`, { method: 'DELETE' }), 401, 'unauthorized');
  assertError(
    await api(server.url, `/api/images/${victim}`, { method: 'DELETE', headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } }),
    401,
    'unauthorized',
  );
  assertError(
    await api(server.url, `/api/images/${victim}`, { method: 'DELETE', headers: { authorization: ADMIN_TOKEN } }),
    401,
    'unauthorized',
  );
  assert.deepEqual(listStored(server.dataDir), filesBefore, 'nothing removed by refused deletes');

  const deleted = await api(server.url, `/api/images/${victim}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.equal(deleted.status, 204, deleted.text);
  assert.equal(deleted.body.length, 0);
  assert.ok(deleted.headers.get('x-request-id'));

  assertError(await api(server.url, `/api/images/${victim}`), 404, 'not_found');
  const listed = await api(server.url, '/api/getImages');
  assert.deepEqual(listed.json.imageUrls.map((i) => i.id), [keep]);
  const filesAfter = listStored(server.dataDir);
  assert.deepEqual(filesAfter.filter((f) => f.includes(stem)), [], 'image, thumbnail and metadata removed');
  assert.ok(filesAfter.some((f) => f.startsWith('blobs/')), 'the other image stays');
  // The old signed link no longer serves bytes.
  const stale = await api(server.url, victimImage.url);
  assert.ok(stale.status === 404 || stale.status === 403, `deleted blob not served (got ${stale.status})`);
  // Unknown and garbage ids with the right token → 404.
  assertError(
    await api(server.url, '/api/images/not-an-id', { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    404,
    'not_found',
  );
  // Deleting again → 404.
  assertError(
    await api(server.url, `/api/images/${victim}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    404,
    'not_found',
  );
});
