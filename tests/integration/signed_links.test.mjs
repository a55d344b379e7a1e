// Signed blob links: anything but the exact, unmodified, read-only link for that blob is refused,
// and paths that could escape the store are rejected before any lookup.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { api, assertError, generate, request, splitLink, startApi, withParam } from '../support/server.mjs';

const TIMEOUT = 60_000;

async function serverWithImage(t) {
  const server = await startApi({ t });
  const res = await generate(server.url, { prompt: 'a signed fox' });
  assert.equal(res.status, 201, res.text);
  const image = res.json.images[0];
  // The untouched links work, so every 403 below is caused by the change the test makes.
  assert.equal((await api(server.url, image.url)).status, 200);
  assert.equal((await api(server.url, image.thumbnailUrl)).status, 200);
  return { server, image };
}

const param = (link, name) => splitLink(link).params.find(([k]) => k === name)?.[1];

function flipFirstChar(base64) {
  return (base64[0] === 'A' ? 'B' : 'A') + base64.slice(1);
}

test('tampered, missing and re-used signatures → 403 forbidden', { timeout: TIMEOUT }, async (t) => {
  const { server, image } = await serverWithImage(t);
  const sig = decodeURIComponent(param(image.url, 'sig'));

  const cases = {
    'tampered sig': withParam(image.url, 'sig', encodeURIComponent(flipFirstChar(sig))),
    'truncated sig': withParam(image.url, 'sig', encodeURIComponent(sig.slice(0, -4))),
    'missing sig': withParam(image.url, 'sig', null),
    'empty sig': withParam(image.url, 'sig', ''),
    'image sig on the thumbnail path': `${splitLink(image.thumbnailUrl).path}?${image.url.split('?')[1]}`,
    'thumbnail sig on the image path': `${splitLink(image.url).path}?${image.thumbnailUrl.split('?')[1]}`,
    'sp=rw with the same sig': withParam(image.url, 'sp', 'rw'),
    'sp=w with the same sig': withParam(image.url, 'sp', 'w'),
    'sp missing': withParam(image.url, 'sp', null),
    'sr=c with the same sig': withParam(image.url, 'sr', 'c'),
    'se moved earlier': withParam(
      image.url,
      'se',
      encodeURIComponent(new Date(Date.parse(image.expiresAt) - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')),
    ),
    'se moved later': withParam(
      image.url,
      'se',
      encodeURIComponent(new Date(Date.parse(image.expiresAt) + 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')),
    ),
    'se missing': withParam(image.url, 'se', null),
    'no query at all': splitLink(image.url).path,
  };
  for (const [what, link] of Object.entries(cases)) {
    const res = await request({ port: server.port, path: link });
    await t.test(what, () => {
      const error = assertError(res, 403, 'forbidden');
      assert.ok(!res.body.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
      assert.ok(error.message.length > 0);
    });
  }
});

test('paths that could escape the store → 400; other containers → 404', { timeout: TIMEOUT }, async (t) => {
  const { server, image } = await serverWithImage(t);
  const query = image.url.split('?')[1];
  const name = image.name.replace(/^images\//, ''); // the file name inside the images/ folder

  const bad = {
    'dot-dot segment back into the same blob': `/blobs/images/thumbnails/../images/${name}?${query}`,
    'dot-dot up to the data dir': `/blobs/images/images/../../../signing.key?${query}`,
    'encoded dot-dot': `/blobs/images/images/%2e%2e/%2e%2e/signing.key?${query}`,
    'single dot segment': `/blobs/images/images/./${name}?${query}`,
    '%2F in the name': `/blobs/images/images%2F${name}?${query}`,
    '%2f (lower case) in the name': `/blobs/images/images%2f${name}?${query}`,
    'encoded backslash': `/blobs/images/images%5C${name}?${query}`,
    '//etc/passwd after the container': `/blobs/images//etc/passwd?${query}`,
    '//etc/passwd as the container': `/blobs//etc/passwd?${query}`,
  };
  for (const [what, rawPath] of Object.entries(bad)) {
    const res = await request({ port: server.port, path: rawPath });
    await t.test(what, () => {
      assertError(res, 400, 'invalid_request');
    });
  }

  const other = await request({ port: server.port, path: `/blobs/other/images/${name}?${query}` });
  await t.test('container other than images', () => assertError(other, 404, 'not_found'));
});
