// Demo provider end to end: generate, list, fetch the image and its thumbnail through the signed
// links, and look the image up by id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  api, assertError, assertImage, blobFile, generate, listFiles, listStored, PNG_SIGNATURE, pngChunks, pngTextChunks, startApi,
} from '../support/server.mjs';

const TIMEOUT = 60_000;
// Every character that broke the original's blob names, plus non-ASCII text and an emoji.
const PROMPT = 'A red fox. Oil painting_with #hash? a/b path ü café 東京 🦊 "quoted" 100% back\\slash\ttab\n\nnew  lines, e\u0301 decomposed';

test('demo: generate → list → image bytes, thumbnail, caching, ranges, HEAD, lookup by id', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const before = Date.now();
  const created = await generate(server.url, { prompt: `  ${PROMPT}\n\t ` });
  const after = Date.now();
  assert.equal(created.status, 201, created.text);
  assert.ok(created.headers.get('x-request-id'), 'X-Request-Id on success');
  assert.ok(Array.isArray(created.json.images) && created.json.images.length === 1, 'one image by default');
  const image = created.json.images[0];
  assertImage(image, {
    prompt: PROMPT, provider: 'demo', model: 'procedural-v1', width: 1024, height: 1024, revisedPrompt: null,
    createdWithin: [before, after],
  });

  // Stored where the layout says: image, thumbnail, metadata.
  const stored = listStored(server.dataDir);
  const stem = image.name.replace(/^images\//, '').replace(/\.png$/, '');
  assert.ok(stored.includes(blobFile(`images/${stem}.png`)), `image file in ${stored}`);
  assert.ok(stored.includes(blobFile(`thumbnails/${stem}.webp`)), `thumbnail file in ${stored}`);
  assert.ok(stored.some((f) => f.startsWith('meta/images/') && f.includes(stem)), `metadata in ${stored}`);

  // Listed first.
  const listed = await api(server.url, '/api/getImages');
  assert.equal(listed.status, 200, listed.text);
  assert.ok(Array.isArray(listed.json.imageUrls));
  assert.equal(listed.json.imageUrls.length, 1);
  assert.equal(listed.json.nextCursor, null);
  assertImage(listed.json.imageUrls[0], { prompt: PROMPT, provider: 'demo', model: 'procedural-v1' });
  assert.equal(listed.json.imageUrls[0].id, image.id);
  assert.equal(listed.json.imageUrls[0].name, image.name);
  assert.equal(listed.json.imageUrls[0].bytes, image.bytes);

  // The image bytes through the signed link.
  const requestedAt = Date.now();
  const png = await api(server.url, image.url);
  assert.equal(png.status, 200, png.text.slice(0, 300));
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.ok(png.body.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
  assert.equal(Number(png.headers.get('content-length')), image.bytes, 'Content-Length == image.bytes');
  assert.equal(png.body.length, image.bytes);
  const etag = png.headers.get('etag');
  assert.ok(etag, 'ETag present');
  const cacheControl = png.headers.get('cache-control') ?? '';
  assert.match(cacheControl, /\bprivate\b/, `Cache-Control private: ${cacheControl}`);
  const maxAge = Number(/max-age=(\d+)/.exec(cacheControl)?.[1]);
  assert.ok(Number.isInteger(maxAge), `Cache-Control has max-age: ${cacheControl}`);
  assert.ok(maxAge <= (Date.parse(image.expiresAt) - requestedAt) / 1000, `max-age ${maxAge} beyond expiresAt ${image.expiresAt}`);
  assert.ok(maxAge <= 1800, 'max-age at most 30 minutes');

  // The PNG is as large as the Image says.
  const ihdr = pngChunks(png.body)[0];
  assert.equal(ihdr.type, 'IHDR');
  assert.equal(ihdr.data.readUInt32BE(0), image.width, 'PNG width');
  assert.equal(ihdr.data.readUInt32BE(4), image.height, 'PNG height');

  // Full prompt inside the PNG.
  const texts = pngTextChunks(png.body).filter((c) => c.type === 'iTXt' && c.keyword === 'visionary');
  assert.equal(texts.length, 1, 'one iTXt chunk with keyword "visionary"');
  const meta = JSON.parse(texts[0].text);
  assert.equal(meta.prompt, PROMPT, 'the PNG carries the full prompt');

  // Thumbnail.
  const thumb = await api(server.url, image.thumbnailUrl);
  assert.equal(thumb.status, 200, thumb.text.slice(0, 300));
  assert.equal(thumb.headers.get('content-type'), 'image/webp');
  assert.equal(thumb.body.toString('latin1', 0, 4), 'RIFF');
  assert.equal(thumb.body.toString('latin1', 8, 12), 'WEBP');

  // Conditional request.
  const notModified = await api(server.url, image.url, { headers: { 'if-none-match': etag } });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.body.length, 0);

  // Range.
  const partial = await api(server.url, image.url, { headers: { range: 'bytes=0-99' } });
  assert.equal(partial.status, 206, partial.text.slice(0, 300));
  assert.equal(partial.headers.get('content-range'), `bytes 0-99/${image.bytes}`);
  assert.equal(partial.body.length, 100);
  assert.ok(partial.body.equals(png.body.subarray(0, 100)), 'the range holds the first 100 bytes');

  // HEAD: the headers of GET, no body.
  const head = await api(server.url, image.url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-type'), 'image/png');
  assert.equal(Number(head.headers.get('content-length')), image.bytes);
  assert.equal(head.headers.get('etag'), etag);
  assert.equal(head.body.length, 0);

  // By id.
  const one = await api(server.url, `/api/images/${encodeURIComponent(image.id)}`);
  assert.equal(one.status, 200, one.text);
  assertImage(one.json, { prompt: PROMPT, provider: 'demo', model: 'procedural-v1' });
  assert.equal(one.json.id, image.id);
  assert.equal(one.json.name, image.name);
  assert.equal(one.json.bytes, image.bytes);
});

test('demo: n=2 and a non-default size are honoured', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const created = await generate(server.url, { prompt: 'two wide pictures', size: '1536x1024', n: 2 });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.images.length, 2);
  for (const image of created.json.images) {
    assertImage(image, { prompt: 'two wide pictures', width: 1536, height: 1024 });
  }
  assert.notEqual(created.json.images[0].id, created.json.images[1].id);
  const listed = await api(server.url, '/api/getImages');
  assert.deepEqual(listed.json.imageUrls.map((i) => i.id).sort(), created.json.images.map((i) => i.id).sort());
});

test('GET /api/images/{id}: unknown well-formed id and garbage id → 404 not_found', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const created = await generate(server.url, { prompt: 'a lighthouse' });
  assert.equal(created.status, 201, created.text);
  const { id } = created.json.images[0];
  // Same shape, different token and time.
  const digits = id.slice(0, 13).replace(/\d$/, (d) => String((Number(d) + 1) % 10));
  const unknown = `${digits}${id.slice(13).replace(/[a-z]/, (c) => (c === 'z' ? 'a' : String.fromCharCode(c.charCodeAt(0) + 1)))}`;
  assert.notEqual(unknown, id);
  assertError(await api(server.url, `/api/images/${unknown}`), 404, 'not_found');
  assertError(await api(server.url, '/api/images/not-an-id'), 404, 'not_found');
  assertError(await api(server.url, '/api/images/..%2F..%2Fsigning.key'), 404, 'not_found');
  assertError(await api(server.url, `/api/images/${'9'.repeat(300)}`), 404, 'not_found');
  // The real one still answers.
  assert.equal((await api(server.url, `/api/images/${id}`)).status, 200);
  assert.equal(listStored(server.dataDir).filter((f) => f.startsWith('blobs/')).length, 2, 'image + thumbnail');
});

test('concurrent generations: all stored, distinct ids, listed newest first', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const prompts = ['parallel one', 'parallel two', 'parallel three'];
  const results = await Promise.all(prompts.map((prompt) => generate(server.url, { prompt })));
  for (const res of results) assert.equal(res.status, 201, res.text);
  const ids = results.map((r) => r.json.images[0].id);
  assert.equal(new Set(ids).size, 3);
  const listed = (await api(server.url, '/api/getImages')).json.imageUrls;
  assert.deepEqual(listed.map((i) => i.id).sort(), [...ids].sort());
  const created = listed.map((i) => Date.parse(i.createdAt));
  assert.deepEqual(created, [...created].sort((a, b) => b - a), 'newest first');
  assert.deepEqual(listed.map((i) => i.prompt).sort(), [...prompts].sort());
});

test('long non-ASCII prompt: short ASCII blob name, ASCII metadata within 8 KB, full prompt everywhere', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const prompt = `Zürich «${'ß東🦊'.repeat(1300)}» at night`.slice(0, 3990);
  const res = await generate(server.url, { prompt });
  assert.equal(res.status, 201, res.text);
  const image = res.json.images[0];
  assert.equal(image.prompt, prompt);
  assert.ok(image.name.length <= 128, `blob name stays short (${image.name.length} chars)`);
  assert.match(image.name, /^[\x21-\x7e]+$/, 'blob name is ASCII');

  // Metadata sidecars: ASCII-safe and within Azure's 8 KB metadata limit.
  const metaFiles = listFiles(server.dataDir).filter((f) => f.startsWith('meta/'));
  assert.ok(metaFiles.length >= 1, 'metadata stored');
  for (const file of metaFiles) {
    const parsed = JSON.parse(fs.readFileSync(path.join(server.dataDir, file), 'utf8'));
    const metadata = parsed.metadata ?? parsed;
    let total = 0;
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') continue;
      assert.match(key, /^[\x21-\x7e]+$/, `metadata key ${key} is ASCII`);
      assert.match(value, /^[\x20-\x7e]*$/, `metadata ${key} is ASCII-safe`);
      total += key.length + value.length;
    }
    assert.ok(total <= 8192, `${file}: metadata ${total} bytes exceeds 8 KB`);
  }

  // The gallery, the lookup and the PNG all carry the full prompt.
  assert.equal((await api(server.url, '/api/getImages')).json.imageUrls[0].prompt, prompt);
  assert.equal((await api(server.url, `/api/images/${image.id}`)).json.prompt, prompt);
  const png = await api(server.url, image.url);
  const text = pngTextChunks(png.body).find((c) => c.keyword === 'visionary');
  assert.equal(JSON.parse(text.text).prompt, prompt);
});

test('Idempotency-Key: repeating the same POST returns the same image instead of generating again', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const headers = { 'idempotency-key': 'it-7f3c9a1e-retry-me' };
  const first = await generate(server.url, { prompt: 'only once please' }, { headers });
  assert.equal(first.status, 201, first.text);
  const second = await generate(server.url, { prompt: 'only once please' }, { headers });
  assert.ok(second.status === 201 || second.status === 200, `repeat answered ${second.status}: ${second.text}`);
  assert.deepEqual(second.json.images.map((i) => i.id), first.json.images.map((i) => i.id), 'the same image');
  const listed = (await api(server.url, '/api/getImages')).json.imageUrls;
  assert.equal(listed.length, 1, 'one image stored, not two');
});

test('ranges, HEAD on API routes, and the signing key file', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const res = await generate(server.url, { prompt: 'range me' });
  assert.equal(res.status, 201, res.text);
  const image = res.json.images[0];
  const full = (await api(server.url, image.url)).body;

  const suffix = await api(server.url, image.url, { headers: { range: 'bytes=-10' } });
  assert.equal(suffix.status, 206);
  assert.equal(suffix.headers.get('content-range'), `bytes ${image.bytes - 10}-${image.bytes - 1}/${image.bytes}`);
  assert.ok(suffix.body.equals(full.subarray(-10)));

  const open = await api(server.url, image.url, { headers: { range: `bytes=${image.bytes - 5}-` } });
  assert.equal(open.status, 206);
  assert.ok(open.body.equals(full.subarray(-5)));
  assert.equal(Number(open.headers.get('content-length')), 5);

  const beyond = await api(server.url, image.url, { headers: { range: `bytes=${image.bytes + 10}-` } });
  assertError(beyond, 416, 'range_not_satisfiable');

  const head = await api(server.url, '/api/health', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);

  // The link-signing secret is private to the server's user.
  const mode = fs.statSync(path.join(server.dataDir, 'signing.key')).mode & 0o777;
  assert.equal(mode, 0o600, `signing.key mode ${mode.toString(8)}`);
});

test('a prompt without a single ASCII letter still gets a valid name and is found by id', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const prompt = '🦊🌙 東京の夜';
  const res = await generate(server.url, { prompt });
  assert.equal(res.status, 201, res.text);
  assertImage(res.json.images[0], { prompt });
  const one = await api(server.url, `/api/images/${res.json.images[0].id}`);
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.prompt, prompt);
  assert.equal((await api(server.url, '/api/getImages')).json.imageUrls[0].prompt, prompt);
  assert.equal((await api(server.url, res.json.images[0].url)).status, 200);
});
