// Bad input: each request gets the one error JSON with the right status, an X-Request-Id equal to
// error.requestId, and nothing new lands on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { api, assertError, generate, listFiles, request, startApi } from '../support/server.mjs';

const TIMEOUT = 30_000;

const jsonPost = (body) => (s) => generate(s.url, body);
const rawPost = (body, headers = { 'content-type': 'application/json' }) => (s) =>
  request({ port: s.port, method: 'POST', path: '/api/generateImage', headers: { 'content-length': Buffer.byteLength(body), ...headers }, body });
const get = (path) => (s) => api(s.url, path);

const cases = [
  ['empty prompt', 400, 'invalid_request', jsonPost({ prompt: '' })],
  ['whitespace-only prompt', 400, 'invalid_request', jsonPost({ prompt: ' \n\t  \r\n ' })],
  ['missing prompt', 400, 'invalid_request', jsonPost({ size: '1024x1024' })],
  ['prompt over 4000 characters', 400, 'invalid_request', jsonPost({ prompt: 'a'.repeat(4001) })],
  ['prompt over 4000 characters (multi-byte)', 400, 'invalid_request', jsonPost({ prompt: '🦊'.repeat(4001) })],
  ['prompt with a control character', 400, 'invalid_request', jsonPost({ prompt: 'a fox\u0001 in snow' })],
  ['prompt with NUL', 400, 'invalid_request', jsonPost({ prompt: 'a fox\u0000' })],
  [
    'invalid UTF-8 bytes in the body',
    400,
    'invalid_request',
    rawPost(Buffer.concat([Buffer.from('{"prompt":"bad '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' bytes"}')])),
  ],
  ['lone surrogate escape in the prompt', 400, 'invalid_request', rawPost('{"prompt":"fox \\ud800 snow"}')],
  ['body not JSON', 400, 'invalid_request', rawPost('{prompt: a fox')],
  ['empty body', 400, 'invalid_request', rawPost('')],
  ['JSON array body', 400, 'invalid_request', rawPost('[{"prompt":"a fox"}]')],
  ['JSON string body', 400, 'invalid_request', rawPost('"a fox"')],
  ['Content-Type text/plain', 415, 'unsupported_media_type', rawPost('{"prompt":"a fox"}', { 'content-type': 'text/plain' })],
  ['missing Content-Type', 415, 'unsupported_media_type', rawPost('{"prompt":"a fox"}', {})],
  ['Content-Type application/jsonx', 415, 'unsupported_media_type', rawPost('{"prompt":"a fox"}', { 'content-type': 'application/jsonx' })],
  ['unknown size for the model', 400, 'invalid_request', jsonPost({ prompt: 'a fox', size: '1792x1024' })],
  ['nonsense size', 400, 'invalid_request', jsonPost({ prompt: 'a fox', size: 'huge' })],
  ['style for the demo model', 400, 'invalid_request', jsonPost({ prompt: 'a fox', style: 'vivid' })],
  ['quality for the demo model', 400, 'invalid_request', jsonPost({ prompt: 'a fox', quality: 'high' })],
  ['n=0', 400, 'invalid_request', jsonPost({ prompt: 'a fox', n: 0 })],
  ['n=99', 400, 'invalid_request', jsonPost({ prompt: 'a fox', n: 99 })],
  ['n=-1', 400, 'invalid_request', jsonPost({ prompt: 'a fox', n: -1 })],
  ['n=1.5', 400, 'invalid_request', jsonPost({ prompt: 'a fox', n: 1.5 })],
  ['n as a string', 400, 'invalid_request', jsonPost({ prompt: 'a fox', n: '2' })],
  ['huge n', 400, 'invalid_request', rawPost('{"prompt":"a fox","n":18446744073709551615}')],
  ['unknown field', 400, 'invalid_request', jsonPost({ prompt: 'a fox', colour: 'red' })],
  ['prompt not a string', 400, 'invalid_request', jsonPost({ prompt: 42 })],
  ['prompt as an array', 400, 'invalid_request', jsonPost({ prompt: ['a', 'fox'] })],
  ['size not a string', 400, 'invalid_request', jsonPost({ prompt: 'a fox', size: 1024 })],
  ['unknown route /api/nope', 404, 'not_found', get('/api/nope')],
  ['unknown route POST /api/nope', 404, 'not_found', (s) => api(s.url, '/api/nope', { method: 'POST', json: {} })],
  ['malformed cursor', 400, 'invalid_request', get('/api/getImages?cursor=%%%not-a-cursor')],
  ['garbage base64 cursor', 400, 'invalid_request', get('/api/getImages?cursor=Zm9vYmFy')],
  ['limit=0', 400, 'invalid_request', get('/api/getImages?limit=0')],
  ['limit=101', 400, 'invalid_request', get('/api/getImages?limit=101')],
  ['limit=abc', 400, 'invalid_request', get('/api/getImages?limit=abc')],
  ['limit=-1', 400, 'invalid_request', get('/api/getImages?limit=-1')],
  ['limit=2.5', 400, 'invalid_request', get('/api/getImages?limit=2.5')],
  ['limit empty', 400, 'invalid_request', get('/api/getImages?limit=')],
];

for (const [name, status, code, send] of cases) {
  test(`${name} → ${status} ${code}, nothing stored`, { timeout: TIMEOUT }, async (t) => {
    const server = await startApi({ t });
    const before = listFiles(server.dataDir);
    const res = await send(server);
    const error = assertError(res, status, code);
    assert.ok(error.message.length >= 10, `a helpful message: ${error.message}`);
    assert.deepEqual(listFiles(server.dataDir), before, 'nothing new on disk');
    const listed = await api(server.url, '/api/getImages');
    assert.deepEqual(listed.json?.imageUrls, [], 'gallery still empty');
  });
}

test('wrong method: PUT /api/getImages → 405 with Allow', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const res = await api(server.url, '/api/getImages', { method: 'PUT', json: {} });
  assertError(res, 405, 'method_not_allowed');
  const allow = res.headers.get('allow') ?? '';
  assert.ok(allow.split(/,\s*/).includes('GET'), `Allow lists GET: "${allow}"`);
  assert.ok(!allow.split(/,\s*/).includes('PUT'), 'Allow does not list PUT');
});

test('wrong method: GET /api/generateImage → 405 with Allow: POST', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const res = await api(server.url, '/api/generateImage');
  assertError(res, 405, 'method_not_allowed');
  assert.ok((res.headers.get('allow') ?? '').split(/,\s*/).includes('POST'));
});

test('body over VISIONARY_MAX_BODY_BYTES → 413 payload_too_large, nothing stored', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t, env: { VISIONARY_MAX_BODY_BYTES: '4096' } });
  const before = listFiles(server.dataDir);
  const body = JSON.stringify({ prompt: 'x'.repeat(10 * 1024) });
  const res = await request({
    port: server.port,
    method: 'POST',
    path: '/api/generateImage',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    body,
  });
  assertError(res, 413, 'payload_too_large');
  assert.deepEqual(listFiles(server.dataDir), before);
  // The server still works afterwards.
  const ok = await generate(server.url, { prompt: 'small' });
  assert.equal(ok.status, 201, ok.text);
  const config = await api(server.url, '/api/config');
  assert.equal(config.json.limits.maxBodyBytes, 4096);
});

test('chunked body over the limit → 413', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t, env: { VISIONARY_MAX_BODY_BYTES: '4096' } });
  const before = listFiles(server.dataDir);
  const body = JSON.stringify({ prompt: 'y'.repeat(10 * 1024) });
  const res = await request({
    port: server.port,
    method: 'POST',
    path: '/api/generateImage',
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    body,
  });
  assertError(res, 413, 'payload_too_large');
  assert.deepEqual(listFiles(server.dataDir), before);
});

test('a 4000-character non-ASCII prompt is accepted: the limit counts characters, not bytes', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t });
  const prompt = 'ü'.repeat(3999) + '🦊';
  const res = await generate(server.url, { prompt });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.images[0].prompt, prompt);
  const listed = await api(server.url, '/api/getImages');
  assert.equal(listed.json.imageUrls[0].prompt, prompt, 'the full prompt comes back from the gallery');
});
