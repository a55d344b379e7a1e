// A fake AUTOMATIC1111 (stable-diffusion-webui --api) server on loopback for the test suite:
// POST /sdapi/v1/txt2img answers like the real API ({images: [base64 PNG], parameters, info}),
// with its validation (422 {detail: [...]}) and error (500 {error, detail, body, errors}) shapes and
// optional HTTP Basic auth (--api-auth user:pass). Only node: built-ins.
import http from 'node:http';

import { encodePng } from './fake_openai.mjs';

function send(res, status, body) {
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
  res.on('error', () => {});
  res.write('{"images": ["');
  pump();
}

function validationError(loc, msg, type) {
  return { detail: [{ loc: ['body', ...loc], msg, type }] };
}

/**
 * options: { auth: 'user:pass' | undefined, behaviour: 'ok' | 'error' | 'slow' | 'huge' }
 * 'huge' answers with an image string of HUGE_ANSWER_BYTES, streamed as the client reads it.
 * Resolves to { url, requests, setBehaviour(b), close() }.
 */
export async function startFakeA1111({ auth, behaviour = 'ok', delayMs = 5000 } = {}) {
  let current = behaviour;
  const requests = [];
  const timers = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/sdapi/v1/txt2img') return send(res, 404, { detail: 'Not Found' });
      if (auth && req.headers.authorization !== `Basic ${Buffer.from(auth).toString('base64')}`) {
        res.setHeader('www-authenticate', 'Basic');
        return send(res, 401, { detail: 'Incorrect username or password.' });
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 422, validationError([], 'JSON decode error', 'value_error.jsondecode'));
      }
      requests.push({ headers: req.headers, body });
      if (typeof body.prompt !== 'string') return send(res, 422, validationError(['prompt'], 'str type expected', 'type_error.str'));
      const width = body.width ?? 512;
      const height = body.height ?? 512;
      const batch = body.batch_size ?? 1;
      for (const [name, value] of [['width', width], ['height', height], ['batch_size', batch]]) {
        if (!Number.isInteger(value) || value < 1) {
          return send(res, 422, validationError([name], 'value is not a valid integer', 'type_error.integer'));
        }
      }
      const answer = () => {
        if (current === 'huge') return sendHuge(res, HUGE_ANSWER_BYTES);
        if (current === 'error') {
          return send(res, 500, { error: 'OutOfMemoryError', detail: '', body: '', errors: 'CUDA out of memory. Tried to allocate 2.00 GiB' });
        }
        const png = encodePng(width, height).toString('base64');
        send(res, 200, {
          images: Array.from({ length: batch }, () => png),
          parameters: body,
          info: JSON.stringify({ prompt: body.prompt, seed: 1234, width, height, sd_model_name: 'v1-5-pruned-emaonly' }),
        });
      };
      if (current === 'slow') {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, delayMs);
        timers.add(timer);
      } else {
        answer();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    setBehaviour(b) {
      current = b;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
