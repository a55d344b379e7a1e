// Tests for the fake AUTOMATIC1111 server's running jobs: progress while a txt2img renders step by
// step, and an interrupt that makes it answer early. Run: node --test tests/fakes/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { startFakeA1111 } from './fake_a1111.mjs';

const AUTH = 'artist:pw';
const headers = { authorization: `Basic ${Buffer.from(AUTH).toString('base64')}`, 'content-type': 'application/json' };

let fake;
before(async () => {
  fake = await startFakeA1111({ auth: AUTH, behaviour: 'steps', steps: 4, stepMs: 40 });
});
after(() => fake.close());

const txt2img = () =>
  fetch(`${fake.url}/sdapi/v1/txt2img`, { method: 'POST', headers, body: JSON.stringify({ prompt: 'x', width: 64, height: 32 }) });
const progress = async () => (await fetch(`${fake.url}/sdapi/v1/progress?skip_current_image=false`, { headers })).json();

// Polls the fake's progress until `predicate` holds (a bounded number of times).
async function progressUntil(predicate) {
  for (let i = 0; i < 500; i++) {
    const now = await progress();
    if (predicate(now)) return now;
    await new Promise((resolve) => setTimeout(resolve, 5)); // the poll's interval
  }
  throw new Error('the fake never reached the expected progress');
}

test('idle: progress 0, no job, no picture', async () => {
  const idle = await progress();
  assert.equal(idle.progress, 0);
  assert.equal(idle.state.job_count, 0);
  assert.equal(idle.current_image, null);
});

test('a running txt2img advances step by step with a real PNG per step, then answers', async () => {
  const answer = txt2img();
  const midway = await progressUntil((p) => p.state.sampling_step >= 1);
  assert.equal(midway.state.job_count, 1);
  assert.equal(midway.state.sampling_steps, 4);
  assert.equal(midway.progress, midway.state.sampling_step / 4);
  assert.ok(midway.eta_relative >= 0);
  const png = Buffer.from(midway.current_image, 'base64');
  assert.equal(png.toString('latin1', 1, 4), 'PNG');
  const res = await answer;
  assert.equal(res.status, 200);
  assert.equal((await res.json()).images.length, 1);
  assert.equal((await progress()).state.job_count, 0, 'idle again');
  assert.ok(fake.progressPolls.length >= 2);
  assert.equal(fake.progressPolls[0].query.skip_current_image, 'false');
});

test('an interrupt ends the running txt2img at once with the picture it had, and is recorded', async () => {
  fake.setBehaviour('steps');
  const answer = txt2img();
  await progressUntil((p) => p.state.job_count === 1);
  const interrupted = await fetch(`${fake.url}/sdapi/v1/interrupt`, { method: 'POST', headers });
  assert.equal(interrupted.status, 200);
  assert.deepEqual(await interrupted.json(), {});
  const res = await answer;
  assert.equal(res.status, 200);
  assert.equal((await res.json()).images.length, 1);
  assert.equal(fake.interrupts.length, 1);
  assert.equal(fake.interrupts[0].headers.authorization, headers.authorization);
  assert.equal(fake.running, null);
});

test('progress and interrupt need the credentials too', async () => {
  assert.equal((await fetch(`${fake.url}/sdapi/v1/progress`)).status, 401);
  assert.equal((await fetch(`${fake.url}/sdapi/v1/interrupt`, { method: 'POST' })).status, 401);
});
