// Fakes of the OpenAI-compatible local servers whose extras VisionaryAI speaks, on loopback:
// LocalAI (POST /v1/images/generations with its extra fields mode, step, negative_prompt and seed;
// a link to /generated-images/… unless b64_json is asked for; an `id` in the answer) and
// stable-diffusion.cpp's sd-server (always b64_json with created and output_format; native options
// inside the prompt as <sd_cpp_extra_args>{json}</sd_cpp_extra_args>) [protocols §1.7, §7].
// Each records what it was sent. Only node: built-ins.
import http from 'node:http';
import { randomUUID } from 'node:crypto';

import { encodePng } from './fake_openai.mjs';

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sizeOf(size, fallback) {
  const match = /^(\d+)x(\d+)$/.exec(size ?? '');
  return match ? { width: Number(match[1]), height: Number(match[2]) } : fallback;
}

// LocalAI's checks on its extras: wrong types are a 500 with its error shape.
function localAiProblem(body) {
  if (typeof body.prompt !== 'string') return 'prompt must be a string';
  if (body.step !== undefined && !Number.isInteger(body.step)) return 'step must be an integer';
  if (body.seed !== undefined && !Number.isInteger(body.seed)) return 'seed must be an integer';
  if (body.negative_prompt !== undefined && typeof body.negative_prompt !== 'string') return 'negative_prompt must be a string';
  return null;
}

const EXTRA_ARGS = /<sd_cpp_extra_args>(.*)<\/sd_cpp_extra_args>/s;

/**
 * kind: 'localai' | 'sd-server'. Resolves to { url (with /v1), requests ({body, extraArgs, prompt}),
 * downloads (paths), close() }; for sd-server, `prompt` is the prompt without the extra args and
 * `extraArgs` the parsed JSON (null when none).
 */
export async function startFakeLocalServer(kind) {
  const requests = [];
  const downloads = [];
  const pictures = new Map();
  let base = '';

  function localAi(res, body) {
    const problem = localAiProblem(body);
    if (problem) return send(res, 500, { error: { code: 500, message: problem, type: '' } });
    requests.push({ body, prompt: body.prompt, extraArgs: null });
    // LocalAI turns a size it cannot use into 512x512.
    const { width, height } = sizeOf(body.size, { width: 512, height: 512 });
    const png = encodePng(width, height);
    const data = Array.from({ length: body.n ?? 1 }, () => {
      if (body.response_format === 'b64_json') return { b64_json: png.toString('base64') };
      const name = `${randomUUID()}.png`;
      pictures.set(name, png);
      return { url: `${base}/generated-images/${name}` };
    });
    return send(res, 200, { created: Math.floor(Date.now() / 1000), id: randomUUID(), data });
  }

  function sdServer(res, body) {
    if (typeof body.prompt !== 'string') return send(res, 400, { error: 'prompt required' });
    const match = EXTRA_ARGS.exec(body.prompt);
    let extraArgs = null;
    if (match) {
      try {
        extraArgs = JSON.parse(match[1]);
      } catch {
        return send(res, 400, { error: 'invalid sd_cpp_extra_args' });
      }
    }
    requests.push({ body, prompt: body.prompt.replace(EXTRA_ARGS, ''), extraArgs });
    const { width, height } = sizeOf(body.size, { width: 512, height: 512 });
    const png = encodePng(width, height).toString('base64');
    return send(res, 200, {
      created: Math.floor(Date.now() / 1000),
      output_format: body.output_format ?? 'png',
      data: Array.from({ length: body.n ?? 1 }, () => ({ b64_json: png })),
    });
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://fake');
      if (req.method === 'GET' && url.pathname.startsWith('/generated-images/')) {
        const png = pictures.get(url.pathname.slice('/generated-images/'.length));
        downloads.push(url.pathname);
        if (!png) return send(res, 404, { error: 'not found' });
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
        return res.end(png);
      }
      if (req.method !== 'POST' || url.pathname !== '/v1/images/generations') return send(res, 404, { error: 'not found' });
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { error: 'invalid JSON' });
      }
      return kind === 'localai' ? localAi(res, body) : sdServer(res, body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: `${base}/v1`,
    requests,
    downloads,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
