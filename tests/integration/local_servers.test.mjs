// OpenAI-compatible local servers and their extras (VISIONARY_LOCAL_SERVER): LocalAI takes the
// negative prompt, steps and seed as fields of its own, stable-diffusion.cpp's sd-server inside the
// prompt as <sd_cpp_extra_args>; a generic server offers no engine controls at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startFakeLocalServer } from '../fakes/fake_local_servers.mjs';
import { api, assertError, generate, runBinary, startServer } from '../support/server.mjs';

async function setUp(t, kind, localServer = kind) {
  const fake = await startFakeLocalServer(kind);
  t.after(() => fake.close());
  const server = await startServer({
    t,
    env: { VISIONARY_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: fake.url, VISIONARY_MODEL: 'dreamshaper-8', VISIONARY_LOCAL_SERVER: localServer },
  });
  return { fake, server };
}

test('LocalAI: negative prompt, steps and seed sent as its fields, b64_json asked for, settings stored', async (t) => {
  const { fake, server } = await setUp(t, 'localai');
  const { options } = (await api(server.url, '/api/config')).json.models[0];
  assert.ok(options.negativePrompt && options.seed && options.steps, 'LocalAI\'s controls are offered');
  assert.equal(options.cfgScale, undefined, 'LocalAI takes no CFG scale');
  const res = await generate(server.url, { prompt: 'a koi pond', negative_prompt: 'people', steps: 15, seed: 99 });
  assert.equal(res.status, 201, res.text);
  const [sent] = fake.requests;
  assert.equal(sent.body.prompt, 'a koi pond');
  assert.equal(sent.body.negative_prompt, 'people');
  assert.equal(sent.body.step, 15);
  assert.equal(sent.body.seed, 99);
  assert.equal(sent.body.response_format, 'b64_json');
  assert.deepEqual(fake.downloads, []);
  const [image] = res.json.images;
  assert.equal(image.prompt, 'a koi pond');
  assert.equal(image.settings.negative_prompt, 'people');
  assert.equal(image.settings.seed, 99);
  assert.equal(image.settings.steps, 15);
  const refused = assertError(await generate(server.url, { prompt: 'x', cfg_scale: 7 }), 400, 'invalid_request');
  assert.match(refused.message, /cfg_scale/);
  assert.equal(fake.requests.length, 1);
});

test('sd-server: engine settings travel inside the prompt; the stored prompt is the user\'s own', async (t) => {
  const { fake, server } = await setUp(t, 'sd-server');
  const { options } = (await api(server.url, '/api/config')).json.models[0];
  assert.ok(options.cfgScale && options.steps && options.seed && options.negativePrompt);
  const res = await generate(server.url, {
    prompt: 'a paper boat', negative_prompt: 'water damage', steps: 8, seed: 7, cfg_scale: 3.5, size: '768x512',
  });
  assert.equal(res.status, 201, res.text);
  const [sent] = fake.requests;
  assert.equal(sent.prompt, 'a paper boat');
  assert.deepEqual(sent.extraArgs, {
    negative_prompt: 'water damage', seed: 7, sample_params: { sample_steps: 8, guidance: { txt_cfg: 3.5 } },
  });
  const [image] = res.json.images;
  assert.equal(image.prompt, 'a paper boat');
  assert.equal(image.width, 768);
  assert.equal(image.settings.cfg_scale, 3.5);
  // Without settings the prompt goes as it is.
  assert.equal((await generate(server.url, { prompt: 'plain' })).status, 201);
  assert.equal(fake.requests[1].body.prompt, 'plain');
});

test('a generic OpenAI-compatible server offers no engine controls and refuses them clearly', async (t) => {
  const { fake, server } = await setUp(t, 'localai', 'generic');
  const { options } = (await api(server.url, '/api/config')).json.models[0];
  for (const control of ['negativePrompt', 'seed', 'steps', 'cfgScale', 'sampler', 'checkpoint']) {
    assert.equal(options[control], undefined, control);
  }
  const refused = assertError(await generate(server.url, { prompt: 'x', seed: 1 }), 400, 'invalid_request');
  assert.match(refused.message, /seed/);
  assert.equal((await generate(server.url, { prompt: 'a fern' })).status, 201);
  assert.equal(fake.requests[0].body.seed, undefined);
});

test('an unknown VISIONARY_LOCAL_SERVER stops start-up with the choices', async () => {
  const run = await runBinary({
    env: { VISIONARY_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', VISIONARY_LOCAL_SERVER: 'comfyui' },
  });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /VISIONARY_LOCAL_SERVER 'comfyui'.*generic, localai or sd-server/);
});
