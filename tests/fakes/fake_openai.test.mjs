// Tests for the fake OpenAI Images server. Run: node --test tests/fakes/
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import zlib from 'node:zlib';

import { startFakeOpenAI } from './fake_openai.mjs';

const KEY = 'sk-test-key';
const AUTH = { authorization: `Bearer ${KEY}` };

async function call(fake, body, { headers = AUTH, path = '/v1/images/generations', signal } = {}) {
  const res = await fetch(fake.origin + path, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Parses a PNG independently of the fake: signature, chunk CRCs, IHDR, and the inflated IDAT size.
function decodePng(buf) {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const chunks = [];
  for (let off = 8; off < buf.length; ) {
    const length = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + length);
    assert.equal(buf.readUInt32BE(off + 8 + length), zlib.crc32(buf.subarray(off + 4, off + 8 + length)), `${type} CRC`);
    chunks.push({ type, data });
    off += 12 + length;
  }
  assert.equal(chunks[0].type, 'IHDR');
  assert.equal(chunks.at(-1).type, 'IEND');
  const ihdr = chunks[0].data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  assert.deepEqual([...ihdr.subarray(8)], [8, 2, 0, 0, 0], '8-bit RGB, no interlace');
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  assert.equal(zlib.inflateSync(idat).length, height * (1 + 3 * width), 'inflated IDAT size');
  return { width, height };
}

const pngOfItem = (item) => decodePng(Buffer.from(item.b64_json, 'base64'));

// Resolves with the server-side response once the next request reaching any server in this
// process has been fully read and handled synchronously by the fake (its 'end' listeners have run).
function nextRequestHandled() {
  return new Promise((resolve) => {
    const onStart = ({ request, response }) => {
      diagnosticsChannel.unsubscribe('http.server.request.start', onStart);
      resolve(once(request, 'end').then(() => response));
    };
    diagnosticsChannel.subscribe('http.server.request.start', onStart);
  });
}

// The events of a text/event-stream body: [{event, data (parsed JSON)}].
function sseEvents(text) {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length);
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length)).join('\n');
      return { event, data: JSON.parse(data) };
    });
}

function assertOpenAIError(res, status, fields) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(Object.keys(res.json.error).sort(), ['code', 'message', 'param', 'type']);
  for (const [k, v] of Object.entries(fields)) assert.equal(res.json.error[k], v, k);
}

describe('fake OpenAI', () => {
  let fake;
  before(async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.setDefault({ kind: 'b64' });
  });

  test('reports its URLs', () => {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.equal(fake.url, `${fake.origin}/v1`);
    assert.equal(fake.origin, `http://127.0.0.1:${fake.port}`);
  });

  describe('authentication', () => {
    test('missing key → 401 with code null', async () => {
      const res = await call(fake, { prompt: 'p' }, { headers: {} });
      assertOpenAIError(res, 401, { type: 'invalid_request_error', param: null, code: null });
      assert.match(res.json.error.message, /^You didn't provide an API key\. /);
    });

    test('wrong key → 401 invalid_api_key with the key masked', async () => {
      const wrong = 'sk-proj-abcdefghijklmnop1234';
      const res = await call(fake, { prompt: 'p' }, { headers: { authorization: `Bearer ${wrong}` } });
      assertOpenAIError(res, 401, { type: 'invalid_request_error', param: null, code: 'invalid_api_key' });
      assert.equal(
        res.json.error.message,
        'Incorrect API key provided: sk-proj-****************1234. You can find your API key at https://platform.openai.com/account/api-keys.',
      );
      assert.ok(!res.text.includes(wrong));
    });

    test('short keys are mostly hidden too', async () => {
      const res = await call(fake, { prompt: 'p' }, { headers: { authorization: 'Bearer sk-wrong-key' } });
      assert.match(res.json.error.message, /provided: sk-\*{6}key\./);
    });

    test('the scheme must be exactly "Bearer "', async () => {
      const res = await call(fake, { prompt: 'p' }, { headers: { authorization: `bearer ${KEY}` } });
      assert.equal(res.status, 401);
    });

    test('rejected calls are recorded and do not consume the queue', async () => {
      fake.enqueue({ kind: 'server_error' });
      await call(fake, { prompt: 'p' }, { headers: {} });
      assert.equal(fake.requests.length, 1);
      assert.equal((await call(fake, { prompt: 'p' })).status, 500);
    });
  });

  describe('validation', () => {
    test('body must be JSON', async () => {
      const res = await call(fake, 'not json');
      assertOpenAIError(res, 400, { type: 'invalid_request_error', param: null, code: null });
      assert.match(res.json.error.message, /^We could not parse the JSON body of your request\./);
      assert.equal(fake.requests[0].body, 'not json');
    });

    test('prompt is required', async () => {
      const res = await call(fake, { model: 'gpt-image-1' });
      assertOpenAIError(res, 400, { param: 'prompt', code: 'missing_required_parameter', message: "Missing required parameter: 'prompt'." });
    });

    test('prompt must be a string', async () => {
      const res = await call(fake, { prompt: 42 });
      assertOpenAIError(res, 400, { param: 'prompt', code: 'invalid_type' });
    });

    test('prompt length limit depends on the model', async () => {
      const long = 'a'.repeat(1001);
      assertOpenAIError(await call(fake, { prompt: long }), 400, { param: 'prompt', code: 'string_above_max_length' });
      assert.equal((await call(fake, { prompt: long, model: 'dall-e-3' })).status, 200);
    });

    test('unknown model → 404 model_not_found', async () => {
      const res = await call(fake, { prompt: 'p', model: 'x' });
      assertOpenAIError(res, 404, {
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
        message: 'The model `x` does not exist or you do not have access to it.',
      });
    });

    for (const param of ['response_format', 'style']) {
      test(`gpt-image-1 rejects ${param}`, async () => {
        const value = param === 'style' ? 'vivid' : 'b64_json';
        const res = await call(fake, { prompt: 'p', model: 'gpt-image-1', [param]: value });
        assertOpenAIError(res, 400, {
          type: 'invalid_request_error',
          param,
          code: 'unknown_parameter',
          message: `Unknown parameter: '${param}'.`,
        });
      });
    }

    test('invalid size names the supported values', async () => {
      const res = await call(fake, { prompt: 'p', model: 'gpt-image-1', size: '123x4' });
      assertOpenAIError(res, 400, {
        param: 'size',
        code: 'invalid_value',
        message: "Invalid value: '123x4'. Supported values are: '1024x1024', '1536x1024', '1024x1536', and 'auto'.",
      });
    });

    test('dall-e-3 takes only n=1 and its own qualities', async () => {
      assertOpenAIError(await call(fake, { prompt: 'p', model: 'dall-e-3', n: 2 }), 400, { param: 'n', code: 'integer_above_max_value' });
      assertOpenAIError(await call(fake, { prompt: 'p', model: 'dall-e-3', quality: 'high' }), 400, { param: 'quality', code: 'invalid_value' });
      assertOpenAIError(await call(fake, { prompt: 'p', model: 'dall-e-3', style: 'loud' }), 400, { param: 'style', code: 'invalid_value' });
    });

    test('dall-e-2 is the default model and only takes small squares', async () => {
      assertOpenAIError(await call(fake, { prompt: 'p', size: '1792x1024' }), 400, { param: 'size', code: 'invalid_value' });
      const res = await call(fake, { prompt: 'p', size: '256x256', n: 2 });
      assert.equal(res.status, 200);
      assert.equal(res.json.data.length, 2);
      assert.deepEqual(pngOfItem(res.json.data[1]), { width: 256, height: 256 });
      assert.equal(res.json.usage, undefined, 'usage is GPT-image only');
    });
  });

  describe('b64 images', () => {
    test('gpt-image-1 returns a real PNG of the requested size, plus metadata', async () => {
      const res = await call(fake, { prompt: 'a red fox', model: 'gpt-image-1', size: '1536x1024', quality: 'low' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.match(res.headers.get('x-request-id'), /^req_[0-9a-f]{32}$/);
      assert.equal(res.headers.get('x-ratelimit-limit-requests'), '5');
      assert.equal(res.headers.get('x-ratelimit-remaining-requests'), '4');
      assert.equal(res.headers.get('x-ratelimit-reset-requests'), '12ms');
      assert.ok(Math.abs(res.json.created - Date.now() / 1000) < 60);
      assert.equal(res.json.data.length, 1);
      assert.deepEqual(pngOfItem(res.json.data[0]), { width: 1536, height: 1024 });
      assert.equal(res.json.data[0].revised_prompt, undefined);
      assert.equal(res.json.output_format, 'png');
      assert.equal(res.json.size, '1536x1024');
      assert.equal(res.json.quality, 'low');
      assert.equal(res.json.background, 'opaque');
      const { input_tokens, output_tokens, total_tokens } = res.json.usage;
      assert.equal(total_tokens, input_tokens + output_tokens);
    });

    test("size 'auto' gives 1024x1024", async () => {
      const res = await call(fake, { prompt: 'p', model: 'gpt-image-1-mini', size: 'auto' });
      assert.equal(res.json.size, '1024x1024');
      assert.deepEqual(pngOfItem(res.json.data[0]), { width: 1024, height: 1024 });
    });

    test('dall-e-3 adds revised_prompt', async () => {
      const res = await call(fake, { prompt: 'a red fox', model: 'dall-e-3', size: '1024x1792', response_format: 'b64_json' });
      assert.equal(res.status, 200);
      assert.equal(res.json.data[0].revised_prompt, 'A detailed rendering of a red fox');
      assert.deepEqual(pngOfItem(res.json.data[0]), { width: 1024, height: 1792 });
    });
  });

  describe('url images', () => {
    const generateUrl = async (behaviour, body = { prompt: 'p', model: 'dall-e-3' }) => {
      fake.enqueue({ kind: 'url', ...behaviour });
      const res = await call(fake, body);
      assert.equal(res.status, 200);
      const { url } = res.json.data[0];
      assert.ok(url.startsWith(`${fake.origin}/files/`), url);
      return url;
    };

    test('the URL serves the PNG', async () => {
      const url = await generateUrl({}, { prompt: 'p', model: 'dall-e-2', size: '512x512' });
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.deepEqual(decodePng(Buffer.from(await res.arrayBuffer())), { width: 512, height: 512 });
    });

    test('non-image content', async () => {
      const res = await fetch(await generateUrl({ fileContentType: 'text/html', fileBody: '<html>nope</html>' }));
      assert.equal(res.headers.get('content-type'), 'text/html');
      assert.equal(await res.text(), '<html>nope</html>');
    });

    test('file status 404', async () => {
      const res = await fetch(await generateUrl({ fileStatus: 404 }));
      assert.equal(res.status, 404);
      assert.match(await res.text(), /<Code>BlobNotFound<\/Code>/);
    });

    test('file status with extra headers (a redirect)', async () => {
      const res = await fetch(await generateUrl({ fileStatus: 302, fileHeaders: { location: 'http://127.0.0.2:9/x' } }), { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'http://127.0.0.2:9/x');
    });

    test('link: the answer names the given address instead of a file of the fake', async () => {
      fake.enqueue({ kind: 'url', link: 'http://127.0.0.2:9/latest/meta-data/' });
      const res = await call(fake, { prompt: 'p', model: 'dall-e-3' });
      assert.equal(res.status, 200);
      assert.equal(res.json.data[0].url, 'http://127.0.0.2:9/latest/meta-data/');
    });

    test('unknown file → 404', async () => {
      assert.equal((await fetch(`${fake.origin}/files/00ff.png`)).status, 404);
    });

    test('huge body is streamed with its full length', async () => {
      const size = 8 * 1024 * 1024 + 3;
      const res = await fetch(await generateUrl({ fileBytes: size }));
      assert.equal(res.headers.get('content-length'), String(size));
      let total = 0;
      let first;
      for await (const chunk of res.body) {
        first ??= Buffer.from(chunk.subarray(0, 8));
        total += chunk.length;
      }
      assert.equal(total, size);
      assert.equal(first.toString('latin1', 1, 4), 'PNG');
    });

    test('huge body without content-length when chunked', async () => {
      const res = await fetch(await generateUrl({ fileBytes: 100_000, fileChunked: true }));
      assert.equal(res.headers.get('content-length'), null);
      assert.equal((await res.arrayBuffer()).byteLength, 100_000);
    });

    test('delayed file', async () => {
      const url = await generateUrl({ fileDelayMs: 80 });
      const started = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      assert.ok(performance.now() - started >= 75, 'answered after the delay');
    });
  });

  describe('error behaviours', () => {
    test('content_policy', async () => {
      fake.enqueue({ kind: 'content_policy' });
      assertOpenAIError(await call(fake, { prompt: 'p', model: 'dall-e-3' }), 400, {
        type: 'invalid_request_error',
        param: null,
        code: 'content_policy_violation',
        message:
          'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
      });
    });

    test('moderation_blocked quotes the request id', async () => {
      fake.enqueue({ kind: 'moderation_blocked' });
      const res = await call(fake, { prompt: 'p', model: 'gpt-image-1' });
      assertOpenAIError(res, 400, { type: 'image_generation_user_error', param: null, code: 'moderation_blocked' });
      assert.equal(
        res.json.error.message,
        `Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID ${res.headers.get('x-request-id')}. safety_violations=[sexual].`,
      );
    });

    test('azure_content_filter', async () => {
      fake.enqueue({ kind: 'azure_content_filter' });
      const res = await call(fake, { prompt: 'p', model: 'dall-e-3' });
      assert.equal(res.status, 400);
      assert.equal(res.json.error.code, 'contentFilter');
      assert.equal(res.json.error.param, 'prompt');
      assert.equal(res.json.error.type, null);
      assert.equal(res.json.error.inner_error.code, 'ResponsibleAIPolicyViolation');
      assert.deepEqual(res.json.error.inner_error.content_filter_results.violence, { filtered: true, severity: 'high' });
      assert.equal(res.json.error.message, 'Your task failed as a result of our safety system.');
    });

    test('azure_content_filter of the image, with chosen categories', async () => {
      fake.enqueue({ kind: 'azure_content_filter', stage: 'image', categories: { sexual: 'high', self_harm: 'medium' } });
      const res = await call(fake, { prompt: 'p', model: 'gpt-image-1' });
      assert.equal(res.status, 400);
      assert.equal(res.json.error.message, 'Generated image was filtered as a result of our safety system.');
      const results = res.json.error.inner_error.content_filter_results;
      assert.deepEqual(results.sexual, { filtered: true, severity: 'high' });
      assert.deepEqual(results.self_harm, { filtered: true, severity: 'medium' });
      assert.deepEqual(results.violence, { filtered: false, severity: 'safe' });
    });

    test('azure_filtered_data: 200 with entries the filter emptied, after the images kept', async () => {
      fake.enqueue({ kind: 'azure_filtered_data', keep: 1, categories: { sexual: 'high' } });
      const res = await call(fake, { prompt: 'p', model: 'gpt-image-1', n: 2 });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.data.length, 2);
      pngOfItem(res.json.data[0]);
      assert.equal(res.json.data[1].b64_json, undefined);
      assert.deepEqual(res.json.data[1].content_filter_results.sexual, { filtered: true, severity: 'high' });
      fake.enqueue({ kind: 'azure_filtered_data', stage: 'prompt' });
      const prompt = await call(fake, { prompt: 'p', model: 'gpt-image-1' });
      assert.deepEqual(prompt.json.data, [{ content_filter_results: {}, prompt_filter_results: prompt.json.data[0].prompt_filter_results }]);
      assert.deepEqual(prompt.json.data[0].prompt_filter_results.violence, { filtered: true, severity: 'high' });
    });

    test('azure_blocked: 403 Forbidden for the whole resource', async () => {
      fake.enqueue({ kind: 'azure_blocked' });
      const res = await call(fake, { prompt: 'p', model: 'gpt-image-1' });
      assert.equal(res.status, 403);
      assert.equal(res.json.error.code, 'Forbidden');
      assert.match(res.json.error.message, /^Your resource has been temporarily blocked because/);
    });

    test('rate_limit with retry-after and retry-after-ms', async () => {
      fake.enqueue({ kind: 'rate_limit', retryAfter: '2' }, { kind: 'rate_limit', retryAfterMs: '150' }, { kind: 'rate_limit' });
      const first = await call(fake, { prompt: 'p', model: 'gpt-image-1' });
      assertOpenAIError(first, 429, { type: 'requests', param: null, code: 'rate_limit_exceeded' });
      assert.match(first.json.error.message, /^Rate limit reached for gpt-image-1 /);
      assert.equal(first.headers.get('retry-after'), '2');
      assert.equal(first.headers.get('retry-after-ms'), null);
      assert.equal(first.headers.get('x-ratelimit-remaining-requests'), '0');
      const second = await call(fake, { prompt: 'p', model: 'gpt-image-1' });
      assert.equal(second.headers.get('retry-after-ms'), '150');
      assert.equal(second.headers.get('retry-after'), null);
      const third = await call(fake, { prompt: 'p', model: 'gpt-image-1' });
      assert.equal(third.status, 429);
      assert.equal(third.headers.get('retry-after'), null);
    });

    const fixed = [
      ['insufficient_quota', 429, 'insufficient_quota', 'insufficient_quota', 'You exceeded your current quota, please check your plan and billing details.'],
      ['server_error', 500, 'server_error', null, 'The server had an error while processing your request. Sorry about that!'],
      ['overloaded', 503, 'server_error', null, 'The engine is currently overloaded, please try again later'],
    ];
    for (const [kind, status, type, code, message] of fixed) {
      test(kind, async () => {
        fake.enqueue({ kind });
        const res = await call(fake, { prompt: 'p' });
        assertOpenAIError(res, status, { type, code, message, param: null });
        assert.match(res.headers.get('x-request-id'), /^req_[0-9a-f]{32}$/);
      });
    }

    test('malformed_json', async () => {
      fake.enqueue({ kind: 'malformed_json' });
      const res = await call(fake, { prompt: 'p' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(res.text, '{"created": 1, "data": [');
      assert.equal(res.json, undefined);
    });

    test('not_image', async () => {
      fake.enqueue({ kind: 'not_image' });
      const res = await call(fake, { prompt: 'p' });
      assert.equal(res.status, 200);
      assert.equal(Buffer.from(res.json.data[0].b64_json, 'base64').toString(), 'this is not an image at all');
    });

    test('empty_data', async () => {
      fake.enqueue({ kind: 'empty_data' });
      const res = await call(fake, { prompt: 'p' });
      assert.equal(res.status, 200);
      assert.equal(res.text, '{"created":1,"data":[]}');
    });

    test('status: custom answer', async () => {
      fake.enqueue(
        { kind: 'status', status: 418, body: 'teapot', headers: { 'Content-Type': 'text/plain', 'X-Extra': 'yes' } },
        { kind: 'status', status: 409, body: { error: { message: 'busy' } } },
      );
      const first = await call(fake, { prompt: 'p' });
      assert.equal(first.status, 418);
      assert.equal(first.text, 'teapot');
      assert.equal(first.headers.get('content-type'), 'text/plain');
      assert.equal(first.headers.get('x-extra'), 'yes');
      const second = await call(fake, { prompt: 'p' });
      assert.equal(second.status, 409);
      assert.deepEqual(second.json, { error: { message: 'busy' } });
    });

    test('unknown behaviours are refused up front', () => {
      assert.throws(() => fake.enqueue({ kind: 'nope' }), TypeError);
      assert.throws(() => fake.setDefault({ kind: 'slow', then: { kind: 'nope' } }), TypeError);
    });
  });

  describe('queue and recording', () => {
    test('one-shot behaviours run in FIFO order, then the default', async () => {
      fake.enqueue({ kind: 'server_error' }, 'content_policy');
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(fake, { prompt: 'p' })).status);
      assert.deepEqual(statuses, [500, 400, 200]);
      fake.setDefault({ kind: 'overloaded' });
      assert.equal((await call(fake, { prompt: 'p' })).status, 503);
      assert.equal((await call(fake, { prompt: 'p' })).status, 503);
    });

    test('reset clears the queue and the recorded requests', async () => {
      fake.enqueue({ kind: 'server_error' });
      await call(fake, { prompt: 'p' }, { headers: {} });
      fake.reset();
      assert.equal(fake.requests.length, 0);
      assert.equal((await call(fake, { prompt: 'p' })).status, 200);
    });

    test('requests record method, path, headers and parsed body', async () => {
      await call(fake, { prompt: 'a fox', model: 'gpt-image-1' });
      assert.equal(fake.requests.length, 1);
      const [recorded] = fake.requests;
      assert.equal(recorded.method, 'POST');
      assert.equal(recorded.path, '/v1/images/generations');
      assert.equal(recorded.headers.authorization, `Bearer ${KEY}`);
      assert.deepEqual(recorded.body, { prompt: 'a fox', model: 'gpt-image-1' });
    });

    test('other URLs → OpenAI-style 404, not recorded', async () => {
      const res = await call(fake, { prompt: 'p' }, { path: '/v1/xyz' });
      assertOpenAIError(res, 404, { type: 'invalid_request_error', param: null, code: null, message: 'Invalid URL (POST /v1/xyz)' });
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('slow', () => {
    test('waits, then acts as `then`', async () => {
      fake.enqueue({ kind: 'slow', delayMs: 60, then: { kind: 'content_policy' } });
      const started = performance.now();
      const res = await call(fake, { prompt: 'p' });
      assert.ok(performance.now() - started >= 55);
      assert.equal(res.json.error.code, 'content_policy_violation');
    });

    // Counts armed (ref'ed) timers, which is how a forgotten slow timer would show.
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

    test('a client that disconnects cancels the wait', async () => {
      fake.enqueue({ kind: 'slow', delayMs: 60_000 });
      const idle = timeouts();
      const handled = nextRequestHandled();
      const aborter = new AbortController();
      const pending = call(fake, { prompt: 'p' }, { signal: aborter.signal }).catch((e) => e.name);
      const response = await handled;
      assert.equal(timeouts(), idle + 1, 'the slow timer is armed');
      aborter.abort();
      await once(response, 'close');
      assert.equal(timeouts(), idle, 'the slow timer is cancelled');
      assert.equal(await pending, 'AbortError');
    });

    test('close() with a slow request pending resolves promptly and cancels the timer', async () => {
      const own = await startFakeOpenAI({ apiKey: KEY });
      own.enqueue({ kind: 'slow', delayMs: 60_000 });
      const idle = timeouts();
      const handled = nextRequestHandled();
      const aborter = new AbortController();
      const pending = call(own, { prompt: 'p' }, { signal: aborter.signal }).then(
        () => 'answered',
        (e) => (e.name === 'AbortError' ? 'aborted by the test' : 'connection closed'),
      );
      try {
        await handled;
        assert.equal(timeouts(), idle + 1, 'the slow timer is armed');
        // A deadline, not a sleep: an unref'ed timer the fake's close() has to beat.
        const outcome = await Promise.race([own.close().then(() => 'closed'), delay(1000, 'still open', { ref: false })]);
        assert.equal(outcome, 'closed');
        assert.equal(timeouts(), idle, 'the slow timer is cancelled');
        assert.equal(await pending, 'connection closed');
      } finally {
        aborter.abort(); // lets a broken close() finish instead of hanging the run
      }
    });
  });

  describe('streaming', () => {
    const streamed = (extra = {}) => ({ prompt: 'a streamed fox', model: 'gpt-image-1', stream: true, partial_images: 2, ...extra });

    test('partial images, then the completed image with usage; the request is recorded', async () => {
      const res = await call(fake, streamed());
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      assert.equal(res.headers.get('content-length'), null);
      assert.match(res.headers.get('x-request-id'), /^req_[0-9a-f]{32}$/);
      assert.ok(!res.text.split('\n').some((line) => line.startsWith(':')), 'no keepalive comments');
      const events = sseEvents(res.text);
      assert.deepEqual(events.map((e) => e.event), [
        'image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed',
      ]);
      assert.deepEqual(events.map((e) => e.data.type), events.map((e) => e.event), 'type repeats the event name');
      assert.deepEqual(events.slice(0, 2).map((e) => e.data.partial_image_index), [0, 1]);
      assert.deepEqual(pngOfItem(events[0].data), { width: 64, height: 64 });
      assert.deepEqual(pngOfItem(events[1].data), { width: 128, height: 128 });
      const completed = events[2].data;
      assert.deepEqual(pngOfItem(completed), { width: 1024, height: 1024 });
      assert.equal(completed.partial_image_index, undefined);
      assert.equal(completed.size, '1024x1024');
      assert.equal(completed.output_format, 'png');
      assert.equal(completed.usage.output_tokens, 1056 + 2 * 100, 'each partial costs 100 output tokens');
      assert.equal(completed.usage.input_tokens, Math.ceil('a streamed fox'.length / 4));
      assert.equal(fake.requests[0].body.stream, true);
      assert.equal(fake.requests[0].body.partial_images, 2);
    });

    test('partial_images 0 gives one completed event; a behaviour can send fewer partials than asked', async () => {
      const none = sseEvents((await call(fake, streamed({ partial_images: 0 }))).text);
      assert.deepEqual(none.map((e) => e.event), ['image_generation.completed']);
      assert.equal(none[0].data.usage.output_tokens, 1056);
      fake.enqueue({ kind: 'b64', partials: 1 });
      const fewer = sseEvents((await call(fake, streamed({ partial_images: 3 }))).text);
      assert.deepEqual(fewer.map((e) => e.event), ['image_generation.partial_image', 'image_generation.completed']);
    });

    test('a fake started with partialImages and streamDelayMs paces its events', async () => {
      const own = await startFakeOpenAI({ apiKey: KEY, partialImages: 1, streamDelayMs: 40 });
      try {
        const started = performance.now();
        const events = sseEvents((await call(own, streamed())).text);
        assert.equal(events.length, 2, 'one partial (the fake\'s cap), then the image');
        assert.ok(performance.now() - started >= 75, 'two pauses of 40 ms');
      } finally {
        await own.close();
      }
    });

    test('firstEventDelayMs: the first partial at once, the rest held back', async () => {
      fake.enqueue({ kind: 'b64', firstEventDelayMs: 0, eventDelayMs: 60_000 });
      const aborter = new AbortController();
      const res = await fetch(fake.origin + '/v1/images/generations', {
        method: 'POST', signal: aborter.signal, headers: { 'content-type': 'application/json', ...AUTH },
        body: JSON.stringify(streamed()),
      });
      const reader = res.body.getReader();
      let text = '';
      while (!text.includes('\n\n')) text += Buffer.from((await reader.read()).value).toString();
      assert.equal(sseEvents(text)[0].event, 'image_generation.partial_image');
      aborter.abort();
    });

    test('stream_error: a partial image, then an error frame, then the answer ends', async () => {
      fake.enqueue({ kind: 'stream_error' });
      const res = await call(fake, streamed());
      assert.equal(res.status, 200);
      const events = sseEvents(res.text);
      assert.deepEqual(events.map((e) => e.event), ['image_generation.partial_image', 'error']);
      assert.equal(events[1].data.error.code, 'moderation_blocked');
      assert.equal(events[1].data.error.type, 'image_generation_user_error');
      fake.enqueue({ kind: 'stream_error', afterPartials: 0, error: { type: 'server_error', code: null, message: 'boom' } });
      const custom = sseEvents((await call(fake, streamed())).text);
      assert.deepEqual(custom.map((e) => e.event), ['error']);
      assert.equal(custom[0].data.error.message, 'boom');
    });

    test('stream_cut: a partial image, then the connection is cut before the image', async () => {
      fake.enqueue({ kind: 'stream_cut' });
      const res = await fetch(fake.origin + '/v1/images/generations', {
        method: 'POST', headers: { 'content-type': 'application/json', ...AUTH }, body: JSON.stringify(streamed()),
      });
      assert.equal(res.status, 200);
      let text = '';
      const failure = await (async () => {
        try {
          for await (const chunk of res.body) text += Buffer.from(chunk).toString();
          return null;
        } catch (error) {
          return error;
        }
      })();
      assert.ok(failure, 'reading the body fails');
      assert.deepEqual(sseEvents(text).map((e) => e.event), ['image_generation.partial_image']);
    });

    test('without stream: true the same behaviours answer in one piece; dall-e models refuse stream', async () => {
      const whole = await call(fake, { prompt: 'p', model: 'gpt-image-1', partial_images: 2 });
      assert.equal(whole.headers.get('content-type'), 'application/json');
      assert.equal(whole.json.data.length, 1);
      fake.enqueue({ kind: 'stream_error' });
      assertOpenAIError(await call(fake, { prompt: 'p', model: 'gpt-image-1' }), 400, { code: 'moderation_blocked' });
      assertOpenAIError(await call(fake, { prompt: 'p', model: 'dall-e-3', stream: true }), 400, {
        param: 'stream', code: 'unknown_parameter',
      });
    });

    test('Azure deployments stream the same events', async () => {
      const res = await call(fake, { prompt: 'p', stream: true, partial_images: 1 }, {
        headers: { 'api-key': KEY }, path: '/openai/deployments/gpt-image-1/images/generations?api-version=2025-04-01-preview',
      });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('apim-request-id'), /^[0-9a-f-]{36}$/);
      assert.deepEqual(sseEvents(res.text).map((e) => e.event), ['image_generation.partial_image', 'image_generation.completed']);
    });
  });

  describe('Azure OpenAI path', () => {
    const azurePath = (deployment, query = '?api-version=2024-10-21') =>
      `/openai/deployments/${deployment}/images/generations${query}`;

    test('api-key auth, apim-request-id, content filter results', async () => {
      const res = await call(fake, { prompt: 'p' }, { headers: { 'api-key': KEY }, path: azurePath('dall-e-3') });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('apim-request-id'), /^[0-9a-f-]{36}$/);
      assert.equal(res.headers.get('x-request-id'), null);
      assert.equal(res.json.data[0].revised_prompt, 'A detailed rendering of p');
      assert.equal(res.json.data[0].content_filter_results.violence.filtered, false);
      assert.equal(fake.requests[0].path, azurePath('dall-e-3'));
    });

    test('missing api-version → Azure 404', async () => {
      const res = await call(fake, { prompt: 'p' }, { headers: { 'api-key': KEY }, path: azurePath('dall-e-3', '') });
      assert.equal(res.status, 404);
      assert.equal(res.text, '{"error":{"code":"404","message":"Resource not found"}}');
    });

    test('Bearer is not accepted; a wrong api-key is 401', async () => {
      const bearer = await call(fake, { prompt: 'p' }, { path: azurePath('gpt-image-1') });
      assert.equal(bearer.status, 401);
      assert.equal(bearer.json.error.code, '401');
      const wrong = await call(fake, { prompt: 'p' }, { headers: { 'api-key': 'nope' }, path: azurePath('gpt-image-1') });
      assert.equal(wrong.status, 401);
      assert.match(wrong.json.error.message, /invalid subscription key/);
    });

    test('unknown deployment → DeploymentNotFound', async () => {
      const res = await call(fake, { prompt: 'p' }, { headers: { 'api-key': KEY }, path: azurePath('mine') });
      assert.equal(res.status, 404);
      assert.equal(res.json.error.code, 'DeploymentNotFound');
    });
  });

  describe('Azure OpenAI v1 path', () => {
    const V1 = '/openai/v1/images/generations';
    const AZURE_KEY = { 'api-key': KEY };

    test('no api-version needed; the deployment is the body\'s model', async () => {
      const res = await call(fake, { prompt: 'p', model: 'gpt-image-1' }, { headers: AZURE_KEY, path: V1 });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('apim-request-id'), /^[0-9a-f-]{36}$/);
      assert.equal(res.json.data[0].content_filter_results.violence.filtered, false);
      assert.equal(fake.requests[0].path, V1);
      assert.equal(fake.requests[0].body.model, 'gpt-image-1');
    });

    test('without a model → 400 missing_required_parameter; an unknown one → DeploymentNotFound', async () => {
      const missing = await call(fake, { prompt: 'p' }, { headers: AZURE_KEY, path: V1 });
      assertOpenAIError(missing, 400, { param: 'model', code: 'missing_required_parameter' });
      const unknown = await call(fake, { prompt: 'p', model: 'mine' }, { headers: AZURE_KEY, path: V1 });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.code, 'DeploymentNotFound');
    });

    test('api-key only: Bearer and a wrong key are 401', async () => {
      const bearer = await call(fake, { prompt: 'p', model: 'gpt-image-1' }, { path: V1 });
      assert.equal(bearer.status, 401);
      assert.equal(bearer.json.error.code, '401');
      const wrong = await call(fake, { prompt: 'p', model: 'gpt-image-1' }, { headers: { 'api-key': 'nope' }, path: V1 });
      assert.equal(wrong.status, 401);
    });

    test('streams the same events', async () => {
      const res = await call(fake, { prompt: 'p', model: 'gpt-image-1', stream: true, partial_images: 1 }, { headers: AZURE_KEY, path: V1 });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(sseEvents(res.text).map((e) => e.event), ['image_generation.partial_image', 'image_generation.completed']);
    });
  });
});

test('CLI: prints one line, serves the mode, exits 0 on SIGTERM', async () => {
  const script = fileURLToPath(new URL('./fake_openai.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, '--port', '0', '--api-key', 'sk-cli', '--mode', 'content_policy'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const { value: line } = await lines.next();
    const match = /^fake-openai listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1)$/.exec(line);
    assert.ok(match, line);
    const res = await fetch(`${match[1]}/images/generations`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-cli', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'p', model: 'dall-e-3' }),
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.code, 'content_policy_violation');
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
    assert.equal((await lines.next()).done, true, 'nothing else on stdout');
  } finally {
    child.kill('SIGKILL');
  }
});

describe('edits (multipart)', () => {
  let fake;
  before(async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  async function editCall(parts, { path = '/v1/images/edits', headers = AUTH } = {}) {
    const { encodePng } = await import('./fake_openai.mjs');
    const form = new FormData();
    for (const [name, value] of parts) {
      if (value === 'png') form.append(name, new Blob([encodePng(8, 8)], { type: 'image/png' }), `${name}.png`);
      else if (Buffer.isBuffer(value)) form.append(name, new Blob([value], { type: 'image/png' }), `${name}.png`);
      else form.append(name, value);
    }
    const res = await fetch(fake.origin + path, { method: 'POST', headers, body: form });
    return { status: res.status, json: await res.json() };
  }

  test('parses the form, checks it as the API does and bills the input images', async () => {
    const { encodeRgbaPng, EDIT_IMAGE_TOKENS, HIGH_FIDELITY_TOKENS } = await import('./fake_openai.mjs');
    const ok = await editCall([['model', 'gpt-image-1'], ['prompt', 'a fox'], ['image[]', 'png'], ['image[]', 'png'],
      ['mask', encodeRgbaPng(8, 8, () => 0)], ['input_fidelity', 'high']]);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.usage.input_tokens_details.image_tokens, 2 * (EDIT_IMAGE_TOKENS + HIGH_FIDELITY_TOKENS));
    assert.deepEqual(fake.requests[0].parts.map((p) => p.name), ['model', 'prompt', 'image[]', 'image[]', 'mask', 'input_fidelity']);
    assert.equal(fake.requests[0].body.prompt, 'a fox');

    const missing = await editCall([['model', 'gpt-image-1'], ['prompt', 'a fox']]);
    assert.equal(missing.status, 400);
    assert.equal(missing.json.error.code, 'missing_required_parameter');
    const fidelity = await editCall([['model', 'gpt-image-2'], ['prompt', 'a fox'], ['image[]', 'png'], ['input_fidelity', 'high']]);
    assert.equal(fidelity.json.error.param, 'input_fidelity');
    const mask = await editCall([['model', 'gpt-image-1'], ['prompt', 'a fox'], ['image[]', 'png'], ['mask', encodeRgbaPng(4, 8, () => 0)]]);
    assert.equal(mask.json.error.param, 'mask');
    const opaqueMask = await editCall([['model', 'gpt-image-1'], ['prompt', 'a fox'], ['image[]', 'png'], ['mask', 'png']]);
    assert.equal(opaqueMask.json.error.code, 'invalid_image_format');
    const dalle = await editCall([['model', 'dall-e-2'], ['prompt', 'a fox'], ['image[]', 'png']]);
    assert.equal(dalle.json.error.param, 'image', 'dall-e-2 takes one image, not image[]');
    const unknown = await editCall([['model', 'gpt-image-1'], ['prompt', 'a fox'], ['image[]', 'png'], ['style', 'vivid']]);
    assert.equal(unknown.json.error.code, 'unknown_parameter');
    const azure = await editCall([['model', 'dep'], ['prompt', 'a fox'], ['image[]', 'png']], {
      path: '/openai/deployments/gpt-image-1/images/edits?api-version=2025-04-01-preview', headers: { 'api-key': KEY },
    });
    assert.equal(azure.status, 200, JSON.stringify(azure.json));
  });
});
