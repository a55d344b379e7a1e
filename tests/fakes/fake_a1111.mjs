// A fake AUTOMATIC1111 (stable-diffusion-webui --api) server on loopback for the test suite:
// POST /sdapi/v1/txt2img answers like the real API ({images: [base64 PNG], parameters, info}),
// with its validation (422 {detail: [...]}) and error (500 {error, detail, body, errors}) shapes and
// optional HTTP Basic auth (--api-auth user:pass). A txt2img can also run over sampling steps, while
// GET /sdapi/v1/progress tells how far it is (with the picture so far) and POST /sdapi/v1/interrupt
// ends it early, as the real server does [protocols §7]. POST /sdapi/v1/img2img edits: every
// txt2img field plus init_images, mask and denoising_strength. GET /sdapi/v1/samplers and
// /sdapi/v1/sd-models list the samplers and checkpoints, and each answer's `info` (a JSON text)
// carries the seed really used (`seed`, and `all_seeds` for a batch): the requested one, or a random
// one for -1. Only node: built-ins.
import http from 'node:http';

import { encodePng } from './fake_openai.mjs';

function send(res, status, body) {
  if (res.destroyed) return; // the client went away (an aborted call)
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export const HUGE_ANSWER_BYTES = 200 * 1024 * 1024;

// {"images": ["AAAA…"]} of `total` bytes, written as the client takes it (never held whole).
function sendHuge(res, total) {
  res.writeHead(200, { 'content-type': 'application/json' });
  const piece = Buffer.alloc(1024 * 1024, 'A');
  let left = total;
  const pump = () => {
    while (left > 0) {
      left -= piece.length;
      if (!res.write(piece)) return res.once('drain', pump);
    }
    res.end('"]}');
    return undefined;
  };
  res.write('{"images": ["');
  pump();
}

function validationError(loc, msg, type) {
  return { detail: [{ loc: ['body', ...loc], msg, type }] };
}

// The picture after `step` sampling steps: a small real PNG, a little larger at each step.
const previews = new Map();
function previewPng(step) {
  if (!previews.has(step)) previews.set(step, encodePng(8 + step, 8 + step).toString('base64'));
  return previews.get(step);
}

// What GET /sdapi/v1/progress says about the running job (null when idle).
function progressOf(job, skipImage) {
  const state = { skipped: false, interrupted: job?.interrupted ?? false, job: job ? 'task(fake)' : '', job_count: job ? 1 : 0,
    job_timestamp: job?.timestamp ?? '0', job_no: 0, sampling_step: job?.step ?? 0, sampling_steps: job?.steps ?? 0 };
  if (!job) return { progress: 0, eta_relative: 0, state, current_image: null, textinfo: null };
  return {
    progress: job.step / job.steps,
    eta_relative: ((job.steps - job.step) * job.stepMs) / 1000,
    state,
    current_image: job.step > 0 && !skipImage ? previewPng(job.step) : null,
    textinfo: null,
  };
}

function parseTxt2img(chunks) {
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return { error: validationError([], 'JSON decode error', 'value_error.jsondecode') };
  }
  if (typeof body.prompt !== 'string') return { body, error: validationError(['prompt'], 'str type expected', 'type_error.str') };
  const size = { width: body.width ?? 512, height: body.height ?? 512, batch: body.batch_size ?? 1 };
  for (const [name, value] of [['width', size.width], ['height', size.height], ['batch_size', size.batch]]) {
    if (!Number.isInteger(value) || value < 1) {
      return { body, error: validationError([name], 'value is not a valid integer', 'type_error.integer') };
    }
  }
  return { body, size };
}

const IMAGE_MAGIC = [Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('RIFF')];
const isImage = (bytes) => IMAGE_MAGIC.some((magic) => bytes.subarray(0, magic.length).equals(magic));

// img2img takes every txt2img field plus init_images (base64 pictures), an optional mask (base64)
// and denoising_strength (0..1); FastAPI's 422 for wrong types, the webui's 500 for undecodable
// pictures.
function parseImg2img(chunks) {
  const parsed = parseTxt2img(chunks);
  if (parsed.error) return parsed;
  const { body } = parsed;
  const images = body.init_images;
  if (!Array.isArray(images) || images.length === 0 || !images.every((i) => typeof i === 'string')) {
    return { body, error: validationError(['init_images'], 'value is not a valid list', 'type_error.list') };
  }
  if (body.denoising_strength !== undefined && (typeof body.denoising_strength !== 'number' || body.denoising_strength < 0 || body.denoising_strength > 1)) {
    return { body, error: validationError(['denoising_strength'], 'value is not a valid float', 'type_error.float') };
  }
  const pictures = [...images, ...(body.mask ? [body.mask] : [])].map((text) => Buffer.from(text, 'base64'));
  if (!pictures.every(isImage)) return { body, undecodable: true };
  return { ...parsed, init: Buffer.from(images[0], 'base64'), mask: body.mask ? Buffer.from(body.mask, 'base64') : null };
}

export const SAMPLERS = ['Euler a', 'DPM++ 2M Karras', 'DDIM'];
export const CHECKPOINTS = [
  { title: 'v1-5-pruned-emaonly.safetensors [6ce0161689]', model_name: 'v1-5-pruned-emaonly', hash: '6ce0161689' },
  { title: 'sd_xl_base_1.0.safetensors [31e35c80fc]', model_name: 'sd_xl_base_1.0', hash: '31e35c80fc' },
];

function randomSeed() {
  return Math.floor(Math.random() * 4294967295);
}

/**
 * options: { auth: 'user:pass' | undefined, behaviour: 'ok' | 'error' | 'slow' | 'huge' | 'steps',
 *            delayMs (slow: the wait, 5000), steps (steps: sampling steps, 5), stepMs (each, 200) }
 * 'huge' answers with an image string of HUGE_ANSWER_BYTES, streamed as the client reads it.
 * 'steps' runs the txt2img over `steps` steps of `stepMs`: progress advances, with a preview per
 * step; an interrupt makes it answer at once with the picture it had. A client that leaves does not
 * stop it (the real server renders on), only an interrupt does.
 * listings: 'ok' | 'error' (500 for the samplers and sd-models lists).
 * Resolves to { url, requests (txt2img and img2img: {path, headers, body, init?, mask?}), progressPolls, interrupts ({headers}), listingCalls (paths),
 * running (the job or null), setBehaviour(b), setListings(l), close() }.
 */
export async function startFakeA1111({ auth, behaviour = 'ok', delayMs = 5000, steps = 5, stepMs = 200, listings = 'ok' } = {}) {
  const checkpoints = CHECKPOINTS;
  let listingBehaviour = listings;
  const listingCalls = [];
  let current = behaviour;
  let job = null;
  const requests = [];
  const progressPolls = [];
  const interrupts = [];
  const timers = new Set();
  const after = (ms, fn) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    return timer;
  };

  function answerTxt2img(res, body, { width, height, batch }) {
    if (current === 'huge') return sendHuge(res, HUGE_ANSWER_BYTES);
    if (current === 'error') {
      return send(res, 500, { error: 'OutOfMemoryError', detail: '', body: '', errors: 'CUDA out of memory. Tried to allocate 2.00 GiB' });
    }
    const png = encodePng(width, height).toString('base64');
    const seed = Number.isInteger(body.seed) && body.seed >= 0 ? body.seed : randomSeed();
    const all_seeds = Array.from({ length: batch }, (_, i) => seed + i);
    const checkpoint = body.override_settings?.sd_model_checkpoint ?? checkpoints[0].title;
    return send(res, 200, {
      images: Array.from({ length: batch }, () => png),
      parameters: body,
      info: JSON.stringify({ prompt: body.prompt, negative_prompt: body.negative_prompt ?? '', seed, all_seeds,
        width, height, steps: body.steps ?? 20, cfg_scale: body.cfg_scale ?? 7, sampler_name: body.sampler_name ?? 'Euler a',
        sd_model_name: checkpoint }),
    });
  }

  // Renders step by step; the answer comes at the last step or at an interrupt.
  function runSteps(res, body, size) {
    const run = { step: 0, steps, stepMs, interrupted: false, timestamp: String(Date.now()), timer: null };
    run.finish = () => {
      clearTimeout(run.timer);
      timers.delete(run.timer);
      if (job === run) job = null;
      answerTxt2img(res, body, size);
    };
    const tick = () => {
      run.step += 1;
      if (run.step >= run.steps) return run.finish();
      run.timer = after(stepMs, tick);
      return undefined;
    };
    job = run;
    run.timer = after(stepMs, tick);
  }

  function img2img(res, chunks) {
    const { body, size, error, undecodable, init, mask } = parseImg2img(chunks);
    if (body !== undefined) requests.push({ path: '/sdapi/v1/img2img', headers: res.req.headers, body, init, mask });
    if (error) return send(res, 422, error);
    if (undecodable) return send(res, 500, { error: 'UnidentifiedImageError', detail: '', body: '', errors: 'cannot identify image file' });
    return answerTxt2img(res, body, size);
  }

  function txt2img(res, chunks) {
    const { body, size, error } = parseTxt2img(chunks);
    if (body !== undefined) requests.push({ path: '/sdapi/v1/txt2img', headers: res.req.headers, body });
    if (error) return send(res, 422, error);
    if (current === 'steps') return runSteps(res, body, size);
    if (current === 'slow') return void after(delayMs, () => answerTxt2img(res, body, size));
    return answerTxt2img(res, body, size);
  }

  function route(req, res, chunks) {
    const url = new URL(req.url, 'http://fake');
    const known = (req.method === 'POST' && ['/sdapi/v1/txt2img', '/sdapi/v1/img2img', '/sdapi/v1/interrupt'].includes(url.pathname)) ||
      (req.method === 'GET' && ['/sdapi/v1/progress', '/sdapi/v1/samplers', '/sdapi/v1/sd-models'].includes(url.pathname));
    if (!known) return send(res, 404, { detail: 'Not Found' });
    if (auth && req.headers.authorization !== `Basic ${Buffer.from(auth).toString('base64')}`) {
      res.setHeader('www-authenticate', 'Basic');
      return send(res, 401, { detail: 'Incorrect username or password.' });
    }
    if (url.pathname === '/sdapi/v1/samplers' || url.pathname === '/sdapi/v1/sd-models') {
      listingCalls.push(url.pathname);
      if (listingBehaviour === 'error') return send(res, 500, { error: 'RuntimeError', detail: '', body: '', errors: 'listing failed' });
      if (url.pathname === '/sdapi/v1/samplers') {
        return send(res, 200, SAMPLERS.map((name) => ({ name, aliases: [], options: {} })));
      }
      return send(res, 200, checkpoints.map((c) => ({ ...c, sha256: null, filename: `/models/${c.model_name}.safetensors`, config: null })));
    }
    if (url.pathname === '/sdapi/v1/progress') {
      progressPolls.push({ headers: req.headers, query: Object.fromEntries(url.searchParams) });
      return send(res, 200, progressOf(job, url.searchParams.get('skip_current_image') === 'true'));
    }
    if (url.pathname === '/sdapi/v1/interrupt') {
      interrupts.push({ headers: req.headers });
      if (job) {
        job.interrupted = true;
        job.finish();
      }
      return send(res, 200, {});
    }
    if (url.pathname === '/sdapi/v1/img2img') return img2img(res, chunks);
    return txt2img(res, chunks);
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('end', () => route(req, res, chunks));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    progressPolls,
    interrupts,
    listingCalls,
    get running() {
      return job;
    },
    setBehaviour(b) {
      current = b;
    },
    setListings(l) {
      listingBehaviour = l;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      job = null;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
