// The model catalogue: the models a server offers, each model's options in /api/config, requests
// checked against the chosen model before the provider is called (gpt-image-2's custom sizes on
// each rule), and VISIONARY_MODELS_FILE adding a model the UI then offers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  api, assertError, generate, registerSecret, runBinary, startApi, startFake, tempDir, NO_LIMITS,
} from '../support/server.mjs';

const TIMEOUT = 60_000;
const API_KEY = 'sk-catalog-test-key-7d1e2f3a4b5c';
registerSecret(API_KEY);

async function openaiServer(t, env = {}, fakeOptions = {}) {
  const fake = await startFake(t, { apiKey: API_KEY, ...fakeOptions });
  const server = await startApi({
    t,
    env: {
      VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url,
      VISIONARY_OPENAI_PARTIAL_IMAGES: '0', ...NO_LIMITS, ...env,
    },
  });
  return { fake, server };
}

const modelNames = (config) => config.models.map((m) => m.name);
const modelOf = (config, name) => config.models.find((m) => m.name === name);

test('OpenAI offers today\'s models, gpt-image-2 first, each with its own options', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  const config = (await api(server.url, '/api/config')).json;
  assert.equal(config.model, 'gpt-image-2');
  assert.deepEqual(modelNames(config), ['gpt-image-2', 'gpt-image-1.5', 'gpt-image-1', 'gpt-image-1-mini']);
  assert.deepEqual(config.models.map((m) => m.default), [true, false, false, false]);
  const two = modelOf(config, 'gpt-image-2');
  assert.equal(two.label, 'GPT Image 2');
  assert.deepEqual(two.options.size.custom,
    { multipleOf: 16, minEdge: 16, maxEdge: 3840, minPixels: 655360, maxPixels: 8294400, maxAspect: 3 });
  assert.deepEqual(two.options.background.values, ['opaque', 'auto'], 'no transparent background');
  assert.deepEqual(two.options.outputFormat.values, ['png', 'jpeg', 'webp']);
  assert.deepEqual(two.options.outputCompression, { min: 0, max: 100, default: 100 });
  assert.deepEqual(two.options.moderation.values, ['auto', 'low']);
  assert.equal(two.options.promptMaxChars, 4000, 'the site limit is below the model\'s 32000');
  assert.equal(two.options.canEdit, true);
  assert.deepEqual(config.options, two.options, 'options are the default model\'s');
  const older = modelOf(config, 'gpt-image-1.5');
  assert.equal(older.options.size.custom, undefined, 'presets only');
  assert.ok(older.options.background.values.includes('transparent'));
  assert.deepEqual(older.options.inputFidelity.values, ['low', 'high']);
  assert.equal(modelOf(config, 'gpt-image-1-mini').options.inputFidelity, undefined);
  assert.equal(fake.requests.length, 0);
});

test('gpt-image-2 custom sizes: one within the rules reaches the provider, each broken rule is refused by name', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  const ok = await generate(server.url, { prompt: 'a wide harbour', size: '1280x720' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(fake.requests.at(-1).body.model, 'gpt-image-2');
  assert.equal(fake.requests.at(-1).body.size, '1280x720');
  const refusals = [
    ['1000x1008', /multiples of 16/],
    ['4096x1536', /each edge must be from 16 to 3840 pixels/],
    ['3072x1008', /aspect ratio must be between 1:3 and 3:1/],
    ['768x768', /589,824 pixels; the model takes from 655,360 to 8,294,400/],
    ['3840x2176', /8,355,840 pixels/],
  ];
  for (const [size, rule] of refusals) {
    const res = await generate(server.url, { prompt: 'a wide harbour', size });
    assertError(res, 400, 'invalid_request');
    assert.match(res.json.error.message, rule, size);
  }
  assert.equal(fake.requests.length, 1, 'refused sizes never reach the provider');
});

test('a request may choose another model of the menu; its own rules apply and the image records it', { timeout: TIMEOUT }, async (t) => {
  const { fake, server } = await openaiServer(t);
  const custom = await generate(server.url, { prompt: 'a fox', model: 'gpt-image-1-mini', size: '1280x720' });
  assertError(custom, 400, 'invalid_request');
  assert.match(custom.json.error.message, /Unsupported size '1280x720'\. Choose one of: 1024x1024/);
  const unknown = await generate(server.url, { prompt: 'a fox', model: 'dall-e-3' });
  assertError(unknown, 400, 'invalid_request');
  assert.match(unknown.json.error.message, /Unknown model 'dall-e-3'\. Choose one of: gpt-image-2, gpt-image-1\.5/);
  assert.equal(fake.requests.length, 0);

  const res = await generate(server.url, {
    prompt: 'a fox sticker', model: 'gpt-image-1.5', size: '1024x1536', background: 'transparent',
    output_format: 'webp', output_compression: 80, moderation: 'low', quality: 'low',
  });
  assert.equal(res.status, 201, res.text);
  const sent = fake.requests.at(-1).body;
  assert.equal(sent.model, 'gpt-image-1.5');
  assert.equal(sent.background, 'transparent');
  assert.equal(sent.output_format, 'webp');
  assert.equal(sent.output_compression, 80);
  assert.equal(sent.moderation, 'low');
  assert.equal(res.json.images[0].model, 'gpt-image-1.5');
  const listed = (await api(server.url, '/api/getImages')).json.imageUrls;
  assert.equal(listed[0].model, 'gpt-image-1.5');

  const jpegTransparent = await generate(server.url, {
    prompt: 'a fox sticker', model: 'gpt-image-1.5', background: 'transparent', output_format: 'jpeg',
  });
  assertError(jpegTransparent, 400, 'invalid_request');
  assert.match(jpegTransparent.json.error.message, /transparent background needs png or webp/);
  const pngCompressed = await generate(server.url, { prompt: 'a fox', output_compression: 50 });
  assertError(pngCompressed, 400, 'invalid_request');
  assert.match(pngCompressed.json.error.message, /jpeg and webp output only/);
  assert.equal(fake.requests.length, 1);
});

test('VISIONARY_MODELS chooses the menu', { timeout: TIMEOUT }, async (t) => {
  const { server } = await openaiServer(t, { VISIONARY_MODEL: 'gpt-image-1', VISIONARY_MODELS: 'gpt-image-1-mini' });
  const config = (await api(server.url, '/api/config')).json;
  assert.deepEqual(modelNames(config), ['gpt-image-1', 'gpt-image-1-mini']);
  assert.equal(config.model, 'gpt-image-1');
});

test('a models file adds a model the server then offers and uses, and overrides a built-in one', { timeout: TIMEOUT }, async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'models.json');
  fs.writeFileSync(file, JSON.stringify({
    models: [
      {
        id: 'gpt-image-3', label: 'GPT Image 3', providers: ['openai'],
        sizes: ['1024x1024', '1536x1024'], defaultSize: '1536x1024',
        quality: { values: ['low', 'high'], default: 'high' }, maxN: 2, maxPromptChars: 2000,
      },
      { id: 'gpt-image-1-mini', maxN: 1 },
    ],
  }));
  const { fake, server } = await openaiServer(t, { VISIONARY_MODELS_FILE: file }, { aliases: { 'gpt-image-3': 'gpt-image-1' } });
  const config = (await api(server.url, '/api/config')).json;
  assert.equal(modelNames(config).at(-1), 'gpt-image-3');
  const three = modelOf(config, 'gpt-image-3');
  assert.equal(three.label, 'GPT Image 3');
  assert.deepEqual(three.options.size, { values: ['1024x1024', '1536x1024'], default: '1536x1024' });
  assert.deepEqual(three.options.quality, { values: ['low', 'high'], default: 'high' });
  assert.equal(three.options.n.max, 2);
  assert.equal(three.options.promptMaxChars, 2000);
  assert.equal(modelOf(config, 'gpt-image-1-mini').options.n.max, 1, 'overridden');
  assert.equal(modelOf(config, 'gpt-image-1-mini').options.size.default, '1024x1024', 'the rest kept');

  const res = await generate(server.url, { prompt: 'next month\'s model', model: 'gpt-image-3' });
  assert.equal(res.status, 201, res.text);
  assert.equal(fake.requests.at(-1).body.model, 'gpt-image-3');
  assert.equal(fake.requests.at(-1).body.size, '1536x1024', 'the entry\'s default size');
  assert.equal(res.json.images[0].model, 'gpt-image-3');
  const tooMany = await generate(server.url, { prompt: 'x', model: 'gpt-image-1-mini', n: 2 });
  assertError(tooMany, 400, 'invalid_request');
});

test('a models file with a mistake, or a model nothing describes, stops start-up with the fix', { timeout: TIMEOUT }, async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'models.json');
  fs.writeFileSync(file, JSON.stringify({ models: [{ id: 'gpt-image-2', maxN: 'many' }] }));
  const base = { VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, VISIONARY_DATA_DIR: dir };
  const bad = await runBinary({ env: { ...base, VISIONARY_MODELS_FILE: file } });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr + bad.stdout, /VISIONARY_MODELS_FILE .*models\.json: model gpt-image-2\.maxN must be a number from 1 to 10/);

  const azure = {
    VISIONARY_PROVIDER: 'azure-openai', AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com',
    AZURE_OPENAI_API_KEY: API_KEY, VISIONARY_MODEL: 'prod-images', VISIONARY_DATA_DIR: dir,
  };
  const unknown = await runBinary({ env: azure });
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr + unknown.stdout, /does not know 'prod-images' for azure-openai; name the entry that describes it with VISIONARY_CATALOG_MODEL/);
  const { VISIONARY_DATA_DIR: _unused, ...azureEnv } = azure;
  const described = await startApi({ t, env: { ...azureEnv, VISIONARY_CATALOG_MODEL: 'gpt-image-2' } });
  const config = (await api(described.url, '/api/config')).json;
  assert.deepEqual(modelNames(config), ['prod-images'], 'an Azure deployment is the only model');
  assert.equal(modelOf(config, 'prod-images').label, 'GPT Image 2');
  assert.deepEqual(config.options.outputFormat.values, ['png', 'jpeg'], 'Azure OpenAI makes no WebP');
});

test('an Azure deployment named freely is described by VISIONARY_CATALOG_MODEL: its options, its model field and its stream', { timeout: TIMEOUT }, async (t) => {
  const fake = await startFake(t, { apiKey: API_KEY, aliases: { 'team-images': 'gpt-image-2' } });
  const server = await startApi({
    t,
    env: {
      VISIONARY_PROVIDER: 'azure-openai', AZURE_OPENAI_ENDPOINT: fake.origin, AZURE_OPENAI_API_KEY: API_KEY,
      VISIONARY_MODEL: 'team-images', VISIONARY_CATALOG_MODEL: 'gpt-image-2', ...NO_LIMITS,
    },
  });
  const res = await generate(server.url, { prompt: 'a lantern festival', size: '1280x720', output_format: 'jpeg' });
  assert.equal(res.status, 201, res.text);
  const sent = fake.requests.at(-1);
  assert.equal(sent.path, '/openai/v1/images/generations');
  assert.equal(sent.body.model, 'team-images');
  assert.equal(sent.body.size, '1280x720');
  assert.equal(sent.body.stream, true, 'a GPT image deployment streams its partial images');
  assert.equal(res.json.images[0].model, 'team-images');
  const webp = await generate(server.url, { prompt: 'a lantern festival', output_format: 'webp' });
  assertError(webp, 400, 'invalid_request');
  assert.match(webp.json.error.message, /Choose one of: png, jpeg/);
});

test('the image is stored in the format the provider made, with the prompt and settings embedded and in the metadata', { timeout: TIMEOUT }, async (t) => {
  const { server } = await openaiServer(t);
  for (const [format, type, extension] of [['jpeg', 'image/jpeg', 'jpg'], ['webp', 'image/webp', 'webp'], ['png', 'image/png', 'png']]) {
    const res = await generate(server.url, { prompt: `a kite <${format}> & string`, output_format: format, quality: 'low' });
    assert.equal(res.status, 201, res.text);
    const image = res.json.images[0];
    assert.equal(image.contentType, type);
    assert.ok(image.name.endsWith(`.${extension}`), image.name);
    assert.equal(image.settings.output_format, format);
    assert.equal(image.settings.quality, 'low');
    assert.equal(image.settings.model, 'gpt-image-2');
    const file = await fetch(new URL(image.url, server.url));
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), type);
    const bytes = Buffer.from(await file.arrayBuffer());
    const magic = { jpeg: [0xff, 0xd8], webp: [0x52, 0x49, 0x46, 0x46], png: [0x89, 0x50] }[format];
    assert.deepEqual([...bytes.subarray(0, magic.length)], magic, `${format} bytes`);
    const text = bytes.toString('latin1');
    if (format === 'png') {
      assert.ok(text.includes('iTXt'), 'the PNG text chunk');
    } else {
      assert.ok(text.includes('<visionary:record>'), 'XMP with our record');
      assert.ok(text.includes(`a kite &lt;${format}&gt; &amp; string`), 'the prompt, XML-escaped');
      assert.ok(text.includes('&quot;output_format&quot;:&quot;' + format), 'the settings');
    }
    const thumb = await fetch(new URL(image.thumbnailUrl, server.url));
    assert.equal(thumb.headers.get('content-type'), 'image/webp');
  }
  const listed = (await api(server.url, '/api/getImages')).json.imageUrls;
  assert.deepEqual(listed.map((i) => i.contentType), ['image/png', 'image/webp', 'image/jpeg']);
  assert.deepEqual(listed.map((i) => i.settings.output_format), ['png', 'webp', 'jpeg']);
});

test('the demo paints in the output format asked for', { timeout: TIMEOUT }, async (t) => {
  const server = await startApi({ t, env: { VISIONARY_PROVIDER: 'demo', ...NO_LIMITS } });
  const config = (await api(server.url, '/api/config')).json;
  assert.deepEqual(config.options.outputFormat.values, ['png', 'jpeg', 'webp']);
  const res = await generate(server.url, { prompt: 'a tiled roof', output_format: 'webp', output_compression: 60 });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.images[0].contentType, 'image/webp');
  assert.equal(res.json.images[0].width, 1024);
  assert.equal(res.json.images[0].settings.output_compression, 60);
});
